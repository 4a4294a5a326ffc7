"""``nn-check`` as a command: loading a learner's file (a syntax error, a missing helper, a
notebook export, a module name), a function that raises, exits, prints a lot or hangs, each in
one line with no traceback of the tool's own; the week told from the names; the text report
and ``--json``; and never a file written into the learner's folder."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from learner_notebooks import LEARNERS

from scripts.check import main, with_solution_flag

REPO = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def learner(name: str) -> str:
    return str(LEARNERS / f"{name}.py")


def functions(out: str) -> dict[str, dict]:
    return {verdict["name"]: verdict for verdict in json.loads(out)["functions"]}


def test_a_file_that_does_not_parse_is_one_line_and_exit_code_2(capsys, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import numpy as np\n\n\ndef linear_forward(A, W, b)\n    return W @ A + b\n")
    code, out, err = run(capsys, str(broken))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "broken.py cannot be read: SyntaxError: expected ':' (broken.py line 4:" in err


def test_a_course_helper_not_beside_the_file_is_nn_checks_stand_in_said_in_one_line(capsys):
    code, out, _ = run(capsys, learner("missing_helper"))
    assert code == 0
    assert (
        "note: nn-check's own stand-in for dnn_utils (the course's file is not beside yours)" in out
    )
    assert "ok           linear_activation_forward" in out


def test_a_package_not_installed_stops_only_the_function_that_uses_it(capsys, tmp_path):
    """skimage and cv2: packages of the course's world that the project does not install."""
    (tmp_path / "sol.py").write_text(
        "import numpy as np\nimport skimage.transform\nfrom not_a_package_here import helper\n\n\n"
        "def linear_forward(A, W, b):\n    return W @ A + b, (A, W, b)\n\n\n"
        "def linear_backward(dZ, cache):\n    return skimage.transform.resize(dZ)\n"
    )
    code, out, _ = run(capsys, str(tmp_path / "sol.py"), "--json")
    found = functions(out)
    assert code == 1 and found["linear_forward"]["status"] == "ok"
    message = found["linear_backward"]["failure"]["message"]
    assert message.startswith(
        "ModuleNotFoundError: skimage.transform.resize is used, and skimage is not installed "
        "(pip install scikit-image) (sol.py line 11:"
    )
    assert json.loads(out)["notes"][0] == (
        "imports skimage, not_a_package_here, not here (pip install scikit-image): let through, "
        "and named where a function uses it"
    )


def test_a_package_the_files_top_level_code_needs_is_named_with_its_pip_name(capsys, tmp_path):
    (tmp_path / "sol.py").write_text("import cv2\n\ncv2.imread('cat.png')\n")
    code, _, err = run(capsys, str(tmp_path / "sol.py"))
    assert code == 2 and err.count("\n") == 1
    assert (
        "sol.py needs cv2 (sol.py line 3: cv2.imread('cat.png')): cv2 is not installed "
        "(pip install opencv-python)" in err
    )
    (tmp_path / "mine.py").write_text("from opt_utils_v2 import thing\n\nthing()\n")
    code, _, err = run(capsys, str(tmp_path / "mine.py"))
    assert code == 2 and "opt_utils_v2 is neither installed nor beside the file" in err
    assert "pip install" not in err


def test_a_notebook_export_loads_as_it_is_and_with_definitions_only(capsys):
    code, out, _ = run(capsys, learner("notebook_export"))
    assert code == 0 and "ok           sigmoid" in out
    assert "loading the file printed 1 line (the first: 'sigmoid([0, 2]) = [0.5" in out
    code, out, _ = run(capsys, learner("notebook_export"), "--definitions-only")
    assert code == 0 and "ok           sigmoid" in out and "printed" not in out


def test_a_function_that_raises_or_exits_is_an_error_at_the_learners_line(capsys):
    code, out, _ = run(capsys, learner("raises"), "--json")
    found = functions(out)
    assert code == 1
    failure = found["linear_forward"]["failure"]
    assert found["linear_forward"]["status"] == "error"
    assert failure["message"] == (
        "NameError: name 'bias' is not defined (raises.py line 13: Z = np.dot(W, A) + bias)"
    )
    assert found["linear_backward"]["failure"]["message"].startswith("SystemExit: giving up")
    ended = found["linear_activation_forward"]["failure"]["message"]
    assert ended.startswith("it ended its process (exit code 3)")
    assert found["linear_activation_backward"]["status"] == "ok"  # a fresh process, after


def test_a_key_past_the_last_layer_is_named_with_the_networks_layers(capsys):
    code, out, _ = run(capsys, learner("w4_model_one_layer_too_far"), "--json")
    failure = functions(out)["L_model_forward"]["failure"]
    assert code == 1 and failure["message"].startswith("KeyError: 'W4' (w4_model_one_layer_too_far")
    assert failure["cause"].startswith("there is no W4: the network's layers are 1 to 3")


def test_the_learners_process_never_imports_torch(capsys, tmp_path):
    (tmp_path / "sol.py").write_text(
        "import sys\n\n\ndef linear_forward(A, W, b):\n"
        "    if 'torch' in sys.modules:\n"
        "        raise RuntimeError('torch is loaded in the learner process')\n"
        "    return W @ A + b, (A, W, b)\n"
    )
    code, out, _ = run(capsys, str(tmp_path / "sol.py"))
    assert code == 0, out


@pytest.mark.slow  # waits out a time limit
def test_a_slow_function_is_stopped_at_the_time_limit_and_the_next_one_runs(capsys):
    code, out, _ = run(capsys, learner("slow"), "--time-limit", "0.5", "--json")
    found = functions(out)
    assert code == 1 and found["linear_forward"]["status"] == "error"
    assert "stopped after 0.5 s, the time limit" in found["linear_forward"]["failure"]["message"]
    assert found["linear_backward"]["status"] == "ok"


def test_what_a_learner_prints_is_counted_not_shown(capsys):
    code, out, _ = run(capsys, learner("prints_a_lot"))
    assert code == 0 and "step 1" not in out and len(out.splitlines()) < 6
    assert "note: loading the file printed 1 line (the first: 'loading my solution')" in out
    assert "note: it printed 12500 lines (the first: 'step 0')" in out


def test_a_partial_solution_is_checked_as_far_as_it_goes(capsys):
    code, out, _ = run(capsys, learner("w4_db_missing_m"), "--json")
    found = functions(out)
    assert code == 1 and found["linear_backward"]["status"] == "wrong"
    others = {name: v["status"] for name, v in found.items() if name != "linear_backward"}
    assert set(others.values()) == {"not checked"} and len(others) == 9
    assert found["update_parameters"]["reason"] == "not defined"


def test_the_week_comes_from_the_names_or_from_week(capsys, tmp_path):
    (tmp_path / "cost.py").write_text("def compute_cost(AL, Y):\n    return 0.0\n")
    code, _, err = run(capsys, str(tmp_path / "cost.py"))
    assert code == 2 and "belong to weeks 3 and 4 alike: give --week 3 or --week 4" in err
    code, out, _ = run(capsys, str(tmp_path / "cost.py"), "--week", "3", "--json")
    assert json.loads(out)["week"] == "3" and functions(out)["compute_cost"]["status"] == "wrong"
    (tmp_path / "none.py").write_text("x = 1\n")
    code, _, err = run(capsys, str(tmp_path / "none.py"))
    assert code == 2 and "defines none of the course's functions" in err


def test_the_text_report_names_function_layer_quantity_values_and_cause(capsys):
    code, out, _ = run(capsys, learner("w4_db_missing_m"))
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == (
        f"nn-check {learner('w4_db_missing_m')}: week 4 (the L-layer network), 1 function "
        "checked, 1 not right: linear_backward"
    )
    assert lines[1] == "  wrong        linear_backward"
    assert lines[2] == "      layer 3, db3, in case 'course' ([5, 4, 3, 1], m = 4)"
    assert re.fullmatch(
        r"      db\[0, 0\] is \S+ where autograd has \S+ \(max abs diff \S+\)", lines[3]
    )
    assert lines[4] == (
        "      likely cause: off by a factor m = 4: the 1/m is missing "
        "(db = (1/m) sum(dZ, axis=1, keepdims=True))"
    )
    assert lines[5].startswith("  not checked  (not defined) initialize_parameters, ")
    assert len(lines) == 6


def test_json_is_the_report_for_graders(capsys):
    code, out, _ = run(capsys, learner("w2_cost_sign"), "--json")
    report = json.loads(out)
    assert report["exit_code"] == code == 1
    assert report["week"] == "2" and report["title"] == "week 2 (logistic regression)"
    failure = functions(out)["propagate"]["failure"]
    assert failure["yours"] == pytest.approx(-failure["expected"])
    assert failure["tolerance"].startswith("rtol 1e-12 of the scale")


def test_a_module_name_works_like_a_file(capsys, monkeypatch):
    monkeypatch.chdir(LEARNERS)
    code, out, _ = run(capsys, "w4_cache_order")
    assert code == 1 and "a cache in another order" in out


def test_the_solution_may_come_first_or_after_the_flags():
    assert with_solution_flag(["a.py", "--week", "4"]) == ["--solution", "a.py", "--week", "4"]
    assert with_solution_flag(["--week", "4", "a.py"]) == ["--week", "4", "--solution", "a.py"]
    assert with_solution_flag(["--json", "m.sol"]) == ["--json", "--solution", "m.sol"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "give the learner's file: nn-check solution.py"),
        (["no/such/file.py"], "no/such/file.py is not a file"),
        (["not a module"], "is neither a .py file, a notebook nor a module name"),
        (
            ["--week", "5", "x.py"],
            "week must be one of 2, 3, 4, initialization, regularization, gradient_checking, "
            "optimizers, convolution, recurrent, language_model",
        ),
        (
            ["--only", "propagate", str(LEARNERS / "w4_cache_order.py")],
            "--only propagate: week 4 checks",
        ),
    ],
)
def test_usage_mistakes_are_one_line(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1


@pytest.mark.slow
def test_nn_check_never_writes_into_the_learners_folder(capsys, tmp_path):
    folder = tmp_path / "learners"
    shutil.copytree(LEARNERS, folder)
    before = {path: path.stat().st_mtime_ns for path in folder.rglob("*")}
    codes = [main([str(folder / f"{name}.py")]) for name in ("w4_relu_kink", "missing_helper")]
    capsys.readouterr()
    assert codes == [1, 0], "each file loads (week4_correct and the dnn_utils stand-in import)"
    assert {path: path.stat().st_mtime_ns for path in folder.rglob("*")} == before


@pytest.mark.slow
def test_check_py_runs_as_a_file(tmp_path):
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "check.py"), learner("w4_db_missing_m")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "likely cause: off by a factor m = 4" in done.stdout
