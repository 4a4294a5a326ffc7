"""Run folders: each training run keeps its outputs in ``<runs_dir>/<name>/``.

A run is written into a hidden staging folder beside its final place and moved there with one
rename when it ends, so a crash or Ctrl-C leaves no half-written run behind and every earlier run
as it was. An earlier run is never overwritten unasked: without ``--name`` a run takes the first
free name of ``<dataset>-<impl>``, ``<dataset>-<impl>-2``, ...; a ``--name`` already taken is an
error. ``overwrite`` asks to replace the run of that name (``--name``, or ``<dataset>-<impl>``
without it), which happens only once the new one is complete.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from scripts.errors import UserError


class RunFolder:
    """A run's folder while it is written: files go to ``file(name)``, ``publish()`` moves them
    to ``path``. Used as a context manager, it removes the staging folder unless published.
    ``name`` ``None``: ``default_name``, numbered when taken unless ``overwrite``."""

    def __init__(self, runs_dir: str | Path, name: str | None, default_name: str, overwrite: bool):
        self.runs_dir = Path(runs_dir)
        self.overwrite = overwrite
        self.name = name if name is not None else default_name
        if not self.name or self.name.startswith(".") or Path(self.name).name != self.name:
            raise UserError(f"run name {self.name!r} must be a plain folder name")
        if name is None and not overwrite:
            self.name = self._free_name(self.name)
        elif self.path.exists() and not overwrite:
            raise UserError(
                f"{self.path} already exists; choose another --name, or add --overwrite "
                "to replace it"
            )
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.name}.", dir=self.runs_dir))
        self.published = False

    @property
    def path(self) -> Path:
        return self.runs_dir / self.name

    def file(self, filename: str) -> Path:
        """Where ``filename`` is written now; it ends up as ``path / filename``."""
        return self.staging / filename

    def publish(self) -> Path:
        """Move the finished run to ``path`` and return it. Should another run have taken the
        name meanwhile, this one takes the next free name rather than replace it uninvited."""
        if self.path.exists() and not self.overwrite:
            self.name = self._free_name(self.name)
        if self.path.exists():
            self._replace()
        else:
            os.rename(self.staging, self.path)
        self.published = True
        return self.path

    def _replace(self) -> None:
        old = Path(tempfile.mkdtemp(prefix=f".{self.name}.replaced.", dir=self.runs_dir))
        os.rename(self.path, old / self.name)
        try:
            os.rename(self.staging, self.path)
        except OSError:
            os.rename(old / self.name, self.path)
            raise
        shutil.rmtree(old)

    def _free_name(self, base: str) -> str:
        candidates = itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2)))
        return next(name for name in candidates if not (self.runs_dir / name).exists())

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.published:
            shutil.rmtree(self.staging, ignore_errors=True)
