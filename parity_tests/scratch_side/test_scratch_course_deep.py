"""``scratch.course.deep``: week 4's functions in the assignment's signatures and layouts (a
linear cache ``(A_prev, W, b)``, a layer's cache ``(linear_cache, Z)``, ReLU hidden layers and a
sigmoid output, gradients keyed as the current course keys them) give the notebook's own
expected outputs, and equal autograd's and torch.optim's (``torch_impl.course``) on every case
nn-check runs them on."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import deep
from scratch.grading import cases
from scratch.parity import assert_parity, compare, compare_all
from torch_impl import course as truth

WEEK4 = cases.week4(truth)
ORDINARY = [case for case in WEEK4 if not case.saturated]


def test_the_initialisers_draw_small_random_weights_and_zero_biases():
    params = deep.initialize_parameters_deep([50, 40, 1])
    assert list(params) == ["W1", "b1", "W2", "b2"]
    assert params["W1"].shape == (40, 50) and params["W2"].shape == (1, 40)
    assert 0.005 < params["W1"].std() < 0.02  # randn * 0.01
    assert not params["b1"].any() and params["b1"].shape == (40, 1)
    two = deep.initialize_parameters(3, 2, 1)
    assert list(two) == ["W1", "b1", "W2", "b2"]
    assert [value.shape for value in two.values()] == [(2, 3), (2, 1), (1, 2), (1, 1)]


def test_linear_forward_gives_the_notebooks_expected_output_and_caches_its_inputs_in_order():
    np.random.seed(1)
    A, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    Z, cache = deep.linear_forward(A, W, b)
    np.testing.assert_allclose(Z, [[3.26295337, -1.23429987]], rtol=1e-8)
    assert len(cache) == 3 and all(x is y for x, y in zip(cache, (A, W, b), strict=True))


def test_linear_activation_forward_gives_the_notebooks_expected_outputs():
    np.random.seed(2)
    A_prev, W, b = np.random.randn(3, 2), np.random.randn(1, 3), np.random.randn(1, 1)
    A, (linear_cache, Z) = deep.linear_activation_forward(A_prev, W, b, "sigmoid")
    np.testing.assert_allclose(A, [[0.96890023, 0.11013289]], rtol=1e-7)
    np.testing.assert_allclose(Z, W @ A_prev + b, rtol=1e-15)
    assert all(x is y for x, y in zip(linear_cache, (A_prev, W, b), strict=True))
    A, _ = deep.linear_activation_forward(A_prev, W, b, "relu")
    np.testing.assert_allclose(A, [[3.43896131, 0.0]], rtol=1e-8)


@pytest.mark.parametrize("case", WEEK4, ids=lambda case: case.name)
def test_the_forward_pass_and_its_caches_equal_autograds(case):
    o = case.oracle()
    AL, caches = deep.L_model_forward(case.X, case.params)
    assert len(caches) == case.L
    ours = {f"Z{l}": Z for l, (_, Z) in enumerate(caches, 1)} | {f"A{case.L}": AL}
    assert_parity(compare_all(ours, {key: o[key] for key in ours}))
    for l, ((A_prev, W, b), _) in enumerate(caches, 1):
        assert W is case.params[f"W{l}"] and b is case.params[f"b{l}"]
        assert_parity(compare(f"A{l - 1}", A_prev, case.A(l - 1)))


def test_linear_backward_gives_the_notebooks_expected_output():
    np.random.seed(1)
    dZ, A, W, b = (np.random.randn(*shape) for shape in ((1, 2), (3, 2), (1, 3), (1, 1)))
    dA_prev, dW, db = deep.linear_backward(dZ, (A, W, b))
    np.testing.assert_allclose(
        dA_prev,
        [[0.51822968, -0.19517421], [-0.40506361, 0.15255393], [2.37496825, -0.89445391]],
        rtol=1e-7,
    )
    np.testing.assert_allclose(dW, [[-0.10076895, 1.40685096, 1.64992505]], rtol=1e-7)
    np.testing.assert_allclose(db, [[0.50629448]], rtol=1e-7)


def test_the_backward_pass_keys_its_gradients_as_the_current_course_does(rng):
    params = deep.initialize_parameters_deep([4, 3, 2, 1])
    X = rng.standard_normal((4, 6))
    Y = (rng.random((1, 6)) < 0.5).astype(float)
    AL, caches = deep.L_model_forward(X, params)
    assert [len(cache) for cache in caches] == [2, 2, 2]
    grads = deep.L_model_backward(AL, Y, caches)
    assert sorted(grads) == sorted(
        ["dW1", "db1", "dW2", "db2", "dW3", "db3", "dA0", "dA1", "dA2"]
    )  # dA{l-1} out of layer l, no dZ


@pytest.mark.parametrize("case", ORDINARY, ids=lambda case: case.name)
def test_the_cost_and_the_backward_pass_equal_autograds(case):
    o = case.oracle()
    AL, caches = deep.L_model_forward(case.X, case.params)
    assert_parity(compare("cost", deep.compute_cost(AL, case.Y), o["cost"]))
    grads = deep.L_model_backward(AL, case.Y, caches)
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))


@pytest.mark.parametrize(
    ("Y", "cost"), [([[1, 1, 0]], 0.2797765635793422), ([[1, 1, 1]], 0.414931599615397)]
)
def test_compute_cost_gives_the_notebooks_expected_cost(Y, cost):
    assert deep.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array(Y)) == pytest.approx(
        cost, rel=1e-12
    )


def test_compute_cost_from_al_is_exact_where_al_does_not_round_to_0_or_1(rng):
    AL = rng.uniform(1e-6, 1 - 1e-6, (1, 50))
    Y = (rng.random((1, 50)) < 0.5).astype(float)
    naive = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    cost = deep.compute_cost(AL, Y)
    assert isinstance(cost, np.float64) and cost == pytest.approx(naive, rel=1e-12)


@pytest.mark.parametrize("case", ORDINARY[:3], ids=lambda case: case.name)
def test_an_update_is_torch_optims_sgd_step(case):
    grads = {key: value for key, value in case.oracle().items() if key[:2] in ("dW", "db")}
    ours = deep.update_parameters(case.params, grads, 0.1)
    assert_parity(compare_all(ours, truth.gradient_descent(case.params, grads, 0.1)))
