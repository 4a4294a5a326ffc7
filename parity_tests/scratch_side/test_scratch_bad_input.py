"""Bad input through the Python API: one clear error naming the array, the entry, the layer or
the value, raised where the value enters (issue 11, causes 1, 2, 11, 12, 14 and 15). Where the
entry is shared (``prepare_training``), both sides are held to it: ``scratch.train`` and
``torch_impl.train_plain``."""

from __future__ import annotations

import json

import numpy as np
import pytest

import scratch
from scratch import (
    DivergenceError,
    Layer,
    NetworkSpec,
    SpecError,
    TrainingSettings,
    build_spec,
    gradient_check,
    initialize_parameters,
    save_weights,
    update_parameters,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")
SIDES = ("scratch", "torch_plain")


def trainer(side: str):
    if side == "scratch":
        return scratch.train
    import torch_impl

    return torch_impl.train_plain


def small_case(loss: str = "binary_cross_entropy", m: int = 8):
    rng = np.random.default_rng(7)
    spec = build_spec([2, 3, 1], "tanh", loss=loss, seed=1)
    X = rng.standard_normal((2, m))
    Y = (rng.random((1, m)) < 0.5).astype(float) if loss != "mse" else rng.standard_normal((1, m))
    return spec, X, Y, initialize_parameters(spec)


# Cause 1: NaN/inf weights and targets, named by array and entry, on both sides.


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize(("key", "index"), [("W1", (2, 0)), ("b2", (0, 0))])
def test_nonfinite_starting_weights_are_refused_naming_the_entry(side, value, key, index):
    spec, X, Y, params = small_case()
    params[key][index] = value
    where = rf"{key}\[{index[0]}, {index[1]}\] is {value}"
    with pytest.raises(ValueError, match=rf"^params: {where}: the weights must be finite"):
        trainer(side)(spec, X, Y, params=params, learning_rate=1.2, num_iterations=2)


def test_save_weights_refuses_nonfinite_weights_and_writes_nothing(tmp_path):
    spec, _, _, params = small_case()
    params["W2"][0, 1] = np.nan
    path = tmp_path / "w.npz"
    with pytest.raises(ValueError, match=r"W2\[0, 1\] is nan: the weights must be finite"):
        save_weights(path, params, spec)
    assert not path.exists()


def test_a_weights_file_with_a_nan_is_refused_naming_the_entry(tmp_path):
    spec, _, _, params = small_case()
    params["W1"][1, 1] = np.nan
    path = tmp_path / "nan.npz"
    np.savez(path, spec=np.array(spec.to_json()), **params)
    with pytest.raises(ValueError, match=r"nan\.npz: W1\[1, 1\] is nan: the weights must be"):
        scratch.load_weights(path)


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize(
    ("loss", "value", "message"),
    [
        ("binary_cross_entropy", np.nan, r"^Y\[0, 3\] is nan: the targets must be finite"),
        ("mse", np.inf, r"^Y\[0, 3\] is inf: the targets must be finite"),
        ("mse", 1e200, r"^Y\[0, 3\] is 1e\+200: the squared error .* overflows float64"),
        ("mse", -1e160, r"^Y\[0, 3\] is -1e\+160: the squared error .* overflows float64"),
    ],
)
def test_targets_nonfinite_or_too_large_for_the_cost_are_refused(side, loss, value, message):
    spec, X, Y, _ = small_case(loss)
    Y[0, 3] = value
    with pytest.raises(ValueError, match=message):
        trainer(side)(spec, X, Y, learning_rate=0.1, num_iterations=2)


def test_mse_targets_just_inside_the_range_train():
    spec, X, Y, _ = small_case("mse")
    Y[0, 3] = 1e150  # squared, 1e300 per entry: within float64 for 8 targets
    scratch.train(spec, X, Y, learning_rate=1e-300, num_iterations=1)


@pytest.mark.parametrize("side", SIDES)
def test_a_first_cost_that_overflows_does_not_blame_the_learning_rate(side):
    spec, X, Y, params = small_case("mse")
    params = {key: np.full_like(value, 1e200) for key, value in params.items()}
    with pytest.raises(DivergenceError) as caught:
        trainer(side)(spec, X, Y, params=params, learning_rate=1e-6, num_iterations=2)
    message = str(caught.value)
    assert "at iteration 0" in message and "the learning rate is not the cause" in message
    assert "probably too large" not in message


def test_a_later_divergence_still_names_the_learning_rate():
    spec, X, Y, _ = small_case("mse")
    with pytest.raises(DivergenceError, match="learning rate is probably too large"):
        scratch.train(spec, X * 1e3, Y, learning_rate=1e6, num_iterations=50)


# Cause 2: a network larger than the machine's memory is refused before allocating.


@pytest.fixture
def sixteen_gib(monkeypatch):
    import scratch.memory

    monkeypatch.setattr(scratch.memory, "available_memory", lambda: 16 * 2**30)


@pytest.mark.usefixtures("sixteen_gib")
def test_weights_larger_than_memory_are_refused_saying_what_they_need():
    spec = build_spec([2, 10**12, 1], "relu")
    with pytest.raises(MemoryError, match=r"^layers \[2, 1000000000000, 1\] need 29\.1 TiB for "):
        initialize_parameters(spec)
    with pytest.raises(ValueError, match=r"their weights \(float64\); this machine has 16\.0 GiB"):
        initialize_parameters(spec)


@pytest.mark.usefixtures("sixteen_gib")
@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize(
    ("optimizer", "batch_size", "batch"), [("gd", None, 128), ("adam", 64, 64)]
)
def test_training_whose_activations_exceed_memory_is_refused(side, optimizer, batch_size, batch):
    spec = build_spec([2, 10**8, 1], "relu")  # weights 3.0 GiB; Z, dZ on 64 examples: 95 GiB
    X, Y = np.zeros((2, 128)), np.zeros((1, 128))
    needs = rf"need \d+\.\d GiB to train on batches of {batch} example\(s\) with {optimizer} for 1 "
    with pytest.raises(
        MemoryError, match=rf"{needs}iteration\(s\) \(their weights alone 3\.0 GiB, "
    ):
        trainer(side)(
            spec,
            X,
            Y,
            learning_rate=0.1,
            num_iterations=1,
            optimizer=optimizer,
            batch_size=batch_size,
        )


@pytest.mark.parametrize("side", SIDES)
def test_a_network_that_fits_trains_under_a_small_reading(side, monkeypatch):
    import scratch.memory

    # (4 + 0) 13 weights + 2 * 8 * (3 + 1) activations: 928 B; 2 costs and rates: 32 B
    spec, X, Y, _ = small_case()
    monkeypatch.setattr(scratch.memory, "available_memory", lambda: 2**20)
    result = trainer(side)(spec, X, Y, learning_rate=0.1, num_iterations=2)
    assert len(result.costs) == 2
    monkeypatch.setattr(scratch.memory, "available_memory", lambda: 100)
    needs = r"need 960 B to train on batches of 8 example\(s\) with gd for 2 iteration\(s\) \("
    needs += r"their weights alone 104 B, float64; the iterations' costs and learning rates 32 B\)"
    with pytest.raises(MemoryError, match=rf"{needs}; this machine has 100 B available"):
        trainer(side)(spec, X, Y, learning_rate=0.1, num_iterations=2)


@pytest.mark.usefixtures("sixteen_gib")
@pytest.mark.parametrize("side", [*SIDES, "lightning"])
@pytest.mark.parametrize(
    ("fields", "iterations"),
    [({"num_iterations": 10**15}, 10**15), ({"num_iterations": 10**12, "batch_size": 1}, 10**12)],
    ids=["iterations", "mini-batches"],
)
def test_iterations_whose_record_exceeds_memory_are_refused_before_the_first_step(
    side, fields, iterations
):
    """A cost and a learning rate per iteration: 10^15 iterations are 14.2 PiB (a NumPy
    allocation error on the scratch side, a run that never ends on the torch side)."""
    spec, X, Y, _ = small_case()
    train = trainer(side) if side != "lightning" else __import__("torch_impl").train
    needs = rf"with gd for {iterations} iteration\(s\) \(their weights alone 104 B, float64; the "
    with pytest.raises(MemoryError, match=rf"{needs}iterations' costs and learning rates \d"):
        train(spec, X, Y, learning_rate=0.1, **fields)


@pytest.mark.usefixtures("sixteen_gib")
@pytest.mark.parametrize("side", SIDES)
def test_labels_whose_one_hot_targets_exceed_memory_are_refused_before_allocating(side):
    """A label of 10^9 in the data makes a softmax of 10^9 + 1 classes: 7.5 GiB of one-hot
    targets for 1 example is within 16 GiB, for 8 it is not."""
    spec = build_spec([2, 3, 10**9 + 1], "tanh", loss="cross_entropy")
    X, Y = np.zeros((2, 8)), np.array([[0, 1, 2, 3, 4, 5, 6, 10**9]])
    says = r"Y's one-hot targets \(1000000001 classes x 8 examples, float64; its largest label "
    says += r"1000000000\) need 59\.6 GiB"
    with pytest.raises(MemoryError, match=f"^{says}; this machine has 16.0 GiB available$"):
        scratch.as_targets(Y, spec, 8)
    with pytest.raises(MemoryError, match=says):
        trainer(side)(spec, X, Y, learning_rate=0.1, num_iterations=1)


@pytest.mark.usefixtures("sixteen_gib")
@pytest.mark.parametrize(
    ("name", "options", "says"),
    [
        ("planar", {"m": 10**15}, r"planar_flower\(m=1000000000000000\): X and Y"),
        ("spiral", {"m": 10**12, "classes": 3}, r"spiral\(m=1000000000000\): X and Y"),
        ("housing", {"m": 10**12}, r"housing\(m=1000000000000\): X and Y \(4 \+ 1 rows"),
    ],
)
def test_a_built_in_set_of_more_examples_than_memory_holds_is_refused_before_drawing(
    name, options, says
):
    with pytest.raises(MemoryError, match=says):
        scratch.load_dataset(name, **options)


@pytest.mark.usefixtures("sixteen_gib")
def test_data_whose_conversion_to_the_spec_s_dtype_exceeds_memory_is_refused():
    X = np.broadcast_to(np.uint8(0), (2, 2**33))  # 128 GiB as float64, from no memory
    with pytest.raises(MemoryError, match=r"X in float64 \(2, 8589934592\) need 128\.0 GiB"):
        scratch.as_input(X, build_spec([2, 3, 1], "tanh"))


# Issue 20: a resumed optimizer state is checked where it enters, on both sides.


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda s: s["s_dW1"].fill(np.nan), "the optimizer state's s_dW1[0, 0] is nan"),
        (lambda s: s["s_db2"].fill(-1.0), "the optimizer state's s_db2[0, 0] is -1.0"),
        (lambda s: s.update(t=np.array(-3)), "t (the steps taken) must be a whole number >= 0"),
        (lambda s: [s.pop(k) for k in list(s) if k[0] == "s"], "holds t, v, which is not the"),
    ],
    ids=["NaN second moment", "negative second moment", "negative t", "no s"],
)
def test_a_resumed_state_that_is_not_a_state_is_refused_before_the_first_step(side, change, says):
    """Before this check, NaN or negative moments trained into NaN weights that were blamed on
    the learning rate."""
    spec, X, Y, _ = small_case()
    state = scratch.train(spec, X, Y, learning_rate=0.01, num_iterations=2, optimizer="adam").state
    change(state)
    with pytest.raises(ValueError) as caught:
        trainer(side)(
            spec, X, Y, learning_rate=0.01, num_iterations=2, optimizer="adam", state=state
        )
    assert not isinstance(caught.value, DivergenceError)
    assert says in str(caught.value), str(caught.value)


def test_available_memory_is_read_from_the_machine():
    import scratch.memory

    available = scratch.memory.available_memory()
    assert available is None or available > 2**20


# Cause 11: the course functions called directly.


def course_calls():
    spec, X, Y, params = small_case()
    AL, caches = scratch.L_model_forward(X, params, spec)
    grads = scratch.L_model_backward(AL, Y, caches, spec)
    missing = {k: v for k, v in grads.items() if k != "dW2"}
    wrong = grads | {"dW2": grads["dW2"].T}
    v = scratch.initialize_velocity(params)
    return [
        (
            lambda: scratch.L_model_backward(AL, Y, caches[:-1], spec),
            ValueError,
            r"caches holds 1 cache\(s\); the backward pass needs one per layer, L = 2",
        ),
        (
            lambda: scratch.L_model_backward(AL[:, :4], Y[:, :4], caches, spec),
            ValueError,
            r"caches\[0\] holds Z1 of shape \(3, 8\); layer 1 .* m = 4 .* \(3, 4\)",
        ),
        (
            lambda: scratch.L_model_backward(AL, Y, caches, spec.to_dict()),
            TypeError,
            r"spec must be a NetworkSpec, got dict",
        ),
        (
            lambda: update_parameters(params, missing, 0.1),
            ValueError,
            r"grads has no 'dW2' for parameters\['W2'\]",
        ),
        (
            lambda: update_parameters(params, wrong, 0.1),
            ValueError,
            r"grads\['dW2'\] has shape \(3, 1\); parameters\['W2'\] is \(1, 3\)",
        ),
        (
            lambda: scratch.update_parameters_with_momentum(params, missing, v, 0.9, 0.1),
            ValueError,
            r"grads has no 'dW2'",
        ),
        (
            lambda: update_parameters(params, grads, float("nan")),
            ValueError,
            r"learning_rate must be a positive finite number, got nan",
        ),
        (
            lambda: scratch.update_parameters_with_rmsprop(params, grads, v, 0.9, float("inf")),
            ValueError,
            r"learning_rate must be a positive finite number, got inf",
        ),
        (
            lambda: scratch.L_model_forward(X, params, spec.to_dict()),
            TypeError,
            r"spec must be a NetworkSpec, got dict; build one with NetworkSpec\.from_dict",
        ),
        (
            lambda: scratch.compute_cost(AL, Y, spec.to_dict()),
            TypeError,
            r"spec must be a NetworkSpec, got dict",
        ),
        (
            lambda: initialize_parameters(spec.to_dict()),
            TypeError,
            r"spec must be a NetworkSpec, got dict",
        ),
    ]


@pytest.mark.parametrize("case", range(len(course_calls())))
def test_course_functions_called_badly_say_what_is_wrong(case):
    call, error, message = course_calls()[case]
    with pytest.raises(error, match=message):
        call()


# Cause 12: gradient checking.


@pytest.mark.parametrize("epsilon", [0, -1e-7, float("nan"), float("inf")])
def test_gradient_check_refuses_an_epsilon_that_is_not_a_positive_number(epsilon):
    spec, X, Y, params = small_case()
    with pytest.raises(
        ValueError, match=rf"epsilon must be a positive finite number, got {epsilon}"
    ):
        gradient_check(params, X, Y, spec, epsilon=epsilon)


def test_gradient_check_refuses_nonfinite_parameters_naming_the_entry():
    spec, X, Y, params = small_case()
    params["W1"][0, 1] = np.nan
    with pytest.raises(ValueError, match=r"W1\[0, 1\] is nan: the weights must be finite"):
        gradient_check(params, X, Y, spec)


# Cause 14: one rule for every count.

COUNTS = [
    ("num_iterations", lambda n: TrainingSettings(1.0, n), lambda s: s.num_iterations),
    ("batch_size", lambda n: TrainingSettings(1.0, 1, n), lambda s: s.batch_size),
    ("start_iteration", lambda n: TrainingSettings(1.0, 1, start_iteration=n), None),
    ("decay_interval", lambda n: TrainingSettings(1.0, 1, decay_rate=0.1, decay_interval=n), None),
    ("input_size", lambda n: build_spec([n, 2, 1]), None),
    ("units", lambda n: build_spec([2, n, 1]), lambda s: s.layers[0].units),
    ("seed", lambda n: build_spec([2, 2, 1], seed=n), None),
]


@pytest.mark.parametrize(("name", "make", "read"), COUNTS, ids=[c[0] for c in COUNTS])
@pytest.mark.parametrize("kind", [int, np.int64, np.int32, np.uint8])
def test_every_count_takes_any_integer_type_and_keeps_a_plain_int(name, make, read, kind):
    made = make(kind(3))
    value = read(made) if read else getattr(made, name)
    assert value == 3 and type(value) is int
    if isinstance(made, NetworkSpec):
        assert NetworkSpec.from_json(made.to_json()) == made


@pytest.mark.parametrize(
    ("name", "make", "bad"),
    [
        pytest.param(name, make, bad, id=f"{name}={bad!r}")
        for name, make, _ in COUNTS
        for bad in (True, -1, 3.0, "3", None)
        if not (name == "batch_size" and bad is None)  # None: the full batch
    ],
)
def test_every_count_refuses_bools_negatives_and_non_integers(name, make, bad):
    with pytest.raises(ValueError, match=rf"{name} must be a (positive|non-negative) integer"):
        make(bad)


@pytest.mark.parametrize("side", SIDES)
def test_start_iteration_as_a_numpy_integer_trains_on_both_sides(side):
    spec, X, Y, _ = small_case()
    result = trainer(side)(
        spec, X, Y, learning_rate=0.1, num_iterations=2, start_iteration=np.int64(3)
    )
    assert result.start_iteration == 3 and type(result.start_iteration) is int


@pytest.mark.parametrize("t", [np.int64(2), 2])
def test_adams_step_number_follows_the_same_rule(t):
    *_, params = small_case()
    v, s = scratch.initialize_adam(params)
    grads = {f"d{k}": np.ones_like(p) for k, p in params.items()}
    scratch.update_parameters_with_adam(params, grads, v, s, t)
    with pytest.raises(ValueError, match=r"t must be a positive integer, got True"):
        scratch.update_parameters_with_adam(params, grads, v, s, True)


# Cause 15: negative_slope belongs to leaky_relu layers only.


@pytest.mark.parametrize(
    ("layers", "where", "activation"),
    [
        ((Layer(4, "tanh", negative_slope=0.2), Layer(1, "sigmoid")), "layer 1", "tanh"),
        ((Layer(4, "relu", negative_slope=0.0), Layer(1, "sigmoid")), "layer 1", "relu"),
        ((Layer(4, "relu"), Layer(1, "sigmoid", negative_slope=0.3)), "layer 2", "sigmoid"),
    ],
)
def test_negative_slope_on_a_non_leaky_layer_is_refused(layers, where, activation):
    with pytest.raises(SpecError, match=rf"^{where}: negative_slope .* this layer's activation "):
        NetworkSpec(input_size=2, layers=layers)
    with pytest.raises(SpecError, match=rf"is {activation!r}"):
        NetworkSpec(input_size=2, layers=layers)


def test_a_spec_file_giving_negative_slope_to_a_non_leaky_layer_is_refused():
    data = build_spec([2, 4, 1], "tanh").to_dict()
    data["layers"][0]["negative_slope"] = 0.01  # the default, still not a tanh's field
    with pytest.raises(SpecError, match=r"^layer 1: negative_slope 0\.01 is for leaky_relu"):
        NetworkSpec.from_json(json.dumps(data))


def test_leaky_relu_keeps_its_slope():
    spec = NetworkSpec(2, (Layer(4, "leaky_relu", negative_slope=0.2), Layer(1, "sigmoid")))
    assert NetworkSpec.from_json(spec.to_json()).layers[0].negative_slope == 0.2
