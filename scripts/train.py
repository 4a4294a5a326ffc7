"""Train the network from scratch, in PyTorch Lightning, or both from the same initial weights,
and keep the run (settings, costs, weights, checkpoint, plots) in a folder of its own.

    python scripts/train.py                          # planar flower, [2, 4, 1], both sides
    python scripts/train.py --impl scratch --dataset moons --layers 2 8 1 --activation relu
    python scripts/train.py --config runs/planar-both/config.yaml --lr 0.5
    python scripts/train.py --resume runs/planar-both --iterations 500
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    import scripts  # noqa: F401  (first: Ctrl-C is one line from here on, see its docstring)

from collections.abc import Mapping, Sequence
from dataclasses import replace

import scratch
from scratch import TrainingSettings
from scratch.batches import count_examples
from scripts import PROGS
from scripts.cli import settings
from scripts.cli.errors import EXIT_FAILED, EXIT_OK, UserError, reports_user_errors
from scripts.cli.settings import TrainSettings
from scripts.inputs.problem import Params, Problem, evaluate, load_problem
from scripts.runs.costs import cost_table
from scripts.runs.files import CHECKPOINT, saved_config, weights_file, write_run
from scripts.runs.folder import RunFolder
from scripts.runs.resumed import FinishedRun, resumed_run
from scripts.runs.samples import sample_table
from scripts.runs.training import Outcome, check_devices, check_modes, train

PROG = PROGS["train"]
IMPLEMENTATIONS = {"both": ("scratch", "torch"), "scratch": ("scratch",), "torch": ("torch",)}


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``train`` command; returns its exit code (1 if a cost diverged)."""
    parsed = settings.parse(PROG, __doc__, argv, base=resumed_run)
    data, network, training, optimizer, run = parsed
    finished: FinishedRun | None = parsed.base
    if run.resume and network.weights:
        raise UserError("--resume continues from the run's own weights; leave out --weights")
    settings.refuse_unused(parsed)
    problem = load_problem(data, network)
    impls = IMPLEMENTATIONS[training.impl]
    if finished is not None:
        finished.check_same_run(parsed, problem.spec)
        starts = finished.starts(impls)
    else:
        starts = {impl: (problem.params, 0, {}) for impl in impls}
    m = count_examples(problem.data.X_train)
    steps = settings.training_settings(training, optimizer, m)
    time_steps = problem.data.X_train.shape[2] if problem.spec.sequences else 1
    scratch.check_training(problem.spec, m, steps, time_steps)  # its memory, no batch of one
    check_devices(training, problem, steps, impls)
    check_modes(training, problem, impls)
    _print_plan(steps, problem, impls, starts, run.resume)
    used = (data, network, replace(training, iterations=steps.num_iterations, epochs=None))
    config = saved_config((*used, optimizer, run), problem.spec)
    default_name = f"{Path(data.dataset).stem}-{training.impl}"
    with RunFolder(run.runs_dir, run.name, default_name, run.overwrite) as folder:
        outcomes = [
            train(impl, problem, steps, training, starts[impl], folder.file(CHECKPOINT))
            for impl in impls
        ]
        scores = {outcome.impl: evaluate(problem, outcome.params) for outcome in outcomes}
        written = write_run(folder, config, problem, outcomes, scores)
        path = folder.publish()
    _print_report(training, steps, outcomes, scores)
    trained = [outcome for outcome in outcomes if outcome.diverged_at is None]
    if problem.spec.sequences and trained:
        print("\n".join(sample_table(trained, problem)))
    print(f"saved to {path}/: {', '.join(written)}")
    for outcome in outcomes:
        if outcome.diverged_at is not None:
            print(
                f"{PROG}: error: {outcome.impl}: the cost stopped being finite at iteration "
                f"{outcome.diverged_at} (learning rate {outcome.settings.learning_rate} is too "
                f"large?); its weights of iteration {outcome.next_iteration} are in "
                f"{path / weights_file(outcome.impl)}",
                file=sys.stderr,
            )
    return EXIT_FAILED if any(o.diverged_at is not None for o in outcomes) else EXIT_OK


def _print_plan(
    steps: TrainingSettings,
    problem: Problem,
    impls: Sequence[str],
    starts: Mapping[str, tuple[Params, int, Params]],
    resume: str | None,
) -> None:
    print(f"data: {problem.data.describe()}")
    print(f"spec: {problem.spec.describe()}")
    batches = f"batches of {steps.batch_size}" if steps.batch_size else "full batch"
    first = min(start for _, start, _ in starts.values())
    where = f" from iteration {first} of {resume}" if resume else ""
    same = " from the same initial weights" if len(impls) == 2 and not resume else ""
    rule = "" if steps.optimizer == "gd" else f"{steps.optimizer}, "
    decay = f" decayed by {steps.decay_rate}" if steps.decay_rate else ""
    print(
        f"training {' and '.join(impls)}{same}{where}: {rule}learning rate {steps.learning_rate}"
        f"{decay}, {steps.num_iterations} iterations, {batches}"
    )


def _print_report(
    training: TrainSettings,
    steps: TrainingSettings,
    outcomes: Sequence[Outcome],
    scores: dict[str, dict[str, float]],
) -> None:
    curves = [outcome.curve for outcome in outcomes if len(outcome.curve.costs)]
    if curves:
        every = training.print_every or max(1, steps.num_iterations // 10)
        print("\n".join(cost_table(curves, every)))
    names = list(scores[outcomes[0].impl])
    print(
        f"\n{'':<10}"
        + "".join(f"{name.replace('_', ' '):>16}" for name in names)
        + f"{'seconds':>10}"
    )
    for outcome in outcomes:
        values = scores[outcome.impl]
        shown = "".join(f"{_score(name, values[name]):>16}" for name in names)
        print(f"{outcome.impl:<10}{shown}{outcome.seconds:>10.1f}")
    if len(outcomes) == 2 and all(outcome.diverged_at is None for outcome in outcomes):
        mode = training.precision or ("compiled" if training.compile else None)
        print("\n".join(_parity_lines(*outcomes, mode)))


def _parity_lines(a: Outcome, b: Outcome, mode: str | None = None) -> list[str]:
    """The verdict of ``scratch.parity`` on the two runs against the rows of the torch side's
    ``mode`` (mixed precision's band when both are given): the costs, with where they part and
    how many steps are outside, then the final weights and the optimizer state, each whether or
    not the costs parted (a curve can leave its band and come back)."""
    from scratch import parity
    from scratch.bands import steps_outside
    from scratch.tolerances import STATE, TRAINED

    try:
        verdict = parity.compare_training(a.result, b.result, mode=mode)
    except KeyError as err:  # a mode without rows for this run's optimizer
        return [f"parity: not judged: {err.args[0]}"]
    head = f"parity ({', '.join([a.result.spec.dtype, *([mode] if mode else [])])}): "
    costs, count = verdict["cost"], len(a.result.costs)
    if costs.ok:
        at = a.result.start_iteration + (costs.index[0] if costs.index else 0)
        lines = [
            f"{head}all {count} costs agree within {costs.tolerance} "
            f"(max rel diff {costs.max_rel:.1e}, iteration {at})"
        ]
    else:
        lines = [f"{head}the two sides part at {costs.message()}"]
        if costs.problem == "values":
            steps = steps_outside(a.result.costs, b.result.costs, costs.tolerance)
            last = a.result.start_iteration + steps[-1]
            lines.append(f"{len(steps)} of {count} costs outside, the last at iteration {last}")
    lines += [
        f"learning rates: the two sides part at {r.message()}"
        for r in verdict.failures
        if r.quantity == "learning_rate"
    ][:1]
    for kind, what in ((TRAINED, "final weights"), (STATE, "optimizer state")):
        rows = [result for result in verdict.results if result.kind.startswith(kind)]
        parted = next((row for row in rows if not row.ok), None)
        if parted is not None:
            lines.append(f"{what}: the two sides part at {parted.message()}")
        elif rows:
            worst = max(rows, key=lambda comparison: comparison.max_rel)
            lines.append(
                f"{what} agree{'s' * (what == 'optimizer state')} within {worst.tolerance} "
                f"(max rel diff {worst.max_rel:.1e}, {worst.where})"
            )
    return [lines[0], *(" " * len(head) + line for line in lines[1:])]


def _score(name: str, value: float) -> str:
    return f"{value:.1%}" if name.endswith("accuracy") else f"{value:.6g}"


if __name__ == "__main__":
    sys.exit(main())
