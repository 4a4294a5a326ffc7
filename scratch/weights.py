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

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from scratch._atomic import atomic_write
from scratch.npz_files import read_npz
from scratch.optimizers import Optimizer
from scratch.spec import NetworkSpec, SpecError
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
    label = f"weights file {str(path)!r}"
    arrays = _read(path)
    stored = arrays.pop(SPEC_KEY, None)
    arrays.pop(OPTIMIZER_KEY, None)
    arrays = {key: value for key, value in arrays.items() if key not in _state_keys(arrays)}
    if stored is not None:
        stored = _stored_spec(stored, label)
        if spec is not None and stored != spec:
            raise ValueError(f"{label} holds another spec than the one given")
    spec = spec or stored
    if spec is None:
        raise ValueError(f"{label} holds no spec; pass the one it was made with")
    check_params(arrays, spec, name=f"weights in {path.name}")
    return arrays, spec


def load_optimizer_state(path: str | Path) -> tuple[str, dict[str, np.ndarray]]:
    """``(optimizer, state)`` saved with the weights in ``path``: ``("gd", {})`` for a file
    without optimizer state (gradient descent keeps none, and older files hold none)."""
    arrays = _read(Path(path))
    if OPTIMIZER_KEY not in arrays:
        return "gd", {}
    name = _text(arrays[OPTIMIZER_KEY], OPTIMIZER_KEY, f"weights file {str(path)!r}")
    return name, {key: arrays[key] for key in _state_keys(arrays)}


def _read(path: Path) -> dict[str, np.ndarray]:
    expected = "expected the .npz of weights that save_weights (and nn-train) writes"
    return read_npz(path, f"weights file {str(path)!r}", expected)


def _stored_spec(stored: np.ndarray, label: str) -> NetworkSpec:
    text = _text(stored, SPEC_KEY, label)
    try:
        return NetworkSpec.from_json(text)
    except SpecError as err:
        raise SpecError(f"{label}: {err}") from None


def _text(value: np.ndarray, key: str, label: str) -> str:
    """A 0-d string array's text."""
    if value.ndim != 0 or value.dtype.kind != "U":
        raise ValueError(
            f"{label}: {key!r} is a {value.dtype} array of shape {value.shape}; "
            "expected a single string"
        )
    return str(value)


def _state_keys(arrays: Mapping[str, np.ndarray]) -> list[str]:
    return [key for key in arrays if key == "t" or key.startswith(("v_", "s_"))]
