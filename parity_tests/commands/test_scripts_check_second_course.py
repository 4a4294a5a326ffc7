"""``nn-check`` on the second course's assignments as they come out of Jupyter (notebooks written
with ``nbformat``: the course's helper and test imports, magics, test cells, the notebook's own
runs): initialization, regularization (L2 and dropout), gradient checking, and the optimization
notebook's ``random_mini_batches``. A right notebook of each passes; each learner's mistake is
caught at its function, case, layer and quantity, and its likely cause named."""

from __future__ import annotations

import pytest
from learner_notebooks import check_assignment

HEADERS = {
    "initialization": (
        "import numpy as np\nimport matplotlib.pyplot as plt\nimport sklearn\n"
        "import sklearn.datasets\nfrom init_utils import sigmoid, relu, compute_loss, "
        "forward_propagation, backward_propagation\nfrom init_utils import update_parameters, "
        "predict, load_dataset, plot_decision_boundary, predict_dec\nfrom public_tests import *"
        "\n\n%matplotlib inline\nplt.rcParams['figure.figsize'] = (7.0, 4.0)\n\n"
        "%load_ext autoreload\n%autoreload 2\n\ntrain_X, train_Y, test_X, test_Y = load_dataset()"
    ),
    "regularization": (
        "import numpy as np\nimport matplotlib.pyplot as plt\nimport sklearn\n"
        "import sklearn.datasets\nimport scipy.io\nfrom reg_utils import sigmoid, relu, "
        "plot_decision_boundary, initialize_parameters, load_2D_dataset, predict_dec\n"
        "from reg_utils import compute_cost, predict, forward_propagation, "
        "backward_propagation, update_parameters\nfrom testCases import *\n"
        "from public_tests import *\n\n%matplotlib inline\n\n%load_ext autoreload\n"
        "%autoreload 2"
    ),
    "gradient_checking": (
        "import numpy as np\nfrom testCases import *\nfrom public_tests import *\n"
        "from gc_utils import sigmoid, relu, dictionary_to_vector, vector_to_dictionary, "
        "gradients_to_vector\n\n%load_ext autoreload\n%autoreload 2"
    ),
    "mini_batches": (
        "import numpy as np\nimport matplotlib.pyplot as plt\nimport scipy.io\nimport math\n"
        "import sklearn\nimport sklearn.datasets\n\nfrom opt_utils_v1a import "
        "load_params_and_grads, initialize_parameters, forward_propagation, "
        "backward_propagation\nfrom opt_utils_v1a import compute_cost, predict, predict_dec, "
        "plot_decision_boundary, load_dataset\nfrom copy import deepcopy\n"
        "from testCases import *\nfrom public_tests import *\n\n%matplotlib inline"
    ),
}
RUNS = {  # the notebook's own cells after the exercises, which a check leaves out
    "initialization": "parameters = model(train_X, train_Y, initialization='he')",
    "regularization": "train_X, train_Y, test_X, test_Y = load_2D_dataset()",
    "gradient_checking": (
        "X, Y, parameters = gradient_check_n_test_case()\n"
        "cost, cache = forward_propagation_n(X, Y, parameters)\n"
        "gradients = backward_propagation_n(X, Y, cache)\n"
        "difference = gradient_check_n(parameters, gradients, X, Y, 1e-7, True)"
    ),
    "mini_batches": (
        "X_assess, Y_assess, mini_batch_size = random_mini_batches_test_case()\n"
        "mini_batches = random_mini_batches(X_assess, Y_assess, mini_batch_size)"
    ),
}
STAND_INS = {
    "initialization": "init_utils, public_tests",
    "regularization": "reg_utils, testCases, public_tests",
    "gradient_checking": "testCases, public_tests, gc_utils",
    "mini_batches": "opt_utils_v1a, testCases, public_tests",
}


def check(capsys, tmp_path, assignment: str, changes=(), *flags: str) -> tuple[int, dict]:
    """nn-check's report of the right notebook of ``assignment`` with ``changes`` made."""
    header, after = HEADERS[assignment], RUNS[assignment]
    return check_assignment(
        capsys, tmp_path, assignment, header, after, changes, *flags, everywhere=True
    )


@pytest.mark.parametrize(
    ("assignment", "week", "checked"),
    [
        ("initialization", "initialization", 3),
        ("regularization", "regularization", 4),
        ("gradient_checking", "gradient_checking", 5),
        pytest.param("mini_batches", "optimizers", 1, marks=pytest.mark.slow),
    ],
)
def test_a_right_notebook_of_each_assignment_passes_as_it_came_out_of_jupyter(
    capsys, tmp_path, assignment, week, checked
):
    """The gradient checking notebook keeps the bugs it plants in ``backward_propagation_n``
    for ``gradient_check_n`` to find: that function is not checked, and says why."""
    code, report = check(capsys, tmp_path, assignment)
    assert report["week"] == week
    statuses = {v["name"]: v["status"] for v in report["functions"] if v["status"] != "not checked"}
    assert list(statuses.values()) == ["ok"] * checked, report
    assert code == report["exit_code"] == 0
    assert report["notes"][0] == (
        f"nn-check's own stand-in for {STAND_INS[assignment]} (the course's file is not beside "
        "yours)"
    )
    if assignment == "gradient_checking":  # it keeps the bugs the notebook plants for the check
        [planted] = [v for v in report["functions"] if v["name"] == "backward_propagation_n"]
        assert planted["status"] == "not checked"
        assert planted["reason"].startswith("the notebook plants its bugs in it (dW2, db1)")


SEED_3 = "    np.random.seed(3)\n    parameters = {}\n    L = len(layers_dims) - 1"
NORMS = (  # gradient_check_n's, after its loop
    "(2 * epsilon)\n    numerator = np.linalg.norm(grad - gradapprox)\n"
    "    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)\n"
)
LAST_BATCH = (
    "    if m % mini_batch_size != 0:\n"
    "        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size :]\n"
    "        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size :]\n"
    "        mini_batches.append((mini_batch_X, mini_batch_Y))\n"
)
# name: (assignment, function, changes, (case, layer, quantity, words of the likely cause))
MISTAKES = {
    "he_xavier_scale": (
        "initialization",
        "initialize_parameters_he",
        [("np.sqrt(2.0 / layers_dims[l - 1])", "np.sqrt(1.0 / layers_dims[l - 1])")],
        ("layers_dims", 1, "W1", "Xavier's scale, sqrt(1 / n[l-1])"),
    ),
    "he_fan_out": (
        "initialization",
        "initialize_parameters_he",
        [("np.sqrt(2.0 / layers_dims[l - 1])", "np.sqrt(2.0 / layers_dims[l])")],
        ("layers_dims", 1, "W1", "the fan-out, sqrt(2 / n[l])"),
    ),
    "he_without_the_seed": (
        "initialization",
        "initialize_parameters_he",
        [(SEED_3, SEED_3.replace("    np.random.seed(3)\n", ""))],
        ("layers_dims", 1, "W1", "not the course's draws: np.random.seed(3) once"),
    ),
    "random_small": (
        "initialization",
        "initialize_parameters_random",
        [("* 10", "* 0.01")],
        ("layers_dims", 1, "W1", "* 0.01, the first course's small scale"),
    ),
    "random_uniform": (
        "initialization",
        "initialize_parameters_random",
        [
            (
                "np.random.randn(layers_dims[l], layers_dims[l - 1]) * 10",
                "np.random.rand(layers_dims[l], layers_dims[l - 1]) * 10",
            )
        ],
        ("layers_dims", 1, "W1", "np.random.rand (uniform on [0, 1))"),
    ),
    "zeros_random_biases": (
        "initialization",
        "initialize_parameters_zeros",
        [
            (
                "np.zeros((layers_dims[l], 1))\n    return parameters\n\n\n"
                "def initialize_parameters_random",
                "np.random.randn(layers_dims[l], 1)\n    return parameters\n\n\n"
                "def initialize_parameters_random",
            )
        ],
        ("layers_dims", 1, "b1", "the course starts every bias at zero"),
    ),
    "l2_cost_over_m": (
        "regularization",
        "compute_cost_with_regularization",
        [("lambd / (2 * m)", "lambd / m")],
        ("course", None, "cost", "lambd / m where the course has lambd / (2 m)"),
    ),
    "l2_cost_without_W3": (
        "regularization",
        "compute_cost_with_regularization",
        [(" + np.sum(np.square(W3))", "")],
        ("course", None, "cost", "W3 is left out of the L2 term"),
    ),
    "l2_backward_half": (
        "regularization",
        "backward_propagation_with_regularization",
        [("lambd / m * W", "lambd / (2 * m) * W")],
        ("course", 3, "dW3", "the L2 term's factor is lambd / (2 m)"),
    ),
    "l2_backward_layer_1": (
        "regularization",
        "backward_propagation_with_regularization",
        [(" + lambd / m * W1", "")],
        ("course", 1, "dW1", "layer 1's L2 term is missing"),
    ),
    "dropout_not_scaled": (
        "regularization",
        "forward_propagation_with_dropout",
        [("    A1 = A1 / keep_prob\n", ""), ("    A2 = A2 / keep_prob\n", "")],
        ("course", 1, "A1", "the kept units are not scaled up"),
    ),
    "dropout_mask_inverted": (
        "regularization",
        "forward_propagation_with_dropout",
        [("(D1 < keep_prob)", "(D1 > keep_prob)"), ("(D2 < keep_prob)", "(D2 > keep_prob)")],
        ("course", 1, "D1", "the mask is inverted"),
    ),
    "dropout_without_the_seed": (
        "regularization",
        "forward_propagation_with_dropout",
        [("    np.random.seed(1)\n", "")],
        ("course", 1, "D1", "not the course's masks: np.random.seed(1) at the top"),
    ),
    "dropout_on_the_output": (
        "regularization",
        "forward_propagation_with_dropout",
        [
            (
                "    A3 = sigmoid(Z3)\n",
                "    A3 = sigmoid(Z3)\n    A3 = A3 * (np.random.rand("
                "A3.shape[0], A3.shape[1]) < keep_prob) / keep_prob\n",
            )
        ],
        ("course", 3, "A3", "the output layer is dropped too"),
    ),
    "dropout_backward_without_the_mask": (
        "regularization",
        "backward_propagation_with_dropout",
        [("    dA2 = dA2 * D2\n", ""), ("    dA1 = dA1 * D1\n", "")],
        ("course", 2, "dA2", "the mask is not applied to dA, only its scale"),
    ),
    "dropout_backward_not_scaled": (
        "regularization",
        "backward_propagation_with_dropout",
        [("    dA2 = dA2 / keep_prob\n", ""), ("    dA1 = dA1 / keep_prob\n", "")],
        ("course", 2, "dA2", "dA is not divided by keep_prob"),
    ),
    "gradient_check_over_epsilon": (
        "gradient_checking",
        "gradient_check",
        [("(J_plus - J_minus) / (2 * epsilon)", "(J_plus - J_minus) / epsilon")],
        ("x, theta", None, "difference", "divided by epsilon, not 2 epsilon"),
    ),
    "gradient_check_n_over_epsilon": (
        "gradient_checking",
        "gradient_check_n",
        [("(J_plus[i] - J_minus[i]) / (2 * epsilon)", "(J_plus[i] - J_minus[i]) / epsilon")],
        ("course", None, "difference", "divided by epsilon, not 2 epsilon"),
    ),
    "gradient_check_n_denominator": (
        "gradient_checking",
        "gradient_check_n",
        [
            (
                NORMS,
                NORMS.replace(
                    "np.linalg.norm(grad) + np.linalg.norm(gradapprox)",
                    "np.linalg.norm(grad + gradapprox)",
                ),
            )
        ],
        ("course, planted bugs", None, "difference", "the denominator is ||grad + gradapprox||"),
    ),
    "gradient_check_n_without_norms": (
        "gradient_checking",
        "gradient_check_n",
        [(NORMS, NORMS.replace("np.linalg.norm(grad - gradapprox)", "grad - gradapprox"))],
        ("course", None, "", "the norms make one number"),
    ),
    "own_dictionary_to_vector_by_columns": (
        "gradient_checking",
        "dictionary_to_vector",
        [
            (
                "\n\ndef forward_propagation(x, theta):",
                "\n\ndef dictionary_to_vector(parameters):\n    keys = []\n    vectors = []\n"
                '    for key in ["W1", "b1", "W2", "b2", "W3", "b3"]:\n'
                "        vectors.append(np.reshape(parameters[key].T, (-1, 1)))\n"
                "        keys = keys + [key] * vectors[-1].shape[0]\n"
                "    return np.concatenate(vectors), keys\n\n\ndef forward_propagation(x, theta):",
            )
        ],
        ("course", None, "theta", "each array rolled column by column"),
    ),
    "mini_batches_without_the_last": (
        "mini_batches",
        "random_mini_batches",
        [(LAST_BATCH, "")],
        ("course", None, "", "the last, short mini-batch is missing"),
    ),
    "mini_batches_math_ceil": (
        "mini_batches",
        "random_mini_batches",
        [("math.floor(m / mini_batch_size)", "math.ceil(m / mini_batch_size)")],
        ("course", None, "", "an empty mini-batch at the end: the loop over the full ones"),
    ),
    "mini_batches_Y_of_its_own": (
        "mini_batches",
        "random_mini_batches",
        [("Y[:, permutation]", "Y[:, list(np.random.permutation(m))]")],
        ("course", None, "Y1", "Y shuffled by a permutation of its own"),
    ),
    "mini_batches_without_the_seed": (
        "mini_batches",
        "random_mini_batches",
        [("    np.random.seed(seed)\n", "")],
        ("course", None, "X1", "not the course's order: np.random.seed(seed)"),
    ),
}


@pytest.mark.slow  # 2 to 5 s each, the notebook's sklearn and matplotlib loading in the child;
# the same mistakes in process, quickly: parity_tests/scratch_side/test_grading_*.py
@pytest.mark.parametrize("name", list(MISTAKES))
def test_each_mistake_in_a_notebook_is_caught_and_named(capsys, tmp_path, name):
    assignment, function, changes, (case, layer, quantity, cause) = MISTAKES[name]
    code, report = check(capsys, tmp_path, assignment, changes, "--only", function)
    assert code == report["exit_code"] == 1
    wrong = {v["name"]: v for v in report["functions"] if v["status"] not in ("ok", "not checked")}
    assert list(wrong) == [function], f"{name}: {list(wrong)} wrong, not {function}"
    finding = wrong[function]["failure"]
    assert wrong[function]["status"] == "wrong", finding
    assert (finding["case"], finding.get("layer")) == (case, layer), finding
    assert quantity in (finding.get("key", ""), finding.get("quantity", "")), finding
    assert cause in (finding.get("cause") or ""), finding
