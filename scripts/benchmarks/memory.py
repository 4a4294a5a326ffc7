"""Peak memory of each side, each training a workload in a fresh process of its own (the scratch
one never imports torch), so that no side's allocations count against another's.

The child is this module run as ``python -m scripts.benchmarks.memory SIDE WORKLOAD DTYPE
[--quick]``; it prints its resident set before training and its peak (``VmHWM``) as one JSON line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from scripts.benchmarks.workloads import WorkloadData, trainer, workload_table

ROOT = Path(__file__).resolve().parents[2]
CHILD_STEPS = 10  # at most this many steps: enough to reach the peak


def peak_memory(side: str, workload: str, dtype: str, quick: bool) -> dict[str, float]:
    """Resident set (MB) before training and at its peak, of ``side`` training ``workload`` in a
    process of its own."""
    command = [sys.executable, "-m", "scripts.benchmarks.memory", side, workload, dtype]
    done = subprocess.run(
        command + (["--quick"] if quick else []),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory run of {side} on {workload} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_child(side: str, workload_name: str, dtype: str, quick: bool) -> None:
    """Body of the child process: build the workload's data, note the resident set, train, and
    print the resident set before training and its peak as one JSON line."""
    workload = workload_table(quick)[workload_name]
    data = WorkloadData.build(workload, dtype)
    trainer(side)  # torch, for the torch sides, is loaded before the resident set is read
    before = memory_status()["VmRSS"]
    data.train(side, min(workload.steps, CHILD_STEPS))
    print(json.dumps({"before_mb": before, "peak_mb": memory_status()["VmHWM"]}))


def memory_status() -> dict[str, float]:
    """This process's resident set now (``VmRSS``) and at its peak (``VmHWM``), in MB, from
    ``/proc/self/status`` (Linux); unlike ``getrusage``, the peak is this program's alone, not
    the forked parent's."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024  # kB
    return fields


def main(argv: Sequence[str] | None = None) -> int:
    """The child's command line: ``SIDE WORKLOAD DTYPE [--quick]``, written by ``peak_memory``."""
    side, workload, dtype, *rest = sys.argv[1:] if argv is None else argv
    memory_child(side, workload, dtype, quick=rest == ["--quick"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
