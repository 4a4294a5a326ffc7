"""The scratch network: course shapes and keys, whole-network gradient checks over a sweep of
architectures, and the training behaviour the course teaches."""

from __future__ import annotations

import numpy as np
import pytest

from scratch import (
    L_model_backward,
    L_model_forward,
    NetworkSpec,
    accuracy,
    build_spec,
    compute_cost,
    gradient_check,
    initialize_parameters,
    layer_internals,
    load_dataset,
    update_parameters,
)

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
LOSS_OUTPUTS = {"binary_cross_entropy": 1, "cross_entropy": 3, "mse": 2}


def labels_for(spec: NetworkSpec, rng: np.random.Generator, m: int) -> np.ndarray:
    if spec.loss == "binary_cross_entropy":
        return rng.integers(0, 2, (1, m))
    if spec.loss == "cross_entropy":
        return rng.integers(0, spec.layers[-1].units, (1, m))
    return rng.standard_normal((spec.layers[-1].units, m))


def generic_params(spec: NetworkSpec, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Weights and biases drawn at random, so no pre-activation sits exactly on a ReLU kink
    (with zero biases, an example whose ReLUs all die gives the next layer Z = 0 exactly)."""
    return {key: rng.standard_normal(shape) * 0.8 for key, shape in spec.param_shapes().items()}


def sweep():
    for loss, n_out in LOSS_OUTPUTS.items():
        for l2 in (0.0, 0.5):
            yield pytest.param([3, n_out], "identity", loss, l2, id=f"0hidden-{loss}-l2={l2}")
            for act in HIDDEN:
                for hidden in ([5], [4, 3, 4]):
                    sizes = [3, *hidden, n_out]
                    yield pytest.param(
                        sizes, act, loss, l2, id=f"{len(hidden)}hidden-{act}-{loss}-l2={l2}"
                    )


@pytest.mark.parametrize(("sizes", "activation", "loss", "l2"), list(sweep()))
def test_whole_network_gradient_check_float64(sizes, activation, loss, l2, rng):
    spec = build_spec(sizes, activation, loss=loss, l2=l2)
    X = rng.standard_normal((sizes[0], 7))
    result = gradient_check(generic_params(spec, rng), X, labels_for(spec, rng, 7), spec)
    assert result.passed, f"relative difference {result.difference:.3e}: {result.per_parameter}"


def test_gradient_check_catches_a_wrong_backward(rng, monkeypatch):
    """The check can fail: with db not divided by m it reports db, and only db."""
    import scratch.network as network

    spec = build_spec([3, 4, 1], "tanh")
    params, X, Y = (
        generic_params(spec, rng),
        rng.standard_normal((3, 6)),
        rng.integers(0, 2, (1, 6)),
    )
    real = network.linear_backward

    def db_not_divided_by_m(dZ, cache, *args, **kwargs):
        dA_prev, dW, db = real(dZ, cache, *args, **kwargs)
        return dA_prev, dW, db * cache.A_prev.shape[1]

    monkeypatch.setattr(network, "linear_backward", db_not_divided_by_m)
    result = gradient_check(params, X, Y, spec)
    assert not result.passed
    assert {k for k, v in result.per_parameter.items() if v > 2e-7} == {"db1", "db2"}


def test_forward_and_backward_have_course_shapes_and_keys(rng):
    spec = build_spec([5, 4, 3, 2], "relu", loss="cross_entropy")
    m = 11
    X, Y = rng.standard_normal((5, m)), rng.integers(0, 2, (1, m))
    params = initialize_parameters(spec)
    AL, caches = L_model_forward(X, params, spec)
    assert AL.shape == (2, m) and len(caches) == 3
    for l, ((A_prev, W, b), (Z, A)) in enumerate(caches, start=1):
        assert W is params[f"W{l}"] and b is params[f"b{l}"]
        assert A_prev.shape == (spec.sizes[l - 1], m) and Z.shape == A.shape == (spec.sizes[l], m)
    grads = L_model_backward(AL, Y, caches, spec)
    expected = {f"{p}{l}" for l in (1, 2, 3) for p in ("dW", "db", "dZ")} | {"dA0", "dA1", "dA2"}
    assert set(grads) == expected
    for key, value in grads.items():
        shape = params[key[1:]].shape if key[1] in "Wb" else (spec.sizes[int(key[2:])], m)
        assert value.shape == shape, key
    assert set(layer_internals(X, Y, params, spec)) == expected | {
        "cost",
        "Z1",
        "Z2",
        "Z3",
        "A1",
        "A2",
        "A3",
    }


def test_single_example_matches_its_column_in_a_batch(rng):
    """Vectorised over examples: column i of a batch equals the network run on example i alone."""
    spec = build_spec([3, 6, 1], "tanh")
    params = generic_params(spec, rng)
    X = rng.standard_normal((3, 9))
    AL, _ = L_model_forward(X, params, spec)
    for i in range(9):
        alone, _ = L_model_forward(X[:, i : i + 1], params, spec)
        np.testing.assert_allclose(alone, AL[:, i : i + 1], rtol=1e-14)


def test_cost_is_the_mean_loss_plus_l2(rng):
    spec = build_spec([2, 1], loss="binary_cross_entropy", l2=0.3)
    params = generic_params(spec, rng)
    X, Y = rng.standard_normal((2, 5)), rng.integers(0, 2, (1, 5))
    AL, caches = L_model_forward(X, params, spec)
    naive = (
        -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) + 0.3 / 10 * (params["W1"] ** 2).sum()
    )
    assert compute_cost(caches[-1].activation_cache.Z, Y, spec, params) == pytest.approx(
        naive, rel=1e-13
    )


def test_update_parameters_is_one_gradient_step_and_mutates_nothing(rng):
    spec = build_spec([2, 3, 1], "tanh")
    params = generic_params(spec, rng)
    grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
    before = {k: v.copy() for k, v in params.items()}
    new = update_parameters(params, grads, 0.1)
    into = update_parameters(
        params, grads, 0.1, out={k: np.empty_like(v) for k, v in params.items()}
    )
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])
        np.testing.assert_array_equal(new[key], before[key] - 0.1 * grads[f"d{key}"])
        np.testing.assert_array_equal(into[key], new[key])


def test_planar_flower_reaches_88_percent():
    """The course's shallow net: [2, 4, 1], tanh/sigmoid, randn*0.01, lr 1.2, 10,000 steps."""
    from scratch import train

    X, Y = load_dataset("planar")
    spec = build_spec([2, 4, 1], "tanh", init="small_random", seed=1)
    result = train(spec, X, Y, learning_rate=1.2, num_iterations=10_000)
    assert accuracy(X, Y, result.params, spec) >= 0.88
    assert result.costs.shape == (10_000,) and result.costs[-1] < result.costs[0]


def newton_logistic_regression(X, Y, iterations=50):
    """The exact optimum of the (convex) logistic-regression cost, by Newton's method."""
    Xb = np.vstack([X, np.ones((1, X.shape[1]))])
    w = np.zeros(Xb.shape[0])
    y = Y.ravel()
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(w @ Xb)))
        gradient = Xb @ (p - y) / y.size
        hessian = (Xb * (p * (1 - p))) @ Xb.T / y.size
        w -= np.linalg.solve(hessian, gradient)
    return w


def test_logistic_regression_reaches_the_optimum():
    """No hidden layer: gradient descent lands on Newton's optimum of the convex cost, and
    separates a linearly separable set perfectly."""
    from scratch import train

    spec = build_spec([2, 1], init="zeros")
    X, Y = load_dataset("blobs", separation=1.5, seed=3)  # overlapping: a finite optimum
    result = train(spec, X, Y, learning_rate=2.0, num_iterations=3000)
    w = newton_logistic_regression(X, Y)
    np.testing.assert_allclose(result.params["W1"].ravel(), w[:2], rtol=1e-8)
    np.testing.assert_allclose(result.params["b1"].ravel(), w[2:], rtol=1e-8, atol=1e-10)

    X, Y = load_dataset("blobs", separation=8.0, seed=3)
    result = train(spec, X, Y, learning_rate=1.0, num_iterations=500)
    assert accuracy(X, Y, result.params, spec) == 1.0


def test_zero_initialisation_never_breaks_symmetry():
    from scratch import train

    X, Y = load_dataset("planar")
    # Two classes of 200 with zero weights give dW = db = 0 exactly: take 300 examples, so the
    # output bias moves first and the rest follows.
    X, Y = X[:, :300], Y[:, :300]
    spec = build_spec([2, 4, 1], "sigmoid", init="zeros")
    params = train(spec, X, Y, learning_rate=1.2, num_iterations=500).params
    W1, b1, W2 = params["W1"], params["b1"], params["W2"]
    assert np.abs(W1).max() > 0 and np.abs(W2).max() > 0  # the weights did move ...
    np.testing.assert_array_equal(W1, np.broadcast_to(W1[0], W1.shape))  # ... all units alike
    np.testing.assert_array_equal(b1, np.broadcast_to(b1[0], b1.shape))
    np.testing.assert_array_equal(W2, np.broadcast_to(W2[0, 0], W2.shape))
    random = train(spec.replace(init="small_random"), X, Y, learning_rate=1.2, num_iterations=500)
    assert len(np.unique(random.params["W1"][:, 0])) == 4


@pytest.mark.parametrize("init", ["small_random", "xavier", "he"])
def test_initialisation_scale_and_seed(init):
    spec = build_spec([400, 300, 1], "relu", init=init, seed=7)
    W1 = initialize_parameters(spec)["W1"]
    expected = {"small_random": 0.01, "xavier": np.sqrt(2 / 700), "he": np.sqrt(2 / 400)}[init]
    assert W1.std() == pytest.approx(expected, rel=0.02)
    assert not initialize_parameters(spec)["b1"].any()
    np.testing.assert_array_equal(initialize_parameters(spec)["W1"], W1)
    assert not np.array_equal(initialize_parameters(spec.replace(seed=8))["W1"], W1)


def test_initialisation_touches_no_global_random_state():
    np.random.seed(0)
    expected = np.random.random()
    np.random.seed(0)
    initialize_parameters(build_spec([3, 4, 1], "tanh"))
    assert np.random.random() == expected
