"""Train the planar network with ``torch_impl.train(strategy="ddp", devices=2)`` on the CPU.

Run as a script by ``test_torch_impl_ddp.py``: Lightning's DDP launches every process beyond
the first by running this script again, which is why it cannot run inside pytest itself.
Each process writes what its ``train`` returned to ``OUT_DIR/rank{LOCAL_RANK}-{case}.npz``.

    python parity_tests/torch_impl_ddp_run.py OUT_DIR
"""

import os
import sys
from pathlib import Path

import numpy as np

import scratch
import torch_impl

# name -> (spec fields, batch_size): full batch with an L2 term, and mini-batches of 100.
CASES = {"full_batch_l2": ({"l2": 0.7}, None), "mini_batch": ({}, 100)}
NUM_ITERATIONS = 30


def case_inputs(name: str):
    """``(spec, X, Y, params, batch_size)`` of a case, as the test and the run both build it."""
    fields, batch_size = CASES[name]
    X, Y = scratch.load_dataset("planar")
    spec = scratch.build_spec([2, 4, 1], "tanh", init="small_random", seed=3, **fields)
    return spec, X, Y, scratch.initialize_parameters(spec), batch_size


def main(out_dir: Path) -> None:
    rank = os.environ.get("LOCAL_RANK", "0")
    for name in CASES:
        spec, X, Y, params, batch_size = case_inputs(name)
        result = torch_impl.train(
            spec,
            X,
            Y,
            params=params,
            learning_rate=1.2,
            num_iterations=NUM_ITERATIONS,
            batch_size=batch_size,
            accelerator="cpu",
            devices=2,
            strategy="ddp",
        )
        np.savez(out_dir / f"rank{rank}-{name}.npz", costs=result.costs, **result.params)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
