"""Parity across devices and processes.

On a GPU, the whole float64 suite of forward, gradient and extreme cases runs again (their
``device`` parameter) and so does a training run; without CUDA those are skipped, saying so.

Lightning DDP over two CPU processes (gloo), each on an equal shard of every batch, trains the
curve that scratch, and one Lightning process, train on the whole batch: DDP averages the shards'
mean gradients, which is the batch's mean gradient (the L2 term is divided accordingly, see
``torch_impl.losses``), and ``torch_impl.train`` returns the whole batch's cost on every rank.
Lightning starts the second process by running the launching script again, which pytest cannot
be, so the test runs this file as a script (``main``, at the bottom) in a subprocess.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from parity_cases import PLANAR, SPIRAL, Run, requires_cuda

import scratch
import torch_impl
from scratch import TrainResult
from scratch.parity import assert_parity, compare_training

DDP_RUNS = {
    "spiral-l2-full-batch": Run("spiral", SPIRAL, 0.3, 1000),  # 300 examples: 150 a process
    "planar-mini-batch": Run("planar", PLANAR, 1.2, 1000, batch_size=100),  # 50 a process
}


@requires_cuda
def test_lightning_on_a_gpu_matches_scratch_float64():
    run = Run("planar", PLANAR, 1.2, 1000)
    on_gpu = run.train(torch_impl.train, accelerator="gpu", devices=1)
    assert_parity(compare_training(run.train(scratch.train), on_gpu, names=("scratch", "cuda")))


@pytest.fixture(scope="module")
def ddp_results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ddp")
    done = subprocess.run(
        [sys.executable, __file__, str(out)],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"the DDP run failed:\n{done.stdout}\n{done.stderr}"
    return out


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


def main(out: Path) -> None:
    """Every run of ``DDP_RUNS`` with ``strategy="ddp", devices=2``. Lightning runs this file
    once more for the second process (``LOCAL_RANK=1``); each process saves what it returned."""
    rank = os.environ.get("LOCAL_RANK", "0")
    for name, run in DDP_RUNS.items():
        result = run.train(torch_impl.train, accelerator="cpu", devices=2, strategy="ddp")
        np.savez(out / f"{name}-rank{rank}.npz", costs=result.costs, **result.params)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
