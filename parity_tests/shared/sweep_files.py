"""Bad files for the sweep (issue 11): each kind a file that a user or an adversary might hand
to a command or to the API where a config, spec, weights or data file is expected.

``write(folder, kind, name)`` makes ``folder / name`` of that kind (``missing`` makes nothing,
``dir`` a folder) and returns its path, so one table of kinds serves every file-taking input.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import scratch

DEEP = 100_000  # the nesting depth that raised RecursionError (cause 3)
SPEC = scratch.build_spec([2, 3, 1], "tanh", seed=0)


def weights(spec: scratch.NetworkSpec = SPEC, **changes: np.ndarray) -> dict[str, np.ndarray]:
    """The spec's initial weights, with some arrays replaced."""
    params = scratch.initialize_parameters(spec)
    params.update(changes)
    return params


def nan_at(key: str, value: float = np.nan, at: tuple[int, int] = (0, 0)) -> dict:
    """Weights of ``SPEC`` with ``value`` at ``key[at]``."""
    array = weights()[key].copy()
    array[at] = value
    return weights(**{key: array})


def _npz(path: Path, **arrays) -> None:
    with path.open("wb") as fh:
        np.savez(fh, **arrays)


def _weights_npz(path: Path, spec_text: str | None = None, **params) -> None:
    arrays = weights() | params
    if spec_text is not None:
        arrays["spec"] = np.array(spec_text)
    _npz(path, **arrays)


def _spec_dict(**changes) -> dict:
    return SPEC.to_dict() | changes


OUTPUT = SPEC.to_dict()["layers"][-1]
_LAYERS_TANH_SLOPE = [{"units": 3, "activation": "tanh", "negative_slope": 0.2}, OUTPUT]
WRITERS = {
    "text": lambda p: p.write_text("hello, this is not the file you want\n"),
    "non_utf8": lambda p: p.write_bytes(b"\xff\xfe"),
    "latin1": lambda p: p.write_bytes("lr: caf\xe9\n".encode("latin-1")),
    "random": lambda p: p.write_bytes(np.random.default_rng(0).bytes(256)),
    "empty": lambda p: p.write_bytes(b""),
    "npy": lambda p: p.write_bytes(_npy_bytes()),
    "dir": lambda p: p.mkdir(),
    "missing": lambda p: None,
    "deep_json": lambda p: p.write_text("[" * DEEP + "]" * DEEP),
    "deep_yaml": lambda p: p.write_text("a: " + "[" * DEEP + "]" * DEEP + "\n"),
    "deep_dict": lambda p: p.write_text('{"a":' * DEEP + "1" + "}" * DEEP),
    "list_json": lambda p: p.write_text("[1, 2, 3]\n"),
    "pickled_npz": lambda p: _npz(p, X=np.array([{"a": 1}], dtype=object)),
    # weights files (an .npz holding W1, b1, W2, b2 and the spec as JSON)
    "nan_weights": lambda p: _weights_npz(p, SPEC.to_json(), **nan_at("W1")),
    "inf_weights": lambda p: _weights_npz(p, SPEC.to_json(), **nan_at("b2", np.inf)),
    "bad_spec_weights": lambda p: _weights_npz(
        p, json.dumps(_spec_dict(init="nonsense"))
    ),  # cause 17
    "junk_spec_weights": lambda p: _weights_npz(p, "{not json"),  # cause 17
    "spec_not_utf8_weights": lambda p: _npz(p, **weights(), spec=np.frombuffer(b"\xff", "S1")),
    "no_spec_weights": lambda p: _weights_npz(p),
    "shape_weights": lambda p: _weights_npz(p, SPEC.to_json(), W1=np.zeros((5, 5))),
    # spec files
    "spec_units_zero": lambda p: p.write_text(json.dumps(_spec_dict(input_size=0))),
    "spec_huge": lambda p: p.write_text(
        json.dumps(_spec_dict(layers=[{"units": 10**12, "activation": "tanh"}, OUTPUT]))
    ),
    "spec_slope_tanh": lambda p: p.write_text(json.dumps(_spec_dict(layers=_LAYERS_TANH_SLOPE))),
    "spec_unknown_field": lambda p: p.write_text(json.dumps(_spec_dict(colour="blue"))),
}


def _npy_bytes() -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.arange(6.0).reshape(2, 3))
    return buffer.getvalue()


def write(folder: Path, kind: str, name: str) -> Path:
    """``folder / name`` made as ``kind`` (a key of ``WRITERS``)."""
    path = folder / name
    WRITERS[kind](path)
    return path


def data_npz(folder: Path, name: str = "mine.npz", m: int = 20, **changes) -> Path:
    """A small binary-classification ``.npz`` data set, ``X`` (2, m) and ``Y`` (1, m), with
    arrays replaced or added (``X_test``, ``Y_test``); a value ``None`` drops the key."""
    rng = np.random.default_rng(1)
    arrays = {"X": rng.standard_normal((2, m)), "Y": (np.arange(m) % 2).reshape(1, m)}
    arrays |= changes
    path = folder / name
    _npz(path, **{key: value for key, value in arrays.items() if value is not None})
    return path
