"""nn-check's calls for the initialization assignment (the second course's week 1): each scheme
on the notebook's own sizes, its model's, and one wide enough to tell a scale, its weights
against the truth's (the course's draws after ``np.random.seed(3)``, at torch's scale of the
scheme) and its biases against zeros. The likely mistakes: another scheme's scale (Xavier's
``sqrt(1 / n[l-1])``, the fan-out, the first course's ``* 0.01``), the scale or its square root
missing, uniform draws for normal ones, and draws that are not the seed's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

import numpy as np

from scratch.course.initialization import SCALES, SEED, course_draws
from scratch.grading.cases import Cases, plain
from scratch.grading.layout import keyed
from scratch.grading.trial import Call, Expect
from scratch.tolerances import EXACT

Array = np.ndarray
DIMS = ((3, 2, 1), (2, 4, 1), (2, 10, 5, 1), (100, 50, 1))  # the tests', the model's, wide
FORMULAS = {
    "zeros": "W[l] = np.zeros((n[l], n[l-1]))",
    "random": "W[l] = np.random.randn(n[l], n[l-1]) * 10",
    "he": "W[l] = np.random.randn(n[l], n[l-1]) * np.sqrt(2 / n[l-1])",
}
# scheme -> (cause, scale(n[l], n[l-1])) of the scales a learner gives it by mistake
WRONG_SCALES = {
    "he": (
        (
            "Xavier's scale, sqrt(1 / n[l-1]): He's, for ReLU layers, is sqrt(2 / n[l-1])",
            lambda n, n_prev: np.sqrt(1 / n_prev),
        ),
        (
            "the fan-out, sqrt(2 / n[l]): He's scale takes the layer's inputs, n[l-1]",
            lambda n, n_prev: np.sqrt(2 / n),
        ),
        ("the square root is missing: 2 / n[l-1]", lambda n, n_prev: 2 / n_prev),
        ("* 0.01, the first course's small scale", lambda n, n_prev: 0.01),
        ("the scale is missing: randn alone", lambda n, n_prev: 1.0),
    ),
    "random": (
        (
            "* 0.01, the first course's small scale: this assignment's random weights are "
            "large on purpose",
            lambda n, n_prev: 0.01,
        ),
        ("the * 10 is missing: randn alone", lambda n, n_prev: 1.0),
    ),
}
SEEDED = (
    f"not the course's draws: np.random.seed({SEED}) once, at the top of the function, then "
    "np.random.randn(n[l], n[l-1]) for l = 1 .. L in order (the notebook's expected values "
    "are these)"
)


def _calls(scheme: str, cases: Cases) -> Iterator[Call]:
    for dims in DIMS:
        draws = course_draws(dims)
        weights = cases.truth.initial_weights(dims, scheme, draws)
        L = len(dims) - 1
        expect = []
        for l in range(1, L + 1):
            W, b = weights[f"W{l}"], weights[f"b{l}"]
            shown = {key: f"parameters['{key}']" for key in (f"W{l}", f"b{l}")}
            tol = EXACT if scheme == "zeros" else None
            formula = FORMULAS[scheme]
            expect.append(Expect(f"W{l}", shown[f"W{l}"], W, l, tol=tol, formula=formula))
            expect.append(Expect(f"b{l}", shown[f"b{l}"], b, l, tol=EXACT, cast=True))
        keys = [key for l in range(1, L + 1) for key in (f"W{l}", f"b{l}")]
        yield Call(
            plain("layers_dims", f"layers_dims {list(dims)}"),
            (list(dims),),
            partial(keyed, keys=keys, where="parameters"),
            expect,
            mistakes=partial(_mistakes, scheme, dims),
            explain=partial(_explain, scheme),
            oracle="torch.nn.init",
        )


def _mistakes(scheme: str, dims: Sequence[int]) -> list:
    """Each layer's W at another scale (``WRONG_SCALES``), or drawn uniform on [0, 1) by
    ``np.random.rand`` at the right one."""
    if scheme == "zeros":
        return []
    right = f"the course's {FORMULAS[scheme]}"
    draws = course_draws(dims)
    rng = np.random.RandomState(SEED)
    uniform = {key: rng.rand(*W.shape) for key, W in draws.items()}
    out = [
        (f"{cause}; {right}", {key: W * scale(*W.shape) for key, W in draws.items()})
        for cause, scale in WRONG_SCALES[scheme]
    ]
    rand = "np.random.rand (uniform on [0, 1)) where the course draws np.random.randn (normal)"
    out.append(
        (f"{rand}; {right}", {key: U * SCALES[scheme](U.shape[1]) for key, U in uniform.items()})
    )
    return out


def _explain(scheme: str, key: str, yours: Array) -> str | None:
    if key.startswith("b"):
        return "the course starts every bias at zero: b[l] = np.zeros((n[l], 1))"
    if scheme == "zeros":
        return f"this scheme's weights are all zeros: {FORMULAS['zeros']}"
    return SEEDED


def initialize_parameters_zeros(cases: Cases, parameters: tuple) -> Iterator[Call]:
    return _calls("zeros", cases)


def initialize_parameters_random(cases: Cases, parameters: tuple) -> Iterator[Call]:
    return _calls("random", cases)


def initialize_parameters_he(cases: Cases, parameters: tuple) -> Iterator[Call]:
    return _calls("he", cases)


CHECKS = {
    function.__name__: function
    for function in (
        initialize_parameters_zeros,
        initialize_parameters_random,
        initialize_parameters_he,
    )
}
