"""Recurrent networks held to the dense network's contract: every time step's states, gates,
outputs and every gradient through time agree with autograd's (float64 and float32, against the
one table), every gradient three ways (scratch, autograd, centred differences), and every
step's cost, the final weights and the optimizer state agree between scratch, the plain PyTorch
loop and the ``lightning.Trainer``, for every optimizer, clipped by value or by norm, on padded
mini-batches of names; for any recurrent network the spec allows."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from recurrent_network_cases import (
    CELLS,
    EXAMPLE_SPEC,
    X_NAMES,
    Y_NAMES,
    NetworkCase,
    recurrent_spec,
    recurrent_specs,
)

import scratch
import torch_impl
from scratch import OPTIMIZERS
from scratch.parity import assert_parity, compare_all, compare_training
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance

pytestmark = pytest.mark.usefixtures("one_torch_thread")
RATES = {"gd": 0.05, "momentum": 0.05, "rmsprop": 0.005, "adam": 0.005}
CLIPS = {"gd": "value", "momentum": "norm", "rmsprop": "value", "adam": "norm"}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cell", CELLS)
def test_every_steps_quantities_agree_with_autograds(cell, dtype):
    case = NetworkCase.draw(recurrent_spec(cell, dtype=dtype), m=6)
    ours = scratch.layer_internals(case.X, case.Y, case.params, case.spec)
    theirs = torch_impl.layer_internals(case.X, case.Y, case.params, case.spec)
    assert sorted(ours) == sorted(theirs)
    assert_parity(compare_all(ours, theirs, dtype=dtype))


@pytest.mark.parametrize("cell", CELLS)
def test_every_gradient_agrees_three_ways(cell):
    """Backprop through time and autograd within the gradient row; each within the
    centred-difference row of ``(J(θ + ε) - J(θ - ε)) / 2ε``, on padded names."""
    case = NetworkCase.draw(recurrent_spec(cell, units=3), m=3, seed=7)
    check = scratch.gradient_check(case.params, case.X, case.Y, case.spec)
    autograd = torch_impl.layer_internals(case.X, case.Y, case.params, case.spec)
    theirs = {key: autograd[key] for key in check.analytic}
    assert_parity(compare_all(check.analytic, theirs))
    tol = centred_difference_tolerance(autograd["cost"])
    for side in (check.analytic, theirs):
        assert_parity(compare_all(side, check.numeric, kind=CENTRED_DIFFERENCE, tol=tol))


def settings_of(optimizer: str, **more) -> dict:
    return {"learning_rate": RATES[optimizer], "optimizer": optimizer} | more


LOOPS = [(cell, optimizer, "train_plain") for cell in CELLS for optimizer in OPTIMIZERS]
LOOPS += [("lstm", "adam", "train"), ("rnn", "momentum", "train")]


@pytest.mark.parametrize(("cell", "optimizer", "loop"), LOOPS)
def test_training_agrees_step_by_step(cell, optimizer, loop):
    """Mini-batches of 4 of 12 names, reshuffled each epoch, every gradient clipped (by value
    or by norm, at a bound some entries pass), 6 steps, in the plain loop for every optimizer
    and under the Trainer (which clips with its own ``gradient_clip_val`` and
    ``gradient_clip_algorithm``) for two."""
    spec = recurrent_spec(cell, clip=0.5, clip_by=CLIPS[optimizer])
    case = NetworkCase.draw(spec, m=12)
    settings = settings_of(optimizer, num_iterations=6, batch_size=4, params=case.params)
    ours = scratch.train(spec, case.X, case.Y, **settings)
    theirs = getattr(torch_impl, loop)(spec, case.X, case.Y, **settings)
    assert_parity(compare_training(ours, theirs))


@pytest.mark.parametrize("cell", CELLS)
def test_a_resumed_torch_run_is_the_uninterrupted_one(cell):
    spec = recurrent_spec(cell, clip=1.0)
    case = NetworkCase.draw(spec, m=8)
    settings = settings_of("adam", batch_size=4)
    whole = scratch.train(spec, case.X, case.Y, num_iterations=6, params=case.params, **settings)
    first = torch_impl.train_plain(
        spec, case.X, case.Y, num_iterations=3, params=case.params, **settings
    )
    rest = torch_impl.train_plain(
        spec,
        case.X,
        case.Y,
        num_iterations=3,
        start_iteration=3,
        params=first.params,
        state=first.state,
        **settings,
    )
    joined = dataclasses.replace(
        rest,
        costs=np.concatenate([first.costs, rest.costs]),
        learning_rates=np.concatenate([first.learning_rates, rest.learning_rates]),
        start_iteration=0,
    )
    assert_parity(compare_training(whole, joined))


@given(recurrent_specs())
def test_any_recurrent_network_the_spec_allows_agrees_with_autograd(spec):
    case = NetworkCase.draw(spec, m=3, seed=spec.seed % 1000)
    ours = scratch.layer_internals(case.X, case.Y, case.params, spec)
    theirs = torch_impl.layer_internals(case.X, case.Y, case.params, spec)
    assert_parity(compare_all(ours, theirs, dtype=spec.dtype))


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_example_network_trains_alike_in_all_three_loops_on_names(dtype):
    """``scratch/specs/names-lstm.yaml`` (clipped by value at 5), Adam, batches of 8 of the
    24 names, 24 steps: scratch against the plain loop and the Trainer."""
    spec = scratch.load_spec(EXAMPLE_SPEC).replace(dtype=dtype, input_size=26)
    spec = spec.replace(
        layers=[{"kind": "lstm", "units": 50}, {"units": 26, "activation": "softmax"}]
    )
    X, Y = X_NAMES.astype(dtype), Y_NAMES
    settings = settings_of("adam", num_iterations=24, batch_size=8)
    ours = scratch.train(spec, X, Y, **settings)
    for loop in (torch_impl.train_plain, torch_impl.train):
        assert_parity(compare_training(ours, loop(spec, X, Y, **settings)))
