"""Ctrl-C at any moment of every command: a real SIGINT, sent by this test to the command's
process at a moment chosen inside it (an import under way, the settings being parsed, a run
being written), gives one line, ``<prog>: interrupted``, exit code 130, no traceback, and
nothing written. The command runs as a user starts it (``python scripts/<name>.py``, ``python
-m scripts.<name>``, the console entry point); a ``sitecustomize`` put first on its path stops
it at the chosen moment and tells this test, which then sends the signal."""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from learner_notebooks import LEARNERS

import scripts

ROOT = Path(__file__).resolve().parents[2]
# Stops the process at the moment TRIP names ("import:<module>" before a module is imported,
# "call:<function>" when a function is called), writes one byte to the fd TRIP_FD, and waits
# for the signal (at most 60 s, then exit 99: the test failed to send it).
SITECUSTOMIZE = """
import os, sys, time

kind, target = os.environ["TRIP"].split(":")
fd = int(os.environ["TRIP_FD"])


def stop():
    os.write(fd, b"!")
    os.close(fd)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.01)
    os._exit(99)


class Trip:
    def find_spec(self, name, path=None, target_module=None):
        if name == target:
            sys.meta_path.remove(self)
            stop()
        return None


def profile(frame, event, arg):
    if event == "call" and frame.f_code.co_name == target:
        sys.setprofile(None)
        stop()


if kind == "import":
    sys.meta_path.insert(0, Trip())
else:
    sys.setprofile(profile)
"""
ARGS = {  # a quick run of each command, the learner's file relative to the working folder
    "train": ["--impl", "scratch", "--iterations", "2", "--quiet"],
    "compare": [],
    "gradcheck": ["--examples", "5"],
    "check": ["solution.py"],
    "bench": ["--quick", "--workloads", "planar", "--sides", "scratch", "--no-memory"],
    "measure_tolerances": ["--networks", "1", "--centred", "0", "--runs", "0"],
}
CONSOLE = {module: name for name, module in scripts.CONSOLE.items()}


def command_line(module: str, entry: str) -> list[str]:
    if entry == "file":
        return [sys.executable, str(ROOT / "scripts" / f"{module}.py"), *ARGS[module]]
    if entry == "module":
        return [sys.executable, "-m", f"scripts.{module}", *ARGS[module]]
    console = shutil.which(CONSOLE[module])
    if console is None:
        pytest.skip(f"{CONSOLE[module]} is not installed")
    return [console, *ARGS[module]]


def interrupted(tmp_path: Path, module: str, entry: str, moment: str) -> None:
    """Run ``module`` from ``entry``, send SIGINT at ``moment``, and check what came of it."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    work = tmp_path / "work"
    work.mkdir()
    if module == "check":
        shutil.copy(LEARNERS / "week4_correct.py", work / "solution.py")
    before = sorted(p.name for p in work.rglob("*"))
    ours, theirs = os.pipe()
    env = os.environ | {
        "TRIP": moment,
        "TRIP_FD": str(theirs),
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    process = subprocess.Popen(
        command_line(module, entry),
        cwd=work,
        env=env,
        pass_fds=(theirs,),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(theirs)
    try:
        ready, _, _ = select.select([ours], [], [], 120)
        assert ready and os.read(ours, 1) == b"!", f"{moment} never came"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        os.close(ours)
        if process.poll() is None:
            process.kill()
            process.communicate()
    prog = scripts.PROGS[module]
    assert process.returncode == 130, (process.returncode, err[-2000:])
    assert err.splitlines() == [f"{prog}: interrupted"], err[-2000:]
    assert "Traceback" not in out + err
    assert sorted(p.name for p in work.rglob("*")) == before, "something was written"


FAST = [  # (module, entry, moment): one of each command, and train from every entry point
    ("train", "file", "import:numpy"),
    ("train", "module", "call:parse_settings"),
    ("train", "console", "call:write_run"),
    ("compare", "file", "import:numpy"),
    ("gradcheck", "console", "call:parse_settings"),
    ("check", "file", "call:parse_settings"),
    ("bench", "module", "import:numpy"),
    ("measure_tolerances", "file", "import:numpy"),
]
SLOW = [  # every command from every entry point, during the imports and during the parsing
    (module, entry, moment)
    for module in ARGS
    for entry in ("file", "module", "console")
    if entry != "console" or module in CONSOLE
    for moment in ("import:numpy", "import:jsonargparse", "call:parse_settings")
    if (module, entry, moment) not in FAST
]
SLOW += [  # the torch side's import, and moments after the run started
    ("compare", "file", "import:torch"),
    ("measure_tolerances", "module", "import:torch"),
    ("train", "file", "call:publish"),
    ("check", "module", "call:check_week"),
]


@pytest.mark.parametrize(("module", "entry", "moment"), FAST)
def test_ctrl_c_at_any_moment_is_one_line_exit_130_and_writes_nothing(
    tmp_path, module, entry, moment
):
    interrupted(tmp_path, module, entry, moment)


@pytest.mark.slow
@pytest.mark.parametrize(("module", "entry", "moment"), SLOW)
def test_ctrl_c_at_every_moment_of_every_command_from_every_entry_point(
    tmp_path, module, entry, moment
):
    interrupted(tmp_path, module, entry, moment)


def test_every_command_takes_its_name_from_the_one_table():
    from scripts import bench, check, compare, gradcheck, measure_tolerances, train

    commands = (train, compare, gradcheck, check, bench, measure_tolerances)
    assert {command.__name__.split(".")[-1]: command.PROG for command in commands} == scripts.PROGS


def test_importing_the_package_elsewhere_leaves_ctrl_c_as_it_was():
    """A test run or a notebook importing ``scripts`` keeps Python's KeyboardInterrupt."""
    assert scripts.started_as() is None
    assert signal.getsignal(signal.SIGINT) is not scripts._interrupted_while_starting
