"""``nn-check`` against a learner's file that fights back (it runs untrusted code by design): what
comes back from the learner's process is plain data that runs nothing in nn-check's
(``scripts.learner.wire``), the learner's whole process group ends at the time limit whatever it
does to its descriptors, signals or children, a fork at import is one line, and every number
nn-check takes is checked in one line."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

import numpy as np
import pytest

from scratch.grading.outcomes import Change, Failure, Result
from scripts.check import main
from scripts.learner.transfer import RECORDS, portable
from scripts.learner.wire import FRAME, WireError, decode, encode, receive


def check(capsys, tmp_path, source: str, *flags: str) -> tuple[int, dict, str]:
    """nn-check's exit code, JSON report and stderr for a file holding ``source``; week 4's
    ``linear_forward`` only."""
    path = tmp_path / "hostile.py"
    path.write_text(source)
    code = main([str(path), "--json", "--only", "linear_forward", *flags])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out), err


def failure(report: dict) -> dict:
    [verdict] = [v for v in report["functions"] if v["name"] == "linear_forward"]
    return verdict["failure"]


REDUCE_EXIT = """
import os


class Grade(float):
    def __reduce__(self):
        os._exit(0)


def linear_forward(A, W, b):
    return Grade(1.0), (A, W, b)
"""


def test_a_returned_object_whose_reduce_exits_cannot_make_nn_check_exit_0(capsys, tmp_path):
    code, report, _ = check(capsys, tmp_path, REDUCE_EXIT)
    assert code == report["exit_code"] == 1
    assert failure(report)["message"] == "Z has shape (); the course's is (4, 4)"


SLEEPS = """
import os
import signal
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)


def linear_forward(A, W, b):
    if os.fork() == 0:
        time.sleep(45)
    time.sleep(45)
"""


def test_a_sleep_cannot_outlive_the_time_limit(capsys, tmp_path):
    start = time.monotonic()
    code, report, _ = check(capsys, tmp_path, SLEEPS, "--time-limit", "3")
    assert time.monotonic() - start < 30  # 3 s of the limit, and the interpreters' starts
    assert code == 1
    assert failure(report)["message"].startswith("stopped after 3 s, the time limit")


CLOSES = """
import os


def linear_forward(A, W, b):
    os.closerange(0, 4096)
    while True:
        pass
"""


def test_a_file_that_closes_its_descriptors_and_loops_is_stopped(capsys, tmp_path):
    code, report, _ = check(capsys, tmp_path, CLOSES, "--time-limit", "5")
    assert code == 1
    assert failure(report)["message"].startswith("it closed its connection to nn-check")


SPAWNS = """
import subprocess


def linear_forward(A, W, b):
    with open("{pid_file}", "w") as file:
        file.write(str(subprocess.Popen(["sleep", "60"]).pid))
    while True:
        pass
"""


def test_what_the_learners_process_started_ends_with_it(capsys, tmp_path):
    pid_file = tmp_path / "pid"
    code, _, _ = check(capsys, tmp_path, SPAWNS.format(pid_file=pid_file), "--time-limit", "3")
    assert code == 1
    stat = Path(f"/proc/{int(pid_file.read_text())}/stat")
    for _ in range(50):  # killed with its group; gone, or a zombie until its new parent reaps it
        if not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] in "ZX":
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"{stat.read_text()} outlived nn-check")


def _ended(pid: int) -> bool:
    """The process is gone, or a zombie its new parent has yet to reap."""
    stat = Path(f"/proc/{pid}/stat")
    for _ in range(50):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] in "ZX":
                return True
        except OSError:
            return True
        time.sleep(0.1)
    return False


# a daemon, as a learner's code could start one: it leaves the session (setsid), and its parent
# ends (a double fork), so that neither the process group nor the tree holds it
DAEMON = """
import os
import sys
import time

if os.fork():
    os._exit(0)
os.setsid()
if os.fork():
    os._exit(0)
with open(sys.argv[1], "w") as file:
    file.write(str(os.getpid()))
time.sleep(60)
"""
LEAVES = """
import subprocess
import sys
import time


def linear_forward(A, W, b):
    subprocess.Popen([sys.executable, "-c", {daemon!r}, "{pid_file}"]).wait()
    while True:
        time.sleep(0.1)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux: a child subreaper")
def test_a_grandchild_that_leaves_the_session_ends_with_the_learners_process(capsys, tmp_path):
    pid_file = tmp_path / "pid"
    source = LEAVES.format(daemon=DAEMON, pid_file=pid_file)
    code, report, _ = check(capsys, tmp_path, source, "--time-limit", "3")
    assert code == 1 and failure(report)["message"].startswith("stopped after 3 s")
    pid = int(pid_file.read_text())
    assert _ended(pid), f"process {pid}, started by the learner's code, outlived nn-check"


FORKS = """
import os

import numpy as np

os.fork()


def linear_forward(A, W, b):
    return np.dot(W, A) + b, (A, W, b)
"""


def test_a_fork_at_import_is_one_line(capsys, tmp_path):
    code, report, _ = check(capsys, tmp_path, FORKS)
    assert code == 0
    assert report["notes"] == [
        "it forks a process while loading (os.fork(), hostile.py line 6): nn-check stopped "
        "the copy at once"
    ]


@pytest.mark.parametrize("value", ["1e10", "inf", "nan", "0", "-1", "ten", "1e400"])
def test_every_time_limit_is_checked_in_one_line(capsys, value):
    code = main(["x.py", "--time-limit", value, "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1
    assert "time_limit must be a number of seconds in (0, 86400], got" in err
    assert json.loads(out)["exit_code"] == 2


# The wire itself, as the learner's process could write it


def test_plain_data_goes_through_the_wire_unchanged():
    value = Result(
        value=(np.arange(6.0).reshape(2, 3), {"dW1": np.float64(2.5), 3: [None, True, "s"]}),
        failure=Failure("KeyError", "'W4'", "a.py", 3, "x = p['W4']"),
        changes=[Change("parameters['Wax']", "in place", (0, 1), 1.0, 0.5, np.eye(2))],
    )
    frame = encode(value)
    header_size, _ = FRAME.unpack(frame[: FRAME.size])
    header = frame[FRAME.size : FRAME.size + header_size]
    back = decode(header, frame[FRAME.size + header_size :], RECORDS)
    assert back.failure == value.failure
    array, grads = back.value
    np.testing.assert_array_equal(array, value.value[0])
    assert grads == {"dW1": 2.5, 3: [None, True, "s"]}
    [change] = back.changes  # an argument updated in place, with its value after the call
    assert change.path == "parameters['Wax']"
    np.testing.assert_array_equal(change.value, np.eye(2))


def test_a_learners_object_becomes_plain_data_before_it_travels():
    class Sneaky(float):
        def __reduce__(self):
            raise AssertionError("never called")

    plain = portable([Sneaky(1.5), object(), np.array(["a"], dtype=object)])
    assert type(plain[0]) is float and plain[1].type_name == "object"
    assert plain[2].type_name == "array of dtype object"
    encode(plain)  # travels


@pytest.mark.parametrize(
    ("header", "why"),
    [
        (b'["r", "Popen", {}]', "not a record nn-check knows"),
        (b'["a", "O", [1], 0, 8]', "is not a number type"),
        (b'["a", "<f8", [1000000], 0, 8]', "does not match its bytes"),
        (b'["r", "Failure", {"kind": ["l", []], "message": ["s", ""]}]', "Failure.kind is not a"),
        (b"[" * 100 + b"]" * 100, "not a tagged list"),
        (b'["l", [' + b'["l", [' * 40 + b"]]" * 41, "nested too deeply"),
        (b"\xff", "not JSON"),
    ],
)
def test_a_message_outside_the_format_is_refused_not_run(header, why):
    with pytest.raises(WireError, match=why):
        decode(header, b"\0" * 8, RECORDS)


def test_a_message_over_the_size_limit_is_refused_before_it_is_read():
    ours, theirs = socket.socketpair()
    theirs.sendall(FRAME.pack(1 << 40, 0))
    with pytest.raises(WireError, match="over the limit"):
        receive(ours, time.monotonic() + 5, RECORDS)
    ours.close(), theirs.close()


def test_a_message_that_never_ends_is_given_up_at_its_deadline():
    ours, theirs = socket.socketpair()
    theirs.sendall(FRAME.pack(10, 0) + b"[")
    start = time.monotonic()
    with pytest.raises(WireError, match="no answer in time"):
        receive(ours, time.monotonic() + 0.5, RECORDS)
    assert time.monotonic() - start < 5
    ours.close(), theirs.close()


def test_nothing_the_learner_can_send_is_a_pickle(tmp_path):
    import pickle

    class Boom:
        def __reduce__(self):
            return (os.kill, (os.getpid(), signal.SIGKILL))

    with pytest.raises(WireError):
        decode(pickle.dumps(Boom()), b"", RECORDS)
