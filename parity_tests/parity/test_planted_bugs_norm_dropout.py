"""Planted bugs a learner makes in dropout and batch norm: each swapped into scratch, each
reported at its layer and quantity by the comparison the suite runs, and nowhere upstream.

- dropout scaled by ``keep_prob`` instead of divided by it;
- the mask redrawn between the forward and the backward pass;
- batch norm's backward without the mean's term;
- the running variance updated with the biased variance.
"""

from __future__ import annotations

import numpy as np
import pytest
from norm_dropout_cases import NormDropoutRun
from parity_cases import make_case, only

import scratch
import scratch.internals as internals_module
import scratch.layers as layers_module
import scratch.training as training_module
import torch_impl
from scratch import Layer, NetworkSpec, TrainingSettings
from scratch.batchnorm import BatchNormCache
from scratch.parity import Comparisons, compare_all, compare_training
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance, parse_quantity

# tanh with dropout, relu with batch norm and dropout, sigmoid with batch norm, the output.
SPEC = NetworkSpec(
    3,
    (
        Layer(5, "tanh", keep_prob=0.7),
        Layer(4, "relu", keep_prob=0.8, batch_norm=True),
        Layer(4, "sigmoid", batch_norm=True),
        Layer(1, "sigmoid"),
    ),
    l2=0.3,
)
FORWARD = {"Z", "Z_norm", "Z_tilde", "A", "D", "running_mean", "running_var", "cost"}


def parting(case) -> Comparisons:
    return compare_all(*case.internals(), dtype=case.spec.dtype)


def failing(result: Comparisons) -> set[str]:
    return {comparison.quantity for comparison in result.failures}


def backward_from(l: int, case) -> set[str]:
    """Every gradient layer l's backward step and those below it compute (``dA{l}`` comes from
    the layer above; ``dA{l-1}`` from layer l's step)."""
    keys = scratch.layer_internals(case.X, case.Y, case.params, case.spec)
    grads = {key for key in keys if key.startswith("d")}
    below = {key for key in grads if parse_quantity(key)[1] <= l and not key.startswith("dA")}
    return below | {f"dA{k}" for k in range(l)}


def test_the_clean_case_agrees():
    assert parting(make_case(SPEC)).ok


def test_dropout_scaled_by_keep_prob_instead_of_divided_is_reported_at_that_layers_A(
    monkeypatch,
):
    """``A * D * keep_prob``: the mask agrees (D1 is the same), A1 is the first to part."""

    def scaled(A, D, keep_prob, out=None):
        return np.multiply(np.multiply(A, D, out=out), keep_prob, out=out)

    monkeypatch.setattr(layers_module, "dropout_forward", scaled)
    monkeypatch.setattr(layers_module, "dropout_backward", scaled)
    result = parting(make_case(SPEC))
    assert (result.first_failure.quantity, result.first_failure.layer) == ("A1", 1)
    assert result["D1"].ok and result["Z1"].ok
    assert {"Z2", "A2", "cost", "dW1"} <= failing(result)


def test_a_mask_redrawn_for_the_backward_pass_is_reported_at_that_layers_dZ(monkeypatch):
    """The forward pass is right, so every forward quantity agrees, and so does dA2 (it comes
    from the layer above); the backward step through layer 2's mask is the first to part."""
    true = layers_module.dropout_backward

    def redrawn(dA, D, keep_prob, out=None):
        fresh = scratch.dropout_mask(99, 0, 2, D.shape, keep_prob, str(D.dtype))
        return true(dA, fresh, keep_prob, out)

    monkeypatch.setattr(layers_module, "dropout_backward", redrawn)
    case = make_case(SPEC)
    result = parting(case)
    assert not failing(result) & FORWARD, "the forward pass must agree"
    assert result["dA2"].ok
    assert (result.first_failure.quantity, result.first_failure.layer) == ("dZ_tilde2", 2)
    assert failing(result) <= backward_from(2, case)


def without_the_means_term(dZ_tilde, cache, out=None):
    """A learner's batch-norm backward: ``dZ = gamma / sigma (dZ_tilde - Z_norm dgamma)``,
    the ``- dbeta`` (the mean's dependence on Z) forgotten."""
    m = dZ_tilde.shape[1]
    dbeta = dZ_tilde.sum(axis=1, keepdims=True) / m
    dgamma = (dZ_tilde * cache.Z_norm).sum(axis=1, keepdims=True) / m
    dZ = cache.gamma * cache.inv_std * (dZ_tilde - cache.Z_norm * dgamma)
    return dZ, dgamma, dbeta


def test_batch_norm_backward_without_the_means_term_is_reported_at_dZ(monkeypatch):
    """dZ_tilde3, dgamma3 and dbeta3 agree (they come before the bug); dZ3 parts, and so does
    everything below it; centred differences blame scratch, not torch."""
    monkeypatch.setattr(layers_module, "batchnorm_backward", without_the_means_term)
    case = make_case(SPEC, m=6)
    result = parting(case)
    assert all(result[key].ok for key in ("dZ_tilde3", "dgamma3", "dbeta3", "dA3", "dW4"))
    assert (result.first_failure.quantity, result.first_failure.layer) == ("dZ3", 3)
    assert failing(result) <= backward_from(3, case)
    np_side, pt_side = case.internals()
    names = tuple(f"d{key.rstrip('0123456789')}" for key in SPEC.param_shapes())
    numeric = scratch.gradient_check(case.params, case.X, case.Y, SPEC).numeric
    against = {"kind": CENTRED_DIFFERENCE, "tol": centred_difference_tolerance(np_side["cost"])}
    assert not compare_all(only(names, np_side), numeric, **against).ok
    assert compare_all(only(names, pt_side), numeric, **against).ok


def biased(running_mean, running_var, cache, momentum=0.1):
    """A learner's update of the running variance with the batch's biased variance."""
    running_mean *= 1 - momentum
    running_mean += momentum * cache.mu
    running_var *= 1 - momentum
    running_var += momentum * cache.var


def test_a_biased_running_variance_is_reported_at_running_var_and_nowhere_else(monkeypatch):
    """One pass: the running variances part, every other quantity agrees. Training: the curve
    and every weight agree (training normalises by the batch's own statistics), the running
    variances part, so the fault is where inference would use them."""
    monkeypatch.setattr(internals_module, "update_running_stats", biased)
    monkeypatch.setattr(training_module, "update_running_stats", biased)
    assert failing(parting(make_case(SPEC))) == {"running_var2", "running_var3"}
    settings = TrainingSettings(learning_rate=0.1, num_iterations=30, batch_size=50)
    run = NormDropoutRun("moons", SPEC.replace(input_size=2, init="he"), settings)
    result = compare_training(run.train(scratch.train), run.train(torch_impl.train_plain))
    assert failing(result) == {"running_var2", "running_var3"}


@pytest.mark.parametrize("planted", ["dropout_forward", "batchnorm_forward"])
def test_a_bug_in_the_training_loops_layers_is_caught_by_the_curve(monkeypatch, planted):
    """The training loop runs the same layers: a dropout that forgets to divide, or batch norm
    by the unbiased variance, parts the curves at step 0."""

    def dropout_undivided(A, D, keep_prob, out=None):
        return np.multiply(A, D, out=out)

    def unbiased_normalisation(Z, gamma, beta, eps=1e-5, **options):
        mu, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, ddof=1, keepdims=True)
        inv_std = 1 / np.sqrt(var + eps)
        Z_norm = (Z - mu) * inv_std
        return gamma * Z_norm + beta, BatchNormCache(Z, Z_norm, mu, var, inv_std, gamma)

    wrong = dropout_undivided if planted == "dropout_forward" else unbiased_normalisation
    monkeypatch.setattr(layers_module, planted, wrong)
    settings = TrainingSettings(learning_rate=0.1, num_iterations=5, batch_size=50)
    run = NormDropoutRun("moons", SPEC.replace(input_size=2), settings)
    result = compare_training(run.train(scratch.train), run.train(torch_impl.train_plain))
    assert result.first_failure.where == "cost[0]"
