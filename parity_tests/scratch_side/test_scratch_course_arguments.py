"""The course's functions called by hand, as learners call them (issue 25): what would make them
return NaN (a beta of 1, an epsilon of 0), fail in NumPy's own words (a matmul's gufunc
signature, a broadcast) or raise the wrong error (``update_lr``'s ZeroDivisionError) is one
``ValueError`` or ``TypeError`` naming the function, the argument and the value as given."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import scratch
from scratch.course import deep, planar
from scratch.layers import LinearCache

P = {"W1": np.ones((4, 2)), "b1": np.zeros((4, 1)), "W2": np.ones((1, 4)), "b2": np.zeros((1, 1))}
G = {f"d{key}": np.full_like(value, 0.1) for key, value in P.items()}
V, S = scratch.initialize_adam(P)
A_PREV, W, B = np.ones((2, 5)), np.ones((4, 2)), np.zeros((4, 1))
CACHE = LinearCache(A_PREV, W, B)
NAN = float("nan")

CALLS = {  # id: (call, error, the one line's start: function, argument and value)
    "adam-beta1=1": (
        lambda: scratch.update_parameters_with_adam(P, G, V, S, 1, 0.01, 1.0),
        ValueError,
        "update_parameters_with_adam: beta1 must be a number in [0, 1), got 1.0",
    ),
    "adam-beta2=1": (
        lambda: scratch.update_parameters_with_adam(P, G, V, S, 1, 0.01, 0.9, 1),
        ValueError,
        "update_parameters_with_adam: beta2 must be a number in [0, 1), got 1",
    ),
    "adam-epsilon=0": (
        lambda: scratch.update_parameters_with_adam(P, G, V, S, 1, 0.01, 0.9, 0.999, 0),
        ValueError,
        "update_parameters_with_adam: epsilon must be a positive finite number, got 0",
    ),
    "adam-epsilon<0": (
        lambda: scratch.update_parameters_with_adam(P, G, V, S, 1, epsilon=-1e-8),
        ValueError,
        "update_parameters_with_adam: epsilon must be a positive finite number, got -1e-08",
    ),
    "adam-t=0": (
        lambda: scratch.update_parameters_with_adam(P, G, V, S, 0),
        ValueError,
        "update_parameters_with_adam: t must be a positive integer, got 0",
    ),
    "momentum-beta=1": (
        lambda: scratch.update_parameters_with_momentum(P, G, V, 1, 0.1),
        ValueError,
        "update_parameters_with_momentum: beta must be a number in [0, 1), got 1",
    ),
    "momentum-beta=nan": (
        lambda: scratch.update_parameters_with_momentum(P, G, V, NAN, 0.1),
        ValueError,
        "update_parameters_with_momentum: beta must be a number in [0, 1), got nan",
    ),
    "momentum-v-list": (
        lambda: scratch.update_parameters_with_momentum(P, G, list(V.values()), 0.9, 0.1),
        TypeError,
        "update_parameters_with_momentum: v must be a dict of arrays keyed dW1, db1, dW2, db2",
    ),
    "rmsprop-beta2=1.5": (
        lambda: scratch.update_parameters_with_rmsprop(P, G, S, 1.5, 0.1),
        ValueError,
        "update_parameters_with_rmsprop: beta2 must be a number in [0, 1), got 1.5",
    ),
    "rmsprop-epsilon=nan": (
        lambda: scratch.update_parameters_with_rmsprop(P, G, S, 0.9, 0.1, NAN),
        ValueError,
        "update_parameters_with_rmsprop: epsilon must be a positive finite number, got nan",
    ),
    "update_lr-epoch=-1": (
        lambda: scratch.update_lr(0.1, -1, 1.0),
        ValueError,
        "update_lr: epoch_num must be a non-negative integer, got -1",
    ),
    "update_lr-decay<0": (
        lambda: scratch.update_lr(0.1, 2, -0.5),
        ValueError,
        "update_lr: decay_rate must be a finite number >= 0, got -0.5",
    ),
    "update_lr-lr0=0": (
        lambda: scratch.update_lr(0, 2, 1),
        ValueError,
        "update_lr: learning_rate0 must be a positive finite number, got 0",
    ),
    "schedule-interval=0": (
        lambda: scratch.schedule_lr_decay(0.1, 3, 1.0, 0),
        ValueError,
        "schedule_lr_decay: time_interval must be a positive integer, got 0",
    ),
    "schedule-epoch=1.5": (
        lambda: scratch.schedule_lr_decay(0.1, 1.5, 1.0),
        ValueError,
        "schedule_lr_decay: epoch_num must be a non-negative integer, got 1.5",
    ),
    "update-grads-list": (
        lambda: scratch.update_parameters(P, list(G.values()), 0.1),
        TypeError,
        "update_parameters: grads must be a dict of arrays, got list",
    ),
    "update-grad-a-list": (
        lambda: scratch.update_parameters(P, G | {"dW1": G["dW1"].tolist()}, 0.1),
        TypeError,
        "update_parameters: grads['dW1'] must be a NumPy array, got list",
    ),
    "initialize_velocity-list": (
        lambda: scratch.initialize_velocity(list(P.values())),
        TypeError,
        "initialize_velocity: parameters must be a dict of arrays, got list",
    ),
    "linear_forward-A_prev": (
        lambda: scratch.linear_forward(np.ones((3, 5)), W, B),
        ValueError,
        "linear_forward: A_prev has shape (3, 5); W (4, 2) takes (n[l-1], m) = (2, m)",
    ),
    "linear_forward-b": (
        lambda: scratch.linear_forward(A_PREV, W, np.zeros((3, 1))),
        ValueError,
        "linear_forward: b has shape (3, 1); W (4, 2) needs (n[l], 1) = (4, 1)",
    ),
    "linear_forward-b-1d": (  # NumPy would broadcast it along the examples, quietly
        lambda: scratch.linear_forward(A_PREV, W, np.zeros(4)),
        ValueError,
        "linear_forward: b has shape (4,); W (4, 2) needs (n[l], 1) = (4, 1)",
    ),
    "linear_forward-W-list": (
        lambda: scratch.linear_forward(A_PREV, W.tolist(), B),
        TypeError,
        "linear_forward: W must be a NumPy array, got list",
    ),
    "linear_activation_forward-unknown": (
        lambda: scratch.linear_activation_forward(A_PREV, W, B, "relu6"),
        ValueError,
        "linear_activation_forward: activation 'relu6' is unknown",
    ),
    "linear_backward-dZ": (
        lambda: scratch.linear_backward(np.ones((4, 6)), CACHE),
        ValueError,
        "linear_backward: dZ has shape (4, 6); the cache's W (4, 2) and A_prev (2, 5) give Z of "
        "shape (n[l], m) = (4, 5)",
    ),
    "linear_backward-cache": (
        lambda: scratch.linear_backward(np.ones((4, 5)), (A_PREV, W)),
        TypeError,
        "linear_backward: the linear cache must be (A_prev, W, b)",
    ),
    "linear_backward-l2": (
        lambda: scratch.linear_backward(np.ones((4, 5)), CACHE, -0.1),
        ValueError,
        "linear_backward: l2 must be a finite number >= 0, got -0.1",
    ),
    "linear_activation_backward-dA": (
        lambda: scratch.linear_activation_backward(
            np.ones((4, 3)), (CACHE, (np.ones((4, 5)), np.ones((4, 5)))), "relu"
        ),
        ValueError,
        "linear_activation_backward: dA has shape (4, 3); the cache's Z, which it goes with, is "
        "(4, 5)",
    ),
    "compute_cost-ZL": (
        lambda: scratch.compute_cost(np.ones((2, 5)), np.ones((1, 5)), deep.spec_for([2, 1])),
        ValueError,
        "compute_cost: ZL has shape (2, 5); the output layer gives (n[L], m) = (1, m)",
    ),
    "course-compute_cost-AL": (
        lambda: deep.compute_cost(np.array([[0.5, 1.5]]), np.array([[0, 1]])),
        ValueError,
        "compute_cost: AL[0, 1] is 1.5: a sigmoid output is a probability in [0, 1]",
    ),
    "course-L_model_forward-parameters": (
        lambda: deep.L_model_forward(A_PREV, {"W1": W}),
        ValueError,
        "L_model_forward: parameters must hold W1, b1, ..., WL, bL, got W1",
    ),
    "course-linear_backward-list-cache": (
        lambda: deep.linear_backward(np.ones((4, 6)), [A_PREV, W, B]),
        ValueError,
        "linear_backward: dZ has shape (4, 6)",
    ),
    "course-L_model_backward-caches": (
        lambda: deep.L_model_backward(np.ones((1, 5)), np.ones((1, 5)), [(A_PREV, W)]),
        TypeError,
        "L_model_backward: caches[0]'s linear cache must be (A_prev, W, b), as linear_forward "
        "returns it; got ndarray",
    ),
    "course-L_model_backward-not-a-pair": (
        lambda: deep.L_model_backward(np.ones((1, 5)), np.ones((1, 5)), [(A_PREV, W, B)]),
        TypeError,
        "L_model_backward: caches[0] must be (linear_cache, Z), as linear_activation_forward "
        "returns it; got a tuple of 3",
    ),
    "course-backward_propagation-cache": (
        lambda: planar.backward_propagation(P, {"A1": 1}, A_PREV, np.ones((1, 5))),
        ValueError,
        "backward_propagation: cache must hold Z1, A1, Z2, A2 (forward_propagation's), got A1",
    ),
}


@pytest.mark.parametrize("case", list(CALLS))
def test_a_course_function_called_badly_is_one_error_naming_it_the_argument_and_the_value(case):
    call, error, start = CALLS[case]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning on the way: refused before NumPy
        with pytest.raises(error) as caught:
            call()
    message = str(caught.value)
    assert message.startswith(start), message
    assert "\n" not in message and "gufunc" not in message and "broadcast" not in message


def test_a_uint64_label_is_shown_as_itself():
    """The issue's case: reported as -1, its wrapped-around int64."""
    spec = scratch.build_spec([2, 3], "relu", loss="cross_entropy")
    big = np.iinfo(np.uint64).max
    with pytest.raises(ValueError, match=rf"^Y label {big} at column \(example\) 1 is outside"):
        scratch.as_targets(np.array([[0, big]], dtype=np.uint64), spec, 2)


def test_a_state_of_another_optimizer_names_what_the_optimizer_keeps():
    """The issue's case: 'none' was printed letter by letter, "(n, o, n, e)"."""
    with pytest.raises(ValueError) as caught:
        scratch.Optimizer.from_state("gd", P, {f"v_{key}": value for key, value in V.items()})
    assert "not the state of 'gd' (none)" in str(caught.value), caught.value


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: scratch.update_lr(0.5, 2, 1), 0.5 / 3),
        (lambda: scratch.update_lr(0.5, np.int64(0), 0.0), 0.5),
        (lambda: scratch.schedule_lr_decay(0.5, 2000, 1, 1000), 0.5 / 3),
    ],
)
def test_what_the_course_passes_is_accepted(call, expected):
    assert call() == pytest.approx(expected)


def test_a_hyperparameter_at_the_edge_of_its_range_is_a_step():
    """``beta = 0`` is plain gradient descent: in [0, 1), and no NaN."""
    new, v = scratch.update_parameters_with_momentum(P, G, V, 0.0, 0.1)
    np.testing.assert_allclose(new["W1"], P["W1"] - 0.1 * G["dW1"])
    assert all(np.isfinite(value).all() for value in v.values())


@pytest.mark.parametrize("name", ["beta", "beta1", "beta2", "epsilon", "decay_interval"])
def test_training_settings_refuse_a_hyperparameter_their_optimizer_does_not_read(name):
    value = {"beta": 0.5, "beta1": 0.5, "beta2": 0.5, "epsilon": 1e-3, "decay_interval": 3}[name]
    with pytest.raises(ValueError, match=rf"^{name}={value!r} does nothing: "):
        scratch.TrainingSettings(0.1, 3, optimizer="gd", **{name: value})
    users = {"beta": "momentum", "beta1": "adam", "beta2": "rmsprop", "epsilon": "adam"}
    if name in users:
        scratch.TrainingSettings(0.1, 3, optimizer=users[name], **{name: value})
    else:
        scratch.TrainingSettings(0.1, 3, decay_rate=0.1, **{name: value})
