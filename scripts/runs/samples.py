"""Words a trained recurrent network samples, on each side by its own implementation from its own
final weights and the same uniforms: ``scratch.recurrent.sample_indices`` on the scratch side,
``torch_impl.recurrent.sample_indices`` (the module's softmax and ``torch.searchsorted``) on
the torch side, both inverting the cumulative distribution of every step for the uniform
``scratch.recurrent.sample_uniforms(seed)`` draws once, as the notebook's ``sample`` draws them
(seed ``seed + 2t`` at step t)."""

from __future__ import annotations

from collections.abc import Sequence

from scratch.recurrent import sample_indices, sample_uniforms
from scripts.inputs.problem import Problem
from scripts.runs.training import Outcome

WORDS = 7  # the notebook's model() prints 7 names at a time


def sampled_words(outcome: Outcome, problem: Problem, seeds: Sequence[int]) -> list[str]:
    """The word each seed draws from ``outcome``'s weights, by its side's implementation."""
    spec, characters = problem.spec, problem.data.characters
    newline = next(i for i, ch in characters.items() if ch == "\n")
    draws = [sample_uniforms(seed) for seed in seeds]
    if outcome.impl == "scratch":
        indices = [sample_indices(outcome.params, newline, u, spec.cell) for u in draws]
    else:
        from torch_impl.recurrent import RecurrentNet
        from torch_impl.recurrent import sample_indices as torch_sample_indices

        net = RecurrentNet(outcome.params, spec.cell)
        indices = [torch_sample_indices(net, newline, u) for u in draws]
    return ["".join(characters[i] for i in word).rstrip("\n") for word in indices]


def sample_table(outcomes: Sequence[Outcome], problem: Problem) -> list[str]:
    """The words of seeds ``seed .. seed + 6`` (the spec's seed) side by side, one column per
    side, and whether the sides drew the same ones."""
    first = problem.spec.seed
    seeds = range(first, first + WORDS)
    columns = {outcome.impl: sampled_words(outcome, problem, seeds) for outcome in outcomes}
    width = max(12, *(len(word) for words in columns.values() for word in words)) + 2
    lines = [
        f"\nsampled words (each side from its own weights, the same uniforms: "
        f"sample_uniforms(seed) for seeds {first}-{first + WORDS - 1})",
        (f"{'seed':>6}  " + "".join(f"{impl:<{width}}" for impl in columns)).rstrip(),
    ]
    for k, seed in enumerate(seeds):
        words = "".join(f"{words[k]:<{width}}" for words in columns.values())
        lines.append(f"{seed:>6}  {words}".rstrip())
    if len(columns) == 2:
        a, b = columns.values()
        same = sum(x == y for x, y in zip(a, b, strict=True))
        verdict = "the same words on both sides" if same == WORDS else "the sides part"
        lines.append(f"{same} of {WORDS} words the same: {verdict}")
    return lines
