"""Every loss's gradient ``d(sum of losses)/dZ[L]`` against centred differences (float64), each
loss exact where its output saturates, and the L2 penalty with its gradient.

Warnings are errors in this suite (pyproject's ``filterwarnings``), so an overflow in
``exp`` fails the test that provokes it.
"""

from __future__ import annotations

import numpy as np
import pytest

from scratch import ACTIVATION_TABLE, LOSS_TABLE, l2_penalty

H = 1e-6  # centred-difference step: error O(H^2) ~ 1e-12, round-off O(eps/H) ~ 1e-10
OUTPUT_ACTIVATION = {
    "binary_cross_entropy": "sigmoid",
    "cross_entropy": "softmax",
    "mse": "identity",
}


def targets_for(loss, rng, shape):
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, shape).astype(float)
    if loss == "cross_entropy":
        return np.eye(shape[0])[:, rng.integers(0, shape[0], shape[1])]
    return rng.standard_normal(shape)


@pytest.mark.parametrize(
    ("loss", "classes"), [("binary_cross_entropy", 1), ("cross_entropy", 4), ("mse", 3)]
)
def test_loss_gradient_matches_centred_difference(loss, classes, rng):
    """``output_grad(AL, T)`` is d(sum of losses)/dZL, the course's dZ[L]."""
    entry, g = LOSS_TABLE[loss], ACTIVATION_TABLE[OUTPUT_ACTIVATION[loss]]
    Z = rng.standard_normal((classes, 9)) * 3
    T = targets_for(loss, rng, Z.shape)
    numeric = np.empty_like(Z)
    for index in np.ndindex(Z.shape):
        step = np.zeros_like(Z)
        step[index] = H
        numeric[index] = (entry.total(Z + step, T) - entry.total(Z - step, T)) / (2 * H)
    # A centred difference of J carries absolute round-off of about eps |J| / H.
    roundoff = 4 * np.finfo(float).eps * abs(entry.total(Z, T)) / H
    np.testing.assert_allclose(
        entry.output_grad(g.forward(Z), T), numeric, rtol=1e-6, atol=roundoff
    )


@pytest.mark.parametrize("z", [-1e3, -30.0, 0.0, 30.0, 1e3])
@pytest.mark.parametrize("y", [0.0, 1.0])
def test_binary_cross_entropy_is_exact_when_saturated(z, y):
    """loss = -[y log a + (1-y) log(1-a)] = softplus(z) - y z; the gradient is a - y."""
    Z, T = np.array([[z]]), np.array([[y]])
    expected = np.logaddexp(0, z) - y * z
    assert LOSS_TABLE["binary_cross_entropy"].total(Z, T) == pytest.approx(expected, rel=1e-15)
    a = ACTIVATION_TABLE["sigmoid"].forward(Z)
    assert LOSS_TABLE["binary_cross_entropy"].output_grad(a, T)[0, 0] == a[0, 0] - y


def test_cross_entropy_is_exact_when_saturated():
    Z = np.array([[1e3, -1e3], [-1e3, 1e3], [0.0, 0.0]])
    T = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    # Column 0: the true class is 2000 below the top logit; column 1: it is the top logit.
    assert LOSS_TABLE["cross_entropy"].total(Z, T) == pytest.approx(2000.0, rel=1e-15)
    A = ACTIVATION_TABLE["softmax"].forward(Z)
    np.testing.assert_array_equal(LOSS_TABLE["cross_entropy"].output_grad(A, T), A - T)


def test_l2_penalty_and_its_gradient(rng):
    params = {
        "W1": rng.standard_normal((3, 2)),
        "b1": rng.standard_normal((3, 1)),
        "W2": rng.standard_normal((1, 3)),
    }
    lam, m = 0.7, 5
    squares = (params["W1"] ** 2).sum() + (params["W2"] ** 2).sum()
    assert l2_penalty(params, lam, m) == pytest.approx(lam / (2 * m) * squares, rel=1e-14)
    # d/dW of the penalty is (lam/m) W, the term linear_backward adds to dW.
    W = params["W1"]
    step = np.zeros_like(W)
    step[1, 0] = H
    numeric = (
        l2_penalty({**params, "W1": W + step}, lam, m)
        - l2_penalty({**params, "W1": W - step}, lam, m)
    ) / (2 * H)
    assert numeric == pytest.approx(lam / m * W[1, 0], rel=1e-7)
