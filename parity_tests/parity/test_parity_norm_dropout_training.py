"""Training with batch norm and dropout, three ways from the same weights on the same batches and
masks (``scratch.train``, a plain PyTorch loop, a ``lightning.Trainer``): the cost at every step,
the final weights, gamma and beta, the final running statistics and the optimizer's state agree;
the plain loop and the Trainer bit for bit; inference gives the same predictions; a run stopped
on one side and resumed on the other is the uninterrupted run; and the state crosses the
``.npz``, the module's state dict and the Lightning checkpoint exactly.

The issue's own run is here (``ISSUE_SPEC``: what ``nn-train --impl both --dataset moons
--layers 2 16 16 1 --activation relu --batch-norm --keep-prob 0.8 --optimizer adam --lr 0.01
--batch-size 64 --epochs 50`` trains), in the fast lane.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch
from norm_dropout_cases import ISSUE_SETTINGS, ISSUE_SPEC, NormDropoutRun, moons_split

import scratch
import torch_impl
from scratch import TrainingSettings, TrainResult, build_spec
from scratch.parity import assert_parity, compare_all, compare_training
from scratch.tolerances import EXACT
from torch_impl.threads import torch_threads

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


@functools.cache
def issue_runs() -> tuple[TrainResult, TrainResult, TrainResult]:
    X, Y, _, _ = moons_split()
    with torch_threads(1):
        return tuple(
            loop(ISSUE_SPEC, X, Y, ISSUE_SETTINGS)
            for loop in (scratch.train, torch_impl.train_plain, torch_impl.train)
        )


def assert_three_ways(ours: TrainResult, plain: TrainResult, lightning: TrainResult) -> None:
    assert_parity(compare_training(ours, plain, names=("scratch", "plain")))
    assert_parity(compare_training(plain, lightning, tol=EXACT, names=("plain", "lightning")))
    assert_parity(compare_training(ours, lightning))
    assert ours.costs[-1] < 0.7 * ours.costs[0], "the run did not learn"


def test_the_issues_run_agrees_at_every_step_within_the_float64_table():
    """m = 320 (the command line's 80% of moons), 5 batches an epoch, 50 epochs: 250 steps of
    Adam, every one with its own masks; gamma, beta, the running statistics and Adam's state
    of all of them compared at the end."""
    ours, plain, lightning = issue_runs()
    assert ours.costs.shape == (250,)
    assert {"gamma1", "beta2", "running_mean1", "running_var2"} <= ours.params.keys()
    assert {"v_dgamma1", "s_dbeta2", "t"} <= ours.state.keys() and int(ours.state["t"]) == 250
    assert_three_ways(ours, plain, lightning)


def test_inference_on_the_test_set_gives_the_same_predictions_on_both_sides():
    ours, _, lightning = issue_runs()
    _, _, X_test, Y_test = moons_split()
    mine = scratch.predict(X_test, ours.params, ISSUE_SPEC)
    theirs = torch_impl.predict(X_test, lightning.params, ISSUE_SPEC)
    assert mine.shape == theirs.shape == (1, 80) and np.array_equal(mine, theirs)
    assert scratch.accuracy(X_test, Y_test, ours.params, ISSUE_SPEC) > 0.85


def runs() -> list:
    gd = TrainingSettings(learning_rate=0.1, num_iterations=1000)
    spec = build_spec([2, 12, 8, 1], "tanh", init="he", seed=3).with_hidden_layers(
        keep_prob=[0.8, 0.9], batch_norm=True
    )
    spiral = build_spec([2, 16, 16, 3], "relu", loss="cross_entropy", init="he", l2=0.3)
    housing = build_spec([4, 8, 8, 1], "leaky_relu", loss="mse", init="he", seed=2)
    slow = pytest.mark.slow
    return [
        pytest.param(NormDropoutRun("moons", spec, gd), id="moons-tanh-full-batch"),
        pytest.param(
            NormDropoutRun("moons", spec, TrainingSettings.of(gd, batch_size=50)),
            id="moons-mini",
            marks=slow,
        ),
        pytest.param(
            NormDropoutRun("moons", spec.replace(dtype="float32"), gd),
            id="moons-float32-full-batch",
            marks=slow,
        ),
        pytest.param(
            NormDropoutRun(
                "moons", spec.replace(dtype="float32"), TrainingSettings.of(gd, batch_size=50)
            ),
            id="moons-float32-mini",
            marks=slow,
        ),
        pytest.param(
            NormDropoutRun(
                "spiral",
                spiral.with_hidden_layers(keep_prob=[1.0, 0.8], batch_norm=[True, False]),
                TrainingSettings(learning_rate=0.2, num_iterations=1500, batch_size=60),
            ),
            id="spiral-relu-l2-mini",
            marks=slow,
        ),
        pytest.param(
            NormDropoutRun(
                "housing",
                housing.with_hidden_layers(batch_norm=[False, True], keep_prob=[0.9, 1.0]),
                TrainingSettings(learning_rate=0.01, num_iterations=1500, batch_size=50),
            ),
            id="housing-mse-mini",
            marks=slow,
        ),
    ]


@pytest.mark.parametrize("run", runs())
def test_1000_steps_agree_three_ways_running_statistics_included(run):
    assert_three_ways(*run.three_ways())


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
@pytest.mark.parametrize("batch_size", [None, 64])
def test_every_optimizer_learns_gamma_and_beta_alike(optimizer, batch_size):
    rate = {"gd": 0.3, "momentum": 0.3, "rmsprop": 0.003, "adam": 0.003}[optimizer]
    settings = TrainingSettings(rate, 1000, batch_size=batch_size, optimizer=optimizer)
    spec = ISSUE_SPEC.replace(init="he", l2=0.2)
    run = NormDropoutRun("moons", spec, settings)
    ours, plain, lightning = run.three_ways()
    assert_three_ways(ours, plain, lightning)
    assert optimizer == "gd" or {"v_dgamma1", "s_dgamma1"} & ours.state.keys()


@pytest.mark.parametrize(
    "first, then",
    [
        pytest.param(scratch.train, torch_impl.train, id="scratch-then-lightning"),
        pytest.param(
            torch_impl.train_plain, scratch.train, id="torch-then-scratch", marks=pytest.mark.slow
        ),
    ],
)
def test_a_run_stopped_on_one_side_resumes_on_the_other_and_equals_the_whole(first, then):
    """150 steps, then 100 more from the weights, running statistics and Adam's state of the
    first part: the issue's 250-step run, every cost and every final number."""
    X, Y, _, _ = moons_split()
    whole = issue_runs()[0]
    head = first(ISSUE_SPEC, X, Y, ISSUE_SETTINGS, num_iterations=150)
    tail = then(
        ISSUE_SPEC,
        X,
        Y,
        ISSUE_SETTINGS,
        params=head.params,
        state=head.state,
        num_iterations=100,
        start_iteration=150,
    )
    joined = TrainResult(
        tail.params,
        np.concatenate([head.costs, tail.costs]),
        ISSUE_SPEC,
        0,
        tail.state,
        np.concatenate([head.learning_rates, tail.learning_rates]),
    )
    assert_parity(compare_training(whole, joined, names=("whole", "resumed")))


def test_the_state_crosses_the_npz_the_state_dict_and_the_checkpoint_exactly(tmp_path):
    """Gamma, beta, the running statistics and Adam's state of a Trainer's run: checkpoint ->
    ``.npz`` -> checkpoint, bit for bit each way, and the module's state dict holds them."""
    X, Y, _, _ = moons_split()
    short = TrainingSettings.of(ISSUE_SETTINGS, num_iterations=12)
    result = torch_impl.train(ISSUE_SPEC, X, Y, short, checkpoint_path=tmp_path / "run.ckpt")
    torch_impl.checkpoint_to_weights(tmp_path / "run.ckpt", tmp_path / "run.npz")
    weights, spec = scratch.load_weights(tmp_path / "run.npz")
    name, state = scratch.weights.load_optimizer_state(tmp_path / "run.npz")
    assert spec == ISSUE_SPEC and name == "adam"
    assert_parity(compare_all(weights, result.params, tol=EXACT))
    assert_parity(compare_all(state, result.state, tol=EXACT))
    torch_impl.weights_to_checkpoint(tmp_path / "run.npz", tmp_path / "back.ckpt", settings=short)
    module = torch_impl.load_checkpoint(tmp_path / "back.ckpt")
    assert_parity(compare_all(torch_impl.export_params(module.net), result.params, tol=EXACT))
    stored = torch.load(tmp_path / "back.ckpt", weights_only=True)["state_dict"]
    assert torch.equal(
        stored["net.norms.1.running_var"], torch.from_numpy(result.params["running_var2"][:, 0])
    )
