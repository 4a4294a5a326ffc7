"""A convolutional network on the scratch side: the L-layer passes chain the vectorised conv,
pool and flatten steps into the numbers of the course's loop forms, every layer keeps its
quantities in course layout, the gradients pass the course's gradient check, L2 penalises the
conv filters too, mini-batches and the split take whole images, and the weights file, predictions
and refusals work as for a dense network."""

from __future__ import annotations

import numpy as np
import pytest
from conv_cases import ConvNet
from conv_network_cases import SMALL, STRIDED, ConvCase

import scratch
import scratch.course.convolution as course
from scratch import BatchSchedule, Layer, NetworkSpec
from scratch.layer_kinds import Conv, Flatten, Pool
from scratch.parity import assert_parity, compare_all
from scratch.weights import load_optimizer_state


def test_every_layer_keeps_its_quantities_in_course_layout():
    """Conv layers: Z, A, dZ as images, dW (f, f, n_C_prev, n_C), db (1, 1, 1, n_C); pool and
    flatten layers: their A and the dA of the layer below, nothing else."""
    case = ConvCase.draw(SMALL, m=5)
    internals = scratch.layer_internals(case.X, case.Y, case.params, SMALL)
    assert {key: value.shape for key, value in internals.items()} == {
        "cost": (),
        **{"Z1": (5, 6, 6, 3), "A1": (5, 6, 6, 3), "A2": (5, 3, 3, 3)},
        **{"Z3": (5, 2, 2, 2), "A3": (5, 2, 2, 2), "A4": (5, 1, 1, 2), "A5": (2, 5)},
        **{"Z6": (4, 5), "A6": (4, 5), "Z7": (3, 5), "A7": (3, 5)},
        **{"dZ7": (3, 5), "dW7": (3, 4), "db7": (3, 1), "dA6": (4, 5)},
        **{"dZ6": (4, 5), "dW6": (4, 2), "db6": (4, 1), "dA5": (2, 5)},
        **{"dA4": (5, 1, 1, 2), "dA3": (5, 2, 2, 2)},
        **{"dZ3": (5, 2, 2, 2), "dW3": (2, 2, 3, 2), "db3": (1, 1, 1, 2), "dA2": (5, 3, 3, 3)},
        **{"dA1": (5, 6, 6, 3), "dZ1": (5, 6, 6, 3), "dW1": (3, 3, 2, 3), "db1": (1, 1, 1, 3)},
        "dA0": (5, 6, 6, 2),
    }
    assert all(value.dtype == np.float64 for value in internals.values())


def test_the_network_computes_what_the_course_loops_chained_by_hand_compute():
    """Phase 1's ``ConvNet`` chains the course's own ``conv_forward``, ``pool_forward``, ...
    loops by hand (conv, ReLU, max pool, flatten, dense softmax); the spec of the same network
    gives the same numbers, its layers numbered 1-4 (the flatten is layer 3). Conv biases of 10
    keep every ReLU alive, so that no max-pool window ties (where the course's mask and torch's
    rule part: ``test_conventions_convolution``)."""
    net = ConvNet.draw(m=3, side=6, bias=10.0)
    spec = NetworkSpec(
        layers=(Conv(4, 3, "relu", pad=1), Pool(2), Flatten(), Layer(6, "softmax")),
        input_shape=(6, 6, 3),
        loss="cross_entropy",
    )
    params = {"W1": net.W1, "b1": net.b1, "W4": net.W3, "b4": net.b3}
    ours = scratch.layer_internals(net.X, net.Y, params, spec)
    loops = {
        {"Z3": "Z4", "dZ3": "dZ4", "dW3": "dW4", "db3": "db4"}.get(key, key): value
        for key, value in net.scratch(course).items()
    }
    assert (ours["A1"] > 0).all()
    assert_parity(compare_all({key: ours[key] for key in loops}, loops, names=("net", "loops")))
    np.testing.assert_array_equal(ours["A3"], ours["A2"].reshape(3, -1).T)


@pytest.mark.parametrize("name", ["small", "strided"])
def test_the_backward_pass_passes_the_courses_gradient_check(name):
    spec = {"small": SMALL, "strided": STRIDED}[name]
    case = ConvCase.draw(spec, m=4)
    result = scratch.gradient_check(case.params, case.X, case.Y, spec)
    assert result.passed, result.per_parameter
    assert set(result.per_parameter) == {f"d{key}" for key in spec.param_shapes()}


def test_l2_penalises_every_W_the_conv_filters_among_them():
    """The course's L2 term sums every ``W[l]``: ``(l2/2m) sum_l ||W[l]||^2`` in the cost, and
    ``(l2/m) W[l]`` in each ``dW[l]``, conv filters too; biases are not penalised."""
    case = ConvCase.draw(SMALL, m=4)
    plain = scratch.layer_internals(case.X, case.Y, case.params, SMALL)
    penalised = scratch.layer_internals(case.X, case.Y, case.params, SMALL.replace(l2=0.5))
    squares = sum(np.sum(case.params[f"W{l}"] ** 2) for l in (1, 3, 6, 7))
    np.testing.assert_allclose(penalised["cost"] - plain["cost"], 0.5 / 8 * squares, rtol=1e-13)
    for key in ("W1", "W3", "W6"):
        np.testing.assert_allclose(
            penalised[f"d{key}"] - plain[f"d{key}"], 0.5 / 4 * case.params[key], atol=1e-15
        )
    np.testing.assert_array_equal(penalised["db1"], plain["db1"])


def test_the_split_and_the_mini_batches_take_whole_images():
    """Image i holds the number i everywhere: the split and every step's batch are whole images
    along the first axis, with their own labels; a step's cost is the cost of its images."""
    m = 10
    X = np.broadcast_to(np.arange(m, dtype=np.float64)[:, None, None, None], (m, 6, 6, 2)).copy()
    Y = (np.arange(m) % 3)[np.newaxis]
    X_train, Y_train, X_test, Y_test = scratch.train_test_split(X, Y, 0.3, seed=1)
    assert X_train.shape == (7, 6, 6, 2) and X_test.shape == (3, 6, 6, 2)
    for part, labels in ((X_train, Y_train), (X_test, Y_test)):
        index = part[:, 0, 0, 0].astype(int)
        assert (part == index[:, None, None, None]).all() and (labels[0] == index % 3).all()
    params = ConvCase.draw(SMALL).params
    run = scratch.train(
        SMALL, X, Y, learning_rate=1e-9, num_iterations=2, batch_size=4, params=params
    )
    first = next(BatchSchedule(m, 4, True, SMALL.seed).batches(0, 1))
    assert run.costs[0] == scratch.cost_of(X[first], Y[:, first], params, SMALL, training=True)


def test_a_resumed_run_equals_an_uninterrupted_one():
    """4 + 3 mini-batch steps of Adam, from the first run's weights and state, are the 7 of one
    run: the same batches, drawn from (seed, epoch), and the same state."""
    case = ConvCase.draw(SMALL, m=6)
    settings = {"learning_rate": 0.01, "batch_size": 4, "optimizer": "adam"}
    whole = scratch.train(SMALL, case.X, case.Y, num_iterations=7, params=case.params, **settings)
    first = scratch.train(SMALL, case.X, case.Y, num_iterations=4, params=case.params, **settings)
    rest = scratch.train(
        SMALL,
        case.X,
        case.Y,
        num_iterations=3,
        start_iteration=4,
        params=first.params,
        state=first.state,
        **settings,
    )
    np.testing.assert_array_equal(np.concatenate([first.costs, rest.costs]), whole.costs)
    assert all(np.array_equal(rest.params[key], whole.params[key]) for key in whole.params)


def test_the_weights_file_holds_the_conv_filters_in_course_layout(tmp_path):
    case = ConvCase.draw(SMALL)
    run = scratch.train(
        SMALL, case.X, case.Y, learning_rate=0.01, num_iterations=2, optimizer="momentum"
    )
    scratch.save_weights(tmp_path / "w.npz", run.params, SMALL, "momentum", run.state)
    with np.load(tmp_path / "w.npz") as file:
        assert file["W1"].shape == (3, 3, 2, 3) and file["v_dW1"].shape == (3, 3, 2, 3)
    params, spec = scratch.load_weights(tmp_path / "w.npz")
    assert spec == SMALL and all(np.array_equal(params[k], run.params[k]) for k in params)
    name, state = load_optimizer_state(tmp_path / "w.npz")
    assert name == "momentum" and all(np.array_equal(state[k], run.state[k]) for k in state)


def test_predictions_and_accuracy_take_images():
    case = ConvCase.draw(SMALL, m=8)
    predicted = scratch.predict(case.X, case.params, SMALL)
    AL, _ = scratch.L_model_forward(case.X, case.params, SMALL, training=False)
    np.testing.assert_array_equal(predicted, AL.argmax(axis=0)[np.newaxis])
    expected = float(np.mean(predicted == case.Y))
    assert scratch.accuracy(case.X, case.Y, case.params, SMALL) == expected


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.zeros((36 * 2, 4)), r"expected images \(m, n_H, n_W, n_C\) = \(m, 6, 6, 2\)"),
        (np.zeros((4, 6, 6, 3)), r"X has shape \(4, 6, 6, 3\); expected images"),
        (
            np.where(np.arange(288).reshape(4, 6, 6, 2) == 100, np.nan, 0.0),
            r"the first is nan at X\[1, 2, 2, 0\] \(example 1\)",
        ),
    ],
)
def test_images_that_do_not_fit_the_spec_are_refused_in_one_line(X, message):
    params = ConvCase.draw(SMALL).params
    with pytest.raises(ValueError, match=message):
        scratch.predict(X, params, SMALL)


def test_conv_parameters_of_the_wrong_shape_are_named_with_their_layout():
    params = ConvCase.draw(SMALL).params | {"W1": np.zeros((3, 3, 3, 2))}
    with pytest.raises(
        ValueError,
        match=r"\['W1'\] has shape \(3, 3, 3, 2\); layer 1 .* needs "
        r"\(3, 3, 2, 3\) = \(f, f, n_C_prev, n_C\)",
    ):
        scratch.predict(ConvCase.draw(SMALL).X, params, SMALL)
