"""``measure_tolerances``: its report says how much of each bound one comparison used and the
difference at that entry, which stays true where the values are near 0 (a relative figure there
reads 1 and means nothing)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import scratch
from scratch import NetworkSpec
from scratch.parity import compare
from scratch.spec import DTYPES
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance
from scripts import measure_tolerances
from scripts.measure.dense import constant_batch_norms
from scripts.measure.report import Measured


def test_a_result_inside_its_bound_is_reported_by_its_share_and_its_difference(capsys):
    tiny = compare(
        "db1",
        np.array([[2e-12], [0.0]]),
        np.array([[0.0], [0.0]]),
        kind=CENTRED_DIFFERENCE,
        tol=centred_difference_tolerance(0.7),
    )
    assert tiny.ok and tiny.max_rel == 1.0  # the figure the report used to print
    measured = Measured()
    measured.add([tiny], "a net")
    measured.report()
    line = capsys.readouterr().out
    assert "max rel diff" not in line
    assert "1 compared, 0 outside; inside, at most 2e-05 of rtol 1e-06" in line
    assert "(50000x headroom) at db1[0, 0] (|difference| 2.0e-12) of a net" in line


def test_a_small_measurement_runs_and_reports_every_row_it_compared(capsys):
    argv = ["--networks", "2", "--centred", "1", "--runs", "0", "--seed", "3"]
    assert measure_tolerances.main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 random networks a dtype, 1 against centred differences")
    rows = re.findall(r"^  (float\d\d [a-z ]+?)\s+\d+ compared, 0 outside", out, re.MULTILINE)
    assert sorted(rows) == [
        "float32 forward",
        "float32 gradient",
        "float64 centred difference",
        "float64 forward",
        "float64 gradient",
    ]


@pytest.mark.slow  # compiles two networks and a run
def test_a_measurement_of_the_modes_reports_each_modes_rows(capsys):
    argv = ["--networks", "0", "--centred", "0", "--runs", "0", "--iterations", "60"]
    argv += ["--compiled", "1", "--compiled-runs", "1", "--mixed-runs", "1", "--seed", "3"]
    assert measure_tolerances.main(argv) == 0
    out = capsys.readouterr().out
    assert "compiled: 1 networks a dtype, 1 runs; bf16-mixed: 1 runs (seed 3)" in out
    rows = set(re.findall(r"^  (float\d\d [a-z ]+\([a-z0-9-]+\))\s+\d+ compared", out, re.M))
    passes = {f"{dtype} {kind} (compiled)" for dtype in DTYPES for kind in ("forward", "gradient")}
    assert passes <= rows
    assert "float32 curve (bf16-mixed)" in rows and "float32 trained (bf16-mixed)" in rows
    assert any(row.endswith("curve (compiled)") for row in rows)


def test_a_batch_norm_layer_normalizing_a_constant_is_told_and_set_apart():
    """A one-unit ReLU layer dead on the whole batch puts out 0 for every example: the batch
    norm above it normalizes round-off, so its pass is set apart, not measured."""
    spec = NetworkSpec.from_dict(
        {
            "input_size": 2,
            "layers": [
                {"units": 1, "activation": "relu"},
                {"units": 3, "activation": "tanh", "batch_norm": True},
                {"units": 1, "activation": "sigmoid"},
            ],
        }
    )
    params = scratch.initialize_parameters(spec)
    X = np.abs(np.random.default_rng(0).standard_normal((2, 5)))
    alive = scratch.layer_internals(X, np.ones((1, 5)), params | {"W1": np.ones((1, 2))}, spec)
    assert constant_batch_norms(spec, alive) == []
    dead = params | {"W1": -np.ones((1, 2)), "b1": np.zeros((1, 1))}
    assert constant_batch_norms(spec, scratch.layer_internals(X, np.ones((1, 5)), dead, spec)) == [
        2
    ]


def test_a_pass_set_apart_counts_in_no_row_and_is_told_with_its_failures(capsys):
    wrong = compare("Z1", np.array([[1.0]]), np.array([[2.0]]), dtype="float64")
    right = compare("A1", np.array([[1.0]]), np.array([[1.0]]), dtype="float64")
    measured = Measured()
    measured.set_apart([wrong, right], "a net", "a batch norm normalizes a constant")
    measured.report()
    out = capsys.readouterr().out
    assert not measured.count and not measured.worst
    assert "set apart, not counted: 1 pass(es) where a batch norm normalizes a constant" in out
    assert "a net (a batch norm normalizes a constant): Z1" in out and "A1" not in out
