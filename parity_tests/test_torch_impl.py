"""torch_impl is the scratch network in PyTorch and Lightning: built from the same spec, fed the
same weights and data, it computes the same costs, gradients and training curve (issue 3)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch
from lightning.pytorch.loggers import CSVLogger
from torch import nn

import scratch
import torch_impl
from torch_impl.threads import torch_threads

FLOAT64_RTOL = 1e-10  # the parity contract for float64 (ARCHITECTURE.md)
LOOPS = pytest.mark.parametrize(
    "loop", [torch_impl.train, torch_impl.train_plain], ids=["trainer", "plain"]
)


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Torch on one thread: these networks are too small to gain from more, and on a busy
    machine with as many threads as cores, every OpenMP barrier waits for a descheduled
    thread (1,000 planar steps took 48 s instead of 0.3 s). The numbers do not change."""
    with torch_threads(1):
        yield


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """Largest difference, relative to the largest magnitude of ``expected``."""
    scale = np.max(np.abs(expected))
    return (
        float(np.max(np.abs(actual - expected)) / scale) if scale else float(np.max(np.abs(actual)))
    )


def assert_curves_match(actual: scratch.TrainResult, expected: scratch.TrainResult) -> None:
    assert actual.costs.shape == expected.costs.shape
    relative = np.abs(actual.costs - expected.costs) / np.abs(expected.costs)
    worst = int(np.argmax(relative))
    assert relative[worst] <= FLOAT64_RTOL, (
        f"cost at iteration {expected.start_iteration + worst} differs by {relative[worst]:.2e} "
        f"relative: torch {actual.costs[worst]!r}, scratch {expected.costs[worst]!r}"
    )
    for key, value in expected.params.items():
        error = relative_error(actual.params[key], value)
        assert error <= FLOAT64_RTOL, f"final {key} differs by {error:.2e} relative"


@pytest.fixture(scope="module")
def planar():
    """The course's planar case: data, the [2, 4, 1] tanh spec and its initial weights."""
    X, Y = scratch.load_dataset("planar")
    spec = scratch.build_spec([2, 4, 1], "tanh", init="small_random", seed=3)
    return spec, X, Y, scratch.initialize_parameters(spec)


# --- the module -------------------------------------------------------------------------------

MIXED_SPEC = scratch.NetworkSpec(
    input_size=5,
    layers=(
        scratch.Layer(6, "relu"),
        scratch.Layer(4, "leaky_relu", negative_slope=0.2),
        scratch.Layer(4, "sigmoid"),
        scratch.Layer(3, "identity"),
        scratch.Layer(3, "tanh"),
        scratch.Layer(3, "softmax"),
    ),
    loss="cross_entropy",
    init="he",
    dtype="float32",
)
TORCH_ACTIVATIONS = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "identity": nn.Identity,
    "softmax": nn.Softmax,
}


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_module_built_from_a_spec_file_has_the_layers_it_names(tmp_path, suffix):
    path = tmp_path / f"spec{suffix}"
    scratch.save_spec(MIXED_SPEC, path)
    net = torch_impl.build_module(path)

    assert net.spec == MIXED_SPEC
    sizes = [(lin.in_features, lin.out_features) for lin in net.linears]
    assert sizes == list(zip(MIXED_SPEC.sizes, MIXED_SPEC.sizes[1:], strict=False))
    assert all(p.dtype == torch.float32 for p in net.parameters())
    names = [type(g) for g in net.activations]
    assert names == [TORCH_ACTIVATIONS[a] for a in MIXED_SPEC.activations]
    assert net.activations[1].negative_slope == 0.2
    assert net.activations[-1].dim == 1, "softmax must act on each example (row)"


def test_module_starts_from_the_scratch_initial_weights_without_touching_torch_rng():
    state = torch.random.get_rng_state()
    net = torch_impl.build_module(MIXED_SPEC)
    assert torch.equal(torch.random.get_rng_state(), state)
    expected = scratch.initialize_parameters(MIXED_SPEC)
    exported = torch_impl.export_params(net)
    assert all(np.array_equal(exported[key], expected[key]) for key in expected)


def test_module_forward_gives_logits_and_probabilities_in_float64(planar):
    spec, X, _, params = planar
    net = torch_impl.build_module(spec, params)
    ZL = net(torch_impl.to_torch(X))
    assert ZL.dtype == torch.float64 and ZL.shape == (X.shape[1], 1)
    AL, caches = scratch.L_model_forward(X, params, spec)
    AL_torch = net.probabilities(torch_impl.to_torch(X))
    assert AL_torch.dtype == torch.float64
    assert relative_error(torch_impl.to_course(AL_torch), AL) < FLOAT64_RTOL
    assert relative_error(torch_impl.to_course(ZL), caches[-1].activation_cache.Z) < FLOAT64_RTOL


# --- weights ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_weights_round_trip_bit_exact(dtype):
    spec = MIXED_SPEC.replace(dtype=dtype)
    rng = np.random.default_rng(7)
    params = {k: rng.standard_normal(s).astype(dtype) for k, s in spec.param_shapes().items()}
    net = torch_impl.build_module(spec, params)
    exported = torch_impl.export_params(net)

    assert list(exported) == list(params)
    for key, value in params.items():
        assert exported[key].dtype == value.dtype and exported[key].shape == value.shape
        assert exported[key].tobytes() == value.tobytes(), f"{key} changed in the round trip"
    with torch.no_grad():
        net.linears[0].weight.add_(1)
    assert np.array_equal(exported["W1"], params["W1"]), "export must copy, not alias"


# --- training ---------------------------------------------------------------------------------


@LOOPS
def test_full_batch_curve_matches_scratch_at_every_one_of_1000_iterations(planar, loop):
    spec, X, Y, params = planar
    run = dict(params=params, learning_rate=1.2, num_iterations=1000)
    assert_curves_match(loop(spec, X, Y, **run), scratch.train(spec, X, Y, **run))


@LOOPS
@pytest.mark.parametrize("shuffle", [True, False])
def test_mini_batch_curve_matches_scratch_when_resumed_mid_epoch(planar, loop, shuffle):
    spec, X, Y, params = planar
    # 400 examples in batches of 64: 7 steps an epoch, the last of 16; start inside epoch 0.
    run = dict(
        params=params,
        learning_rate=1.2,
        num_iterations=60,
        batch_size=64,
        shuffle=shuffle,
        start_iteration=3,
    )
    expected = scratch.train(spec, X, Y, **run)
    actual = loop(spec, X, Y, **run)
    assert actual.start_iteration == 3
    assert_curves_match(actual, expected)


@pytest.mark.parametrize(
    ("dataset", "sizes", "loss"),
    [("spiral", [2, 8, 3], "cross_entropy"), ("housing", [4, 5, 1], "mse")],
)
def test_other_losses_with_l2_match_scratch(dataset, sizes, loss):
    X, Y = scratch.load_dataset(dataset)
    spec = scratch.build_spec(sizes, "relu", loss=loss, init="he", l2=0.3, seed=5)
    run = dict(learning_rate=0.05, num_iterations=40)
    assert_curves_match(torch_impl.train(spec, X, Y, **run), scratch.train(spec, X, Y, **run))


def test_callback_sees_the_same_iterations_and_costs_as_scratch(planar):
    spec, X, Y, params = planar
    seen = {"scratch": [], "torch": []}
    run = dict(params=params, learning_rate=1.2, num_iterations=5, start_iteration=10)
    scratch.train(spec, X, Y, **run, callback=lambda t, c: seen["scratch"].append((t, c)))
    torch_impl.train(spec, X, Y, **run, callback=lambda t, c: seen["torch"].append((t, c)))
    assert [t for t, _ in seen["torch"]] == list(range(10, 15))
    assert np.allclose(seen["torch"], seen["scratch"], rtol=FLOAT64_RTOL, atol=0)


def test_a_logger_receives_the_cost_of_every_step(planar, tmp_path):
    spec, X, Y, params = planar
    logger = CSVLogger(tmp_path, name="run", version=0)
    result = torch_impl.train(
        spec, X, Y, params=params, learning_rate=1.2, num_iterations=7, logger=logger
    )
    logged = np.genfromtxt(
        tmp_path / "run" / "version_0" / "metrics.csv", delimiter=",", names=True
    )
    assert np.array_equal(logged["step"], np.arange(7))
    assert np.array_equal(logged["cost"], result.costs)


def test_nothing_is_written_unless_asked(planar, tmp_path, monkeypatch):
    spec, X, Y, params = planar
    monkeypatch.chdir(tmp_path)
    torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=2)
    assert list(tmp_path.iterdir()) == []


def test_train_leaves_torch_deterministic_mode_as_it_found_it(planar):
    spec, X, Y, params = planar
    assert not torch.are_deterministic_algorithms_enabled()
    torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=1)
    assert not torch.are_deterministic_algorithms_enabled()


@LOOPS
def test_divergence_raises_like_scratch_with_the_last_good_weights(loop):
    X, Y = scratch.load_dataset("housing")
    spec = scratch.build_spec([4, 3, 1], "tanh", loss="mse", init="xavier", seed=0)
    with pytest.raises(scratch.DivergenceError) as expected:
        scratch.train(spec, X, Y, learning_rate=5.0, num_iterations=200)
    with pytest.raises(scratch.DivergenceError) as actual:
        loop(spec, X, Y, learning_rate=5.0, num_iterations=200)
    assert (actual.value.iteration, actual.value.cost) == (expected.value.iteration, np.inf)
    assert len(actual.value.costs) == actual.value.iteration
    assert np.all(np.isfinite(actual.value.costs))
    for key, value in expected.value.params.items():
        assert relative_error(actual.value.params[key], value) < 1e-8, key


def test_spawning_strategies_are_refused_with_a_reason(planar):
    spec, X, Y, _ = planar
    with pytest.raises(ValueError, match="strategy='ddp'"):
        torch_impl.train(
            spec, X, Y, learning_rate=1.0, num_iterations=1, strategy="ddp_spawn", devices=2
        )


# --- data -------------------------------------------------------------------------------------


def test_batches_follow_the_scratch_schedule_as_views_of_one_buffer(planar):
    _, X, Y, _ = planar
    schedule = scratch.BatchSchedule(m=400, batch_size=64, shuffle=True, seed=9)
    batches = torch_impl.ScheduledBatches(X, Y, schedule, start=5, stop=20)
    buffer = batches.X_epoch.untyped_storage().data_ptr()
    expected = list(schedule.batches(5, 20))
    served = 0
    # A batch is a view of the epoch's buffer: compare it before the next epoch refills it.
    for (Xb, Yb), index in zip(batches.steps(), expected, strict=True):
        assert np.array_equal(torch_impl.to_course(Xb), X[:, index])
        assert np.array_equal(torch_impl.to_course(Yb), Y[:, index])
        assert Xb.untyped_storage().data_ptr() == buffer
        served += 1
    assert served == 15


def test_full_batch_is_served_without_a_copy(planar):
    _, X, Y, _ = planar
    batches = torch_impl.ScheduledBatches(X, Y, scratch.BatchSchedule(m=400), start=0, stop=3)
    served = list(batches.steps())
    assert len(served) == 3
    assert all(Xb is batches.X and Yb is batches.T for Xb, Yb in served)


@pytest.mark.parametrize(
    ("batch_size", "start", "epochs", "length"),
    [(None, 3, [7], 7), (64, 5, [2, 7, 1], 7), (64, 7, [7, 3], 7)],
    ids=["full-batch-one-epoch", "mini-resumed-mid-epoch", "mini-from-an-epoch-start"],
)
def test_each_iter_is_one_epoch_no_longer_than_announced(planar, batch_size, start, epochs, length):
    # Lightning runs one epoch per iter() and sizes its progress bar with len(), which it may
    # read again mid-epoch: the length is a whole epoch's, whatever has been served.
    _, X, Y, _ = planar
    schedule = scratch.BatchSchedule(m=400, batch_size=batch_size, seed=2)
    batches = torch_impl.ScheduledBatches(X, Y, schedule, start=start, stop=start + sum(epochs))
    served = []
    while count := sum(1 for _ in batches if len(batches) == length):
        served.append(count)
    assert served == epochs


def test_a_full_batch_run_is_one_lightning_epoch(planar, tmp_path):
    spec, X, Y, _ = planar
    logger = CSVLogger(tmp_path)
    torch_impl.train(spec, X, Y, learning_rate=1.2, num_iterations=5, logger=logger)
    with open(tmp_path / "lightning_logs" / "version_0" / "metrics.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(row["step"], row["epoch"]) for row in rows] == [(str(t), "0") for t in range(5)]


def test_the_shards_of_two_processes_make_up_each_batch(planar):
    _, X, Y, _ = planar
    schedule = scratch.BatchSchedule(m=400, batch_size=100, seed=4)
    shards = [
        list(torch_impl.ScheduledBatches(X, Y, schedule, 0, 4, rank=rank, shards=2))
        for rank in (0, 1)
    ]
    for (X0, _), (X1, _), index in zip(*shards, schedule.batches(0, 4), strict=True):
        assert X0.shape == X1.shape == (50, 2)
        assert np.array_equal(torch_impl.to_course(torch.cat([X0, X1])), X[:, index])


def test_batches_that_do_not_split_evenly_over_processes_are_refused(planar):
    _, X, Y, _ = planar
    schedule = scratch.BatchSchedule(m=400, batch_size=64)  # the last batch holds 16
    with pytest.raises(ValueError, match="a batch of 16 examples cannot be split into 3"):
        torch_impl.ScheduledBatches(X, Y, schedule, start=0, stop=1, shards=3)


# --- internals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec", [MIXED_SPEC.replace(dtype="float64", l2=0.1), None], ids=["mixed", "planar"]
)
def test_internals_have_the_keys_shapes_and_values_of_scratch(planar, spec):
    if spec is None:
        spec, X, Y, params = planar
    else:
        rng = np.random.default_rng(1)
        X, Y = rng.standard_normal((5, 30)), rng.integers(0, 3, (1, 30))
        params = scratch.initialize_parameters(spec)
    expected = scratch.layer_internals(X, Y, params, spec)
    actual = torch_impl.layer_internals(X, Y, params, spec)
    assert list(actual) == list(expected)
    for key, value in expected.items():
        assert actual[key].shape == value.shape, key
        assert actual[key].dtype == value.dtype, key
        assert relative_error(actual[key], value) < 1e-9, key


# --- checkpoints ------------------------------------------------------------------------------


def test_checkpoint_and_weights_file_convert_both_ways_bit_exact(planar, tmp_path):
    spec, X, Y, params = planar
    result = torch_impl.train(
        spec,
        X,
        Y,
        params=params,
        learning_rate=1.2,
        num_iterations=3,
        checkpoint_path=tmp_path / "run.ckpt",
    )
    torch_impl.checkpoint_to_weights(tmp_path / "run.ckpt", tmp_path / "run.npz")
    weights, stored_spec = scratch.load_weights(tmp_path / "run.npz")
    assert stored_spec == spec
    assert all(weights[k].tobytes() == result.params[k].tobytes() for k in result.params)

    torch_impl.weights_to_checkpoint(
        tmp_path / "run.npz", tmp_path / "back.ckpt", learning_rate=0.5
    )
    module = torch_impl.load_checkpoint(tmp_path / "back.ckpt")
    assert module.spec == spec and module.learning_rate == 0.5
    back = torch_impl.export_params(module.net)
    assert all(back[k].tobytes() == result.params[k].tobytes() for k in result.params)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["back.ckpt", "run.ckpt", "run.npz"]


# --- bad input --------------------------------------------------------------------------------


def _corrupt(case: str, X: np.ndarray, Y: np.ndarray, params: dict):
    """The planar inputs with one thing wrong."""
    if case == "params missing b2":
        return X, Y, {k: v for k, v in params.items() if k != "b2"}
    if case == "params of the wrong shape":
        return X, Y, {**params, "W1": params["W1"].T.copy()}
    if case == "params of the wrong dtype":
        return X, Y, {k: v.astype(np.float32) for k, v in params.items()}
    if case == "X of the wrong width":
        return np.vstack([X, X[:1]]), Y, params
    if case == "NaN in X":
        X = X.copy()
        X[1, 17] = np.nan
        return X, Y, params
    assert case == "Y of the wrong length"
    return X, Y[:, :-1], params


BAD_INPUTS = [
    "params missing b2",
    "params of the wrong shape",
    "params of the wrong dtype",
    "X of the wrong width",
    "NaN in X",
    "Y of the wrong length",
]


@pytest.mark.parametrize("case", BAD_INPUTS)
@pytest.mark.parametrize(
    "torch_side",
    [
        lambda spec, X, Y, p: torch_impl.train(
            spec, X, Y, params=p, learning_rate=1, num_iterations=1
        ),
        lambda spec, X, Y, p: torch_impl.train_plain(
            spec, X, Y, params=p, learning_rate=1, num_iterations=1
        ),
        lambda spec, X, Y, p: torch_impl.layer_internals(X, Y, p, spec),
    ],
    ids=["train", "train_plain", "layer_internals"],
)
def test_bad_input_gets_the_same_error_as_scratch(planar, case, torch_side):
    spec, X, Y, params = planar
    X, Y, params = _corrupt(case, X, Y, params)
    with pytest.raises((TypeError, ValueError)) as expected:
        scratch.train(spec, X, Y, params=params, learning_rate=1, num_iterations=1)
    with pytest.raises(expected.type) as actual:
        torch_side(spec, X, Y, params)
    assert str(actual.value) == str(expected.value).replace("parameters", "params")


def test_loading_params_that_do_not_fit_the_spec_names_the_layer(planar):
    spec, _, _, params = planar
    net = torch_impl.build_module(spec)
    with pytest.raises(ValueError, match=r"params\['W2'\] has shape \(4, 1\); layer 2"):
        torch_impl.load_params(net, {**params, "W2": params["W2"].T.copy()})


def test_a_spec_file_that_cannot_be_built_gets_the_scratch_error(tmp_path):
    path = tmp_path / "bad.json"
    bad = MIXED_SPEC.to_dict()
    bad["layers"][1]["activation"] = "swish"
    path.write_text(json.dumps(bad))
    with pytest.raises(scratch.SpecError) as expected:
        scratch.load_spec(path)
    with pytest.raises(scratch.SpecError) as actual:
        torch_impl.build_module(path)
    assert str(actual.value) == str(expected.value)
    assert "layer 2: activation 'swish' is unknown" in str(actual.value)
