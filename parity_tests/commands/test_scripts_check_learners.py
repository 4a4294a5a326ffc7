"""``nn-check`` on learner files written for the tests (``parity_tests/learners/``): the
project's own scratch functions in the course's signatures pass every week, correct learner
files pass, and each file holding one known mistake is reported at the right function, layer,
quantity and case, with the right likely cause."""

from __future__ import annotations

import json

import pytest
from learner_notebooks import LEARNERS

from scripts.check import main


def check(capsys, name: str, *flags: str) -> tuple[int, dict]:
    """nn-check's exit code and JSON report of ``learners/<name>.py``."""
    code = main([str(LEARNERS / f"{name}.py"), "--json", *flags])
    return code, json.loads(capsys.readouterr().out)


def verdicts(report: dict) -> dict[str, dict]:
    return {verdict["name"]: verdict for verdict in report["functions"]}


@pytest.mark.parametrize(
    ("name", "week", "count"),
    [
        pytest.param("scratch_week2", "2", 5, marks=pytest.mark.slow),
        ("scratch_week3", "3", 7),
        ("scratch_week4", "4", 10),
        ("scratch_optimizers", "optimizers", 8),
        ("week2_correct", "2", 5),
        pytest.param("week4_correct", "4", 10, marks=pytest.mark.slow),
    ],
)
def test_the_projects_own_functions_and_correct_learners_pass_every_week(capsys, name, week, count):
    code, report = check(capsys, name)
    assert report["week"] == week
    statuses = {verdict["name"]: verdict["status"] for verdict in report["functions"]}
    assert list(statuses.values()) == ["ok"] * count, statuses
    assert code == report["exit_code"] == 0


W3, W4 = ("--week", "3"), ("--week", "4")  # files whose names weeks 3 and 4 share
# file: (flags, function, layer, quantity, case, words of the likely cause)
MISTAKES = {
    "w4_db_missing_m": ((), "linear_backward", 3, "db3", "course", "m = 4: the 1/m is missing"),
    "w4_db_wrong_axis": ((), "linear_backward", 3, "db3", "course", "db summed over axis 0"),
    "w4_db_no_keepdims": ((), "linear_backward", 3, "db3", "course", "keepdims missing"),
    "w4_dW_transposed": ((), "linear_backward", 3, "dW3", "course", "transposed: (3, 1) for"),
    "w4_dA_prev_divided_by_m": ((), "linear_backward", 3, "dA2", "course", "dZ carry no 1/m"),
    "w4_tanh_derivative": ((), "linear_activation_backward", 3, "dW3", "course", "tanh' where"),
    "w4_relu_kink": ((), "linear_activation_backward", 2, "db2", "kinks", "at exactly 0 taken"),
    "w4_db_squeezed": (
        (),
        "linear_backward",
        3,
        "db3",
        "course",
        "or squeezed (np.sum(dZ) / m, np.squeeze)",
    ),
    "w4_backward_sigmoid_in_relu_layers": (
        (),
        "L_model_backward",
        2,
        "dW2",
        "course",
        "the hidden layers' derivative is sigmoid'",
    ),
    "w4_dAL_sign": ((), "L_model_backward", 3, "dW3", "course", "factor -1: a sign (dAL = "),
    "w4_relu_output_backward": ((), "L_model_backward", 3, "dW3", "course", "output layer's der"),
    "w4_cost_not_averaged": (W4, "compute_cost", None, "cost", "course", "not averaged"),
    "w4_cost_axis": (W4, "compute_cost", None, "cost", "course", "summed over axis 0 only"),
    "w4_cost_not_squeezed": (W4, "compute_cost", None, "cost", "course", "np.squeeze(cost)"),
    "w4_cost_one_term": (W4, "compute_cost", None, "cost", "course", "log(1 - AL) is missing"),
    "w4_update_sign": (W4, "update_parameters", 1, "W1", "course", "the update's sign"),
    "w4_update_misses_last_layer": (W4, "update_parameters", 3, "W3", "course", "not updated"),
    "w4_forward_transposed": ((), "linear_forward", 1, "Z1", "course", "one example per row"),
    "w4_cache_order": ((), "linear_forward", None, "", "course", "a cache in another order"),
    "w4_activation_cache_A": ((), "linear_activation_forward", 1, "Z1", "course", "holds A"),
    "w4_hidden_sigmoid": ((), "L_model_forward", 1, "A1", "course", "hidden layers apply sigmoid"),
    "w4_init_unscaled": ((), "initialize_parameters_deep", None, "", "layer_dims", "* 0.01 miss"),
    "w4_init_zeros": ((), "initialize_parameters_deep", None, "", "layer_dims", "symmetry is not"),
    "w3_sigmoid_derivative": (W3, "backward_propagation", 1, "dW1", "course", "sigmoid' where"),
    "w3_db_all_entries": (W3, "backward_propagation", 2, "db2", "course", "db summed over every"),
    "w3_forward_relu": (W3, "forward_propagation", 1, "A1", "course", "hidden layers apply relu"),
    "w3_layer_sizes_m": ((), "layer_sizes", None, "", "course", "number of examples m, X.shape"),
    "w3_predict_at_half": (W3, "predict", None, "predictions", "zero input", "only where A > 0.5"),
    "w2_dw_missing_m": ((), "propagate", None, "grads['dw']", "course", "m = 3: the 1/m is miss"),
    "w2_dw_transposed": ((), "propagate", None, "grads['dw']", "course", "transposed: (1, 2) for"),
    "w2_cost_sign": ((), "propagate", None, "cost", "course", "factor -1: a sign"),
    "w2_sigmoid_sign": ((), "sigmoid", None, "sigmoid(z)", "course", "1 / (1 + exp(z))"),
    "w2_optimize_sign": ((), "optimize", None, "costs", "course", "the update's sign"),
    "w2_init_shape": ((), "initialize_with_zeros", None, "w", "dim", "a 1-D array"),
    "opt_momentum_no_one_minus_beta": (
        (),
        "update_parameters_with_momentum",
        1,
        "v_dW1",
        "course",
        "(1 - beta) is missing",
    ),
    "opt_adam_no_correction": (
        (),
        "update_parameters_with_adam",
        1,
        "W1",
        "course",
        "no bias correction",
    ),
    "opt_schedule_no_floor": (
        (),
        "schedule_lr_decay",
        None,
        "learning_rate",
        "decay",
        "the floor is missing",
    ),
    "opt_adam_no_power_t": (
        (),
        "update_parameters_with_adam",
        1,
        "v_dW1",
        "course",
        "the bias correction without the power t",
    ),
    "opt_adam_power_outside": (
        (),
        "update_parameters_with_adam",
        1,
        "v_dW1",
        "course",
        "the bias correction's power outside",
    ),
    "opt_adam_epsilon_inside": (
        (),
        "update_parameters_with_adam",
        1,
        "W1",
        "deep and wide",
        "epsilon inside the square root",
    ),
    "opt_adam_s_unsquared": (
        (),
        "update_parameters_with_adam",
        1,
        "s_dW1",
        "course",
        "s averages dW, not dW ** 2",
    ),
    "opt_momentum_swapped": (
        (),
        "update_parameters_with_momentum",
        1,
        "v_dW1",
        "course",
        "beta and 1 - beta swapped",
    ),
    "opt_momentum_steps_by_gradient": (
        (),
        "update_parameters_with_momentum",
        1,
        "W1",
        "course",
        "W updated with dW, not with the velocity",
    ),
    "opt_schedule_multiplies": (
        (),
        "schedule_lr_decay",
        None,
        "learning_rate",
        "decay",
        "the decay multiplies: the course divides",
    ),
    "opt_schedule_no_one_plus": (
        (),
        "schedule_lr_decay",
        None,
        "learning_rate",
        "decay",
        "the 1 + is missing from the denominator",
    ),
    "w4_first_layer_sigmoid": (
        (),
        "L_model_backward",
        1,
        "dW1",
        "course",
        "layer 1's derivative is sigmoid' (one branch of the loop)",
    ),
}


# one of each kind in the fast lane; the rest, 0.2 s each, in the full suite
FAST = {
    "w4_db_missing_m",
    "w4_tanh_derivative",
    "w4_relu_kink",
    "w4_db_squeezed",
    "w4_backward_sigmoid_in_relu_layers",
    "opt_adam_no_power_t",
    "opt_schedule_no_floor",
    "w4_cache_order",
    "w4_cost_not_averaged",
    "w4_update_sign",
    "w3_sigmoid_derivative",
    "w2_dw_transposed",
    "opt_adam_no_correction",
}


@pytest.mark.parametrize(
    "name",
    [name if name in FAST else pytest.param(name, marks=pytest.mark.slow) for name in MISTAKES],
)
def test_each_mistake_is_named_at_its_function_layer_and_quantity(capsys, name):
    flags, function, layer, quantity, case, cause = MISTAKES[name]
    code, report = check(capsys, name, *flags, "--only", function)
    assert code == report["exit_code"] == 1
    wrong = {v["name"]: v for v in report["functions"] if v["status"] not in ("ok", "not checked")}
    assert list(wrong) == [function], f"{name}: {list(wrong)} wrong, not {function}"
    finding = wrong[function]["failure"]
    assert wrong[function]["status"] == "wrong", finding
    assert finding.get("layer") == layer, finding
    assert quantity in (finding.get("key", ""), finding.get("quantity", "")), finding
    assert finding["case"] == case, finding
    assert cause in (finding.get("cause") or ""), finding


def test_the_wrong_layers_W_is_named_where_the_shapes_fit_after_the_shape_error(capsys):
    code, report = check(capsys, "w3_wrong_W", "--week", "3")
    verdict = verdicts(report)["backward_propagation"]
    assert code == 1 and verdict["status"] == "error"
    assert "shapes (2,4) and (1,3) not aligned" in verdict["failure"]["message"]
    assert "w3_wrong_W.py line 11" in verdict["failure"]["message"]
    assert verdict["failure"]["cause"] == "(2, 4) is W1.T; (1, 3) is Y, dZ2"
    also = verdict["also"]
    assert (also["case"], also["layer"], also["key"]) == ("narrow", 1, "dW1")
    assert also["cause"].startswith("dA taken from the wrong layer's W: dA1 = W1^T dZ2")


def test_a_wrong_function_runs_as_nn_checks_own_while_its_callers_are_checked(capsys, tmp_path):
    solution = tmp_path / "week4.py"
    solution.write_text(
        (LEARNERS / "week4_correct.py").read_text() + "\n\ndef linear_backward(dZ, cache):\n"
        "    A_prev, W, _ = cache\n"
        "    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)\n"
    )
    backward = ("linear_backward", "linear_activation_backward", "L_model_backward")
    assert main([str(solution), "--json", "--only", *backward]) == 1
    found = verdicts(json.loads(capsys.readouterr().out))
    assert found["linear_backward"]["status"] == "wrong"
    assert found["linear_backward"]["failure"]["cause"].startswith("off by a factor m = 4")
    for caller in ("linear_activation_backward", "L_model_backward"):
        assert found[caller]["status"] == "ok"
        assert found[caller]["substituted"] == ["linear_backward"]
    assert found["L_model_forward"]["reason"] == "not in --only"


def test_the_older_compute_cost_that_takes_the_parameters_is_called_so(capsys):
    code, report = check(capsys, "w3_old_cost", "--week", "3")
    assert code == 0 and verdicts(report)["compute_cost"]["status"] == "ok"


@pytest.mark.parametrize(
    ("name", "function", "argument"),
    [
        ("w2_optimize_in_place", "optimize", "w"),
        ("w4_relu_backward_in_place", "linear_activation_backward", "dA"),
    ],
)
def test_an_input_updated_in_place_is_a_note_for_every_function(capsys, name, function, argument):
    """The false alarm of issue 21: ``w -= learning_rate * dw`` in a right ``optimize`` (the
    course's test passes it) is a note, as the same in a right update or backward step is."""
    code, report = check(capsys, name, "--only", function)
    verdict = verdicts(report)[function]
    assert code == 0 and verdict["status"] == "ok"
    [note] = [note for note in verdict["notes"] if "in place" in note]
    assert note.startswith(f"it changes its argument {argument} in place ({argument}[")
    assert note.endswith(f"np.array({argument}, copy=True) first keeps it as it was")


def test_dA_from_the_wrong_layer_is_named_as_such_and_where_shapes_fit_by_value(capsys):
    code, report = check(capsys, "w4_dA_wrong_layer", "--only", "L_model_backward")
    verdict = verdicts(report)["L_model_backward"]
    assert code == 1 and verdict["status"] == "error"
    assert "broadcast together with shapes (3,4) (4,4)" in verdict["failure"]["message"]
    assert verdict["failure"]["cause"].startswith(
        "dA from the wrong layer: (3, 4) is layer 2's dA2, (4, 4) layer 1's dA1"
    )
    assert verdict["also"]["case"] == "kinks" and verdict["also"]["key"] == "dW1"
