"""Train the network from scratch, in PyTorch Lightning, or both from the same initial weights,
and keep the run (settings, costs, weights, checkpoint, plots) in a folder of its own.

    python scripts/train.py                          # planar flower, [2, 4, 1], both sides
    python scripts/train.py --impl scratch --dataset moons --layers 2 8 1 --activation relu
    python scripts/train.py --config runs/planar-both/config.yaml --lr 0.5
    python scripts/train.py --resume runs/planar-both --iterations 500
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository root importable instead
    sys.path[0] = str(Path(__file__).resolve().parent.parent)


from scratch import BatchSchedule
from scripts.config import TRAIN, RunConfig, parse_config
from scripts.costs import cost_table
from scripts.errors import EXIT_FAILED, EXIT_OK, UserError, reports_user_errors
from scripts.problem import Params, Problem, evaluate, load_problem
from scripts.run_files import (
    CHECKPOINT,
    resume_points,
    weights_file,
    write_config,
    write_results,
)
from scripts.run_folder import RunFolder
from scripts.training import Job, Outcome, train

PROG = "train"
IMPLEMENTATIONS = {"both": ("scratch", "torch"), "scratch": ("scratch",), "torch": ("torch",)}


@reports_user_errors(PROG)
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``train`` command; returns its exit code (1 if a cost diverged)."""
    config = parse_config(argv, TRAIN, PROG, __doc__.split("\n\n")[0])
    if config.resume and config.weights:
        raise UserError("--resume continues from the run's own weights; leave out --weights")
    problem = load_problem(config)
    impls = IMPLEMENTATIONS[config.impl]
    if config.resume:
        starts = resume_points(config.resume, impls, problem)
    else:
        starts = {impl: (problem.params, 0) for impl in impls}
    config = replace(config, iterations=_iterations(config, problem), epochs=None)
    job = Job(
        spec=problem.spec,
        X=problem.data.X_train,
        Y=problem.data.Y_train,
        learning_rate=config.learning_rate,
        iterations=config.iterations,
        batch_size=config.batch_size,
        quiet=config.quiet,
        accelerator=config.accelerator,
        devices=config.devices,
    )
    _print_plan(config, problem, impls, starts)
    default_name = f"{Path(config.dataset).stem}-{config.impl}"
    with RunFolder(config.runs_dir, config.name, default_name, config.overwrite) as folder:
        write_config(folder, config.saved(problem.spec))
        outcomes = [
            train(impl, job, *starts[impl], checkpoint=folder.file(CHECKPOINT)) for impl in impls
        ]
        scores = {outcome.impl: evaluate(problem, outcome.params) for outcome in outcomes}
        written = write_results(folder, problem, outcomes, scores)
        path = folder.publish()
    _print_report(config, outcomes, scores)
    print(f"saved to {path}/: {', '.join(['config.yaml', *written])}")
    for outcome in outcomes:
        if outcome.diverged_at is not None:
            print(
                f"{PROG}: error: {outcome.impl}: the cost stopped being finite at iteration "
                f"{outcome.diverged_at} (learning rate {config.learning_rate} is too large?); "
                f"its weights of iteration {outcome.next_iteration} are in "
                f"{path / weights_file(outcome.impl)}",
                file=sys.stderr,
            )
    return EXIT_FAILED if any(o.diverged_at is not None for o in outcomes) else EXIT_OK


def _iterations(config: RunConfig, problem: Problem) -> int:
    """``--iterations``, or the steps ``--epochs`` passes over the training set take."""
    if config.epochs is None:
        return config.iterations
    m = problem.data.X_train.shape[1]
    return config.epochs * BatchSchedule(m, config.batch_size).steps_per_epoch


def _print_plan(
    config: RunConfig,
    problem: Problem,
    impls: Sequence[str],
    starts: Mapping[str, tuple[Params, int]],
) -> None:
    print(f"data: {problem.data.describe()}")
    print(f"spec: {problem.spec.describe()}")
    batches = f"batches of {config.batch_size}" if config.batch_size else "full batch"
    first = min(start for _, start in starts.values())
    where = f" from iteration {first} of {config.resume}" if config.resume else ""
    same = " from the same initial weights" if len(impls) == 2 and not config.resume else ""
    print(
        f"training {' and '.join(impls)}{same}{where}: learning rate {config.learning_rate}, "
        f"{config.iterations} iterations, {batches}"
    )


def _print_report(
    config: RunConfig, outcomes: Sequence[Outcome], scores: dict[str, dict[str, float]]
) -> None:
    curves = [outcome.curve for outcome in outcomes if len(outcome.curve.costs)]
    if curves:
        every = config.print_every or max(1, config.iterations // 10)
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
        print("\n".join(_parity_lines(*outcomes)))


def _parity_lines(a: Outcome, b: Outcome) -> list[str]:
    """The verdict of ``torch_impl.parity`` on the two runs: every cost, then the weights."""
    from scratch import parity

    verdict = parity.compare_training(a.result, b.result)
    first = verdict.first_failure
    if first is not None:
        return [f"parity: the two sides part at {first.message()}"]
    costs, *weights = verdict.results
    worst = max(weights, key=lambda comparison: comparison.max_rel)
    at = a.result.start_iteration + (costs.index[0] if costs.index else 0)
    head = f"parity ({a.result.spec.dtype}): "
    return [
        f"{head}all {len(a.result.costs)} costs agree within {costs.tolerance} "
        f"(max rel diff {costs.max_rel:.1e}, iteration {at})",
        f"{' ' * len(head)}final weights agree within {worst.tolerance} "
        f"(max rel diff {worst.max_rel:.1e}, {worst.where})",
    ]


def _score(name: str, value: float) -> str:
    return f"{value:.1%}" if name.endswith("accuracy") else f"{value:.6g}"


if __name__ == "__main__":
    sys.exit(main())
