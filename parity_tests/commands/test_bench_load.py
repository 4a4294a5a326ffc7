"""scripts/bench_load.py keeps working: a tiny run prints a row per workload, side and thread
mode, idle and beside a busy process, for scratch as for the torch sides. Speed itself is
measured by running the script, never asserted here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scratch import threads as blas
from scripts.benchmarks import load as bench_load
from torch_impl import threads

ROOT = Path(__file__).resolve().parents[2]
ORPHANING = (
    "import time\nfrom scripts.benchmarks.load import busy_core\n"
    "with busy_core() as child:\n    print(child.pid, flush=True)\n    time.sleep(60)\n"
)
ARGV = ["--quick", "--workloads", "planar", "--sides", "torch", "--rounds", "1"]


def test_a_tiny_run_prints_a_row_per_thread_mode(capsys, monkeypatch):
    for name in threads.COUNT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert bench_load.main(ARGV) == 0
    title, header, *rows = capsys.readouterr().out.splitlines()
    assert title.startswith("ms per step, idle and beside a process spinning on one core")
    assert float(title.split("floor ")[1].split(":")[0]) > 0  # one pure-Python thread's ratio
    assert header.split() == ["workload", "side", "threads", "idle", "busy", "busy/idle"]
    cells = [row.split() for row in rows]
    assert [row[:3] for row in cells] == [["planar", "torch", "sized"], ["planar", "torch", "all"]]
    for row in cells:
        counts, (idle, busy, ratio) = row[3].split("/"), map(float, row[4:])
        assert all(int(count) >= 1 for count in counts) and idle > 0 and busy > 0 and ratio > 0
    assert cells[0][3] == "1/1"  # the planar step is too small to share, idle or busy


def test_scratch_has_its_rows_sized_to_the_work_and_on_every_core(capsys, monkeypatch):
    for name in blas.COUNT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(blas, "_cpus", lambda: {0, 1})
    argv = ["--quick", "--workloads", "planar", "--sides", "scratch", "--rounds", "1"]
    with blas.blas_controller().limit(limits=2, user_api="blas"):  # NumPy's default: both cores
        assert bench_load.main(argv) == 0
    _, _, *rows = capsys.readouterr().out.splitlines()
    cells = [row.split() for row in rows]
    assert [row[:4] for row in cells] == [
        ["planar", "scratch", "sized", "1/1"],  # the planar step is too small to share
        ["planar", "scratch", "all", "2/2"],  # NumPy's default count, as before the sizing
    ]
    defaults = bench_load.parse_args([])
    assert (defaults.sides, defaults.modes) == (["scratch", "torch", "lightning"], ["sized", "all"])
    sized = bench_load.parse_args(["--modes", "sized"])
    assert sized.modes == ["sized"]


def test_the_busy_child_spins_inside_the_block_and_is_gone_after_it():
    with bench_load.busy_core() as child:
        assert child.poll() is None
    assert child.returncode is not None


@pytest.mark.slow  # starts a Python process that imports the bench
def test_the_busy_child_ends_itself_when_the_bench_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHANING], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    child = int(parent.stdout.readline())
    parent.kill()  # SIGKILL: busy_core's cleanup never runs
    parent.wait()
    for _ in range(100):
        if not Path(f"/proc/{child}").exists() or "Z" in stat_of(child):
            return
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    pytest.fail(f"the busy child {child} outlived the killed bench")


def stat_of(pid: int) -> str:
    """The process state letter of ``pid`` (``Z`` for a zombie, dead but not yet reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return "Z"
