"""No torch twin (``torch_impl.checkpoints`` converts to and from it): the weights file,
parameters and their spec in one ``.npz``, written atomically.

Layout: arrays ``W1, b1, ..., WL, bL`` in course shapes (a batch-norm layer: ``gamma{l}``,
``beta{l}`` and its running statistics ``running_mean{l}``, ``running_var{l}`` in place of
``b{l}``), and ``spec``, the spec's JSON as a 0-d string array, so the file loads with
``allow_pickle=False`` and needs nothing but NumPy. A run trained with a stateful optimizer
adds its state (``v_dW1, ...``, ``s_dW1, ...``, ``t``, as ``scratch.Optimizer.state()`` gives it)
and ``optimizer``, its name as a 0-d string.

Reading goes through ``scratch.npz_files``' bounds, then every array is checked against the spec
as its header declares it (keys, shapes, dtypes), before a byte of its data is read; a state is
checked by ``scratch.optimizers.check_state`` where it enters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from scratch._atomic import atomic_write
from scratch.documents import MAX_BYTES
from scratch.npz_files import NpzArchive, open_npz
from scratch.optimizers import Optimizer, check_state
from scratch.spec import NetworkSpec, SpecError
from scratch.validation import check_params

SPEC_KEY = "spec"
OPTIMIZER_KEY = "optimizer"
EXPECTED = "expected the .npz of weights that save_weights (and nn-train) writes"


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
    with _weights(path, spec) as (archive, spec):
        params = {key: archive.read(key) for key in _param_keys(spec)}
    check_params(params, spec, name=f"weights in {Path(path).name}")
    return params, spec


def load_optimizer_state(path: str | Path) -> tuple[str, dict[str, np.ndarray]]:
    """``(optimizer, state)`` saved with the weights in ``path``: ``("gd", {})`` for a file
    without optimizer state (gradient descent keeps none, and older files hold none). The state
    is checked against the file's weights (``scratch.optimizers.check_state``): anything else
    is a one-line ``ValueError`` naming the file and the entry."""
    label = _label(path)
    with _weights(path) as (archive, spec):
        if OPTIMIZER_KEY not in archive.members:
            return "gd", {}
        name = _text(archive, OPTIMIZER_KEY, label)
        declared = archive.declared()
        state = {key: archive.read(key) for key in _state_keys(archive.members)}
    try:
        check_state(name, {key: declared[key] for key in _param_keys(spec)}, state)
    except ValueError as err:
        raise ValueError(f"{label}: {err}") from None
    return name, state


@contextmanager
def _weights(
    path: str | Path, spec: NetworkSpec | None = None
) -> Iterator[tuple[NpzArchive, NetworkSpec]]:
    """The weights file at ``path``, open, with its spec (or ``spec``), every array checked
    against it as declared, before any is read: the parameters (``check_params``' keys, shapes
    and dtypes), the optimizer's state entries (each shaped like its parameter), the spec and
    the optimizer's name (single strings)."""
    path = Path(path)
    label = _label(path)
    with open_npz(path, label, EXPECTED) as archive:
        stored = _stored_spec(archive, label) if SPEC_KEY in archive.members else None
        if stored is not None and spec is not None and stored != spec:
            raise ValueError(f"{label} holds another spec than the one given")
        spec = spec or stored
        if spec is None:
            raise ValueError(f"{label} holds no spec; pass the one it was made with")
        declared = archive.declared()
        state_keys = _state_keys(declared)
        params = {
            k: v for k, v in declared.items() if k not in {SPEC_KEY, OPTIMIZER_KEY, *state_keys}
        }
        check_params(params, spec, name=f"weights in {path.name}", finite=False)
        learned = spec.param_shapes()
        for key in state_keys:
            if key == "t":
                shape, should = (), "t is a single number, the steps taken"
            else:
                shape = learned.get(key[3:]) if key[2:3] == "d" else None
                should = f"its parameter {key[3:]} is {shape}"
            if shape is None:
                raise ValueError(f"{label} holds {key!r}, which is no optimizer state of this spec")
            if declared[key].shape != shape:
                raise ValueError(
                    f"{label}: the optimizer state's {key} is declared {declared[key].shape}; "
                    f"{should}"
                )
        if OPTIMIZER_KEY in declared:
            _check_text(declared[OPTIMIZER_KEY], OPTIMIZER_KEY, label)
        yield archive, spec


def _label(path: str | Path) -> str:
    return f"weights file {str(path)!r}"


def _param_keys(spec: NetworkSpec) -> list[str]:
    return [*spec.param_shapes(), *spec.buffer_shapes()]


def _stored_spec(archive: NpzArchive, label: str) -> NetworkSpec:
    text = _text(archive, SPEC_KEY, label)
    try:
        return NetworkSpec.from_json(text)
    except SpecError as err:
        raise SpecError(f"{label}: {err}") from None


def _text(archive: NpzArchive, key: str, label: str) -> str:
    """A 0-d string member's text, its declaration checked before it is read."""
    _check_text(archive.declared()[key], key, label)
    return str(archive.read(key))


def _check_text(value: np.ndarray, key: str, label: str) -> None:
    """A single string of at most a document's size (``scratch.documents.MAX_BYTES``)."""
    if value.ndim != 0 or value.dtype.kind != "U":
        raise ValueError(
            f"{label}: {key!r} is a {value.dtype} array of shape {value.shape}; "
            "expected a single string"
        )
    if value.dtype.itemsize > 4 * MAX_BYTES:  # four bytes a character
        raise ValueError(
            f"{label}: {key!r} is a string of {value.dtype.itemsize // 4} characters, longer "
            f"than a document may be ({MAX_BYTES >> 20} MiB)"
        )


def _state_keys(arrays: Mapping[str, np.ndarray]) -> list[str]:
    return [key for key in arrays if key == "t" or key.startswith(("v_", "s_"))]
