"""nn-check's calls for the character-level language model (the fifth course's week 1,
"Dinosaur Island"): ``clip`` against ``torch.nn.utils.clip_grad_value_``; ``sample`` against
``nn.RNN``'s sampling from the same uniforms (``Truth.sampled``); ``optimize`` against one step
of ``nn.RNN`` and autograd, ``clip_grad_value_`` and ``torch.optim.SGD``
(``Truth.language_model_step``), its parameters read after the call, since the course's
``optimize`` updates them in place and returns the loss, the clipped gradients and the last
hidden state.

``sample``'s draws are the notebook's: at step t it seeds NumPy's global generator with
``seed + counter`` and then adds 1 to both, so step t draws the first uniform of ``seed + 2t``
(``np.random.choice`` inverts the cumulative distribution with it). The scratch side draws those
uniforms once (``scratch.recurrent.sample_uniforms``) and both sides sample from them; a
learner's list of indices is judged at the first index that differs.

The cases are the notebook's tests (its seeds 3, 24 and 1, its 27 characters) and others: a
bound that clips nothing, another seed, a name that starts with ``None`` (x<1> = 0), and a
network that never draws the newline (50 characters, then the newline appended).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

import numpy as np

from scratch.course import language_model as course
from scratch.course.recurrent import rnn_cell_forward
from scratch.grading.cases import Cases, plain
from scratch.grading.causes import shape_of
from scratch.grading.findings import LayoutError
from scratch.grading.layout import entry, unpack
from scratch.grading.trial import Call, Expect
from scratch.recurrent import SAMPLE_LENGTH, inverse_cdf, sample_indices, sample_uniforms

Array = np.ndarray
CHARACTERS = "\nabcdefghijklmnopqrstuvwxyz"  # the notebook's dinos.txt, sorted: "\n" is 0
CHAR_TO_IX = {character: index for index, character in enumerate(CHARACTERS)}
VOCAB = len(CHARACTERS)
MAX_VALUE = 5  # optimize's clip(gradients, 5)
GRADIENTS = {"dWax": "dWax", "dWaa": "dWaa", "dWya": "dWya", "db": "dba", "dby": "dby"}
PARAMETERS = {"Wax": "Wax", "Waa": "Waa", "Wya": "Wya", "b": "ba", "by": "by"}
CLIP = "np.clip(gradient, -maxValue, maxValue, out=gradient) for each of dWaa, dWax, dWya, db, dby"
DRAWS = (
    "np.random.seed(counter + seed) before each draw, then seed += 1 and counter += 1 after it "
    "(step t draws from seed + 2t)"
)


COURSE = "the notebook's gradients, np.random.seed(3), times 10"


def _gradients_of(seed: int, scale: float) -> dict[str, Array]:
    rng = np.random.RandomState(seed)
    shapes = {"dWax": (5, 3), "dWaa": (5, 5), "dWya": (2, 5), "db": (5, 1), "dby": (2, 1)}
    return {key: rng.randn(*shape) * scale for key, shape in shapes.items()}


def clip(cases: Cases, parameters: tuple) -> Iterator[Call]:
    """The notebook's gradients (``np.random.seed(3)``, times 10) at maxValue 10 and 5, and
    small ones that a bound of 5 leaves as they are."""
    for name, label, gradients, bound in (
        ("course, maxValue 10", COURSE, _gradients_of(3, 10.0), 10),
        ("course, maxValue 5", COURSE, _gradients_of(3, 10.0), 5),
        ("within the bound", "np.random.seed(4), standard normal", _gradients_of(4, 1.0), 5),
    ):
        clipped = cases.truth.clipped(gradients, bound)
        expect = [
            Expect(key, f"gradients['{shown}']", clipped[shown], formula=CLIP)
            for shown, key in GRADIENTS.items()
        ]
        yield Call(
            plain(name, f"{label}, maxValue {bound}"),
            (gradients, bound),
            partial(_read_keyed, GRADIENTS, "gradients"),
            expect,
            dict(gradients),
            partial(_clip_mistakes, gradients, bound),
            oracle="torch's clip_grad_value_",
        )


def _read_keyed(names: Mapping[str, str], where: str, value: object) -> dict:
    return {f"{where}['{shown}']": entry(value, shown, where) for shown in names}


def _clip_mistakes(gradients: dict[str, Array], bound: float) -> list:
    total = np.sqrt(sum(np.sum(g**2) for g in gradients.values()))

    def by_norm(g: Array, norm: float) -> Array:
        return g * bound / norm if norm > bound else g

    out = [
        (
            "nothing is clipped: gradient = np.clip(...) in the loop rebinds the loop's name and "
            "the dict keeps its arrays",
            gradients,
        ),
        (
            "only the entries above maxValue",
            {k: np.minimum(g, bound) for k, g in gradients.items()},
        ),
        (
            "only the entries below -maxValue",
            {k: np.maximum(g, -bound) for k, g in gradients.items()},
        ),
        (
            "each gradient clipped by its norm (scaled to norm maxValue): the course clips by "
            "value, entry by entry",
            {k: by_norm(g, float(np.linalg.norm(g))) for k, g in gradients.items()},
        ),
        (
            "clipped by the norm of all of them together (torch's clip_grad_norm_): the course "
            "clips by value, entry by entry",
            {k: by_norm(g, float(total)) for k, g in gradients.items()},
        ),
    ]
    return [
        (f"{cause}: {CLIP}", {GRADIENTS[k]: value for k, value in values.items()})
        for cause, values in out
    ]


# sample


def _sample_parameters(seed: int, n_a: int, scale: float = 1.0) -> dict[str, Array]:
    """The notebook's draws (``np.random.seed(seed)``, then ``Wax, Waa, Wya``, ``b, by``)."""
    rng = np.random.RandomState(seed)
    Wax, Waa, Wya = rng.randn(n_a, VOCAB), rng.randn(n_a, n_a), rng.randn(VOCAB, n_a)
    b, by = rng.randn(n_a, 1), rng.randn(VOCAB, 1)
    return {
        key: value * scale for key, value in zip(PARAMETERS, (Wax, Waa, Wya, b, by), strict=True)
    }


def _endless() -> dict[str, Array]:
    """A network whose newline is never drawn: its output bias there is -50."""
    parameters = _sample_parameters(7, 8, 0.5)
    parameters["by"][CHAR_TO_IX["\n"]] = -50.0
    return parameters


def sample(cases: Cases, parameters: tuple) -> Iterator[Call]:
    """The notebook's test (``np.random.seed(24)``, n_a 100, seed 0), the same network at
    another seed, a small one, and one that never draws the newline."""
    course_parameters = _sample_parameters(24, 100)
    newline = CHAR_TO_IX["\n"]
    for name, given, seed in (
        ("course", course_parameters, 0),
        ("another seed", course_parameters, 7),
        ("small", _sample_parameters(5, 5, 0.5), 11),
        ("50 characters", _endless(), 3),
    ):
        step_by_step = course.as_step_by_step(given)
        indices = cases.truth.sampled(step_by_step, newline, sample_uniforms(seed, SAMPLE_LENGTH))
        yield Call(
            plain(name, f"n_a {given['Waa'].shape[0]}, {VOCAB} characters, seed {seed}"),
            (given, dict(CHAR_TO_IX), seed),
            partial(_read_indices, indices, partial(_sample_mistakes, step_by_step, seed)),
            [],
            oracle="nn.RNN's draws",
        )


def _read_indices(expected: list[int], mistakes: Any, value: object) -> dict:
    """The sampled indices, a list of integers, equal to ``expected``; else a ``LayoutError``
    at the first index that differs, its likely cause the model that gives these indices."""
    try:
        yours = np.asarray(value)
    except ValueError:
        yours = np.array(None)
    if yours.ndim != 1 or yours.dtype.kind not in "iu":
        raise LayoutError(
            f"indices is {shape_of(value)}; the course's is a list of character indices "
            "(integers), the newline's last"
        )
    mine = [int(index) for index in yours]
    if mine == expected:
        return {}
    apart = (t for t, (a, b) in enumerate(zip(mine, expected, strict=False)) if a != b)
    first = next(apart, None)
    if first is None:
        first = min(len(mine), len(expected))
        shown = mine[first] if first < len(mine) else "missing"
        theirs = expected[first] if first < len(expected) else "missing"
    else:
        shown, theirs = mine[first], expected[first]
    message = (
        f"indices[{first}] is {shown} where nn.RNN's draws give {theirs} (yours: "
        f"{len(mine)} indices, the course's {len(expected)})"
    )
    causes = [cause for cause, values in mistakes() if values == mine]
    cause = causes[0] if len(causes) == 1 else None
    if len(causes) > 1:  # a softmax near one-hot draws the same index from other uniforms
        cause = f"one of {len(causes)} mistakes that draw these indices in this case: "
        cause += _alike(causes)
    if cause is None and first == 0:
        cause = f"not the course's draws: {DRAWS}"
    raise LayoutError(message, cause)


def _alike(causes: list[str]) -> str:
    """``(1) a; (2) b``, the right way that each cause ends in said once where they share it."""
    heads, tails = zip(*(cause.partition(": ")[::2] for cause in causes), strict=True)
    if len(set(tails)) == 1:
        return "; ".join(f"({n}) {head}" for n, head in enumerate(heads, 1)) + f": {tails[0]}"
    return "; ".join(f"({n}) {cause}" for n, cause in enumerate(causes, 1))


def _sample_mistakes(parameters: dict[str, Array], seed: int) -> list[tuple[str, list[int]]]:
    """The indices a learner's ``sample`` gives with another seeding, without the bias, with
    ``a_prev`` or ``x`` not updated, by argmax, or without the final newline."""
    newline = CHAR_TO_IX["\n"]
    once = np.random.RandomState(seed).random_sample(SAMPLE_LENGTH)
    plus_t = np.array(
        [np.random.RandomState(seed + t).random_sample() for t in range(SAMPLE_LENGTH)]
    )
    same = np.full(SAMPLE_LENGTH, np.random.RandomState(seed).random_sample())
    right = sample_uniforms(seed, SAMPLE_LENGTH)
    out = [
        (
            f"np.random.seed(seed) once, before the loop: {DRAWS}",
            sample_indices(parameters, newline, once),
        ),
        (
            f"step t seeds with seed + t: seed += 1 (or counter += 1) is missing; {DRAWS}",
            sample_indices(parameters, newline, plus_t),
        ),
        (
            f"the same seed at every step: {DRAWS}",
            sample_indices(parameters, newline, same),
        ),
        (
            "the bias b is not added: a = tanh(Wax x + Waa a_prev + b)",
            _sampled(parameters, right, bias=False),
        ),
        (
            "a_prev is not updated: a_prev = a after each step",
            _sampled(parameters, right, carry=False),
        ),
        (
            "x is not reset: x = np.zeros((vocab_size, 1)) before x[idx] = 1, so that x is one-hot",
            _sampled(parameters, right, reset=False),
        ),
        (
            "the most likely index (np.argmax) where the course draws one: np.random.choice("
            "range(vocab_size), p=y.ravel())",
            _sampled(parameters, right, draw=False),
        ),
    ]
    unended = sample_indices(parameters, newline, right)
    if len(unended) == SAMPLE_LENGTH + 1:
        out.append(
            (
                "no newline after 50 characters: if counter == 50, indices.append("
                "char_to_ix['\\n'])",
                unended[:-1],
            )
        )
    return out


def _sampled(
    parameters: dict[str, Array],
    uniforms: Array,
    *,
    bias: bool = True,
    carry: bool = True,
    reset: bool = True,
    draw: bool = True,
) -> list[int]:
    """``scratch.recurrent.sample_indices`` with one thing changed: no bias, ``a_prev`` not
    carried, ``x`` not reset before the next index is set, or the argmax for the draw."""
    newline = CHAR_TO_IX["\n"]
    given = parameters if bias else {**parameters, "ba": 0 * parameters["ba"]}
    x = np.zeros((VOCAB, 1))
    a_prev = np.zeros((parameters["Waa"].shape[0], 1))
    indices: list[int] = []
    for u in uniforms:
        a, y, _ = rnn_cell_forward(x, a_prev, given)
        indices.append(inverse_cdf(y[:, 0], u) if draw else int(np.argmax(y)))
        if indices[-1] == newline:
            break
        x = np.zeros_like(x) if reset else x
        x[indices[-1]] = 1
        a_prev = a if carry else a_prev
    if len(indices) == len(uniforms):
        indices.append(newline)
    return indices


# optimize


def _name(word: str) -> tuple[list[int | None], list[int]]:
    """The course's example of a name: ``X = [None] + its indices``, ``Y`` the same shifted,
    ending in the newline's."""
    indices = [CHAR_TO_IX[character] for character in word]
    return [None, *indices], [*indices, CHAR_TO_IX["\n"]]


def _optimize_cases() -> tuple[tuple[str, list, list, Array, dict[str, Array]], ...]:
    """The notebook's test (``np.random.seed(1)``: ``a_prev``, then the parameters; its ``X``,
    ``Y``) and a name from a zero state, where some gradients pass the bound too."""
    rng = np.random.RandomState(1)
    a_prev = rng.randn(100, 1)
    course_parameters = {
        key: rng.randn(*shape)
        for key, shape in (("Wax", (100, VOCAB)), ("Waa", (100, 100)), ("Wya", (VOCAB, 100)))
    }
    course_parameters |= {"b": rng.randn(100, 1), "by": rng.randn(VOCAB, 1)}
    X, Y = _name("dino")
    small = _sample_parameters(9, 12, 0.8)
    return (
        ("course", [12, 3, 5, 11, 22, 3], [4, 14, 11, 22, 25, 26], a_prev, course_parameters),
        ("a name", X, Y, np.zeros((12, 1)), small),
    )


def _one_hot(X: list) -> Array:
    """``x`` (vocab, 1, T_x): one column per character, the zero vector where it is ``None``."""
    x = np.zeros((VOCAB, 1, len(X)))
    for t, index in enumerate(X):
        if index is not None:
            x[index, 0, t] = 1.0
    return x


def optimize(cases: Cases, parameters: tuple, learning_rate: float = 0.01) -> Iterator[Call]:
    """Its parameters are read after the call (``Call.updated``) by the name the learner's
    ``optimize`` gives them."""
    name = parameters[3] if len(parameters) > 3 else "parameters"
    for case, X, Y, a_prev, given in _optimize_cases():
        o = cases.truth.language_model_step(
            _one_hot(X),
            np.array(Y)[np.newaxis, np.newaxis],
            a_prev,
            course.as_step_by_step(given),
            learning_rate,
            MAX_VALUE,
        )
        expect = [Expect("cost", "loss", o["cost"])]
        expect += [Expect(key, f"gradients['{shown}']", o[key]) for shown, key in GRADIENTS.items()]
        expect.append(Expect("a", "a[len(X) - 1]", o["a"]))
        expect += [
            Expect(
                key,
                f"{name}[{shown!r}]",
                o[key],
                formula="W = W - learning_rate dW, after the clip",
            )
            for shown, key in PARAMETERS.items()
        ]
        before = {key: given[shown] for shown, key in PARAMETERS.items()}
        yield Call(
            plain(
                case,
                f"n_a {a_prev.shape[0]}, {VOCAB} characters, T_x {len(X)}, "
                f"learning_rate {learning_rate}",
            ),
            (list(X), list(Y), a_prev, given, learning_rate),
            _read_optimize,
            expect,
            {"a_prev": a_prev, **given},
            partial(_optimize_mistakes, X, Y, a_prev, given, learning_rate),
            before=before,
            learning_rate=learning_rate,
            oracle="torch's step",
            updated=(3, name),
        )


def _read_optimize(value: object) -> dict:
    loss, gradients, a_last = unpack(value, ("loss", "gradients", "a_last"), "optimize")
    return {"loss": loss, "a[len(X) - 1]": a_last, **_read_keyed(GRADIENTS, "gradients", gradients)}


def _optimize_mistakes(X: list, Y: list, a_prev: Array, given: dict, rate: float) -> list:
    """The step with the raw gradients (clipped after the update, or not at all), with the
    gradients clipped by their norm, or not taken on the caller's parameters."""
    _, cache = course.rnn_forward(X, Y, a_prev, given, VOCAB)
    raw, _ = course.rnn_backward(X, Y, given, cache)
    raw = {key: raw[key] for key in GRADIENTS}
    clipped = course.clip(raw, MAX_VALUE)
    total = np.sqrt(sum(np.sum(g**2) for g in raw.values()))
    by_norm = {k: g * MAX_VALUE / total if total > MAX_VALUE else g for k, g in raw.items()}

    def step(gradients: dict, shown: dict) -> dict:
        out = {PARAMETERS[k]: given[k] - rate * gradients[f"d{k}"] for k in PARAMETERS}
        return out | {GRADIENTS[k]: value for k, value in shown.items()}

    unchanged = {PARAMETERS[k]: given[k] for k in PARAMETERS}
    return [
        (
            "the clip after the update: the step uses the raw gradients; gradients = "
            "clip(gradients, 5) comes before update_parameters",
            step(raw, clipped),
        ),
        ("no clip: gradients = clip(gradients, 5) before the update", step(raw, raw)),
        (
            "the gradients clipped by their norm (torch's clip_grad_norm_): the course's clip is "
            "by value, entry by entry",
            step(by_norm, by_norm),
        ),
        (
            "the parameters are not updated in place: optimize changes the caller's dict "
            "(update_parameters(parameters, gradients, learning_rate) does); a new dict is lost",
            unchanged,
        ),
    ]


CHECKS = {function.__name__: function for function in (clip, sample, optimize)}
