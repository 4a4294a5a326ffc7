"""Check the scratch backward pass against centred finite differences of the cost: the relative
difference ``||g - g_num|| / (||g|| + ||g_num||)`` per parameter and overall, against the
course's bar of 2e-7. Exit code 1 when the overall difference is not below it.

    python scripts/gradcheck.py                               # planar, [2, 4, 1], initial weights
    python scripts/gradcheck.py --dataset spiral --layers 2 5 5 3 --activation tanh --l2 0.7
    python scripts/gradcheck.py --weights runs/planar-both/weights-scratch.npz
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import numpy as np

import scratch
from scratch import NetworkSpec
from scratch.gradcheck import DEFAULT_EPSILON
from scripts.config import GRADCHECK, parse_config
from scripts.errors import EXIT_FAILED, EXIT_OK, reports_user_errors
from scripts.problem import Params, load_problem

PROG = "gradcheck"
KINKED = ("relu", "leaky_relu")
KINK_WINDOW = 1e-6  # a parameter moved by eps = 1e-7 can carry Z across the kink from here


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``gradcheck`` command; returns its exit code."""
    config = parse_config(argv, GRADCHECK, PROG, __doc__.split("\n\n")[0])
    problem = load_problem(config)
    spec, params = problem.spec, problem.params
    X, Y = problem.data.X_train, problem.data.Y_train
    if config.examples is not None:
        X, Y = X[:, : config.examples], Y[:, : config.examples]
    print(f"data: {problem.data.describe()}")
    print(f"spec: {spec.describe()}")
    twin = " (a float32 spec is checked as its float64 twin)" if spec.dtype != "float64" else ""
    print(
        f"centred differences with eps {DEFAULT_EPSILON:g} on {X.shape[1]} training examples, "
        f"in float64{twin}\n"
    )
    result = scratch.gradient_check(params, X, Y, spec)
    bar = f"< {result.threshold:g}"
    print(
        f"{'gradient':<10}{'entries':>8}{'||g||':>11}{'||g - g_num||':>15}{'relative':>11}  {bar}"
    )
    for key, difference in result.per_parameter.items():
        g, g_num = result.analytic[key], result.numeric[key]
        norms = f"{np.linalg.norm(g):>11.1e}{np.linalg.norm(g - g_num):>15.1e}"
        verdict = "yes" if difference < result.threshold else "NO"
        print(f"{key:<10}{g.size:>8}{norms}{difference:>11.1e}  {verdict}")
    entries = sum(value.size for value in result.analytic.values())
    verdict = "PASSED" if result.passed else "FAILED"
    print(f"{'overall':<10}{entries:>8}{'':>26}{result.difference:>11.1e}  {verdict}")
    for note in _notes(result, params, X, Y, spec):
        print(f"note: {note}")
    return EXIT_OK if result.passed else EXIT_FAILED


def _notes(
    result: scratch.GradCheckResult, params: Params, X: np.ndarray, Y: np.ndarray, spec: NetworkSpec
) -> list[str]:
    """Why a part of the check fails when nothing is wrong: a gradient so small that the centred
    difference's own round-off, about eps_mach |J| / eps, is a large part of it; or a ReLU unit
    sitting on its kink, where the centred difference sees the mean of the two slopes."""
    spec = spec.replace(dtype="float64")
    params = {key: value.astype(np.float64) for key, value in params.items()}
    _, caches = scratch.L_model_forward(scratch.as_input(X, spec), params, spec)
    cost = scratch.cost_of(X, Y, params, spec)
    notes = []
    tiny = [key for key, value in result.per_parameter.items() if value >= result.threshold]
    if tiny and result.passed:
        round_off = np.finfo(np.float64).eps * abs(cost) / DEFAULT_EPSILON
        notes.append(
            f"{', '.join(tiny)}: gradients this small meet the centred difference's own round-off "
            f"(eps_mach |J| / eps = {round_off:.0e} per entry); the overall figure is the test"
        )
    for l, (layer, cache) in enumerate(zip(spec.layers, caches, strict=True), start=1):
        on_kink = int(np.sum(np.abs(cache.activation_cache.Z) < KINK_WINDOW))
        if layer.activation in KINKED and on_kink:
            notes.append(
                f"{on_kink} value(s) of Z{l} lie within {KINK_WINDOW:g} of {layer.activation}'s "
                f"kink at 0, where the centred difference averages the two slopes while "
                f"the backward pass takes {layer.activation}'(0) from one side"
            )
    return notes


if __name__ == "__main__":
    sys.exit(main())
