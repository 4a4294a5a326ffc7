"""The weights file: parameters and their spec in one ``.npz``, written atomically.

Layout: arrays ``W1, b1, ..., WL, bL`` in course shapes, and ``spec``, the spec's JSON as a
0-d string array, so the file loads with ``allow_pickle=False`` and needs nothing but NumPy.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from scratch._atomic import atomic_write
from scratch.spec import NetworkSpec
from scratch.validation import check_params

SPEC_KEY = "spec"


def save_weights(path: str | Path, parameters: Mapping[str, np.ndarray], spec: NetworkSpec) -> None:
    """Write ``parameters`` (checked against ``spec``) and the spec to ``path``. The file is
    written beside ``path`` and renamed over it, so an earlier file survives a crash intact."""
    check_params(parameters, spec)
    arrays = {key: parameters[key] for key in spec.param_shapes()}
    atomic_write(path, lambda fh: np.savez(fh, **{SPEC_KEY: np.array(spec.to_json())}, **arrays))


def load_weights(
    path: str | Path, spec: NetworkSpec | None = None
) -> tuple[dict[str, np.ndarray], NetworkSpec]:
    """Read ``(parameters, spec)`` from a weights file. ``spec`` is needed only for an ``.npz``
    that holds no spec of its own; when both are present they must agree."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except FileNotFoundError:
        raise FileNotFoundError(f"weights file {str(path)!r} does not exist") from None
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise ValueError(f"weights file {str(path)!r} is not a readable .npz ({err})") from None
    stored = arrays.pop(SPEC_KEY, None)
    if stored is not None:
        stored = NetworkSpec.from_json(str(stored))
        if spec is not None and stored != spec:
            raise ValueError(f"weights file {str(path)!r} holds another spec than the one given")
    spec = spec or stored
    if spec is None:
        raise ValueError(f"weights file {str(path)!r} holds no spec; pass the one it was made with")
    check_params(arrays, spec, name=f"weights in {path.name}")
    return arrays, spec
