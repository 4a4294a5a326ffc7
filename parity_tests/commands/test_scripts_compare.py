"""The ``compare`` and ``gradcheck`` commands end to end: the per-layer table of both sides'
internals, a planted difference marked out of tolerance, ``--explain``'s autograd nodes, and the
gradient check per parameter against the 2e-7 bar."""

from __future__ import annotations

import re

import numpy as np
import pytest

import scratch
import torch_impl
from scratch import parity
from scratch.tolerances import centred_difference_tolerance
from scripts import compare, gradcheck

QUANTITIES = [
    "dA0",
    "Z1",
    "A1",
    "dZ1",
    "dA1",
    "dW1",
    "db1",
    "Z2",
    "A2",
    "dZ2",
    "dW2",
    "db2",
    "cost",
]


def table_rows(out: str) -> dict[str, str]:
    """The table's rows by quantity: ``{"dW1": "    1  dW1  4x2 ... yes", ...}``."""
    rows = {}
    for line in out.splitlines():
        match = re.match(r"\s*\d*\s+(cost|d?[ZAWb]\d+)\s", line)
        if match:
            rows[match[1]] = line
    return rows


def test_the_two_sides_agree_on_every_quantity_of_every_layer(capsys):
    assert compare.main([]) == 0
    out = capsys.readouterr().out
    rows = table_rows(out)
    assert list(rows) == QUANTITIES
    assert all(row.endswith("yes") for row in rows.values())
    assert "all 13 quantities agree within the float64 tolerances" in out


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_planted_difference_is_marked_out_of_tolerance_where_it_is(monkeypatch, capsys, dtype):
    real = torch_impl.layer_internals

    def planted(X, Y, params, spec):
        internals = real(X, Y, params, spec)
        dW1 = internals["dW1"] = internals["dW1"].copy()
        dW1[2, 1] += 0.01 * np.abs(dW1).max()  # 1% of the array's scale: 10x float32's bound
        return internals

    monkeypatch.setattr(torch_impl, "layer_internals", planted)
    assert compare.main(["--dtype", dtype]) == 1
    out = capsys.readouterr().out
    rows = table_rows(out)
    assert rows["dW1"].endswith("NO (values)")
    assert all(row.endswith("yes") for quantity, row in rows.items() if quantity != "dW1")
    assert "the two sides part first at dW1 (layer 1)" in out and "dW1[2, 1]" in out


def test_the_table_orders_layers_and_reads_the_parity_verdicts():
    spec = scratch.build_spec([3, 2, 1], "relu")
    X, Y = np.ones((3, 4)), np.array([[0, 1, 1, 0]])
    ours = scratch.layer_internals(X, Y, scratch.initialize_parameters(spec), spec)
    theirs = {**ours, "Z2": ours["Z2"] + 1.0}
    lines = compare.internals_table(parity.compare_all(ours, theirs).results)
    names = [
        line.split()[1] if line.split()[0].isdigit() else line.split()[0] for line in lines[1:]
    ]
    assert names == QUANTITIES
    z2 = next(line for line in lines if " Z2 " in line)
    assert z2.endswith("NO (values)") and "1.0e+00" in z2


def test_explain_puts_each_backward_formula_beside_its_autograd_node(capsys):
    assert compare.main(["--explain"]) == 0
    out = capsys.readouterr().out
    explained = dict(
        line.strip().split("<-") for line in out.splitlines() if "<-" in line and "=" in line
    )
    explained = {formula.strip(): node.strip() for formula, node in explained.items()}
    assert explained["dZ2 = A2 - Y"] == "DivBackward0 -> BinaryCrossEntropyWithLogitsBackward0"
    assert explained["dZ1 = dA1 * (1 - A1^2)"] == "TanhBackward0"
    assert explained["dW1 = dZ1 A0^T / m"] == "AddmmBackward0 -> TBackward0 -> AccumulateGrad"
    assert explained["db2 = sum(dZ2, axis=1) / m"] == "AddmmBackward0 -> AccumulateGrad"
    assert explained["dA0 = W1^T dZ1"] == "AddmmBackward0"


def test_explain_follows_the_l2_penalty_and_other_activations(capsys):
    flags = ["--dataset", "spiral", "--layers", "2", "3", "3", "--activation", "relu"]
    assert compare.main([*flags, "--l2", "0.5", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "dZ1 = dA1 * (Z1 > 0)" in out and "ReluBackward0" in out
    assert "LogSoftmaxBackward0" in out
    assert re.search(r"dW1 = dZ1 A0\^T / m \+ \(l2/m\) W1 .*penalty: .*PowBackward0", out)


def test_gradcheck_reports_every_parameter_and_passes_the_course_bar(capsys):
    assert gradcheck.main([]) == 0
    out = capsys.readouterr().out
    for key in ("dW1", "db1", "dW2", "db2"):
        assert re.search(rf"^{key}\s+\d+\s", out, re.MULTILINE), key
    overall = re.search(r"^overall\s+17\s+(\S+)\s+PASSED$", out, re.MULTILINE)
    assert overall and float(overall[1]) < 2e-7


def test_every_gradcheck_row_passes_or_says_why(capsys):
    # The demo's db1 (||g|| 2.5e-4) is above the relative bar by round-off alone.
    assert gradcheck.main([]) == 0
    out = capsys.readouterr().out
    verdicts = dict(re.findall(r"^(d[Wb]\d+)\s.*\s(\S+)$", out, re.MULTILINE))
    assert verdicts == {"dW1": "yes", "db1": "round-off", "dW2": "yes", "db2": "yes"}
    assert "note: db1: round-off: the relative difference is above 2e-07 only because" in out


def test_a_gradient_outside_the_round_off_bound_is_marked_no():
    g = {"dW1": np.full((2, 2), 1e-3), "db1": np.full((2, 1), 1e-4)}
    planted = {"dW1": g["dW1"].copy(), "db1": g["db1"] + np.array([[1e-9], [0.0]])}
    result = scratch.GradCheckResult(1e-8, {"dW1": 0.0, "db1": 3e-6}, g, planted)
    tol = centred_difference_tolerance(0.7)
    assert gradcheck.row_verdicts(result, tol) == {"dW1": "yes", "db1": "round-off"}
    planted["db1"] = g["db1"] + np.array([[1e-5], [0.0]])
    assert gradcheck.row_verdicts(result, tol) == {"dW1": "yes", "db1": "NO"}


def test_gradcheck_fails_at_a_relu_kink_and_says_why(capsys):
    # spiral's arms start at the origin: with zero biases, Z = 0 exactly there.
    flags = ["--dataset", "spiral", "--layers", "2", "5", "3", "--activation", "relu"]
    assert gradcheck.main(flags) == 1
    out = capsys.readouterr().out
    assert re.search(r"^overall .* FAILED$", out, re.MULTILINE)
    assert "of relu's kink at 0" in out


def test_gradcheck_uses_saved_weights_and_their_spec(tmp_path, capsys):
    spec = scratch.build_spec([2, 3, 1], "sigmoid", init="xavier", seed=4)
    scratch.save_weights(tmp_path / "w.npz", scratch.initialize_parameters(spec), spec)
    assert gradcheck.main(["--weights", str(tmp_path / "w.npz"), "--examples", "50"]) == 0
    out = capsys.readouterr().out
    assert "[2, 3, 1] sigmoid/sigmoid" in out and "on 50 training examples" in out


@pytest.mark.parametrize("command", [compare, gradcheck])
def test_compare_and_gradcheck_report_user_errors_in_one_line(capsys, command):
    assert command.main(["--layers", "5", "4", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "input size is 5 but planar has 2 features" in err
