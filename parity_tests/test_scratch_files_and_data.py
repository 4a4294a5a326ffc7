"""The weights file (atomic, spec inside), the built-in data sets, and a torch-free import."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import scratch.weights
from scratch import (
    DATASETS,
    build_spec,
    initialize_parameters,
    load_dataset,
    load_weights,
    save_weights,
    train_test_split,
)


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


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_built_in_data_sets_are_seeded_and_in_course_layout(name):
    X, Y = load_dataset(name)
    assert X.ndim == 2 and Y.shape == (1, X.shape[1]) and X.dtype == np.float64
    assert np.isfinite(X).all() and np.isfinite(Y).all()
    again_X, again_Y = load_dataset(name)
    np.testing.assert_array_equal(X, again_X)
    np.testing.assert_array_equal(Y, again_Y)
    assert not np.array_equal(load_dataset(name, seed=99)[0], X)


def test_classification_sets_have_their_classes():
    assert load_dataset("planar")[0].shape == (2, 400)
    assert np.bincount(load_dataset("planar")[1].ravel()).tolist() == [200, 200]
    assert np.bincount(load_dataset("spiral", classes=4, m=200)[1].ravel()).tolist() == [50] * 4
    with pytest.raises(ValueError, match="data set 'mnist2' is unknown; built-in ones are planar"):
        load_dataset("mnist2")


def test_train_test_split_partitions_the_examples():
    X, Y = load_dataset("moons", m=50)
    X_train, _, X_test, Y_test = train_test_split(X, Y, test_fraction=0.2, seed=4)
    assert X_train.shape == (2, 40) and X_test.shape == (2, 10) and Y_test.shape == (1, 10)
    together = np.hstack([X_train, X_test])
    assert sorted(map(tuple, together.T)) == sorted(map(tuple, X.T))


def test_importing_scratch_never_imports_torch():
    code = "import scratch, sys; assert 'torch' not in sys.modules, 'scratch imported torch'"
    subprocess.run([sys.executable, "-c", code], check=True)
