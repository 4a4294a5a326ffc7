"""``scratch.grading.findings``: a finding names the shape, the dtype or the worst entry with
both values, what computed the exact one and the tolerance; a verdict on one learner function
(ok, wrong, error, not checked) with its first finding, notes composed once per case, and its
JSON form; an argument changed in place is a note on how to keep it."""

from __future__ import annotations

import numpy as np

from scratch import parity
from scratch.grading.cases import plain
from scratch.grading.findings import Finding, Verdict, in_place_note
from scratch.grading.outcomes import Change, Output
from scratch.grading.trial import Expect

CASE = plain("course", "[5, 4, 3, 1], m = 4")


def finding(yours, theirs, oracle="autograd") -> Finding:
    expect = Expect("dW2", "grads['dW2']", np.asarray(theirs), 2)
    result = parity.compare("dW2", np.asarray(yours), expect.value, names=("yours", oracle))
    return Finding.of(CASE, expect, result, "a cause")


def test_a_finding_names_a_shape_or_a_dtype_against_the_courses():
    assert finding(np.ones((2, 3)), np.ones((3, 2))).message == (
        "grads['dW2'] has shape (2, 3); the course's is (3, 2)"
    )
    assert finding(np.ones(2, np.float32), np.ones(2)).message == (
        "grads['dW2'] is float32; the course computes in float64"
    )


def test_a_difference_in_values_names_the_worst_entry_both_values_the_oracle_and_the_tolerance():
    found = finding([[1.0, 2.0]], [[1.0, 3.0]], "torch.nn.init")
    assert (found.kind, found.status, found.layer, found.label) == (
        "values",
        "wrong",
        2,
        "grads['dW2']",
    )
    assert (
        found.message == "grads['dW2'][0, 1] is 2 where torch.nn.init has 3 (max abs diff 1.0e+00)"
    )
    assert (found.cause, found.tolerance) == ("a cause", "rtol 5e-12 of the scale + atol 5e-14")


def test_raised_and_stopped_are_errors():
    assert Finding("c", "", "raised").status == Finding("c", "", "stopped").status == "error"


def test_prints_are_counted_and_the_first_line_kept():
    verdict = Verdict("propagate")
    verdict.absorb(Output(printed=3, first_line="cost 0.69"), "course")
    verdict.absorb(Output(printed=2, first_line="cost 0.5"), "one example")
    assert (verdict.printed, verdict.first_printed) == (5, "cost 0.69")


def test_a_fragile_case_is_one_note_counting_its_quantities_with_numpys_warnings():
    verdict = Verdict("L_model_backward")
    what = ("AL rounds to 1 where Y is 0", "dZL = AL - Y is exact everywhere")
    verdict.absorb(
        Output(warnings=["RuntimeWarning: divide by zero encountered in divide"]), "course"
    )
    verdict.fragile(CASE, what, "grads['dW2'][0, 0]", (np.nan, 0.46))
    verdict.fragile(CASE, what, "grads['db2']", (np.nan, 0.1))
    verdict.finish()
    assert verdict.notes == [
        "case 'course' ([5, 4, 3, 1], m = 4), not counted: AL rounds to 1 where Y is 0; your "
        "grads['dW2'][0, 0] is nan where the exact value is 0.46, and 1 more quantities differ "
        "there (NumPy warned: divide by zero encountered in divide). dZL = AL - Y is exact "
        "everywhere"
    ]


def test_the_json_form_leaves_out_what_is_empty():
    assert Verdict("sigmoid").to_json() == {"name": "sigmoid", "status": "ok", "printed": 0}


def test_an_argument_changed_in_place_is_a_note_on_how_to_keep_it():
    """A right result stays right (issue 21's false alarm): the change is a note that says what
    changed and how to keep the caller's array."""
    note = in_place_note(Change("w", "in place", (0, 0), 1.0, 0.5))
    assert note == (
        "it changes its argument w in place (w[0, 0] was 1, is now 0.5): the caller's copy "
        "changes too, which bites where the caller uses it again; np.array(w, copy=True) first "
        "keeps it as it was"
    )
    replaced = in_place_note(Change("parameters['W1']", "replaced"))
    assert "parameters['W1']: replaced" in replaced and "copy.deepcopy(parameters)" in replaced


def test_numpys_warning_on_float_of_an_array_is_explained():
    verdict = Verdict("conv_single_step")
    warning = "DeprecationWarning: Conversion of an array with ndim > 0 to a scalar is deprecated"
    verdict.absorb(Output(warnings=[warning]), "course")
    verdict.finish()
    assert verdict.notes[0].endswith("b.item() or np.squeeze(b) takes the number on every NumPy)")
