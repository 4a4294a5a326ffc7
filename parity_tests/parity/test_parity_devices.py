"""Parity across devices and processes.

On a GPU, the whole float64 suite of forward, gradient and extreme cases runs again (their
``device`` parameter) and so does a training run; without CUDA those are skipped, saying so.

Lightning DDP over two CPU processes (gloo), each on an equal shard of every batch, trains the
curve that scratch, and one Lightning process, train on the whole batch: DDP averages the shards'
mean gradients, which is the batch's mean gradient (the L2 term is divided accordingly, see
``torch_impl.losses``), and ``torch_impl.train`` returns the whole batch's cost on every rank.
Lightning starts the second process by running the launching script again, which pytest cannot
be, so the test runs this file as a script (``main``, at the bottom) in a subprocess.

Dropout is the scratch run too: each process takes the columns of scratch's masks that belong to
its examples. Batch norm is not, unless synchronised: each process normalises its shard by the
shard's own statistics. Lightning's ``Trainer(sync_batchnorm=True)`` (torch's ``nn.SyncBatchNorm``,
GPUs only) reduces them over the processes first, which is scratch's full batch; on CPU processes
the run without it is shown to part from scratch at its first step, by how much, and to be
exactly scratch's passes over the two shards apart.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from parity_cases import PLANAR, SPIRAL, Run, requires_cuda

import scratch
import torch_impl
from scratch import TrainResult
from scratch.parity import assert_parity, compare, compare_training

SHARED = Path(__file__).resolve().parents[1] / "shared"  # parity_cases, for this file as a script
BATCH_NORM = PLANAR.replace(init="he").with_hidden_layers(batch_norm=True)
DDP_RUNS = {
    "spiral-l2-full-batch": Run("spiral", SPIRAL, 0.3, 1000),  # 300 examples: 150 a process
    "planar-mini-batch": Run("planar", PLANAR, 1.2, 1000, batch_size=100),  # 50 a process
    "planar-dropout-mini-batch": Run(
        "planar", PLANAR.with_hidden_layers(keep_prob=0.7), 0.5, 1000, batch_size=100
    ),
}
# Batch norm on every process's own shard: torch's SyncBatchNorm runs on GPUs only.
UNSYNCED = {"planar-batch-norm-unsynced": Run("planar", BATCH_NORM, 0.5, 20, batch_size=100)}
requires_two_gpus = pytest.mark.skipif(
    torch.cuda.device_count() < 2,
    reason="fewer than 2 CUDA devices here: torch's SyncBatchNorm runs on GPUs only",
)


@requires_cuda
def test_lightning_on_a_gpu_matches_scratch_float64():
    run = Run("planar", PLANAR, 1.2, 1000)
    on_gpu = run.train(torch_impl.train, accelerator="gpu", devices=1)
    assert_parity(compare_training(run.train(scratch.train), on_gpu, names=("scratch", "cuda")))


def _with_shared() -> str:
    return os.pathsep.join(filter(None, [str(SHARED), os.environ.get("PYTHONPATH")]))


def run_ddp(out: Path, *extra: str) -> Path:
    done = subprocess.run(
        [sys.executable, __file__, str(out), *extra],
        env={**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": _with_shared()},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"the DDP run failed:\n{done.stdout}\n{done.stderr}"
    return out


@pytest.fixture(scope="module")
def ddp_results(tmp_path_factory) -> Path:
    return run_ddp(tmp_path_factory.mktemp("ddp"))


@functools.cache
def reference(name: str, loop: str) -> TrainResult:
    return DDP_RUNS[name].train(scratch.train if loop == "scratch" else torch_impl.train)


@pytest.mark.slow
@pytest.mark.parametrize("rank", [0, 1], ids=["rank0", "rank1"])
@pytest.mark.parametrize("loop", ["scratch", "1 process"])
@pytest.mark.parametrize("name", DDP_RUNS)
def test_ddp_on_two_processes_matches_scratch_and_one_process(ddp_results, name, loop, rank):
    expected = reference(name, loop)
    with np.load(ddp_results / f"{name}-rank{rank}.npz") as stored:
        params = {key: stored[key] for key in expected.params}
        two = TrainResult(params, stored["costs"], DDP_RUNS[name].spec)
    assert_parity(compare_training(expected, two, names=(loop, f"DDP rank {rank} of 2")))


@pytest.mark.slow
@pytest.mark.parametrize("name", UNSYNCED)
def test_ddp_batch_norm_without_sync_parts_at_its_first_step_by_the_shards_statistics(
    ddp_results, name
):
    """Where: cost[0], the first step, before any update: each process's shard is normalised by
    that shard's mean and variance, not the batch's. How much: 1e-6 relative at once, five
    orders of magnitude outside the float64 curve row, and more than 1e-3 within 20 steps. What
    it is instead: scratch's training passes over the two halves of the batch apart, their
    costs averaged (the whole batch's cost, as DDP reports it)."""
    run = UNSYNCED[name]
    with np.load(ddp_results / f"{name}-rank0.npz") as stored:
        costs = stored["costs"]
    whole = reference_of(run, "scratch")
    assert costs.shape == whole.costs.shape
    result = compare_training(whole, TrainResult(whole.params, costs, run.spec))
    assert result.first_failure.where == "cost[0]"
    apart = np.abs(costs - whole.costs) / whole.costs
    assert apart[0] > 1e-6 and apart.max() > 1e-3, f"parted by {apart[0]:.1e}, {apart.max():.1e}"
    X, Y = scratch.load_dataset(run.dataset)
    batch = next(
        scratch.BatchSchedule(X.shape[1], run.batch_size, seed=run.spec.seed).batches(0, 1)
    )
    params = scratch.initialize_parameters(run.spec)
    halves = [batch[:50], batch[50:]]
    shards = [scratch.layer_internals(X[:, h], Y[:, h], params, run.spec)["cost"] for h in halves]
    assert_parity(
        compare("cost", np.mean(shards), costs[0], names=("scratch on each shard", "DDP"))
    )


@pytest.mark.slow
@requires_two_gpus
def test_ddp_batch_norm_with_sync_batchnorm_on_two_gpus_is_scratchs_full_batch(tmp_path):
    """Lightning's ``sync_batchnorm`` (torch_impl.train's default for a spec with batch norm)
    normalises every shard by the whole batch's statistics: 1,000 steps on two GPUs, the
    scratch curve and running statistics, on each rank."""
    run = Run("planar", BATCH_NORM, 0.5, 1000, batch_size=100)
    out = run_ddp(tmp_path, "--gpu")
    for rank in (0, 1):
        with np.load(out / f"planar-batch-norm-synced-rank{rank}.npz") as stored:
            expected = reference_of(run, "scratch")
            params = {key: stored[key] for key in expected.params}
            two = TrainResult(params, stored["costs"], run.spec)
        assert_parity(compare_training(expected, two, names=("scratch", f"synced rank {rank}")))


def test_batch_norm_on_cpu_processes_is_refused_unless_unsynchronised_with_the_reason(planar):
    _, X, Y, _ = planar
    with pytest.raises(ValueError, match=r"needs the batch's statistics synchronised .* on GPUs"):
        torch_impl.train(
            BATCH_NORM, X, Y, learning_rate=0.1, num_iterations=1, devices=2, strategy="ddp"
        )


def reference_of(run: Run, loop: str) -> TrainResult:
    return run.train(scratch.train if loop == "scratch" else torch_impl.train)


def main(out: Path, gpu: bool = False) -> None:
    """Every run of ``DDP_RUNS`` and ``UNSYNCED`` (without sync) with ``strategy="ddp",
    devices=2`` on CPU processes, or with ``gpu`` the synchronised batch-norm run on two GPUs.
    Lightning runs this file once more for the second process (``LOCAL_RANK=1``); each process
    saves what it returned."""
    rank = os.environ.get("LOCAL_RANK", "0")
    on_cpu = {"accelerator": "cpu", "devices": 2, "strategy": "ddp"}
    jobs = [(name, run, on_cpu) for name, run in DDP_RUNS.items()]
    jobs += [(name, run, on_cpu | {"sync_batchnorm": False}) for name, run in UNSYNCED.items()]
    if gpu:
        synced = Run("planar", BATCH_NORM, 0.5, 1000, batch_size=100)
        jobs = [("planar-batch-norm-synced", synced, on_cpu | {"accelerator": "gpu"})]
    for name, run, options in jobs:
        result = run.train(torch_impl.train, **options)
        np.savez(out / f"{name}-rank{rank}.npz", costs=result.costs, **result.params)


if __name__ == "__main__":
    main(Path(sys.argv[1]), gpu="--gpu" in sys.argv)
