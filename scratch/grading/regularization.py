"""nn-check's calls for the regularization assignment (the second course's week 1), on the
course's three-layer network (``cases.three_layers``): the L2 cost and its backward pass against
the truth's of a spec with ``l2 = lambd``; dropout's forward pass against the truth's with the
notebook's masks (``np.random.seed(1)``), its masks first; dropout's backward pass on a cache
holding those masks, against autograd's gradients through them.

The backward passes' ``dZ`` and ``dA`` are judged where the learner's dict holds them (the
course's does; its tests read ``dW``, ``db`` and the ``dA`` of dropout).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from functools import partial

import numpy as np

from scratch.course import three_layer
from scratch.course.regularization import course_masks, course_uniforms
from scratch.grading.cases import Case, Cases
from scratch.grading.deep import read_cost
from scratch.grading.findings import LayoutError
from scratch.grading.layout import entry, unpack
from scratch.grading.trial import Call, Expect
from scratch.losses import l2_penalty
from scratch.tolerances import EXACT

Array = np.ndarray
LAMBD = 0.7  # the notebook's backward test's
KEEP_PROB = {"forward": 0.7, "backward": 0.8}  # the notebook's tests'
GRADIENTS = ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")
COST = "cost = cross_entropy_cost + (lambd / (2 m)) (sum W1^2 + sum W2^2 + sum W3^2)"
L2_GRADIENT = "dW[l] = (1/m) dZ[l] A[l-1]^T + (lambd / m) W[l]"
MASK = "dA[l] = dA[l] * D[l] / keep_prob"
CACHE = ("Z1", "D1", "A1", "W1", "b1", "Z2", "D2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3")
DRAWN = (
    "not the course's masks: np.random.seed(1) at the top, then D1 = np.random.rand(n[1], m) "
    "< keep_prob, and D2 the same after it, in that order"
)


def regularized(case: Case) -> Case:
    """The case with L2 of ``LAMBD`` in its cost."""
    return dataclasses.replace(case, spec=case.spec.replace(l2=LAMBD), _oracle=None)


def dropped(case: Case, keep_prob: float) -> tuple[Case, dict[str, Array], dict]:
    """The case with dropout on both hidden layers, the notebook's masks, and the truth's
    internals through them."""
    layers = [
        {**layer.to_dict(), **({"keep_prob": keep_prob} if l < 3 else {})}
        for l, layer in enumerate(case.spec.layers, 1)
    ]
    case = dataclasses.replace(case, spec=case.spec.replace(layers=layers), _oracle=None)
    masks = course_masks(case.params, case.m, keep_prob)
    return case, masks, case.truth.dropout_internals(case.X, case.Y, case.params, case.spec, masks)


def compute_cost_with_regularization(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        case = regularized(case)
        o = case.oracle()
        expect = [Expect("cost", "cost", o["cost"], formula=COST)]
        args = (o["A3"], case.Y, case.params, LAMBD)
        inputs = {"A3": o["A3"], "Y": case.Y}
        yield Call(case, args, read_cost, expect, inputs, partial(_cost_mistakes, case))


def _cost_mistakes(case: Case) -> list:
    o, P, m = case.oracle(), case.params, case.m
    weights = [P[f"W{l}"] for l in (1, 2, 3)]
    term = l2_penalty(P, LAMBD, m)
    cross_entropy = o["cost"] - term
    per = LAMBD / (2 * m)
    out = [
        ("lambd / m where the course has lambd / (2 m)", cross_entropy + 2 * term),
        (
            "the 1/m is missing from the L2 term: (lambd / (2 m)) sum ||W||^2",
            cross_entropy + term * m,
        ),
        ("the cross-entropy is missing: the L2 term alone", term),
        (
            "W is not squared: np.sum(np.square(W))",
            cross_entropy + per * sum(W.sum() for W in weights),
        ),
        (
            "the norms are not squared: np.linalg.norm(W) is ||W||, the course sums ||W||^2",
            cross_entropy + per * sum(np.linalg.norm(W) for W in weights),
        ),
        (
            "the biases are penalised too: the course's L2 term sums the weights' squares",
            cross_entropy + term + per * sum(np.sum(P[f"b{l}"] ** 2) for l in (1, 2, 3)),
        ),
    ]
    out += [
        (
            f"W{l} is left out of the L2 term: it sums ||W1||^2 + ||W2||^2 + ||W3||^2",
            cross_entropy + term - per * np.sum(W**2),
        )
        for l, W in enumerate(weights, 1)
    ]
    return [(f"{cause}; {COST}", {"cost": np.asarray(value)}) for cause, value in out]


def _gradients(o: dict, formulas: dict[str, str]) -> list[Expect]:
    """The course's gradients in its order; ``dZ`` and ``dA`` only where the dict holds them."""
    return [
        Expect(
            key,
            f"gradients['{key}']",
            o[key],
            int(key[-1]),
            optional=key[:2] in ("dZ", "dA"),
            formula=formulas.get(key[:2], ""),
        )
        for key in GRADIENTS
    ]


def _read_gradients(value: object) -> dict:
    found = {key: entry(value, key, "gradients") for key in GRADIENTS if key[:2] in ("dW", "db")}
    others = value if isinstance(value, dict) else {}
    found |= {key: others[key] for key in GRADIENTS if key in others}
    return {f"gradients['{key}']": item for key, item in found.items()}


def _cache(case: Case, o: dict, masks: dict | None = None) -> tuple:
    """The course's flat cache of the truth's pass (with ``masks``: dropout's 14 entries)."""
    P, out = case.params, []
    for l in (1, 2, 3):
        dropped = masks is not None and l < 3
        out += [o[f"Z{l}"], *([masks[f"D{l}"]] if dropped else []), o[f"A{l}"]]
        out += [P[f"W{l}"], P[f"b{l}"]]
    return tuple(out)


def _inputs(case: Case, o: dict) -> dict[str, Array]:
    inputs = {"X": case.X, "Y": case.Y, **case.params}
    return inputs | {key: o[key] for key in GRADIENTS if key[:2] in ("dZ", "dA")}


def backward_propagation_with_regularization(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        case = regularized(case)
        o = case.oracle()
        yield Call(
            case,
            (case.X, case.Y, _cache(case, o), LAMBD),
            _read_gradients,
            _gradients(o, {"dW": L2_GRADIENT}),
            _inputs(case, o),
            partial(_l2_mistakes, case),
        )


def _l2_mistakes(case: Case) -> list:
    """dW with the L2 term at another factor, or without it (dW3 is the first a pass computes:
    where it has none, the others may lack it too); db with one."""
    o, P, m = case.oracle(), case.params, case.m
    plain = {f"dW{l}": o[f"dW{l}"] - LAMBD / m * P[f"W{l}"] for l in (1, 2, 3)}

    def dW(factor: float) -> dict:
        return {f"dW{l}": plain[f"dW{l}"] + factor * P[f"W{l}"] for l in (1, 2, 3)}

    out = [
        (
            "the L2 term's factor is lambd / (2 m): the derivative of (lambd / 2m) W^2 is "
            "(lambd / m) W",
            dW(LAMBD / (2 * m)),
        ),
        ("the 1/m is missing from the L2 term: lambd W", dW(LAMBD)),
        ("dW3 has no L2 term (has any layer?)", {"dW3": plain["dW3"]}),
        (
            "the L2 term added to db too: the biases are not penalised",
            {f"db{l}": o[f"db{l}"] + LAMBD / m * P[f"b{l}"] for l in (1, 2, 3)},
        ),
    ]
    out += [(f"layer {l}'s L2 term is missing", {f"dW{l}": plain[f"dW{l}"]}) for l in (1, 2)]
    return [(f"{cause}; {L2_GRADIENT}", values) for cause, values in out]


def forward_propagation_with_dropout(cases: Cases, parameters: tuple) -> Iterator[Call]:
    keep_prob = KEEP_PROB["forward"]
    for case in cases:
        case, masks, o = dropped(case, keep_prob)
        expect = []
        for at, name in enumerate(CACHE):
            if name[0] in "Wb":
                continue
            if name[0] == "D":  # the notebook's own draws, the same for every right answer
                value, tol, oracle = masks[name].astype(float), EXACT, "the course's mask"
            else:
                value, tol, oracle = o[name], None, None
            expect.append(
                Expect(name, f"cache[{at}]", value, int(name[1]), tol=tol, cast=True, oracle=oracle)
            )
        expect.append(Expect("A3", "A3", o["A3"], 3))
        yield Call(
            case,
            (case.X, case.params, keep_prob),
            partial(_read_forward, case),
            expect,
            {"X": case.X, **case.params},
            partial(_dropout_forward_mistakes, case, keep_prob),
            explain=_explain_masks,
        )


def _read_forward(case: Case, value: object) -> dict:
    A3, cache = unpack(value, ("A3", "cache"), "forward_propagation_with_dropout")
    if not isinstance(cache, tuple | list) or len(cache) != len(CACHE):
        count = len(cache) if isinstance(cache, tuple | list) else None
        cause = "the masks are missing: backward_propagation_with_dropout reads D1, D2 from it"
        raise LayoutError(
            f"cache holds {count}; the course's holds ({', '.join(CACHE)})",
            cause if count == 12 else None,
        )
    for at, name in enumerate(CACHE):
        if name[0] in "Wb" and not np.array_equal(np.asarray(cache[at]), case.params[name]):
            raise LayoutError(f"cache[{at}] is not the {name} it was given")
    return {"A3": A3, **{f"cache[{at}]": item for at, item in enumerate(cache)}}


def _explain_masks(key: str, yours: Array) -> str | None:
    return DRAWN if key[0] == "D" else None


def _dropout_forward_mistakes(case: Case, keep_prob: float) -> list:
    """The forward pass with the mask not scaled, scaled by keep_prob, inverted, or drawn by
    randn; and with the output layer dropped too."""
    X, P = case.X, case.params
    shapes = [(P[f"W{l}"].shape[0], case.m) for l in (1, 2, 3)]
    uniforms = course_uniforms(shapes)
    normal = np.random.RandomState(1)
    normals = [normal.randn(*shape) for shape in shapes]

    def run(draws: list[Array], scale: float, threshold=lambda draw: draw < keep_prob) -> dict:
        masks = {f"D{l}": threshold(draw).astype(int) for l, draw in enumerate(draws[:2], 1)}
        A3, cache = three_layer.forward(X, P, masks, keep_prob * scale)
        return {name: item for name, item in zip(CACHE, cache, strict=True)} | {"A3": A3}

    right = "A = A * D / keep_prob"
    out = [
        (f"the kept units are not scaled up: {right}", run(uniforms, 1 / keep_prob)),
        (f"multiplied by keep_prob: {right}", run(uniforms, 1 / keep_prob**2)),
        (
            "the mask is inverted: D = np.random.rand(...) < keep_prob keeps the units drawn "
            "below keep_prob",
            run(uniforms, 1.0, lambda draw: draw >= keep_prob),
        ),
        ("np.random.randn where the course draws np.random.rand (uniform)", run(normals, 1.0)),
    ]
    dropped = run(uniforms, 1.0)
    D3 = (uniforms[2] < keep_prob).astype(int)
    A3 = dropped["A3"] * D3 / keep_prob
    out.append(("the output layer is dropped too: dropout is for the hidden layers", {"A3": A3}))
    return out


def backward_propagation_with_dropout(cases: Cases, parameters: tuple) -> Iterator[Call]:
    keep_prob = KEEP_PROB["backward"]
    for case in cases:
        case, masks, o = dropped(case, keep_prob)
        cache = _cache(case, o, masks)
        yield Call(
            case,
            (case.X, case.Y, cache, keep_prob),
            _read_gradients,
            _gradients(o, {"dA": MASK}),
            _inputs(case, o),
            partial(_dropout_backward_mistakes, case, cache, keep_prob),
        )


def _dropout_backward_mistakes(case: Case, cache: tuple, keep_prob: float) -> list:
    """The backward pass without the mask, without its scale, with ``* keep_prob``, or with
    the scale and no mask."""
    named = zip(CACHE, cache, strict=True)
    ones = tuple(np.ones_like(item) if name[0] == "D" else item for name, item in named)

    def run(given: tuple, scale: float) -> dict:
        return three_layer.backward(case.X, case.Y, given, keep_prob=scale)

    out = [
        ("the mask is not applied to dA", run(ones, 1.0)),
        ("dA is not divided by keep_prob", run(cache, 1.0)),
        ("dA is multiplied by keep_prob", run(cache, 1 / keep_prob)),
        ("the mask is not applied to dA, only its scale", run(ones, keep_prob)),
    ]
    return [(f"{cause}: {MASK}, with forward's D[l]", values) for cause, values in out]


CHECKS = {
    function.__name__: function
    for function in (
        compute_cost_with_regularization,
        backward_propagation_with_regularization,
        forward_propagation_with_dropout,
        backward_propagation_with_dropout,
    )
}
