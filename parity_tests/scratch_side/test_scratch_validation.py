"""Bad input gets a clear ValueError/TypeError naming the problem, never a broadcasting
traceback from deep inside NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from scratch import L_model_forward, build_spec, compute_cost, initialize_parameters, train

SPEC = build_spec([2, 4, 1], "tanh")
SOFTMAX = build_spec([2, 4, 3], "tanh", loss="cross_entropy")


@pytest.fixture
def data(rng):
    return rng.standard_normal((2, 10)), rng.integers(0, 2, (1, 10))


def fit(spec=SPEC, X=None, Y=None, **kwargs):
    options = {"learning_rate": 0.1, "num_iterations": 2, **kwargs}
    return train(spec, X, Y, **options)


def test_X_with_the_wrong_number_of_rows(data):
    X, Y = data
    with pytest.raises(ValueError, match=r"X has shape \(3, 10\); expected \(n_x, m\) = \(2, m\)"):
        fit(X=np.vstack([X, X[:1]]), Y=Y)


def test_X_one_dimensional(data):
    with pytest.raises(ValueError, match=r"X has shape \(10,\)"):
        fit(X=data[0][0], Y=data[1])


def test_Y_of_the_wrong_shape(data):
    X, Y = data
    with pytest.raises(
        ValueError, match=r"Y has shape \(10,\); loss 'binary_cross_entropy' expects \(1, 10\)"
    ):
        fit(X=X, Y=Y.ravel())
    with pytest.raises(ValueError, match=r"Y has shape \(1, 9\)"):
        fit(X=X, Y=Y[:, :9])


def test_labels_outside_the_losses_range(data):
    X, Y = data
    with pytest.raises(
        ValueError, match=r"Y holds 2\.0; loss 'binary_cross_entropy' needs targets in \[0, 1\]"
    ):
        fit(X=X, Y=Y * 2)
    with pytest.raises(ValueError, match=r"Y label 3 at column \(example\) 4 is outside \[0, 3\)"):
        labels = np.zeros((1, 10), dtype=int)
        labels[0, 4] = 3
        fit(SOFTMAX, X=X, Y=labels)
    with pytest.raises(ValueError, match="labels must be whole numbers"):
        fit(SOFTMAX, X=X, Y=np.full((1, 10), 0.5))
    with pytest.raises(ValueError, match=r"column \(example\) 0 sums to 2\.0"):
        fit(SOFTMAX, X=X, Y=np.ones((3, 10)) * [[1], [1], [0]])


def test_nan_or_inf_in_X(data):
    X, Y = data
    X = X.copy()
    X[1, 7] = np.nan
    with pytest.raises(
        ValueError,
        match=r"X holds 1 NaN/inf value\(s\); the first is nan at row 1, column \(example\) 7",
    ):
        fit(X=X, Y=Y)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"learning_rate": 0}, "learning_rate must be a positive finite number, got 0"),
        ({"learning_rate": -0.5}, "learning_rate must be a positive finite number"),
        ({"learning_rate": float("nan")}, "learning_rate must be a positive finite number"),
        ({"num_iterations": 0}, "num_iterations must be a positive integer, got 0"),
        ({"num_iterations": 2.5}, "num_iterations must be a positive integer"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
        ({"start_iteration": -1}, "start_iteration must be a non-negative integer"),
    ],
)
def test_hyperparameters_out_of_range(data, options, message):
    with pytest.raises(ValueError, match=message):
        fit(X=data[0], Y=data[1], **options)


def test_params_missing_or_misshaped(data):
    X, Y = data
    params = initialize_parameters(SPEC)
    with pytest.raises(ValueError, match="params do not fit the spec \\(L=2\\): missing b2"):
        fit(X=X, Y=Y, params={k: v for k, v in params.items() if k != "b2"})
    with pytest.raises(ValueError, match="unexpected W3"):
        fit(X=X, Y=Y, params={**params, "W3": params["W2"]})
    with pytest.raises(
        ValueError,
        match=r"params\['W2'\] has shape \(4, 1\); layer 2 of the spec needs "
        r"\(1, 4\) = \(n\[2\], n\[1\]\)",
    ):
        fit(X=X, Y=Y, params={**params, "W2": params["W2"].T})
    with pytest.raises(
        TypeError, match=r"params\['b1'\] is float32 but the spec's dtype is float64"
    ):
        fit(X=X, Y=Y, params={**params, "b1": params["b1"].astype(np.float32)})


def test_course_functions_check_shapes_and_dtype(data):
    X, Y = data
    params = initialize_parameters(SPEC)
    with pytest.raises(TypeError, match="X is float32 but the spec's dtype is float64"):
        L_model_forward(X.astype(np.float32), params, SPEC)
    with pytest.raises(ValueError, match=r"parameters\['W1'\] has shape \(4, 3\)"):
        L_model_forward(X, {**params, "W1": np.zeros((4, 3))}, SPEC)
    with pytest.raises(ValueError, match=r"the cost with l2=0\.5 needs the parameters"):
        compute_cost(np.zeros((1, 10)), Y, SPEC.replace(l2=0.5))


def test_spec_must_be_a_spec(data):
    with pytest.raises(TypeError, match="spec must be a NetworkSpec, got dict"):
        fit(spec={"input_size": 2}, X=data[0], Y=data[1])


NORM = build_spec([2, 4, 1], "tanh").with_hidden_layers(batch_norm=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: p | {"b1": np.zeros((4, 1))},
            r"params give a bias b1, but layer 1 has batch norm, which has none: b\[1\] would",
        ),
        (
            lambda p: {k: v for k, v in p.items() if not k.startswith("running_var")},
            r"missing running_var1 \(the batch-norm state\)",
        ),
        (
            lambda p: p | {"running_mean1": np.zeros((1, 4))},
            r"params\['running_mean1'\] has shape \(1, 4\); layer 1 of the spec needs \(4, 1\)",
        ),
        (
            lambda p: p | {"gamma1": np.ones((4, 2))},
            r"params\['gamma1'\] has shape \(4, 2\); layer 1 of the spec needs \(4, 1\)",
        ),
        (
            lambda p: p | {"running_var1": -np.ones((4, 1))},
            r"params\['running_var1'\] holds -1.0: a variance is >= 0",
        ),
    ],
    ids=["bias-given", "state-missing", "state-misshaped", "gamma-misshaped", "negative-variance"],
)
def test_batch_norm_parameters_that_do_not_fit_are_named(data, change, message):
    X, Y = data
    with pytest.raises(ValueError, match=message):
        fit(NORM, X=X, Y=Y, params=change(initialize_parameters(NORM)))
