"""nn-check's calls for the optimizers (the second course's "Optimization methods"): gradient
descent, the mini-batches, the velocity and Adam's moments at zero, one step of momentum, one of
Adam, and the learning-rate decay (``update_lr``, ``schedule_lr_decay``: torch's scheduler's
rate of an epoch). The torch side is ``torch.optim``'s own SGD and Adam, seeded with the case's
state; Adam's bias-corrected moments, which torch keeps no state for, are scratch's.

Each case starts mid-run: ``v`` and ``s`` are not zero and Adam's step is t = 2, so a missing
``(1 - beta)`` or bias correction shows.

``random_mini_batches`` must cut the examples into the batches a ``DataLoader`` serves in the
course's order for the seed (``np.random.seed(seed)``, then ``np.random.permutation(m)``, drawn
on the scratch side): a partition of the examples, every batch full but a short last one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

import numpy as np

import scratch
from scratch.course.optimization import course_order
from scratch.grading.cases import Case, Cases, plain
from scratch.grading.causes import shape_of
from scratch.grading.deep import update_parameters
from scratch.grading.findings import LayoutError
from scratch.grading.layout import entry, scalar, unpack
from scratch.grading.trial import Call, Expect
from scratch.tolerances import ADAPTIVE, EXACT, TRAINED

Array = np.ndarray
Params = dict[str, Array]
CASES = ("course", "one example", "deep and wide")
BETA, RATE, BETA1, BETA2, EPSILON, T = 0.9, 0.01, 0.9, 0.999, 1e-8, 2


def _state(case: Case) -> tuple[Params, Params, Params]:
    rng = np.random.default_rng(len(case.name))
    grads = {f"d{key}": case.oracle()[f"d{key}"] for key in case.params}
    v = {key: rng.normal(0, 0.1, value.shape) for key, value in grads.items()}
    s = {key: value**2 + rng.random(value.shape) * 0.01 for key, value in grads.items()}
    return grads, v, s


def _zeros(names: Sequence[str], case: Case) -> list[Expect]:
    return [
        Expect(f"{name}_d{key}", f"{name}['d{key}']", np.zeros_like(value), tol=EXACT, cast=True)
        for name in names
        for key, value in case.params.items()
    ]


def _read(names: Sequence[str], keys: Sequence[str], function: str, value: object) -> dict:
    parts = unpack(value, names, function) if len(names) > 1 else (value,)
    return {
        f"{name}['{key}']": entry(part, key, name)
        for name, part in zip(names, parts, strict=False)
        for key in keys
    }


def initialize_velocity(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in (case for case in cases if case.name in CASES):
        read = partial(_read, ("v",), [f"d{k}" for k in case.params], "initialize_velocity")
        yield Call(case, (case.params,), read, _zeros(("v",), case))


def initialize_adam(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in (case for case in cases if case.name in CASES):
        read = partial(_read, ("v", "s"), [f"d{k}" for k in case.params], "initialize_adam")
        yield Call(case, (case.params,), read, _zeros(("v", "s"), case))


def _layer_expects(case: Case, parts: dict[str, tuple[str, Params]], new: Params, kind: str):
    """Per layer in the course's order: each state part (its referee name, the shown name,
    its values), then the layer's W and b."""
    expect = []
    L = len(case.params) // 2
    for l in range(1, L + 1):
        for shown, (name, values) in parts.items():
            for key in (f"dW{l}", f"db{l}"):
                optional = "corrected" in shown
                expect.append(
                    Expect(f"{name}_{key}", f"{shown}['{key}']", values[key], l, optional=optional)
                )
        for key in (f"W{l}", f"b{l}"):
            expect.append(Expect(key, f"parameters['{key}']", new[key], l, kind=kind))
    return expect


def update_parameters_with_momentum(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in (case for case in cases if case.name in CASES):
        grads, v, _ = _state(case)
        new, v_new = case.truth.momentum(case.params, grads, v, BETA, RATE)
        expect = _layer_expects(case, {"v": ("v", v_new)}, new, TRAINED)
        yield Call(
            case,
            (case.params, grads, v, BETA, RATE),
            partial(_read_momentum, list(case.params), list(v)),
            expect,
            {**case.params, **grads},
            partial(_momentum_mistakes, case.params, grads, v),
            before=dict(case.params),
            learning_rate=RATE,
        )


def _read_momentum(keys: list[str], grad_keys: list[str], value: object) -> dict:
    parameters, v = unpack(value, ("parameters", "v"), "update_parameters_with_momentum")
    return {**_read(("parameters",), keys, "", parameters), **_read(("v",), grad_keys, "", v)}


def _momentum_mistakes(params: Params, grads: Params, v: Params) -> list:
    def run(velocity: dict, step: dict) -> dict:
        out = {f"v_{key}": value for key, value in velocity.items()}
        return out | {key: params[key] - RATE * step[f"d{key}"] for key in params}

    plain = {key: BETA * v[key] + grads[key] for key in v}
    swapped = {key: (1 - BETA) * v[key] + BETA * grads[key] for key in v}
    right = {key: BETA * v[key] + (1 - BETA) * grads[key] for key in v}
    return [
        ("the (1 - beta) is missing: v = beta v + (1 - beta) dW", run(plain, plain)),
        ("beta and 1 - beta swapped: v = beta v + (1 - beta) dW", run(swapped, swapped)),
        ("W updated with dW, not with the velocity: W = W - learning_rate v", run(right, grads)),
    ]


def update_parameters_with_adam(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in (case for case in cases if case.name in CASES):
        grads, v, s = _state(case)
        new, v_new, s_new = case.truth.adam(
            case.params, grads, v, s, T, RATE, BETA1, BETA2, EPSILON
        )
        *_, v_hat, s_hat = scratch.update_parameters_with_adam(
            case.params, grads, v, s, T, RATE, BETA1, BETA2, EPSILON
        )
        parts = {
            "v": ("v", v_new),
            "v_corrected": ("v", v_hat),
            "s": ("s", s_new),
            "s_corrected": ("s", s_hat),
        }
        yield Call(
            case,
            (case.params, grads, v, s, T, RATE, BETA1, BETA2, EPSILON),
            partial(_read_adam, list(case.params), list(v)),
            _layer_expects(case, parts, new, TRAINED + ADAPTIVE),
            {**case.params, **grads},
            partial(_adam_mistakes, case.params, grads, v_hat, s_hat, s),
            before=dict(case.params),
            learning_rate=RATE,
        )


def _read_adam(keys: list[str], grad_keys: list[str], value: object) -> dict:
    names = ("parameters", "v", "s", "v_corrected", "s_corrected")
    count = len(value) if isinstance(value, tuple | list) and len(value) in (3, 5) else 5
    parts = unpack(value, names[:count], "update_parameters_with_adam")
    out = _read(("parameters",), keys, "", parts[0])
    for name, part in zip(names[1:count], parts[1:], strict=True):
        out |= _read((name,), grad_keys, "", part)
    return out


def _adam_mistakes(params: Params, grads: Params, v_hat: Params, s_hat: Params, s: Params):
    def update(v: Params, s: Params, inside: bool = False) -> dict:
        denominator = {k: np.sqrt(s[k] + EPSILON) if inside else np.sqrt(s[k]) + EPSILON for k in s}
        return {key: params[key] - RATE * v[f"d{key}"] / denominator[f"d{key}"] for key in params}

    v_raw = {k: value * (1 - BETA1**T) for k, value in v_hat.items()}
    s_raw = {k: value * (1 - BETA2**T) for k, value in s_hat.items()}
    s_plain = {k: BETA2 * s[k] + (1 - BETA2) * grads[k] for k in s}
    no_power = {
        "v": {k: value / (1 - BETA1) for k, value in v_raw.items()},
        "s": {k: value / (1 - BETA2) for k, value in s_raw.items()},
    }
    power_outside = {
        "v": {k: value / (1 - BETA1) ** T for k, value in v_raw.items()},
        "s": {k: value / (1 - BETA2) ** T for k, value in s_raw.items()},
    }
    with np.errstate(invalid="ignore"):
        unsquared = update(v_hat, {k: value / (1 - BETA2**T) for k, value in s_plain.items()})

    def corrected(state: dict) -> dict:
        named = {
            f"{part}_{k}": value for part, values in state.items() for k, value in values.items()
        }
        return named | update(state["v"], state["s"])

    return [
        (
            f"the bias correction without the power t: v_corrected = v / (1 - beta1 ** t), "
            f"not / (1 - beta1) (here t = {T})",
            corrected(no_power),
        ),
        (
            "the bias correction's power outside: v_corrected = v / (1 - beta1 ** t), not "
            "/ (1 - beta1) ** t",
            corrected(power_outside),
        ),
        (
            "no bias correction in the update: W = W - learning_rate v_corrected / "
            "(sqrt(s_corrected) + epsilon)",
            update(v_raw, s_raw),
        ),
        (
            "epsilon inside the square root: the course adds it to sqrt(s_corrected)",
            update(v_hat, s_hat, inside=True),
        ),
        (
            "s averages dW, not dW ** 2",
            {**{f"s_{k}": value for k, value in s_plain.items()}, **unsquared},
        ),
    ]


# (learning_rate0, epoch_num, decay_rate, time_interval): the notebook's tests first
DECAYS = ((0.5, 2, 1, 1), (0.5, 10, 0.3, 1), (0.5, 100, 1, 10), (0.3, 1500, 0.25, 1000))
DECAY = "learning_rate = learning_rate0 / (1 + decay_rate * epoch_num)"
SCHEDULED = "learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))"


def update_lr(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for rate, epoch, decay, _ in DECAYS[:2]:
        yield _decay_call(cases, (rate, epoch, decay), (rate, epoch, decay, 1), DECAY)


def schedule_lr_decay(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for rate, epoch, decay, interval in DECAYS:
        yield _decay_call(
            cases, (rate, epoch, decay, interval), (rate, epoch, decay, interval), SCHEDULED
        )


def _decay_call(cases: Cases, args: tuple, full: tuple, formula: str) -> Call:
    rate, epoch, decay, interval = full
    exact = cases.truth.decayed_rate(*full)
    label = f"learning_rate0 = {rate}, epoch {epoch}, decay_rate {decay}, interval {interval}"
    wrong = [
        (
            "the floor is missing: decay_rate * floor(epoch_num / time_interval)",
            rate / (1 + decay * epoch / interval),
        ),
        (
            f"the decay multiplies: the course divides, {formula}",
            rate * (1 + decay * (epoch // interval)),
        ),
        ("the 1 + is missing from the denominator", rate / (decay * (epoch // interval) or 1.0)),
    ]
    mistakes = [(cause, {"learning_rate": np.asarray(value)}) for cause, value in wrong]
    expect = [
        Expect("learning_rate", "learning_rate", np.asarray(exact), cast=True, formula=formula)
    ]
    return Call(plain("decay", label), args, _read_rate, expect, mistakes=lambda: mistakes)


def _read_rate(value: object) -> dict:
    return {"learning_rate": scalar(value, "learning_rate")}


# (case, n_x, m, mini_batch_size, seed): the notebook's m and size first
BATCHES = (
    ("course", 3, 148, 64, 0),
    ("size divides m", 2, 128, 64, 2),
    ("one short batch", 2, 10, 64, 1),
    ("another seed", 4, 37, 8, 5),
)
SHUFFLE = "np.random.seed(seed), then permutation = list(np.random.permutation(m))"
PARTITION = "math.floor(m / mini_batch_size) full mini-batches, then the rest if any"


def random_mini_batches(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for name, n_x, m, size, seed in BATCHES:
        rng = np.random.default_rng((n_x, m, size, seed))  # the data; the order is the course's
        X, Y = rng.standard_normal((n_x, m)), (rng.random((1, m)) < 0.5).astype(float)
        batches = cases.truth.mini_batches(X, Y, course_order(m, seed), size)
        expect = []
        for k, (batch_X, batch_Y) in enumerate(batches, 1):
            expect.append(Expect(f"X{k}", f"mini_batches[{k - 1}][0]", batch_X, tol=EXACT))
            expect.append(
                Expect(f"Y{k}", f"mini_batches[{k - 1}][1]", batch_Y, tol=EXACT, cast=True)
            )
        label = f"X ({n_x}, {m}), Y (1, {m}), mini_batch_size {size}, seed {seed}"
        yield Call(
            plain(name, label),
            (X, Y, size, seed),
            partial(_read_batches, X, len(batches), size),
            expect,
            {"X": X, "Y": Y},
            partial(_batch_mistakes, X, Y, size, seed),
            explain=_explain_order,
            oracle="torch's DataLoader",
        )


def _read_batches(X: Array, count: int, size: int, value: object) -> dict:
    """The mini-batches as ``(X, Y)`` pairs, as many as the course's, holding each example
    once."""
    m = X.shape[1]
    if not isinstance(value, list | tuple):
        raise LayoutError(f"random_mini_batches returns {shape_of(value)}; the course's a list")
    if len(value) != count:
        raise LayoutError(
            f"mini_batches holds {len(value)}; the course's {count} ({PARTITION})",
            _count_cause(value, count, m % size),
        )
    out = {}
    for k, batch in enumerate(value):
        batch_X, batch_Y = unpack(batch, ("mini_batch_X", "mini_batch_Y"), f"mini_batches[{k}]")
        out[f"mini_batches[{k}][0]"], out[f"mini_batches[{k}][1]"] = batch_X, batch_Y
    _partition(X, [out[f"mini_batches[{k}][0]"] for k in range(count)])
    return out


def _count_cause(batches: list | tuple, count: int, left: int) -> str | None:
    """Why there is one mini-batch too few (the short last one missing) or too many (an
    empty one, or the short one twice)."""
    if len(batches) == count - 1 and left:
        return (
            f"the last, short mini-batch is missing: the m % mini_batch_size = {left} examples "
            "left after the full ones make one more"
        )
    if len(batches) != count + 1 or len(batches) < 2:
        return None
    last, before = (
        np.asarray(batch[0]) if isinstance(batch, list | tuple) and batch else None
        for batch in batches[-1:-3:-1]
    )
    if last is not None and last.size == 0 and left:
        return (
            "an empty mini-batch at the end: the loop over the full ones took the short one "
            "too (math.ceil(m / mini_batch_size), where the course counts math.floor), and "
            "none was left"
        )
    if last is not None and last.size == 0:
        return (
            "an empty mini-batch at the end: when mini_batch_size divides m no example is left "
            "(if m % mini_batch_size != 0)"
        )
    if last is not None and before is not None and np.array_equal(last, before):
        return (
            "the short last mini-batch twice: math.ceil(m / mini_batch_size) counts it among "
            "the full ones (math.floor), and m % mini_batch_size adds it again"
        )
    return None


def _partition(X: Array, parts: list) -> None:
    """Each example (a column of ``X``) in exactly one of the mini-batches' ``X``; parts of
    another shape are left to the comparison to name."""
    if not all(
        isinstance(part, np.ndarray) and part.ndim == 2 and len(part) == len(X) for part in parts
    ):
        return
    index = {X[:, i].tobytes(): i for i in range(X.shape[1])}
    seen = np.zeros(X.shape[1], dtype=int)
    for part in parts:
        for column in np.asarray(part, dtype=X.dtype).T:
            i = index.get(np.ascontiguousarray(column).tobytes())
            if i is not None:
                seen[i] += 1
    if (seen != 1).any():
        i = int(np.flatnonzero(seen != 1)[0])
        raise LayoutError(
            f"the mini-batches are not a partition of the examples: example {i} (X[:, {i}]) is "
            f"in {seen[i]} of them",
            f"every example goes in exactly one mini-batch: {PARTITION}",
        )


def _batch_mistakes(X: Array, Y: Array, size: int, seed: int) -> list:
    """The examples not shuffled, Y not shuffled, or Y shuffled by a second permutation."""
    rng = np.random.RandomState(seed)
    first, second = rng.permutation(X.shape[1]), rng.permutation(X.shape[1])
    plain_order = np.arange(X.shape[1])

    def batches(x_order: Array, y_order: Array) -> dict:
        out = {}
        for k, at in enumerate(range(0, X.shape[1], size), 1):
            out[f"X{k}"] = X[:, x_order][:, at : at + size]
            out[f"Y{k}"] = Y[:, y_order][:, at : at + size]
        return out

    return [
        (f"not shuffled: {SHUFFLE}, X[:, permutation]", batches(plain_order, plain_order)),
        (
            f"Y is not shuffled with X: {SHUFFLE}, then X[:, permutation] and Y[:, permutation]",
            batches(first, plain_order),
        ),
        (
            "Y shuffled by a permutation of its own: one permutation, for X and Y alike "
            "(Y[:, permutation])",
            batches(first, second),
        ),
    ]


def _explain_order(key: str, yours: Array) -> str | None:
    if key.startswith("Y"):
        return "Y's columns do not follow X's: one permutation shuffles both"
    return f"not the course's order: {SHUFFLE}, X[:, permutation]"


CHECKS = {
    function.__name__: function
    for function in (
        random_mini_batches,
        update_lr,
        schedule_lr_decay,
        initialize_velocity,
        update_parameters_with_momentum,
        initialize_adam,
        update_parameters_with_adam,
    )
}
CHECKS["update_parameters_with_gd"] = partial(update_parameters, rate=RATE)
