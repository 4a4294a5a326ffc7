"""``scratch.grading.findings``: a finding says where a function parts from its truth (shape,
dtype or the worst entry, with both values, named after what computed the truth); a verdict's
notes gather a case the course's own formula loses and what NumPy warned, once each; an
argument changed in place is a note that says how to keep it."""

from __future__ import annotations

import numpy as np

from scratch import parity
from scratch.grading.cases import plain
from scratch.grading.findings import Finding, Verdict, in_place_note
from scratch.grading.outcomes import Change, Output
from scratch.grading.trial import Expect


def finding(yours, theirs, oracle="autograd") -> Finding:
    expect = Expect("dW2", "grads['dW2']", np.asarray(theirs), 2)
    result = parity.compare("dW2", np.asarray(yours), expect.value, names=("yours", oracle))
    return Finding.of(plain("course", "[5, 4, 3, 1], m = 4"), expect, result, "a cause")


def test_a_finding_names_the_shape_the_dtype_or_the_worst_entry_with_both_values():
    assert finding(np.ones((2, 3)), np.ones((3, 2))).message == (
        "grads['dW2'] has shape (2, 3); the course's is (3, 2)"
    )
    assert finding(np.ones(2, np.float32), np.ones(2)).message == (
        "grads['dW2'] is float32; the course computes in float64"
    )
    found = finding([[1.0, 2.0]], [[1.0, 3.0]], "torch.nn.init")
    assert (
        found.message == "grads['dW2'][0, 1] is 2 where torch.nn.init has 3 (max abs diff 1.0e+00)"
    )
    assert (found.layer, found.label, found.status) == (2, "grads['dW2']", "wrong")


def test_a_case_the_courses_formula_loses_is_one_note_with_numpys_warning():
    verdict = Verdict("compute_cost")
    case = plain("saturated", "[4, 5, 1], m = 8")
    verdict.absorb(
        Output(warnings=["RuntimeWarning: divide by zero encountered in log"]), "saturated"
    )
    for _ in range(2):
        verdict.fragile(case, ("log(0) there", "The stable form."), "cost", (np.inf, 11.0))
    verdict.finish()
    [note] = verdict.notes
    assert note.startswith("case 'saturated' ([4, 5, 1], m = 8), not counted: log(0) there;")
    assert (
        "and 1 more quantities differ there (NumPy warned: divide by zero encountered in log)"
        in note
    )


def test_an_argument_changed_in_place_is_a_note_on_how_to_keep_it():
    note = in_place_note(Change("w", "in place", (0, 0), 1.0, 0.5))
    assert note == (
        "it changes its argument w in place (w[0, 0] was 1, is now 0.5): the caller's copy "
        "changes too, which bites where the caller uses it again; np.array(w, copy=True) first "
        "keeps it as it was"
    )
    assert "copy.deepcopy(parameters)" in in_place_note(Change("parameters['W1']", "replaced"))


def test_a_verdicts_json_leaves_out_what_is_empty():
    assert Verdict("sigmoid").to_json() == {"name": "sigmoid", "status": "ok", "printed": 0}
