"""The weights file: the parameters with their spec, written atomically, errors that name the
file."""

from __future__ import annotations

import numpy as np
import pytest

import scratch.weights
from scratch import build_spec, initialize_parameters, load_weights, save_weights


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_weights_round_trip_exactly_with_their_spec(tmp_path, dtype):
    spec = build_spec([3, 5, 2], "leaky_relu", loss="cross_entropy", init="he", dtype=dtype)
    params = initialize_parameters(spec)
    save_weights(tmp_path / "w.npz", params, spec)
    loaded, loaded_spec = load_weights(tmp_path / "w.npz")
    assert loaded_spec == spec
    assert loaded.keys() == params.keys()
    for key in params:
        assert loaded[key].dtype == params[key].dtype
        np.testing.assert_array_equal(loaded[key], params[key])


def test_a_crash_mid_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    spec = build_spec([2, 3, 1], "tanh")
    path = tmp_path / "w.npz"
    save_weights(path, initialize_parameters(spec), spec)
    good = path.read_bytes()

    def crash(fh, **arrays):
        fh.write(b"PK half a zip file")
        raise KeyboardInterrupt

    monkeypatch.setattr(scratch.weights.np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        save_weights(path, initialize_parameters(spec.replace(seed=9)), spec)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]  # no temporary left behind


def test_weights_file_errors_name_the_file(tmp_path):
    spec = build_spec([2, 3, 1], "tanh")
    with pytest.raises(FileNotFoundError, match=r"nope\.npz"):
        load_weights(tmp_path / "nope.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"junk\.npz.*not a readable \.npz"):
        load_weights(tmp_path / "junk.npz")
    np.savez(tmp_path / "bare.npz", **initialize_parameters(spec))
    with pytest.raises(ValueError, match="holds no spec"):
        load_weights(tmp_path / "bare.npz")
    assert load_weights(tmp_path / "bare.npz", spec)[1] == spec
    wrong = build_spec([2, 5, 1], "tanh")
    np.savez(tmp_path / "wrong.npz", **initialize_parameters(wrong))
    with pytest.raises(ValueError, match=r"weights in wrong.npz\['W1'\] has shape \(5, 2\)"):
        load_weights(tmp_path / "wrong.npz", spec)
