"""DDP over two CPU processes (gloo) trains the same curve as scratch: each process
takes an equal shard of every batch, DDP averages the shards' gradients into the batch's, and
the costs ``train`` returns are the whole batch's on every rank.

Lightning's ``strategy="ddp"`` starts the second process by running the launching script again,
which pytest cannot be; so the test runs ``torch_impl_ddp_run.py`` as a script.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from torch_impl_ddp_run import CASES, NUM_ITERATIONS, case_inputs

import scratch

RUN = Path(__file__).with_name("torch_impl_ddp_run.py")


@pytest.fixture(scope="module")
def ddp_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, str(RUN), str(out)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"the DDP run failed:\n{done.stdout}\n{done.stderr}"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("rank", [0, 1])
def test_ddp_on_two_processes_matches_the_scratch_curve(ddp_results, case, rank):
    spec, X, Y, params, batch_size = case_inputs(case)
    expected = scratch.train(
        spec,
        X,
        Y,
        params=params,
        learning_rate=1.2,
        num_iterations=NUM_ITERATIONS,
        batch_size=batch_size,
    )
    with np.load(ddp_results / f"rank{rank}-{case}.npz") as stored:
        costs = stored["costs"]
        params = {key: stored[key] for key in expected.params}
    np.testing.assert_allclose(costs, expected.costs, rtol=1e-10, atol=0)
    for key, value in expected.params.items():
        np.testing.assert_allclose(params[key], value, rtol=1e-10, atol=1e-14, err_msg=key)
