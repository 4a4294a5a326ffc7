"""nn-check's calls for week 3, the planar network: ``layer_sizes``, ``forward_propagation``,
``backward_propagation`` and ``predict`` (its initialiser, cost and update are week 4's, on
week 3's networks: a tanh hidden layer and a sigmoid output)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

import numpy as np

from scratch.activations import ACTIVATION_TABLE
from scratch.course import mistakes as mistakes
from scratch.grading.cases import Case, Cases, plain
from scratch.grading.deep import update_parameters
from scratch.grading.findings import LayoutError
from scratch.grading.layout import entry, unpack
from scratch.grading.trial import Call, Expect
from scratch.tolerances import EXACT

Array = np.ndarray
CACHE = ("Z1", "A1", "Z2", "A2")
AT_HALF = "A = 0.5 predicted as 1: the course predicts 1 only where A > 0.5"


def layer_sizes(cases: Cases, parameters: tuple) -> Iterator[Call]:
    several = plain("several outputs", "X (5, 3), Y (2, 3): the notebook's test")
    several.X, several.Y = np.ones((5, 3)), np.ones((2, 3))
    for case in (*cases[:2], several):
        yield Call(case, (case.X, case.Y), partial(_read_sizes, case), [], {"X": case.X})


def _read_sizes(case: Case, value: object) -> dict:
    sizes = unpack(value, ("n_x", "n_h", "n_y"), "layer_sizes")
    course = (
        ("n_x", "X.shape[0]", case.X.shape[0]),
        ("n_h", "4", 4),
        ("n_y", "Y.shape[0]", case.Y.shape[0]),
    )
    for got, (name, where, want) in zip(sizes, course, strict=True):
        if got != want:
            cause = None
            if got == case.m and name != "n_h":
                cause = f"{got} is the number of examples m, {where[0]}.shape[1]"
            raise LayoutError(f"{name} is {got!r}; the course's is {where} = {want}", cause)
    return {}


def forward_propagation(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o = case.oracle()
        expect = [Expect(key, f"cache['{key}']", o[key], int(key[1])) for key in CACHE]
        expect.append(Expect("A2", "A2", o["A2"], 2))
        swaps = partial(mistakes.forward_swaps, case.X, case.params, ("tanh", "sigmoid"))
        inputs = {"X": case.X, **case.params}
        yield Call(case, (case.X, case.params), _read_forward, expect, inputs, swaps)


def _read_forward(value: object) -> dict:
    A2, cache = unpack(value, ("A2", "cache"), "forward_propagation")
    return {"A2": A2, **{f"cache['{key}']": entry(cache, key, "cache") for key in CACHE}}


def backward_propagation(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o = case.oracle()
        cache = {key: o[key] for key in CACHE}
        expect = [
            Expect(f"{name}{l}", f"grads['{name}{l}']", o[f"{name}{l}"], l)
            for l in (2, 1)
            for name in ("dW", "db")
        ]
        inputs = {**case.params, "X": case.X, "Y": case.Y, "dZ2": o["dZ2"], "A1": o["A1"]}
        yield Call(
            case,
            (case.params, cache, case.X, case.Y),
            _read_grads,
            expect,
            inputs,
            partial(_backward_mistakes, case),
        )


def _read_grads(value: object) -> dict:
    keys = ("dW1", "db1", "dW2", "db2")
    return {f"grads['{key}']": entry(value, key, "grads") for key in keys}


def _backward_mistakes(case: Case) -> list:
    o, W1, W2 = case.oracle(), case.params["W1"], case.params["W2"]
    Z1, A1, dZ2 = o["Z1"], o["A1"], o["dZ2"]
    out = [
        (cause, mistakes.layer_backward(dZ1, case.X, W1, 1))
        for cause, dZ1 in mistakes.derivatives(o["dA1"], Z1, A1, "tanh", 1)
    ]
    out += mistakes.bias_sums(dZ2, 2) + mistakes.bias_sums(o["dZ1"], 1)
    if W1.shape == W2.shape == (1, 1):  # W1^T dZ2 fits only then
        dZ1 = ACTIVATION_TABLE["tanh"].backward(W1.T @ dZ2, Z1, A1)
        cause = "dA taken from the wrong layer's W: dA1 = W1^T dZ2, where the course's is W2^T dZ2"
        out.append((cause, mistakes.layer_backward(dZ1, case.X, W1, 1)))
    return out


def prediction_calls(
    cases: Sequence[Case], names: tuple[str, ...], key: str, label: str, args
) -> Iterator[Call]:
    """``predict``'s calls on the cases ``names``: ``args(case)`` are its arguments, ``label``
    the learner's name for the predictions, ``key`` the probabilities they come from (``A2``).
    The course predicts 1 where ``A > 0.5``; the mistake at exactly 0.5 is named."""
    for case in (case for case in cases if case.name in names):
        A = case.oracle()[key]
        expect = Expect(key, label, (A > 0.5).astype(float), tol=EXACT, cast=True)
        half = [(AT_HALF, {key: (A >= 0.5).astype(float)})]
        read = partial(_read_one, label)
        given = {"X": case.X, "w": case.params["W1"].T}
        yield Call(case, args(case), read, [expect], given, lambda half=half: half)


def _read_one(label: str, value: object) -> dict:
    return {label: value}


def predict(cases: Cases, parameters: tuple) -> Iterator[Call]:
    names = ("course", "planar", "zero input")
    return prediction_calls(cases, names, "A2", "predictions", lambda c: (c.params, c.X))


CHECKS = {
    function.__name__: function
    for function in (layer_sizes, forward_propagation, backward_propagation, predict)
}
CHECKS["update_parameters"] = partial(update_parameters, rate=1.2)
