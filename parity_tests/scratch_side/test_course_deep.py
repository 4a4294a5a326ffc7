"""``scratch.course.deep``: the project's own week-4 functions in the assignment's signatures
and layouts equal the truth (autograd, ``torch.optim``) on every case nn-check runs."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import deep
from scratch.grading import cases
from scratch.parity import assert_parity, compare, compare_all
from torch_impl import course as truth

WEEK4 = cases.week4(truth)
ORDINARY = [case for case in WEEK4 if not case.saturated]


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


@pytest.mark.parametrize("case", ORDINARY, ids=lambda case: case.name)
def test_the_cost_and_the_backward_pass_equal_autograds(case):
    o = case.oracle()
    AL, caches = deep.L_model_forward(case.X, case.params)
    assert_parity(compare("cost", deep.compute_cost(AL, case.Y), o["cost"]))
    grads = deep.L_model_backward(AL, case.Y, caches)
    assert_parity(compare_all(grads, {key: o[key] for key in grads}))


@pytest.mark.parametrize("case", ORDINARY[:3], ids=lambda case: case.name)
def test_an_update_is_torch_optims_sgd_step(case):
    grads = {key: value for key, value in case.oracle().items() if key[:2] in ("dW", "db")}
    ours = deep.update_parameters(case.params, grads, 0.1)
    assert_parity(compare_all(ours, truth.gradient_descent(case.params, grads, 0.1)))


def test_the_initialisers_shapes_scale_and_zero_biases():
    params = deep.initialize_parameters_deep([5, 4, 3])
    assert [value.shape for value in params.values()] == [(4, 5), (4, 1), (3, 4), (3, 1)]
    assert not params["b1"].any() and 0 < np.abs(params["W1"]).max() < 0.05
    assert list(deep.initialize_parameters(2, 4, 1)) == ["W1", "b1", "W2", "b2"]
