"""Run folders: each training run keeps its outputs in ``<runs_dir>/<name>/``, a plain folder.

A run is written into a hidden staging folder beside its final place and moved there with one
rename when it ends, so a crash, a kill or Ctrl-C leaves no half-written run behind (nor the runs
folder, when the run made it) and every earlier run as it was. An earlier run is never overwritten
unasked: without ``--name`` a run takes the first free name of ``<dataset>-<impl>``,
``<dataset>-<impl>-2``, ...; a ``--name`` already taken is an error. ``overwrite`` asks to replace
the run of that name (``--name``, or ``<dataset>-<impl>`` without it), which happens only once the
new one is complete, by swapping the two folders in one step: the name holds the old run or the new
one at every instant. Where the file system cannot swap (``scripts.runs.staging.exchange``), the
old run is moved aside first, and should the process die before the new one is in place, the next
run in the same runs folder puts the old one back. That next run also removes the staging folders
of killed runs, and says so on stderr."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sys
from pathlib import Path
from types import TracebackType

from scripts.cli.errors import RunError, UserError
from scripts.runs.staging import REPLACED, STAGING, WorkFolder, clean_stale, exchange


class RunFolder:
    """A run's folder while it is written: files go to ``file(name)``, ``publish()`` moves them
    to ``path``. Used as a context manager, it removes the staging folder unless published, and
    turns a failed write into a ``RunError`` that names the runs folder and the reason.
    ``name`` ``None``: ``default_name``, numbered when taken unless ``overwrite``."""

    def __init__(self, runs_dir: str | Path, name: str | None, default_name: str, overwrite: bool):
        self.runs_dir = Path(runs_dir)
        self.overwrite = overwrite
        self.name = name if name is not None else default_name
        if not self.name or self.name.startswith(".") or Path(self.name).name != self.name:
            raise UserError(f"run name {self.name!r} must be a plain folder name")
        if self.runs_dir.exists() and not self.runs_dir.is_dir():
            raise UserError(f"runs folder {self.runs_dir} is a file, not a folder")
        self._made_runs_dir = not self.runs_dir.exists()
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
            for note in clean_stale(self.runs_dir):
                print(note, file=sys.stderr)
            if name is None and not overwrite:
                self.name = self._free_name(self.name)
            elif self.path.exists() and not overwrite:
                raise UserError(
                    f"{self.path} already exists; choose another --name, or add --overwrite "
                    "to replace it"
                )
            self._staging = WorkFolder(self.runs_dir, self.name, STAGING)
        except OSError as err:
            raise UserError(
                f"cannot make a run in runs folder {self.runs_dir}: {_reason(err)}"
            ) from None
        self.staging = self._staging.path
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
        if not os.path.lexists(self.path):
            os.rename(self.staging, self.path)
        elif exchange(self.staging, self.path):
            shutil.rmtree(self.staging, ignore_errors=True)  # the old run, now in staging's place
        else:
            self._replace_in_two_steps()
        self.published = True
        return self.path

    def _replace_in_two_steps(self) -> None:
        aside = WorkFolder(self.runs_dir, self.name, REPLACED)
        try:
            os.rename(self.path, aside.path / self.name)
            try:
                os.rename(self.staging, self.path)
            except OSError:
                os.rename(aside.path / self.name, self.path)
                raise
            shutil.rmtree(aside.path, ignore_errors=True)
        finally:
            aside.release()

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
        self._staging.release()
        if not self.published:
            shutil.rmtree(self.staging, ignore_errors=True)
            if self._made_runs_dir:
                with contextlib.suppress(OSError):  # not empty: another run is in it now
                    self.runs_dir.rmdir()
        if isinstance(error, OSError) and _inside(error.filename, self.runs_dir):
            raise RunError(
                f"could not save run {self.name!r} in runs folder {self.runs_dir}: "
                f"{_reason(error)}; no run was written or changed"
            ) from None


def _reason(err: OSError) -> str:
    return err.strerror or str(err)


def _inside(filename: object, folder: Path) -> bool:
    """Whether an ``OSError``'s file is in ``folder`` (or unnamed, as a full disk's write is)."""
    if filename is None:
        return True
    try:
        return Path(os.fsdecode(filename)).resolve().is_relative_to(folder.resolve())
    except (TypeError, ValueError, OSError):
        return False
