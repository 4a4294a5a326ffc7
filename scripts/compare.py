"""Compare the two implementations layer by layer: one forward and backward pass on each side,
from the same weights and data, then every layer's Z, A, dZ, dA, dW and db side by side with the
largest absolute and relative difference, whether it is within the dtype's tolerance, and the
first quantity where the two part. Exit code 1 when any quantity is out of tolerance.

    python scripts/compare.py                                 # planar, [2, 4, 1], initial weights
    python scripts/compare.py --weights runs/planar-both/weights-scratch.npz --explain
    python scripts/compare.py --layers 2 5 3 --loss cross_entropy --dataset spiral --dtype float32
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    import scripts  # noqa: F401  (first: Ctrl-C is one line from here on, see its docstring)

from collections.abc import Sequence

import scratch
from scratch.batches import count_examples
from scripts import PROGS
from scripts.cli import settings
from scripts.cli.errors import EXIT_FAILED, EXIT_OK, reports_user_errors
from scripts.inputs.problem import check_one_pass, load_problem

PROG = PROGS["compare"]
ROW_ORDER = ("Z", "Z_norm", "Z_tilde", "A", "D", "dZ", "dA", "dW", "db", "dgamma", "dbeta")
FOOTNOTE = (
    "Autograd differentiates J: the 1/m of every dW and db is the loss's DivBackward0 at the top.\n"
    "The course's dZ and dA are of the summed loss m J, so the torch side's are scaled by m."
)
SEQUENCE_FOOTNOTE = (
    "Autograd differentiates J, and so does the course's recurrent backward: dy and da hold the "
    "1/m\n(the loss's DivBackward0 at the top); a padded step's dy is 0 (ignore_index=-1)."
)


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``compare`` command; returns its exit code."""
    import torch_impl
    from scratch import parity
    from scratch import threads as blas
    from torch_impl import threads

    data, network, extras = settings.parse(PROG, __doc__, argv)
    problem = load_problem(data, network)
    spec, X, Y = problem.spec, problem.data.X_train, problem.data.Y_train
    source = f"the training set of {problem.data.name} holds {count_examples(X)} example"
    check_one_pass(spec, X.shape[1], source)
    print(f"data: {problem.data.describe()}")
    print(f"spec: {spec.describe()}")
    m = count_examples(X)
    print(f"one forward and backward pass on the {m} training examples, on each side\n")
    one_pass = scratch.BatchSchedule(m)  # each side's threads, sized to the pass
    with threads.turn("numpy"), blas.sized_to(spec, one_pass):
        scratch_side = scratch.layer_internals(X, Y, problem.params, spec)
    with threads.turn("torch"), threads.sized_to(spec, one_pass):
        torch_side = torch_impl.layer_internals(X, Y, problem.params, spec)
    comparisons = parity.compare_all(scratch_side, torch_side, dtype=spec.dtype)
    print("\n".join(internals_table(comparisons.results)))
    first = comparisons.first_failure
    if first is None:
        print(
            f"\nall {len(comparisons.results)} quantities agree within the {spec.dtype} tolerances"
        )
    else:
        print(f"\nthe two sides part first at {first.message()}")
    if extras.explain:
        print("\nbackward pass: the scratch formula  <-  the autograd node(s) that computed it")
        formulas = scratch.backward_formulas(spec)
        nodes = torch_impl.autograd_nodes(X, Y, problem.params, spec)
        width = max(36, *map(len, formulas))
        for formula, made_by in zip(formulas, nodes, strict=True):
            print(f"  {formula:<{width}} <-  {made_by}")
        print(SEQUENCE_FOOTNOTE if spec.sequences else FOOTNOTE)
    return EXIT_OK if first is None else EXIT_FAILED


def internals_table(comparisons: Sequence) -> list[str]:
    """Rows of ``scratch.parity.Comparison``, grouped by layer (0 is the input) in the order
    Z, A, dZ, dA, dW, db, with the cost last: shape, largest absolute and relative difference,
    the tolerance, and whether the quantity is within it."""

    def position(result) -> tuple[int, int]:
        if result.layer is None:
            return (sys.maxsize, 0)
        name = result.quantity.rstrip("0123456789")
        return (result.layer, ROW_ORDER.index(name) if name in ROW_ORDER else len(ROW_ORDER))

    rows = sorted(comparisons, key=position)
    width = max(len(str(result.tolerance)) for result in rows)
    named = max(8, *(len(result.quantity) for result in rows))
    shapes = ["x".join(map(str, result.shapes[0])) or "scalar" for result in rows]
    wide = max(9, *map(len, shapes))
    header = ("layer", "quantity", "shape", "max abs diff", "max rel diff", "tolerance", "within")
    row = f"{{:>5}}  {{:<{named}}}  {{:<{wide}}}  {{:>12}}  {{:>12}}  {{:<{width}}}  {{}}"
    lines = [row.format(*header)]
    for result, shape in zip(rows, shapes, strict=True):
        layer = "" if result.layer is None else str(result.layer)
        verdict = "yes" if result.ok else f"NO ({result.problem})"
        lines.append(
            f"{layer:>5}  {result.quantity:<{named}}  {shape:<{wide}}  {result.max_abs:>12.1e}  "
            f"{result.max_rel:>12.1e}  {result.tolerance!s:<{width}}  {verdict}"
        )
    return lines


if __name__ == "__main__":
    sys.exit(main())
