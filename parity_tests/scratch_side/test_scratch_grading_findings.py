"""``scratch.grading.findings``: a verdict on one learner function (ok, wrong, error, not
checked) with its first finding, notes composed once per case, and its JSON form."""

from __future__ import annotations

import numpy as np

from scratch import parity
from scratch.grading.findings import Finding, Verdict, in_place_note
from scratch.grading.outcomes import Change, Output
from scratch.grading.trial import Expect


class Case:
    name, about = "course", "[5, 4, 3, 1], m = 4"


def test_a_difference_in_values_names_the_entry_both_values_and_the_tolerance():
    exact = np.array([[-0.0840175], [0.5]])
    yours = exact.copy()
    yours[0, 0] = -0.33607
    expect = Expect("db3", "db", exact, layer=3)
    result = parity.compare("db3", yours, exact, dtype="float64", names=("yours", "autograd"))
    finding = Finding.of(Case(), expect, result, "off by a factor m = 4")
    assert (finding.kind, finding.status, finding.layer, finding.label) == (
        "values",
        "wrong",
        3,
        "db3",
    )
    assert finding.message.startswith("db[0, 0] is -0.33607 where autograd has -0.0840175")
    assert finding.tolerance == "rtol 5e-12 of the scale + atol 5e-14"


def test_a_shape_is_named_against_the_courses():
    exact = np.zeros((3, 1))
    result = parity.compare("db3", np.zeros(3), exact, dtype="float64")
    finding = Finding.of(Case(), Expect("db3", "db", exact, layer=3), result, None)
    assert finding.message == "db has shape (3,); the course's is (3, 1)"


def test_an_input_changed_in_place_is_a_note_with_its_entry_before_and_after():
    """A right result stays right (issue 21's false alarm): the change is a note that says what
    changed and how to keep the caller's array."""
    note = in_place_note(Change("dA", "in place", (0, 2), 1.5, 0.0))
    assert note.startswith("it changes its argument dA in place (dA[0, 2] was 1.5, is now 0)")
    assert note.endswith("np.array(dA, copy=True) first keeps it as it was")
    replaced = in_place_note(Change("parameters['W1']", "replaced"))
    assert "parameters['W1']: replaced" in replaced and "copy.deepcopy(parameters)" in replaced


def test_raised_and_stopped_are_errors():
    assert Finding("c", "", "raised").status == Finding("c", "", "stopped").status == "error"


def test_a_fragile_case_is_one_note_counting_its_quantities_with_numpys_warnings():
    verdict = Verdict("L_model_backward")
    what = ("AL rounds to 1 where Y is 0", "dZL = AL - Y is exact everywhere")
    verdict.absorb(
        Output(warnings=["RuntimeWarning: divide by zero encountered in divide"]), "course"
    )
    verdict.fragile(Case(), what, "grads['dW2'][0, 0]", (np.nan, 0.46))
    verdict.fragile(Case(), what, "grads['db2']", (np.nan, 0.1))
    verdict.finish()
    assert verdict.notes == [
        "case 'course' ([5, 4, 3, 1], m = 4), not counted: AL rounds to 1 where Y is 0; your "
        "grads['dW2'][0, 0] is nan where the exact value is 0.46, and 1 more quantities differ "
        "there (NumPy warned: divide by zero encountered in divide). dZL = AL - Y is exact "
        "everywhere"
    ]


def test_prints_are_counted_and_the_first_line_kept():
    verdict = Verdict("propagate")
    verdict.absorb(Output(printed=3, first_line="cost 0.69"), "course")
    verdict.absorb(Output(printed=2, first_line="cost 0.5"), "one example")
    assert (verdict.printed, verdict.first_printed) == (5, "cost 0.69")


def test_the_json_form_leaves_out_what_is_empty():
    verdict = Verdict("sigmoid")
    assert verdict.to_json() == {"name": "sigmoid", "status": "ok", "printed": 0}
