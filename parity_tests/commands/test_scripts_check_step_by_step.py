"""``nn-check`` on the fourth and fifth courses' step-by-step assignments as they come out of
Jupyter (notebooks written with ``nbformat``: the course's helper and test imports, magics, the
test cell after each exercise, the notebook's own runs): "Convolutional Model: Step by Step",
"Building your Recurrent Neural Network: Step by Step" and the language model ("Dinosaur
Island", its Shakespeare part with Keras among them). A right notebook of each passes; each
learner's mistake is caught at its function, case and quantity, its likely cause named."""

from __future__ import annotations

import importlib.util

import pytest
from learner_notebooks import check_assignment

HEADERS = {
    "convolution": (
        "import numpy as np\nimport h5py\nimport matplotlib.pyplot as plt\n"
        "from public_tests import *\n\n%matplotlib inline\n"
        "plt.rcParams['figure.figsize'] = (5.0, 4.0)\nplt.rcParams['image.cmap'] = 'gray'\n\n"
        "%load_ext autoreload\n%autoreload 2\n\nnp.random.seed(1)"
    ),
    "recurrent": "import numpy as np\nfrom rnn_utils import *\nfrom public_tests import *",
    "language_model": (
        "import numpy as np\nfrom utils import *\nimport random\nimport pprint\nimport copy\n\n"
        "data = open('dinos.txt', 'r').read()\ndata = data.lower()\nchars = list(set(data))"
    ),
}
RUNS = {  # the notebook's own cells after the exercises, which a check leaves out
    "convolution": (
        "np.random.seed(1)\nA_prev = np.random.randn(2, 5, 7, 4)\nW = np.random.randn(3, 3, 4, 8)"
        "\nb = np.random.randn(1, 1, 1, 8)\nhparameters = {'pad' : 1, 'stride': 2}\n"
        "Z, cache_conv = conv_forward(A_prev, W, b, hparameters)\nprint(np.mean(Z))"
    ),
    "recurrent": (
        "np.random.seed(1)\nx_tmp = np.random.randn(3, 10, 4)\na0_tmp = np.random.randn(5, 10)\n"
        "a_tmp, y_tmp, caches_tmp = rnn_forward(x_tmp, a0_tmp, parameters_tmp)\n"
        "rnn_forward_test(rnn_forward)"
    ),
    "language_model": (
        "from __future__ import print_function\n"
        "from tensorflow.keras.callbacks import LambdaCallback\n"
        "from tensorflow.keras.models import Model, load_model, Sequential\n"
        "from tensorflow.keras.layers import Dense, Activation, Dropout, Input, Masking\n"
        "from tensorflow.keras.layers import LSTM\n"
        "from shakespeare_utils import *\nimport sys\nimport io\n\n"
        "print_callback = LambdaCallback(on_epoch_end=on_epoch_end)\n"
        "model.fit(x, y, batch_size=128, epochs=1, callbacks=[print_callback])\n"
        "generate_output()"
    ),
}
STAND_INS = {
    "convolution": "public_tests",
    "recurrent": "rnn_utils, public_tests",
    "language_model": "utils, shakespeare_utils",
}


def check(capsys, tmp_path, assignment: str, changes=(), *flags: str) -> tuple[int, dict]:
    """nn-check's report of the right notebook of ``assignment`` with ``changes`` made."""
    header, after = HEADERS[assignment], RUNS[assignment]
    return check_assignment(capsys, tmp_path, assignment, header, after, changes, *flags)


@pytest.mark.parametrize(
    ("assignment", "checked"), [("convolution", 8), ("recurrent", 8), ("language_model", 3)]
)
def test_a_right_notebook_of_each_assignment_passes_as_it_came_out_of_jupyter(
    capsys, tmp_path, assignment, checked
):
    code, report = check(capsys, tmp_path, assignment)
    assert report["week"] == assignment
    statuses = {v["name"]: v["status"] for v in report["functions"] if v["status"] != "not checked"}
    assert list(statuses.values()) == ["ok"] * checked, report
    assert code == report["exit_code"] == 0
    assert report["notes"][0] == (
        f"nn-check's own stand-in for {STAND_INS[assignment]} (the course's file is not beside "
        "yours)"
    )
    if assignment == "language_model" and importlib.util.find_spec("tensorflow") is None:
        assert "imports tensorflow, not here (pip install tensorflow)" in report["notes"][1]


def test_the_cells_input_gradient_under_the_docstrings_name_dx_is_read_with_a_note(
    capsys, tmp_path
):
    """``rnn_cell_backward``'s docstring calls the input's gradient ``dx``, its code ``dxt``."""
    change = ('gradients = {"dxt": dxt, "da_prev"', 'gradients = {"dx": dxt, "da_prev"')
    code, report = check(capsys, tmp_path, "recurrent", [change], "--only", "rnn_cell_backward")
    [verdict] = [v for v in report["functions"] if v["name"] == "rnn_cell_backward"]
    assert code == 0 and verdict["status"] == "ok"
    assert verdict["notes"] == [
        "gradients['dx'] read as dxt, the input's gradient (the notebook's docstring says dx; its "
        "code returns dxt)"
    ]


FORWARD_STRIDE = "        a_prev_pad = A_prev_pad[i]\n        for h in range(n_H):\n"
# name: (assignment, function, changes, (status, case, quantity, words of the likely cause))
MISTAKES = {
    "bias_forgotten": (
        "convolution",
        "conv_single_step",
        [("    Z = Z + np.squeeze(b)\n", "")],
        ("wrong", "course", "Z", "the bias is not added"),
    ),
    "h_for_h_times_stride": (
        "convolution",
        "conv_forward",
        [
            (
                FORWARD_STRIDE + "            vert_start = h * stride\n",
                FORWARD_STRIDE + "            vert_start = h\n",
            )
        ],
        ("wrong", "course", "Z", "h for h * stride"),
    ),
    "dW_not_accumulated": (
        "convolution",
        "conv_backward",
        [("dW[:, :, :, c] += a_slice", "dW[:, :, :, c] = a_slice")],
        ("wrong", "course", "dW", "dW not accumulated"),
    ),
    "padding_not_removed": (
        "convolution",
        "conv_backward",
        [("    return dA_prev, dW, db\n", "    return dA_prev_pad, dW, db\n")],
        ("wrong", "course", "dA_prev", "the padding is not removed from dA_prev"),
    ),
    "the_notebooks_pad_hint_at_pad_0": (
        "convolution",
        "conv_backward",
        [
            (
                "da_prev_pad[pad : pad + n_H_prev, pad : pad + n_W_prev, :]",
                "da_prev_pad[pad:-pad, pad:-pad, :]",
            )
        ],
        ("error", "pad 0", "", "the notebook's hint X[pad:-pad, pad:-pad, :] is empty at pad = 0"),
    ),
    "pool_mask_on_the_wrong_window": (
        "convolution",
        "pool_backward",
        [
            (
                "a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]",
                "a_prev_slice = a_prev[h : h + f, w : w + f, c]",
            )
        ],
        ("wrong", "stride 2, max", "dA_prev", "the mask taken on the wrong window"),
    ),
    "n_H_prev_for_n_H": (
        "convolution",
        "pool_backward",
        [("    m, n_H, n_W, n_C = dA.shape\n", "    m, n_H, n_W, n_C = A_prev.shape\n")],
        ("error", "course, max", "", "not over the input's n_H_prev, n_W_prev"),
    ),
    "mask_of_each_column": (
        "convolution",
        "create_mask_from_window",
        [("mask = x == np.max(x)\n", "mask = x == np.max(x, axis=0)\n")],
        ("wrong", "course", "mask", "the maximum of each column"),
    ),
    "distribute_value_transposed": (
        "convolution",
        "distribute_value",
        [("a = np.ones(shape) * average", "a = np.ones((n_W, n_H)) * average")],
        ("wrong", "shape (2, 3)", "a", "the window's shape transposed"),
    ),
    "gates_order": (
        "recurrent",
        "lstm_cell_forward",
        [
            ("ft = sigmoid(np.dot(Wf, concat) + bf)", "ft = sigmoid(np.dot(Wi, concat) + bi)"),
            ("it = sigmoid(np.dot(Wi, concat) + bi)", "it = sigmoid(np.dot(Wf, concat) + bf)"),
        ],
        ("wrong", "course", "cache[4]", "the forget gate ft takes Wi, bi"),
    ),
    "rnn_tanh_derivative_of_the_wrong_quantity": (
        "recurrent",
        "rnn_cell_backward",
        [("dtanh = da_next * (1 - a_next**2)", "dtanh = da_next * (1 - np.tanh(a_next) ** 2)")],
        ("wrong", "course", "gradients['dxt']", "tanh' from tanh(a_next)"),
    ),
    "lstm_tanh_derivative_of_the_wrong_quantity": (
        "recurrent",
        "lstm_cell_backward",
        [("(1 - np.tanh(c_next) ** 2)", "(1 - a_next**2)")],
        ("wrong", "course", "gradients['dxt']", "tanh' from a_next"),
    ),
    "da_next_not_accumulated": (
        "recurrent",
        "rnn_backward",
        [("rnn_cell_backward(da[:, :, t] + da_prevt,", "rnn_cell_backward(da[:, :, t],")],
        ("wrong", "course", "gradients['dx']", "da_next not accumulated over time"),
    ),
    "cell_state_gradient_dropped": (
        "recurrent",
        "lstm_backward",
        [('        dc_prevt = gradients["dc_prev"]\n', "")],
        ("wrong", "course", "gradients['dx']", "the cell state's gradient dropped"),
    ),
    "clip_by_norm": (
        "language_model",
        "clip",
        [
            (
                "        np.clip(gradient, -maxValue, maxValue, out=gradient)\n",
                "        norm = np.linalg.norm(gradient)\n        if norm > maxValue:\n"
                "            gradient *= maxValue / norm\n",
            )
        ],
        ("wrong", "course, maxValue 10", "gradients['dWax']", "clipped by its norm"),
    ),
    "clip_rebinds_the_loops_name": (
        "language_model",
        "clip",
        [
            (
                "np.clip(gradient, -maxValue, maxValue, out=gradient)",
                "gradient = np.clip(gradient, -maxValue, maxValue)",
            )
        ],
        ("wrong", "course, maxValue 10", "gradients['dWax']", "nothing is clipped"),
    ),
    "clip_after_the_update": (
        "language_model",
        "optimize",
        [
            (
                "    gradients = clip(gradients, 5)\n"
                "    parameters = update_parameters(parameters, gradients, learning_rate)\n",
                "    parameters = update_parameters(parameters, gradients, learning_rate)\n"
                "    gradients = clip(gradients, 5)\n",
            )
        ],
        ("wrong", "course", "parameters['Wax']", "the clip after the update"),
    ),
    "sample_seeded_with_seed_plus_t": (
        "language_model",
        "sample",
        [("        seed += 1\n", "")],
        ("wrong", "course", "", "step t seeds with seed + t"),
    ),
    "sample_seeded_once": (
        "language_model",
        "sample",
        [
            ("        np.random.seed(counter + seed)\n", ""),
            ("    indices = []\n", "    indices = []\n    np.random.seed(seed)\n"),
        ],
        ("wrong", "course", "", "np.random.seed(seed) once, before the loop"),
    ),
}


@pytest.mark.slow  # 2 to 4 s each (the child's load of the notebook, matplotlib in the first);
# the same mistakes in process, quickly: parity_tests/scratch_side/test_scratch_grading_*.py
@pytest.mark.parametrize("name", list(MISTAKES))
def test_each_mistake_in_a_notebook_is_caught_and_named(capsys, tmp_path, name):
    assignment, function, changes, (status, case, quantity, cause) = MISTAKES[name]
    code, report = check(capsys, tmp_path, assignment, changes, "--only", function)
    assert code == report["exit_code"] == 1
    wrong = {v["name"]: v for v in report["functions"] if v["status"] not in ("ok", "not checked")}
    assert list(wrong) == [function], f"{name}: {list(wrong)} wrong, not {function}"
    finding = wrong[function]["failure"]
    assert wrong[function]["status"] == status, finding
    assert finding["case"] == case, finding
    assert quantity == finding.get("quantity", ""), finding
    assert cause in (finding.get("cause") or ""), finding
    if finding["kind"] == "values":
        assert finding["where"].startswith(quantity), finding  # the worst entry
