"""nn-check's calls for the gradient checking assignment (the second course's week 1).

In one dimension: ``J = theta x``, its derivative, and ``gradient_check`` of them, which must
find a right derivative right (below the course's threshold, 2e-7).

In N dimensions, on the course's network (``cases.gradient_checking``): the parameters and
gradients rolled into one column and back, against ``torch.nn.utils``' own; the cost and cache
of ``forward_propagation_n``; and ``gradient_check_n`` twice a case: given autograd's gradients
it must stay below the threshold, and given the gradients with the bugs the notebook plants in
``backward_propagation_n`` (``dW2`` doubled, ``db1`` four times) it must flag them, at the
relative difference autograd's exact gradient gives. Its numerical gradient is off from the
exact one by at most the centred difference's error, which the tolerance table bounds
(``centred_difference_tolerance``); the difference can move by twice that over the norms.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import partial

import numpy as np

from scratch import gradcheck
from scratch.course.gradient_checking import KEYS, SHAPES
from scratch.course.gradient_checking import gradients_to_vector as rolled_gradients
from scratch.gradcheck import DEFAULT_EPSILON, DEFAULT_THRESHOLD
from scratch.grading.cases import Case, Cases, plain
from scratch.grading.causes import shape_of
from scratch.grading.findings import LayoutError
from scratch.grading.layout import keyed, scalar, unpack
from scratch.grading.trial import Call, Expect
from scratch.network import cost_of
from scratch.tolerances import EXACT, Tolerance, centred_difference_tolerance

Array = np.ndarray
LINEAR = ((2, 4), (3, -0.5), (-1.5, 10.25))  # (x, theta): the notebook's first
BELOW = Tolerance(0.0, DEFAULT_THRESHOLD)  # the course's threshold for a right gradient
DIFFERENCE = "difference = ||grad - gradapprox|| / (||grad|| + ||gradapprox||)"
PLANTED = {"dW2": 2.0, "db1": 4.0}  # the notebook's backward_propagation_n's bugs
ROW_BY_ROW = "np.reshape(parameters[key], (-1, 1)) takes each array row by row"


def _scalar(name: str, value: object) -> dict:
    return {name: scalar(value, name)}


def _linear(cases: Cases, shown: str, key: str, formula: str, which: int) -> Iterator[Call]:
    """``J`` (``which`` 0) or its derivative (1) at each ``(x, theta)``."""
    for x, theta in LINEAR:
        value = np.asarray(cases.truth.linear_function(x, theta)[which])
        expect = [Expect(key, shown, value, cast=True, formula=formula)]
        case = plain("x, theta", f"x = {x}, theta = {theta}")
        yield Call(case, (x, theta), partial(_scalar, shown), expect)


def forward_propagation(cases: Cases, parameters: tuple) -> Iterator[Call]:
    return _linear(cases, "J", "cost", "J = theta x", 0)


def backward_propagation(cases: Cases, parameters: tuple) -> Iterator[Call]:
    return _linear(cases, "dtheta", "dtheta", "dtheta = x", 1)


def gradient_check(cases: Cases, parameters: tuple) -> Iterator[Call]:
    """A right derivative's difference is 0 but for the centred difference's round-off."""
    for x, theta in LINEAR:
        expect = [
            Expect("difference", "difference", np.asarray(0.0), tol=BELOW, formula=DIFFERENCE)
        ]
        twice = abs(x) / (abs(x) + abs(2 * x))  # gradapprox = 2 x
        mistakes = [
            (f"divided by epsilon, not 2 epsilon: {DIFFERENCE}", {"difference": np.asarray(twice)})
        ]
        yield Call(
            plain("x, theta", f"x = {x}, theta = {theta}"),
            (x, theta),
            partial(_scalar, "difference"),
            expect,
            mistakes=lambda m=mistakes: m,
        )


def dictionary_to_vector(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        theta = cases.truth.rolled([case.params[key] for key in KEYS])
        expect = [Expect("theta", "theta", theta, tol=EXACT)]
        keys = [key for key in KEYS for _ in range(case.params[key].size)]
        yield Call(
            case,
            (case.params,),
            partial(_read_rolled, keys),
            expect,
            dict(case.params),
            partial(_rolled_mistakes, "theta", case.params, KEYS),
        )


def _read_rolled(keys: list[str], value: object) -> dict:
    theta, named = unpack(value, ("theta", "keys"), "dictionary_to_vector")
    if not isinstance(named, list | tuple) or list(named) != keys:
        course = ", ".join(f"{key} x {count}" for key, count in Counter(keys).items())
        raise LayoutError(f"keys is {shape_of(named)}, not the course's {course} in that order")
    return {"theta": theta}


def _rolled_mistakes(name: str, arrays: Mapping[str, Array], keys: tuple[str, ...]) -> list:
    """Rolled column by column, in another order, or into a 1-D vector."""

    def roll(order: tuple[str, ...], how: str = "C") -> Array:
        return np.concatenate([np.reshape(arrays[key], (-1, 1), order=how) for key in order])

    weights_first = tuple(k for k in keys if "W" in k) + tuple(k for k in keys if "b" in k)
    return [
        (
            f"each array rolled column by column (order='F', or W.T): {ROW_BY_ROW}",
            {name: roll(keys, "F")},
        ),
        (
            f"rolled in another order, {', '.join(weights_first)}: the course's is "
            f"{', '.join(keys)}",
            {name: roll(weights_first)},
        ),
        (
            "a 1-D vector: the course's is a column, np.reshape(..., (-1, 1))",
            {name: roll(keys).ravel()},
        ),
    ]


def vector_to_dictionary(cases: Cases, parameters: tuple) -> Iterator[Call]:
    shapes = [SHAPES[key] for key in KEYS]
    for case in cases:
        theta = cases.truth.rolled([case.params[key] for key in KEYS])
        arrays = dict(zip(KEYS, cases.truth.unrolled(theta, shapes), strict=True))
        expect = [
            Expect(key, f"parameters['{key}']", arrays[key], int(key[1]), tol=EXACT) for key in KEYS
        ]
        yield Call(
            case,
            (theta,),
            partial(keyed, keys=KEYS, where="parameters"),
            expect,
            {"theta": theta},
            partial(_unrolled_mistakes, theta),
        )


def _unrolled_mistakes(theta: Array) -> list:
    out, at = {}, 0
    for key, shape in SHAPES.items():
        size = shape[0] * shape[1]
        out[key] = theta[at : at + size].reshape(shape, order="F")
        at += size
    return [("unrolled column by column (order='F'): the course's reshape is row by row", out)]


def gradients_to_vector(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o = case.oracle()
        gradients = {key: o[key] for key in _backward_keys()}
        dtheta = cases.truth.rolled([o[f"d{key}"] for key in KEYS])
        expect = [Expect("dtheta", "theta", dtheta, tol=EXACT)]
        grads = tuple(f"d{key}" for key in KEYS)
        yield Call(
            case,
            (gradients,),
            _read_theta,
            expect,
            gradients,
            partial(_gradient_mistakes, gradients, grads),
        )


def _backward_keys() -> tuple[str, ...]:
    """The keys of ``backward_propagation_n``'s dict, in its order."""
    return ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")


def _read_theta(value: object) -> dict:
    return {"theta": value}


def _gradient_mistakes(gradients: dict, keys: tuple[str, ...]) -> list:
    everything = np.concatenate([np.reshape(g, (-1, 1)) for g in gradients.values()])
    in_order = np.concatenate([np.reshape(gradients[k], (-1, 1)) for k in gradients if k in keys])
    return [
        *_rolled_mistakes("dtheta", gradients, keys),
        (
            "every entry of gradients rolled, dZ and dA too: the course rolls dW1, db1, ..., db3",
            {"dtheta": everything},
        ),
        (
            "rolled in the dict's order (dW3 first): the course's is dW1, db1, ..., db3",
            {"dtheta": in_order},
        ),
    ]


def forward_propagation_n(cases: Cases, parameters: tuple) -> Iterator[Call]:
    names = ("Z1", "A1", "W1", "b1", "Z2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")
    for case in cases:
        o = case.oracle()
        expect = [Expect("cost", "cost", o["cost"])]
        expect += [
            Expect(name, f"cache[{at}]", o[name], int(name[1]))
            for at, name in enumerate(names)
            if name[0] in "ZA"
        ]
        yield Call(
            case,
            (case.X, case.Y, case.params),
            partial(_read_forward, case, names),
            expect,
            {"X": case.X, **case.params},
        )


def _read_forward(case: Case, names: tuple[str, ...], value: object) -> dict:
    cost, cache = unpack(value, ("cost", "cache"), "forward_propagation_n")
    if not isinstance(cache, tuple | list) or len(cache) != len(names):
        count = len(cache) if isinstance(cache, tuple | list) else None
        raise LayoutError(f"cache holds {count}; the course's holds ({', '.join(names)})")
    for at, name in enumerate(names):
        if name[0] in "Wb" and not np.array_equal(np.asarray(cache[at]), case.params[name]):
            raise LayoutError(f"cache[{at}] is not the {name} it was given")
    return {"cost": cost, **{f"cache[{at}]": item for at, item in enumerate(cache)}}


def gradient_check_n(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o = case.oracle()
        right = {key: o[key] for key in _backward_keys()}
        bugged = right | {key: right[key] * factor for key, factor in PLANTED.items()}
        exact = cases.truth.gradient_difference(bugged, case.X, case.Y, case.params, case.spec)
        planted = dataclasses.replace(
            case,
            name=f"{case.name}, planted bugs",
            label=f"{case.about}, the notebook's planted bugs: dW2 * 2, db1 * 4",
        )
        for judged, gradients, value, tol in (
            (case, right, 0.0, BELOW),
            (planted, bugged, exact, _tolerance(case, bugged)),
        ):
            expect = [
                Expect("difference", "difference", np.asarray(value), tol=tol, formula=DIFFERENCE)
            ]
            yield Call(
                judged,
                (case.params, gradients, case.X, case.Y, DEFAULT_EPSILON),
                partial(_read_difference, "gradient_check_n"),
                expect,
                mistakes=partial(_check_mistakes, case, gradients),
            )


def _tolerance(case: Case, gradients: Mapping[str, Array]) -> Tolerance:
    """How far a centred-difference check's difference may fall from the exact one's: the
    table's bound on each entry of the numerical gradient, over the column's norm, doubled."""
    o = case.oracle()
    exact = rolled_gradients(o)
    per_entry = centred_difference_tolerance(float(o["cost"]))
    bound = per_entry.rtol * np.abs(exact).max() + per_entry.atol
    given = rolled_gradients(gradients)
    spread = 2 * np.sqrt(exact.size) * bound / (np.linalg.norm(given) + np.linalg.norm(exact))
    return Tolerance(0.0, float(spread))


def _read_difference(function: str, value: object) -> dict:
    try:
        return {"difference": scalar(value, "difference")}
    except LayoutError as err:
        raise LayoutError(
            str(err),
            "the norms make one number: np.linalg.norm(grad - gradapprox) over "
            "np.linalg.norm(grad) + np.linalg.norm(gradapprox)",
        ) from None


def _check_mistakes(case: Case, gradients: Mapping[str, Array]) -> list:
    """The difference with ``gradapprox`` divided by epsilon only, one-sided, or the norms
    of the course's formula taken otherwise."""
    numeric = gradcheck.gradient_check(case.params, case.X, case.Y, case.spec).numeric
    grad, approx = rolled_gradients(gradients), rolled_gradients(numeric)
    one_sided = rolled_gradients(_one_sided(case))
    norm = np.linalg.norm

    def difference(a: Array, b: Array) -> Array:
        return np.asarray(norm(a - b) / (norm(a) + norm(b)))

    out = [
        ("divided by epsilon, not 2 epsilon", difference(grad, 2 * approx)),
        (
            "one-sided: gradapprox takes J_plus - J_minus, J_minus at theta - epsilon",
            difference(grad, one_sided),
        ),
        (
            "the denominator is ||grad + gradapprox||",
            np.asarray(norm(grad - approx) / norm(grad + approx)),
        ),
    ]
    return [(f"{cause}: {DIFFERENCE}", {"difference": value}) for cause, value in out]


def _one_sided(case: Case) -> dict[str, Array]:
    """``(J(theta + eps) - J(theta)) / eps`` for every entry, keyed like the gradients."""
    theta = {key: np.array(value, dtype=float) for key, value in case.params.items()}
    J = cost_of(case.X, case.Y, theta, case.spec)
    out = {}
    for key, value in theta.items():
        approx = np.empty_like(value)
        for index in np.ndindex(value.shape):
            original = value[index]
            value[index] = original + DEFAULT_EPSILON
            approx[index] = (cost_of(case.X, case.Y, theta, case.spec) - J) / DEFAULT_EPSILON
            value[index] = original
        out[f"d{key}"] = approx
    return out


CHECKS = {
    function.__name__: function
    for function in (
        forward_propagation,
        backward_propagation,
        gradient_check,
        dictionary_to_vector,
        vector_to_dictionary,
        gradients_to_vector,
        forward_propagation_n,
        gradient_check_n,
    )
}
