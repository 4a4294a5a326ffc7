"""Planted bugs: every kind of parity check can fail, and when it does it says where.

Each test swaps a deliberately wrong piece into scratch (or into the Lightning side) with
``monkeypatch``, runs the comparison the suite runs, and asserts that the helper reports the
quantity and layer the bug is in: the first quantity where the two sides part, and every one
downstream of it, and no other.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
import torch
from parity_cases import PLANAR, Case, Run, kink_case, make_case, network, only

import scratch
import scratch.activations as activations
import scratch.losses as losses
import scratch.network as network_module
import scratch.optimizers as optimizers
import torch_impl
from scratch import Layer, NetworkSpec
from scratch.parity import Comparisons, compare_all, compare_training
from scratch.tolerances import CENTRED_DIFFERENCE, EXACT, centred_difference_tolerance
from torch_impl.lightning_module import NetworkModule

# tanh, then sigmoid as a hidden activation, then the output: L = 3.
SPEC = NetworkSpec(3, (Layer(5, "tanh"), Layer(4, "sigmoid"), Layer(1, "sigmoid")), l2=0.7)
BACKWARD_FROM_LAYER_2 = {"dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0"}


def parting(case: Case) -> Comparisons:
    return compare_all(*case.internals(), dtype=case.spec.dtype)


def failing(result: Comparisons) -> set[str]:
    return {comparison.quantity for comparison in result.failures}


@pytest.fixture(autouse=True)
def fresh_activations():
    """scratch resolves each spec's activations once (``layer_activations`` is cached): forget
    them around every test, so a planted activation is used and then gone."""
    network_module.layer_activations.cache_clear()
    yield
    network_module.layer_activations.cache_clear()


def plant_linear_backward(monkeypatch, wrong) -> None:
    """Replace ``linear_backward`` with ``wrong(dA_prev, dW, db, cache, l2)`` applied to the
    true result."""
    true = network_module.linear_backward

    def planted(dZ, cache, l2=0.0, **options):
        return wrong(*true(dZ, cache, l2, **options), cache, l2)

    monkeypatch.setattr(network_module, "linear_backward", planted)


def db_not_divided_by_m(dA_prev, dW, db, cache, l2):
    return dA_prev, dW, db * cache.A_prev.shape[1]


def test_clean_case_agrees():
    """The baseline: without a planted bug, the case every test below uses agrees."""
    assert parting(make_case(SPEC)).ok


def test_db_not_divided_by_m_is_reported_at_db(monkeypatch):
    plant_linear_backward(monkeypatch, db_not_divided_by_m)
    result = parting(make_case(SPEC))
    first = result.first_failure
    assert (first.quantity, first.layer, first.problem) == ("db3", 3, "values")
    assert failing(result) == {"db1", "db2", "db3"}
    assert "db3 (layer 3), float64 gradient differs" in result.message()


def test_centred_differences_blame_a_wrong_backward_on_scratch(monkeypatch):
    """The three-way check says which side is wrong: with db not divided by m, backprop parts
    from the centred differences (taken of scratch's own forward pass), autograd does not."""
    plant_linear_backward(monkeypatch, db_not_divided_by_m)
    case = make_case(SPEC, m=5)
    np_side, pt_side = case.internals()
    numeric = scratch.gradient_check(case.params, case.X, case.Y, case.spec).numeric
    against = {"kind": CENTRED_DIFFERENCE, "tol": centred_difference_tolerance(np_side["cost"])}
    backprop, autograd = only(("dW", "db"), np_side), only(("dW", "db"), pt_side)
    assert failing(compare_all(backprop, numeric, **against)) == {"db1", "db2", "db3"}
    assert compare_all(autograd, numeric, **against).ok


def test_tanh_derivative_used_for_sigmoid_is_reported_at_dZ_of_that_layer(monkeypatch):
    """Layer 2 is sigmoid; its backward becomes ``dA (1 - A^2)``. The output layer's dZ comes
    from the loss, so layer 3 still agrees, and so does the whole forward pass."""
    wrong = dataclasses.replace(
        activations.ACTIVATION_TABLE["sigmoid"],
        backward=activations.ACTIVATION_TABLE["tanh"].backward,
    )
    monkeypatch.setitem(activations.ACTIVATION_TABLE, "sigmoid", wrong)
    result = parting(make_case(SPEC))
    assert (result.first_failure.quantity, result.first_failure.layer) == ("dZ2", 2)
    assert failing(result) == BACKWARD_FROM_LAYER_2


def test_relu_derivative_1_at_the_kink_is_reported_at_the_kink(monkeypatch):
    """``relu'(0) = 1`` instead of torch's 0: dZ1 parts exactly where Z1 is exactly 0."""
    wrong = dataclasses.replace(
        activations.ACTIVATION_TABLE["relu"],
        backward=lambda dA, Z, A, **_: np.where(Z >= 0, dA, 0),
    )
    monkeypatch.setitem(activations.ACTIVATION_TABLE, "relu", wrong)
    case = kink_case(Layer(4, "relu"), "float64")
    result = parting(case)
    first = result.first_failure
    assert first.quantity == "dZ1"
    assert case.internals()[0]["Z1"][first.index] == 0, f"{first.where} is not on the kink"
    assert failing(result) == {"dZ1", "dW1", "db1", "dA0"}


def test_leaky_relu_slope_ignored_is_reported_at_A_of_that_layer(monkeypatch):
    """A forward bug: leaky ReLU with slope 0.2 computed with 0.01. Z1 still agrees; A1 is the
    first to part, and everything after it follows."""
    monkeypatch.setattr(
        network_module,
        "get_activation",
        lambda layer: activations.ACTIVATION_TABLE[layer.activation],
    )
    result = parting(make_case(network("leaky_relu-slope0.2", "binary_cross_entropy")))
    assert result["Z1"].ok
    assert (result.first_failure.quantity, result.first_failure.layer) == ("A1", 1)
    assert {"Z2", "A2", "Z3", "cost", "dW1"} <= failing(result)


def test_l2_term_halved_in_dW_is_reported_at_dW_only(monkeypatch):
    plant_linear_backward(
        monkeypatch,
        lambda dA, dW, db, cache, l2: (dA, dW - l2 / (2 * cache.A_prev.shape[1]) * cache.W, db),
    )
    result = parting(make_case(SPEC))
    assert result.first_failure.quantity == "dW3"
    assert failing(result) == {"dW1", "dW2", "dW3"}


def test_cost_without_its_l2_term_is_reported_at_the_cost_only(monkeypatch):
    monkeypatch.setattr(losses, "l2_penalty", lambda parameters, l2, m: 0.0)
    result = parting(make_case(SPEC))
    assert failing(result) == {"cost"}
    assert result.first_failure.layer is None and result.first_failure.where == "cost"


def test_a_gradient_of_the_wrong_shape_is_reported_as_a_shape(monkeypatch):
    plant_linear_backward(monkeypatch, lambda dA, dW, db, cache, l2: (dA, dW, db[:, 0]))
    result = parting(make_case(SPEC))
    first = result.first_failure
    assert (first.quantity, first.problem) == ("db3", "shape")
    assert "db3 (layer 3), float64 gradient: shape scratch (1,) != torch (1, 1)" in first.message()
    assert failing(result) == {"db1", "db2", "db3"}


def test_a_value_in_the_wrong_dtype_is_reported_as_a_dtype(monkeypatch):
    """tanh computed in float64 inside a float32 network."""
    tanh = activations.ACTIVATION_TABLE["tanh"]
    wrong = dataclasses.replace(tanh, forward=lambda Z, **_: np.tanh(Z.astype(np.float64)))
    monkeypatch.setitem(activations.ACTIVATION_TABLE, "tanh", wrong)
    result = parting(make_case(SPEC.replace(dtype="float32")))
    first = result.first_failure
    assert (first.quantity, first.problem) == ("A1", "dtype")
    assert (
        "A1 (layer 1), float32 forward: dtype scratch float64 != torch float32" in first.message()
    )


def test_one_wrong_update_is_reported_at_the_step_after_it(monkeypatch):
    """Update 416 takes 1.5 times the step: cost[417] is the first cost to part."""
    run = Run("planar", PLANAR, 1.2, 500)
    expected = run.train(torch_impl.train_plain)
    true, calls = optimizers.Optimizer.step, itertools.count()

    def wrong_once(self, parameters, grads, learning_rate, **options):
        rate = 1.5 * learning_rate if next(calls) == 416 else learning_rate
        return true(self, parameters, grads, rate, **options)

    monkeypatch.setattr(optimizers.Optimizer, "step", wrong_once)
    result = compare_training(run.train(scratch.train), expected)
    assert result.first_failure.where == "cost[417]"
    assert failing(result) == {"cost", "W1", "b1", "W2", "b2"}


def test_a_wrong_lightning_step_is_blamed_on_lightning(monkeypatch):
    """SGD with momentum in the LightningModule: scratch and the plain loop still agree, so the
    pair that parts (plain against Trainer) says the fault is Lightning's. Momentum's first step
    is plain SGD's; the second update is the first wrong one, so cost[2] is where they part."""
    monkeypatch.setattr(
        NetworkModule,
        "configure_optimizers",
        lambda self: torch.optim.SGD(
            self.net.parameters(), lr=self.settings.learning_rate, momentum=0.5
        ),
    )
    run = Run("planar", PLANAR, 1.2, 20)
    plain = run.train(torch_impl.train_plain)
    assert compare_training(run.train(scratch.train), plain).ok
    blamed = compare_training(plain, run.train(torch_impl.train), tol=EXACT)
    assert blamed.first_failure.where == "cost[2]"
