"""No torch twin (``torch_impl.checkpoints`` converts to and from it): the weights file,
parameters and their spec in one ``.npz``, written atomically.

Layout: arrays ``W1, b1, ..., WL, bL`` in course shapes (a batch-norm layer: ``gamma{l}``,
``beta{l}`` and its running statistics ``running_mean{l}``, ``running_var{l}`` in place of
``b{l}``), and ``spec``, the spec's JSON as a 0-d string array, so the file loads with
``allow_pickle=False`` and needs nothing but NumPy. A run trained with a stateful optimizer
adds its state (``v_dW1, ...``, ``s_dW1, ...``, ``t``, as ``scratch.Optimizer.state()`` gives it)
and ``optimizer``, its name as a 0-d string.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from scratch._atomic import atomic_write
from scratch.optimizers import Optimizer
from scratch.spec import NetworkSpec
from scratch.validation import check_params

SPEC_KEY = "spec"
OPTIMIZER_KEY = "optimizer"


def save_weights(
    path: str | Path,
    parameters: Mapping[str, np.ndarray],
    spec: NetworkSpec,
    optimizer: str = "gd",
    state: Mapping[str, np.ndarray] | None = None,
) -> None:
    """Write ``parameters`` (checked against ``spec``), the spec and, for a stateful
    ``optimizer``, its ``state`` to ``path``. The file is written beside ``path`` and renamed
    over it, so an earlier file survives a crash intact."""
    check_params(parameters, spec)
    Optimizer.from_state(optimizer, parameters, state)  # checks the state against them
    keys = spec.param_shapes() | spec.buffer_shapes()
    arrays = {key: parameters[key] for key in keys} | dict(state or {})
    if state:
        arrays[OPTIMIZER_KEY] = np.array(optimizer)
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
    arrays.pop(OPTIMIZER_KEY, None)
    arrays = {key: value for key, value in arrays.items() if key not in _state_keys(arrays)}
    if stored is not None:
        stored = NetworkSpec.from_json(str(stored))
        if spec is not None and stored != spec:
            raise ValueError(f"weights file {str(path)!r} holds another spec than the one given")
    spec = spec or stored
    if spec is None:
        raise ValueError(f"weights file {str(path)!r} holds no spec; pass the one it was made with")
    check_params(arrays, spec, name=f"weights in {path.name}")
    return arrays, spec


def load_optimizer_state(path: str | Path) -> tuple[str, dict[str, np.ndarray]]:
    """``(optimizer, state)`` saved with the weights in ``path``: ``("gd", {})`` for a file
    without optimizer state (gradient descent keeps none, and older files hold none)."""
    with np.load(Path(path), allow_pickle=False) as data:
        if OPTIMIZER_KEY not in data.files:
            return "gd", {}
        arrays = {key: data[key] for key in data.files}
    return str(arrays[OPTIMIZER_KEY]), {key: arrays[key] for key in _state_keys(arrays)}


def _state_keys(arrays: Mapping[str, np.ndarray]) -> list[str]:
    return [key for key in arrays if key == "t" or key.startswith(("v_", "s_"))]
