"""Check the scratch backward pass against centred finite differences of the cost: the relative
difference ``||g - g_num|| / (||g|| + ||g_num||)`` per parameter and overall, against the
course's bar of 2e-7. A parameter above the bar whose difference is within the centred
difference's own round-off says so. Exit code 1 when the overall difference is not below the bar.

    python scripts/gradcheck.py                               # planar, [2, 4, 1], initial weights
    python scripts/gradcheck.py --dataset spiral --layers 2 5 5 3 --activation tanh --l2 0.7
    python scripts/gradcheck.py --weights runs/planar-both/weights-scratch.npz
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    import scripts  # noqa: F401  (first: Ctrl-C is one line from here on, see its docstring)

from collections.abc import Sequence

import numpy as np

import scratch
from scratch import NetworkSpec, parity
from scratch.batches import count_examples, examples_axis
from scratch.gradcheck import DEFAULT_EPSILON
from scratch.threads import sized_to
from scratch.tolerances import CENTRED_DIFFERENCE, Tolerance, centred_difference_tolerance
from scripts import PROGS
from scripts.cli import settings
from scripts.cli.errors import EXIT_FAILED, EXIT_OK, reports_user_errors
from scripts.inputs.problem import Params, check_one_pass, load_problem

PROG = PROGS["gradcheck"]
KINKED = ("relu", "leaky_relu")
KINK_WINDOW = 1e-6  # a parameter moved by eps = 1e-7 can carry Z across the kink from here
ROUND_OFF = "round-off"


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gradcheck`` command; returns its exit code."""
    data, network, extras = settings.parse(PROG, __doc__, argv)
    problem = load_problem(data, network)
    spec, params = problem.spec, problem.params
    X, Y = problem.data.X_train, problem.data.Y_train
    if extras.examples is not None:
        axis = examples_axis(X)  # the first examples: columns, or images
        X, Y = X.swapaxes(0, axis)[: extras.examples].swapaxes(0, axis), Y[:, : extras.examples]
    m = count_examples(X)
    source = f"the training set of {problem.data.name} holds"
    source = f"--examples {extras.examples} checks" if extras.examples else source
    check_one_pass(spec, m, f"{source} {m} example")
    print(f"data: {problem.data.describe()}")
    print(f"spec: {spec.describe()}")
    twin = " (a float32 spec is checked as its float64 twin)" if spec.dtype != "float64" else ""
    print(
        f"centred differences with eps {DEFAULT_EPSILON:g} on {count_examples(X)} training "
        f"examples, in float64{twin}\n"
    )
    with sized_to(spec, scratch.BatchSchedule(X.shape[1])):  # NumPy's threads, sized to a pass
        result = scratch.gradient_check(params, X, Y, spec)
    spec64 = spec.replace(dtype="float64")
    params64 = {key: value.astype(np.float64) for key, value in params.items()}
    cost = scratch.cost_of(X, Y, params64, spec64)
    verdicts = row_verdicts(result, centred_difference_tolerance(cost))
    bar = f"< {result.threshold:g}"
    print(
        f"{'gradient':<10}{'entries':>8}{'||g||':>11}{'||g - g_num||':>15}{'relative':>11}  {bar}"
    )
    for key, difference in result.per_parameter.items():
        g, g_num = result.analytic[key], result.numeric[key]
        norms = f"{np.linalg.norm(g):>11.1e}{np.linalg.norm(g - g_num):>15.1e}"
        print(f"{key:<10}{g.size:>8}{norms}{difference:>11.1e}  {verdicts[key]}")
    entries = sum(value.size for value in result.analytic.values())
    verdict = "PASSED" if result.passed else "FAILED"
    print(f"{'overall':<10}{entries:>8}{'':>26}{result.difference:>11.1e}  {verdict}")
    notes = _round_off_notes(result, verdicts, cost) + _kink_notes(params64, X, spec64)
    for note in notes:
        print(f"note: {note}")
    return EXIT_OK if result.passed else EXIT_FAILED


def row_verdicts(result: scratch.GradCheckResult, round_off: Tolerance) -> dict[str, str]:
    """Per parameter: ``yes`` below the course's relative bar; ``round-off`` above it but within
    ``round_off``, the referee's measured bound on backprop against centred differences (a
    gradient so small that the centred difference's own round-off is a large part of it);
    ``NO`` outside both."""
    verdicts = {}
    for key, difference in result.per_parameter.items():
        if difference < result.threshold:
            verdicts[key] = "yes"
            continue
        pair = (result.analytic[key], result.numeric[key])
        within = parity.compare(key, *pair, kind=CENTRED_DIFFERENCE, tol=round_off).ok
        verdicts[key] = ROUND_OFF if within else "NO"
    return verdicts


def _round_off_notes(
    result: scratch.GradCheckResult, verdicts: dict[str, str], cost: float
) -> list[str]:
    notes = []
    small = [key for key, verdict in verdicts.items() if verdict == ROUND_OFF]
    if small:
        per_entry = np.finfo(np.float64).eps * abs(cost) / DEFAULT_EPSILON
        notes.append(
            f"{', '.join(small)}: {ROUND_OFF}: the relative difference is above "
            f"{result.threshold:g} only because the gradient is small: ||g - g_num|| is within the "
            f"centred difference's own round-off (its measured bound, "
            f"{centred_difference_tolerance(cost)}; J's round-off alone is eps_mach |J| / eps = "
            f"{per_entry:.0e} per entry); the overall figure is the test"
        )
    off = [key for key, verdict in verdicts.items() if verdict == "NO"]
    if off and result.passed:
        notes.append(
            f"{', '.join(off)}: outside the bar and the round-off bound although the overall "
            "figure, the course's test, passes: the other gradients outweigh it"
        )
    return notes


def _kink_notes(params: Params, X: np.ndarray, spec: NetworkSpec) -> list[str]:
    """A ReLU unit sitting on its kink, where the centred difference sees the mean of the two
    slopes: a part of the check that fails when nothing is wrong."""
    masks = scratch.dropout_masks(spec, count_examples(X), 0)  # those gradient_check holds
    _, caches = scratch.L_model_forward(scratch.as_input(X, spec), params, spec, masks=masks)
    notes = []
    for l, (layer, cache) in enumerate(zip(spec.layers, caches, strict=True), start=1):
        if layer.activation not in KINKED:
            continue
        on_kink = int(np.sum(np.abs(cache.activation_cache.Z) < KINK_WINDOW))
        if on_kink:
            notes.append(
                f"{on_kink} value(s) of Z{l} lie within {KINK_WINDOW:g} of {layer.activation}'s "
                f"kink at 0, where the centred difference averages the two slopes while "
                f"the backward pass takes {layer.activation}'(0) from one side"
            )
    return notes


if __name__ == "__main__":
    sys.exit(main())
