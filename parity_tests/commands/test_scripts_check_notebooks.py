"""``nn-check`` on a learner's notebook as it came out of Jupyter: written here with ``nbformat``
as the course's notebooks are (markdown, magics, shell escapes, the course's helper and test
imports, test cells, plots, outputs), one per course version's signatures; IPython's syntax in
an export (nbconvert with or without IPython, jupytext); the course's helpers stood in; a package
the project does not install; and the grading loop of ``--json`` reports."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from learner_notebooks import LEARNERS, code, exercise_cells, learner_functions, notebook
from nbformat import v4

from scripts.check import main

REPO = Path(__file__).resolve().parents[2]


def check(capsys, path: Path, *flags: str) -> tuple[int, dict]:
    code_ = main([str(path), "--json", *flags])
    return code_, json.loads(capsys.readouterr().out)


def statuses(report: dict) -> dict[str, str]:
    return {v["name"]: v["status"] for v in report["functions"] if v["status"] != "not checked"}


COURSE_HEADER = [
    v4.new_markdown_cell("# Building your Deep Neural Network: Step by Step"),
    code(
        "import numpy as np\nimport h5py\nimport matplotlib.pyplot as plt\n"
        "from testCases import *\nfrom dnn_utils import sigmoid, sigmoid_backward, relu, "
        "relu_backward\nfrom public_tests import *\n\n%matplotlib inline\n"
        "plt.rcParams['figure.figsize'] = (5.0, 4.0)\n\n%load_ext autoreload\n%autoreload 2\n\n"
        "np.random.seed(1)"
    ),
    code("!ls images", output="cat.png\n"),
]


def test_a_current_week4_notebook_is_checked_as_it_is(capsys, tmp_path):
    cells = [*COURSE_HEADER, *exercise_cells(learner_functions("week4_correct"))]
    cells.append(code("%%time\nplt.plot([1, 2])\nplt.show()"))
    cells.append(code("%%bash\necho this is not python"))
    path = notebook(tmp_path / "Building_your_Deep_Neural_Network_Step_by_Step.ipynb", cells)
    code_, report = check(capsys, path)
    assert code_ == 0, report
    assert set(statuses(report).values()) == {"ok"} and len(statuses(report)) == 10
    assert report["notes"][0] == (
        "nn-check's own stand-in for testCases, dnn_utils, public_tests (the course's file is "
        "not beside yours)"
    )


def test_the_notebooks_test_cells_run_only_when_asked(capsys, tmp_path):
    cells = [*COURSE_HEADER, code(learner_functions("week4_correct")[-1])]
    cells.append(code("update_parameters_test(update_parameters)"))
    path = notebook(tmp_path / "week4.ipynb", cells)
    code_, report = check(capsys, path, "--week", "4", "--run-cells")
    assert code_ == report["exit_code"] == 2
    assert report["error"].startswith(
        f"{path} did not load: NameError: name 'update_parameters_test' is not defined "
        "(week4.ipynb [cell 5] line 1: update_parameters_test(update_parameters))"
    )


def test_an_older_course_versions_notebook_is_read_by_its_names(capsys, tmp_path):
    """2017's week 4: ``dnn_utils_v2``, ``testCases_v2``, grads keyed dA1 .. dAL."""
    old = [
        code("import numpy as np\nfrom testCases_v2 import *\nfrom dnn_utils_v2 import *\n"),
        code(
            "def L_model_backward(AL, Y, caches):\n    grads = {}\n    L = len(caches)\n"
            "    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))\n"
            "    linear_cache, Z = caches[L-1]\n"
            "    grads['dA' + str(L)], grads['dW' + str(L)], grads['db' + str(L)] = "
            "backward(dAL, sigmoid_backward(dAL, Z) / dAL * dAL, linear_cache)\n"
            "    for l in reversed(range(L-1)):\n        linear_cache, Z = caches[l]\n"
            "        dZ = relu_backward(grads['dA' + str(l + 2)], Z)\n"
            "        grads['dA' + str(l + 1)], grads['dW' + str(l + 1)], grads['db' + str(l + 1)] "
            "= backward(None, dZ, linear_cache)\n    return grads\n\n\n"
            "def backward(dA, dZ, linear_cache):\n    A_prev, W, b = linear_cache\n"
            "    m = A_prev.shape[1]\n    return (np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / m, "
            "np.sum(dZ, axis=1, keepdims=True) / m)"
        ),
        code("AL, Y_assess, caches = L_model_backward_test_case()\nprint_grads(grads)"),
    ]
    code_, report = check(capsys, notebook(tmp_path / "old.ipynb", old), "--week", "4")
    [verdict] = [v for v in report["functions"] if v["name"] == "L_model_backward"]
    assert code_ == 0 and verdict["status"] == "ok"
    assert any("the course's older convention" in note for note in verdict["notes"])
    assert "testCases_v2, dnn_utils_v2" in report["notes"][0]


OPTIMIZATION_HEADER = (
    "import numpy as np\nimport matplotlib.pyplot as plt\nimport scipy.io\nimport math\n"
    "import sklearn\nimport sklearn.datasets\n\n"
    "from opt_utils_v1a import load_params_and_grads, initialize_parameters, "
    "forward_propagation, backward_propagation\n"
    "from opt_utils_v1a import compute_cost, predict, predict_dec, plot_decision_boundary, "
    "load_dataset\nfrom copy import deepcopy\nfrom testCases import *\nfrom public_tests import *"
    "\n\n%matplotlib inline"
)


def test_an_optimization_notebook_needs_none_of_the_courses_files(capsys, tmp_path):
    scratch_own = (REPO / "scratch" / "optimizers.py").read_text()
    assert "def update_parameters_with_adam" in scratch_own
    cells = [
        code(OPTIMIZATION_HEADER),
        code((LEARNERS / "opt_adam_no_power_t.py").read_text().split('"""', 2)[-1]),
        code("train_X, train_Y = load_dataset()\nplt.show()"),
    ]
    path = notebook(tmp_path / "Optimization_methods.ipynb", cells)
    code_, report = check(capsys, path)
    assert code_ == 1 and report["week"] == "optimizers"
    [verdict] = [v for v in report["functions"] if v["status"] == "wrong"]
    assert "the bias correction without the power t" in verdict["failure"]["cause"]
    assert report["notes"][0].startswith("nn-check's own stand-in for opt_utils_v1a, testCases")


def test_a_notebook_that_needs_a_package_not_installed_names_its_pip_install(capsys, tmp_path):
    """cv2, which the project does not install: let through while nothing uses it."""
    cells = [
        code("import numpy as np\nimport cv2\n"),
        code("def sigmoid(z):\n    return 1 / (1 + np.exp(-z))"),
        code("my_image = cv2.resize(cv2.imread('my_cat.jpg'), (64, 64))"),
    ]
    path = notebook(tmp_path / "week2.ipynb", cells)
    code_, report = check(capsys, path)
    assert code_ == 0
    assert report["notes"][0] == (
        "imports cv2, not here (pip install opencv-python): let through, and named where a "
        "function uses it"
    )
    code_, report = check(capsys, path, "--run-cells")
    assert code_ == 2 and "cv2 is not installed (pip install opencv-python)" in report["error"]


def test_a_cell_that_does_not_parse_is_left_out_with_a_note(capsys, tmp_path):
    cells = [
        code("import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))"),
        code("def initialize_with_zeros(dim):\n    w = # YOUR CODE HERE\n"),
    ]
    code_, report = check(capsys, notebook(tmp_path / "unfinished.ipynb", cells), "--week", "2")
    assert code_ == 0
    assert report["notes"] == ["left out, as they do not parse: cell 2 (line 2: invalid syntax)"]


EXPORTS = {
    "nbconvert_without_ipython": (
        "#!/usr/bin/env python\n# coding: utf-8\n\n# In[1]:\n\n\nimport numpy as np\n"
        "%matplotlib inline\n!pip list\n\n\n# In[2]:\n\n\ndef sigmoid(z):\n"
        "    return 1 / (1 + np.exp(-z))\n\n\n# In[3]:\n\n\nnp.dot?\n"
    ),
    "jupytext_percent": (
        "# ---\n# jupyter:\n#   jupytext:\n#     text_representation:\n"
        "#       format_name: percent\n# ---\n\n# %%\nimport numpy as np\n"
        "# %matplotlib inline\n\n# %%\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
    ),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_exports_with_ipythons_syntax_load(capsys, tmp_path, name):
    path = tmp_path / f"{name}.py"
    path.write_text(EXPORTS[name])
    code_, report = check(capsys, path)
    assert code_ == 0 and statuses(report) == {"sigmoid": "ok"}


def test_what_is_not_a_notebook_is_one_line(capsys, tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text('{"cells": [')
    code_, report = check(capsys, path)
    assert code_ == report["exit_code"] == 2 and report["functions"] == []
    assert report["error"].startswith(f"{path} cannot be read: NotANotebookError: nbformat")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--definitions-only",), "--definitions-only is a notebook's default"),
        (("--run-cells",), "--run-cells is for a notebook (.ipynb)"),
    ],
)
def test_settings_a_file_does_not_use_are_refused(capsys, tmp_path, flags, message):
    target = tmp_path / ("x.ipynb" if "--definitions-only" in flags else "x.py")
    target.write_text("")
    assert main([str(target), *flags]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.slow  # two runs of the installed command
def test_the_grading_loop_writes_one_json_report_per_notebook(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    good = [code("import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))")]
    notebook(submissions / "ana.ipynb", good)
    (submissions / "bo.ipynb").write_text("not a notebook")
    loop = (
        "mkdir -p reports\n"
        'for f in submissions/*.ipynb; do nn-check "$f" --json > '
        '"reports/$(basename "$f" .ipynb).json"; done'
    )
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    done = subprocess.run(["bash", "-c", loop], cwd=tmp_path, env=env, capture_output=True)
    assert done.returncode == 2  # the loop's status is its last check's: bo's, which cannot load
    ana = json.loads((tmp_path / "reports" / "ana.json").read_text())
    bo = json.loads((tmp_path / "reports" / "bo.json").read_text())
    assert ana["exit_code"] == 0 and ana["functions"][0]["status"] == "ok"
    assert bo["exit_code"] == 2 and "cannot be read" in bo["error"]
