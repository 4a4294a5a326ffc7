"""nn-check's calls for week 2, logistic regression: ``sigmoid``, ``initialize_with_zeros``,
``propagate``, ``optimize`` and ``predict``. The network is one sigmoid unit: the torch side's
``W1`` is the course's ``w`` transposed, ``b1`` its ``b``."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import numpy as np

from scratch.course import logistic_regression as reference
from scratch.course import mistakes as mistakes
from scratch.grading.cases import Case, Cases, plain, sigmoid_inputs
from scratch.grading.deep import SATURATED_COST
from scratch.grading.layout import entry, scalar, unpack
from scratch.grading.planar import prediction_calls
from scratch.grading.trial import Call, Expect
from scratch.tolerances import CURVE, EXACT

Array = np.ndarray
ITERATIONS, RATE = 201, 0.009  # the notebook's test runs 100 steps at 0.009
DW = "dw = (1/m) X (A - Y)^T"
DB = "db = (1/m) sum(A - Y)"


def _wb(case: Case) -> tuple[Array, float]:
    return case.params["W1"].T.copy(), float(case.params["b1"][0, 0])


def sigmoid(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for name, z in sigmoid_inputs():
        s = cases.truth.sigmoid(z)
        flips = [
            ("sigmoid(-z): 1 / (1 + exp(z)) where the course has 1 / (1 + exp(-z))", {"A1": 1 - s}),
            ("tanh(z), where the course has sigmoid(z)", {"A1": np.tanh(z)}),
        ]
        expect = [Expect("A1", "sigmoid(z)", s, formula="sigmoid(z) = 1 / (1 + exp(-z))")]
        yield Call(
            plain(name, f"z of shape {z.shape}"),
            (z,),
            _read_sigmoid,
            expect,
            {"z": z},
            lambda flips=flips: flips,
        )


def _read_sigmoid(value: object) -> dict:
    return {"sigmoid(z)": value}


def initialize_with_zeros(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for dim in (2, 12288):
        expect = [
            Expect("W1", "w", np.zeros((dim, 1)), tol=EXACT, cast=True),
            Expect("b1", "b", np.zeros(()), tol=EXACT, cast=True),
        ]
        yield Call(plain("dim", f"dim = {dim}"), (dim,), _read_zeros, expect)


def _read_zeros(value: object) -> dict:
    w, b = unpack(value, ("w", "b"), "initialize_with_zeros")
    return {"w": w, "b": scalar(b, "b")}


def _gradient_expects(o: dict) -> list[Expect]:
    return [
        Expect("dW1", "grads['dw']", o["dW1"].T, formula=DW),
        Expect("db1", "grads['db']", o["db1"].reshape(()), formula=DB),
    ]


def _read_grads(grads: object, out: dict) -> dict:
    out["grads['dw']"] = entry(grads, "dw", "grads")
    out["grads['db']"] = scalar(entry(grads, "db", "grads"), "grads['db']")
    return out


def propagate(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o = case.oracle()
        w, b = _wb(case)
        fragile = SATURATED_COST if case.saturated else None
        expect = [Expect("cost", "cost", o["cost"], fragile=fragile), *_gradient_expects(o)]
        inputs = {"w": w, "X": case.X, "Y": case.Y, "A": o["A1"]}
        costs = partial(mistakes.costs, o["A1"], case.Y)
        yield Call(case, (w, b, case.X, case.Y), _read_propagate, expect, inputs, costs)


def _read_propagate(value: object) -> dict:
    grads, cost = unpack(value, ("grads", "cost"), "propagate")
    return _read_grads(grads, {"cost": cost})


def optimize(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        if case.name not in ("course", "one example", "labels all 1"):
            continue
        w, b = _wb(case)
        final, last, costs = case.truth.descent_run(
            case.X, case.Y, case.params, case.spec, ITERATIONS, RATE
        )
        expect = [
            Expect("cost", "costs", costs[::100], kind=CURVE),
            Expect("W1", "params['w']", final["W1"].T),
            Expect(
                "b1",
                "params['b']",
                final["b1"].reshape(()),
            ),
            *_gradient_expects(last),
        ]
        args = (w, b, case.X, case.Y, ITERATIONS, RATE)
        args += (False,) * (len(parameters) >= 7)  # print_cost
        every = "costs kept at every iteration: the course keeps one every 100 (if i % 100 == 0)"
        inputs = {"w": w, "X": case.X, "Y": case.Y}
        wrong = partial(_optimize_mistakes, w, b, case, [(every, {"cost": costs})])
        yield Call(case, args, _read_optimize, expect, inputs, wrong)


def _optimize_mistakes(w: Array, b: float, case: Case, known: list) -> list:
    """The run with the update's sign reversed, by the reference's own ``propagate``."""
    costs = []
    for i in range(ITERATIONS):
        grads, cost = reference.propagate(w, b, case.X, case.Y)
        w, b = w + RATE * grads["dw"], b + RATE * grads["db"]
        if i % 100 == 0:
            costs.append(cost)
    sign = "the update's sign: w = w - learning_rate dw, not + learning_rate dw"
    return [*known, (sign, {"cost": np.array(costs), "W1": w, "b1": np.asarray(b)})]


def _read_optimize(value: object) -> dict:
    params, grads, costs = unpack(value, ("params", "grads", "costs"), "optimize")
    out = {"params['w']": entry(params, "w", "params")}
    out["params['b']"] = scalar(entry(params, "b", "params"), "params['b']")
    try:
        out["costs"] = np.asarray(costs, dtype=float)
    except (TypeError, ValueError):
        out["costs"] = costs
    return _read_grads(grads, out)


def predict(cases: Cases, parameters: tuple) -> Iterator[Call]:
    names = ("course", "assignment", "zero input")
    return prediction_calls(cases, names, "A1", "Y_prediction", lambda c: (*_wb(c), c.X))


CHECKS = {
    function.__name__: function
    for function in (sigmoid, initialize_with_zeros, propagate, optimize, predict)
}
