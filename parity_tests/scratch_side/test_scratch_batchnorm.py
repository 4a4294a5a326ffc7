"""``scratch.batchnorm``: the forward pass normalises each unit over the examples (axis 1) by the
biased variance, the closed-form backward is the derivative (against centred differences, term
by term), the running statistics follow torch's update, inference uses them, and a batch of
one example is refused in training with a message that says why."""

from __future__ import annotations

import numpy as np
import pytest

import scratch
from scratch import BatchOfOneError, batchnorm_backward, batchnorm_forward, batchnorm_inference
from scratch.batchnorm import update_running_stats

EPS = 1e-5


@pytest.fixture
def batch(rng):
    """``Z`` (3, 6), one unit far from mean 0 and variance 1, and ``gamma``, ``beta`` (3, 1)."""
    Z = rng.standard_normal((3, 6)) * [[1.0], [5.0], [0.2]] + [[0.0], [3.0], [-1.0]]
    return Z, rng.standard_normal((3, 1)) + 1, rng.standard_normal((3, 1))


def test_each_unit_is_normalised_over_the_examples_by_the_biased_variance(batch):
    Z, gamma, beta = batch
    Z_tilde, cache = batchnorm_forward(Z, gamma, beta, EPS)
    var = Z.var(axis=1, keepdims=True)  # ddof=0: the biased variance
    np.testing.assert_allclose(cache.mu, Z.mean(axis=1, keepdims=True), rtol=1e-15)
    np.testing.assert_allclose(cache.var, var, rtol=1e-14)
    np.testing.assert_allclose(cache.Z_norm.mean(axis=1), 0, atol=1e-15)
    np.testing.assert_allclose(cache.Z_norm.var(axis=1), var[:, 0] / (var[:, 0] + EPS), rtol=1e-13)
    np.testing.assert_allclose(Z_tilde, gamma * cache.Z_norm + beta, rtol=1e-15)


def test_examples_are_columns_not_rows(batch):
    """Permuting the examples permutes the output: statistics are per unit (row)."""
    Z, gamma, beta = batch
    order = np.array([3, 0, 5, 1, 4, 2])
    permuted, _ = batchnorm_forward(Z[:, order], gamma, beta, EPS)
    np.testing.assert_allclose(permuted, batchnorm_forward(Z, gamma, beta, EPS)[0][:, order])


@pytest.mark.parametrize("m", [2, 3, 17])
def test_the_closed_form_backward_is_the_derivative_term_by_term(rng, m):
    """``dZ``, ``dgamma``, ``dbeta`` against centred differences of ``L = sum(G * Z_tilde)``
    (so ``dZ_tilde = G``); dgamma and dbeta are of L / m, as the course's dW is of J."""
    Z, G = rng.standard_normal((2, m)) * 2 + 1, rng.standard_normal((2, m))
    gamma, beta = rng.standard_normal((2, 1)) + 1, rng.standard_normal((2, 1))
    _, cache = batchnorm_forward(Z, gamma, beta, EPS)
    dZ, dgamma, dbeta = batchnorm_backward(G, cache)

    def numeric(array, scale=1.0, h=1e-6):
        grad = np.empty_like(array)
        for index in np.ndindex(array.shape):
            keep = array[index]
            array[index] = keep + h
            plus = np.sum(G * batchnorm_forward(Z, gamma, beta, EPS)[0])
            array[index] = keep - h
            minus = np.sum(G * batchnorm_forward(Z, gamma, beta, EPS)[0])
            array[index] = keep
            grad[index] = (plus - minus) / (2 * h) * scale
        return grad

    np.testing.assert_allclose(dZ, numeric(Z), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dgamma, numeric(gamma, 1 / m), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dbeta, numeric(beta, 1 / m), rtol=1e-6, atol=1e-8)
    assert np.abs(dZ.sum(axis=1)).max() < 1e-12, "dZ must sum to 0 over a batch: mu absorbs it"


def test_running_statistics_take_momentum_of_the_batch_and_its_unbiased_variance(batch):
    Z, gamma, beta = batch
    _, cache = batchnorm_forward(Z, gamma, beta, EPS)
    mean, var = np.full((3, 1), 0.5), np.full((3, 1), 2.0)
    update_running_stats(mean, var, cache, momentum=0.1)
    np.testing.assert_allclose(mean, 0.9 * 0.5 + 0.1 * Z.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(var, 0.9 * 2.0 + 0.1 * Z.var(axis=1, ddof=1, keepdims=True))


def test_inference_normalises_by_the_running_statistics_even_for_one_example(batch):
    Z, gamma, beta = batch
    mean, var = np.array([[0.1], [2.5], [-1.0]]), np.array([[1.5], [20.0], [0.04]])
    Z_tilde, _ = batchnorm_inference(Z[:, :1], gamma, beta, mean, var, EPS)
    np.testing.assert_allclose(Z_tilde, gamma * (Z[:, :1] - mean) / np.sqrt(var + EPS) + beta)


def test_the_forward_and_backward_write_into_the_arrays_they_are_given(batch):
    Z, gamma, beta = batch
    _, first = batchnorm_forward(Z, gamma, beta, EPS)
    Z_tilde_out, dZ_out = np.empty_like(Z), np.empty_like(Z)
    Z_tilde, cache = batchnorm_forward(Z, gamma, beta, EPS, out=first, Z_tilde_out=Z_tilde_out)
    assert Z_tilde is Z_tilde_out and cache.Z_norm is first.Z_norm
    assert batchnorm_backward(np.ones_like(Z), cache, out=dZ_out)[0] is dZ_out


def test_a_batch_of_one_example_is_refused_in_training_naming_the_layer(rng):
    with pytest.raises(BatchOfOneError, match="layer 2: batch norm in training needs at least 2"):
        batchnorm_forward(rng.standard_normal((3, 1)), np.ones((3, 1)), np.zeros((3, 1)), layer=2)
    spec = scratch.build_spec([2, 3, 1], "tanh").with_hidden_layers(batch_norm=True)
    params = scratch.initialize_parameters(spec)
    says = r"layer 1: .* but the batch given holds 1: the variance of one example is 0"
    with pytest.raises(BatchOfOneError, match=says):
        scratch.L_model_forward(rng.standard_normal((2, 1)), params, spec)
    assert scratch.predict(rng.standard_normal((2, 1)), params, spec).shape == (1, 1)


@pytest.mark.parametrize(
    ("m", "batch_size", "says"),
    [
        (1, None, r"but the data holds 1 example:"),
        (8, 1, r"but the batch size is 1:"),
        (65, 64, r"but the last batch of every epoch holds 1 example \(m = 65 = 1 x batch_"),
        (9, 4, r"\(m = 9 = 2 x batch_size 4 \+ 1\)"),
    ],
    ids=["one-example", "batch-size-one", "last-batch-of-one", "last-of-three-batches"],
)
def test_a_run_with_a_batch_of_one_is_refused_before_its_first_step_saying_where_it_comes_from(
    rng, m, batch_size, says
):
    spec = scratch.build_spec([2, 3, 1], "tanh").with_hidden_layers(batch_norm=[True])
    X, Y = rng.standard_normal((2, m)), rng.integers(0, 2, (1, m))
    with pytest.raises(BatchOfOneError, match=f"layer 1: batch norm in training .*{says}"):
        scratch.train(spec, X, Y, learning_rate=0.1, num_iterations=1, batch_size=batch_size)
    settings = scratch.TrainingSettings(0.1, 1, batch_size)
    with pytest.raises(BatchOfOneError, match=says):
        scratch.check_training(spec, m, settings)  # what a command checks before it starts
