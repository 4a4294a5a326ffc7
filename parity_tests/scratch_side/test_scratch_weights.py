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
    with pytest.raises(ValueError, match=r"junk\.npz' is not an \.npz archive \(it starts with"):
        load_weights(tmp_path / "junk.npz")
    np.savez(tmp_path / "bare.npz", **initialize_parameters(spec))
    with pytest.raises(ValueError, match="holds no spec"):
        load_weights(tmp_path / "bare.npz")
    assert load_weights(tmp_path / "bare.npz", spec)[1] == spec
    wrong = build_spec([2, 5, 1], "tanh")
    np.savez(tmp_path / "wrong.npz", **initialize_parameters(wrong))
    with pytest.raises(ValueError, match=r"weights in wrong.npz\['W1'\] has shape \(5, 2\)"):
        load_weights(tmp_path / "wrong.npz", spec)


NORM = build_spec([3, 5, 4, 2], "relu", loss="cross_entropy").with_hidden_layers(
    batch_norm=[True, False], keep_prob=0.8
)


def test_batch_norm_state_and_its_optimizer_state_round_trip_exactly(tmp_path, rng):
    X, Y = rng.standard_normal((3, 20)), rng.integers(0, 2, (1, 20))
    run = scratch.train(NORM, X, Y, learning_rate=0.01, num_iterations=3, optimizer="adam")
    save_weights(tmp_path / "w.npz", run.params, NORM, "adam", run.state)
    loaded, spec = load_weights(tmp_path / "w.npz")
    assert spec == NORM and list(loaded) == list(run.params)
    assert all(loaded[k].tobytes() == v.tobytes() for k, v in run.params.items())
    assert {"gamma1", "beta1", "running_mean1", "running_var1"} <= loaded.keys()
    name, state = scratch.weights.load_optimizer_state(tmp_path / "w.npz")
    assert name == "adam" and {"v_dgamma1", "s_dbeta1"} <= state.keys()
    assert all(state[k].tobytes() == np.asarray(v).tobytes() for k, v in run.state.items())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: {k: v for k, v in p.items() if k != "running_mean1"}, "missing running_mean1"),
        (lambda p: p | {"running_var1": np.ones((1, 5))}, r"running_var1'\] has shape \(1, 5\)"),
    ],
    ids=["missing", "wrong-shape"],
)
def test_a_weights_file_whose_batch_norm_state_does_not_fit_is_refused(tmp_path, change, message):
    arrays = change(initialize_parameters(NORM))
    np.savez(tmp_path / "w.npz", spec=np.array(NORM.to_json()), **arrays)
    with pytest.raises(ValueError, match=rf"weights in w.npz.*{message}"):
        load_weights(tmp_path / "w.npz")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda a: a["s_dW1"].fill(np.nan), "the optimizer state's s_dW1[0, 0] is nan"),
        (lambda a: a.update(t=np.array(-3)), "the optimizer state's t (the steps taken) must be"),
        (lambda a: a.update(v_dW1=np.zeros((9, 9))), "the optimizer state's v_dW1 is declared"),
        (lambda a: a.update(v_dX1=np.zeros(2)), "holds 'v_dX1', which is no optimizer state of"),
    ],
    ids=["NaN", "negative t", "shape", "unknown entry"],
)
def test_a_saved_state_that_is_not_a_state_is_refused_naming_the_file_and_the_entry(
    tmp_path, change, says
):
    spec = build_spec([2, 3, 1], "tanh")
    X, Y = np.zeros((2, 4)), np.array([[0, 1, 1, 0]])
    result = scratch.train(spec, X, Y, learning_rate=0.1, num_iterations=2, optimizer="adam")
    arrays = {**result.params, **result.state}
    change(arrays)
    path = tmp_path / "w.npz"
    np.savez(path, spec=np.array(spec.to_json()), optimizer=np.array("adam"), **arrays)
    with pytest.raises(ValueError) as caught:
        scratch.weights.load_optimizer_state(path)
    message = str(caught.value)
    assert message.startswith(f"weights file {str(path)!r}") and says in message, message
