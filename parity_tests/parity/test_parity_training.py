"""Training-curve parity: the same run three ways, from the same weights on the same batches:
``scratch.train``, ``torch_impl.train_plain`` (a plain PyTorch loop) and ``torch_impl.train`` (a
real ``lightning.Trainer``). The cost at every step and the final weights agree.

The three are compared in pairs, so a failure says who is at fault: scratch against the plain
loop is the network (forward, loss, backward, update); the plain loop against the Trainer is
Lightning, which must add nothing to the arithmetic: on one device the two are bit-identical.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from parity_cases import HOUSING, PLANAR, SPIRAL, Run

import scratch
import torch_impl
from scratch import TrainResult
from scratch.parity import assert_parity, compare_training
from scratch.tolerances import EXACT

# The fast lane's two runs are 1,000 steps each; test_torch_training holds the planar full-batch
# curve against scratch already, so the float64 runs here are other networks and losses.
RUNS = [
    pytest.param(Run("spiral", SPIRAL, 0.3, 1000), id="spiral-relu-l2-full-batch"),
    pytest.param(Run("planar", PLANAR, 1.2, 1000, batch_size=64), id="planar-mini-batch"),
    pytest.param(
        Run("spiral", SPIRAL, 0.1, 2000, batch_size=60),
        id="spiral-relu-l2-mini-batch",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        Run("housing", HOUSING, 0.02, 2000), id="housing-mse-full-batch", marks=pytest.mark.slow
    ),
    pytest.param(
        Run("housing", HOUSING, 0.02, 2000, batch_size=50),
        id="housing-mse-mini-batch",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        Run("planar", PLANAR.replace(dtype="float32"), 1.2, 1000),
        id="planar-float32-full-batch",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        Run("planar", PLANAR.replace(dtype="float32"), 1.2, 1000, batch_size=64),
        id="planar-float32-mini-batch",
        marks=pytest.mark.slow,
    ),
]


@dataclass(frozen=True)
class Trained:
    """One run by each loop, from the same initial weights."""

    run: Run
    scratch: TrainResult
    plain: TrainResult
    lightning: TrainResult


@pytest.fixture(scope="module", params=RUNS)
def trained(request) -> Trained:
    run: Run = request.param
    return Trained(
        run,
        run.train(scratch.train),
        run.train(torch_impl.train_plain),
        run.train(torch_impl.train),
    )


def test_plain_torch_loop_matches_scratch(trained):
    """The network: forward, loss, autograd and SGD against the course's functions."""
    assert_parity(compare_training(trained.scratch, trained.plain, names=("scratch", "plain")))


def test_lightning_trainer_matches_plain_loop_bit_for_bit(trained):
    """Lightning: its loop, DataModule and optimizer step change no bit of the plain loop's."""
    names = ("plain", "lightning")
    assert_parity(compare_training(trained.plain, trained.lightning, tol=EXACT, names=names))


def test_lightning_trainer_matches_scratch(trained):
    """The promise itself."""
    assert_parity(compare_training(trained.scratch, trained.lightning))


def test_the_run_learns_and_is_stable(trained):
    """What the curves are compared on: a run going nowhere would prove little, and one at the
    edge of stability would multiply round-off instead of damping it. Below that edge, full-batch
    gradient descent lowers the cost at every step."""
    costs = trained.scratch.costs
    assert costs[-1] < 0.5 * costs[0], f"the run did not learn: cost {costs[0]} -> {costs[-1]}"
    if trained.run.batch_size is None:
        rises = np.flatnonzero(np.diff(costs) > 0)
        assert not rises.size, f"the cost rose at step {rises[0] + 1}: not a stable run"
