"""nn-check's calls for week 4's backward half (``linear_backward``,
``linear_activation_backward``, ``L_model_backward``) and ``update_parameters`` (week 3's too).

The inputs are the torch side's own quantities of the case (``dZ``, ``dA`` of the summed loss
as the course's are), so each function is judged on right inputs: a wrong ``linear_backward``
is reported as itself. The gradients a ``grads`` dict holds are keyed as the current course
keys them (``dA{l-1}`` out of layer l); the older ``dA{l}`` keys are read as such, with a note.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

import numpy as np

from scripts import check_mistakes as mistakes
from scripts import check_oracle
from scripts.check_cases import Case
from scripts.check_read import entry, unpack
from scripts.check_trial import Call, Expect
from scripts.check_week4 import activation, layer_inputs

Array = np.ndarray
SATURATED_GRADS = (
    "AL rounds to 1 where Y is 0, so the course's dAL = -(Y/AL - (1 - Y)/(1 - AL)) divides "
    "by 0 there",
    "dZL = AL - Y, the same thing simplified, is exact everywhere",
)
DAL = "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))"
UPDATED = ("course", "one example", "deep and wide", "wide")
OLD_KEYS = "grads keys dA1 .. dAL: the course's older convention (dA{l} out of layer l), read so"


def _gradients(o: dict, l: int, shown: dict, fragile=None, formula: str = "") -> list[Expect]:
    names = (f"dW{l}", f"db{l}", f"dA{l - 1}")
    return [
        Expect(key, shown[key[:2]], o[key], l, fragile=fragile, formula=formula) for key in names
    ]


def _read_triple(name: str, l: int, value: object) -> dict:
    dA_prev, dW, db = unpack(value, ("dA_prev", "dW", "db"), name)
    return {"dW": dW, "db": db, "dA_prev": dA_prev}


TRIPLE = {"dW": "dW", "db": "db", "dA": "dA_prev"}


def linear_backward(cases: Sequence[Case], parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o = case.oracle()
        for l in range(case.L, 0, -1):
            A_prev, W, b = layer_inputs(case, l)
            dZ = o[f"dZ{l}"]
            inputs = {"dZ": dZ, "A_prev": A_prev, "W": W, "b": b, f"dZ{l}": dZ, f"W{l}": W}
            yield Call(
                case,
                (dZ, (A_prev, W, b)),
                partial(_read_triple, "linear_backward", l),
                _gradients(o, l, TRIPLE),
                inputs,
                partial(mistakes.bias_sums, dZ, l),
            )


def linear_activation_backward(cases: Sequence[Case], parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o, L = case.oracle(), case.L
        for l in range(L, 0, -1):
            if l == L and case.saturated:
                continue  # the course's dAL is inf there: no input to give
            A_prev, W, b = layer_inputs(case, l)
            Z, A, g = o[f"Z{l}"], o[f"A{l}"], activation(case, l)
            dA = check_oracle.output_dA(A, case.Y) if l == L else o[f"dA{l}"]
            inputs = {"dA": dA, "A_prev": A_prev, "W": W, "b": b, "Z": Z}
            yield Call(
                case,
                (dA, ((A_prev, W, b), Z), g),
                partial(_read_triple, "linear_activation_backward", l),
                _gradients(o, l, TRIPLE),
                inputs,
                partial(mistakes.backward_layer, dA, Z, A, A_prev, W, g, l),
            )


def L_model_backward(cases: Sequence[Case], parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o, L = case.oracle(), case.L
        caches = [
            ((case.A(l - 1), *layer_inputs(case, l)[1:]), o[f"Z{l}"]) for l in range(1, L + 1)
        ]
        fragile = SATURATED_GRADS if case.saturated else None
        expect = []
        for l in range(L, 0, -1):
            shown = {name: f"grads['{name}{l}']" for name in ("dW", "db")}
            shown["dA"] = f"grads['dA{l - 1}']"
            expect += _gradients(o, l, shown, fragile, DAL if l == L else "")
        inputs = {"AL": o[f"A{L}"], "Y": case.Y}
        for l in range(1, L + 1):
            inputs[f"W{l}"], inputs[f"dZ{l}"] = case.params[f"W{l}"], o[f"dZ{l}"]
        yield Call(
            case,
            (o[f"A{L}"], case.Y, caches),
            partial(_read_grads, L),
            expect,
            inputs,
            partial(_model_mistakes, case),
        )


def _read_grads(L: int, value: object) -> dict:
    old = isinstance(value, dict) and f"dA{L}" in value and "dA0" not in value
    out = {"note": OLD_KEYS} if old else {}
    for l in range(1, L + 1):
        for name in ("dW", "db"):
            out[f"grads['{name}{l}']"] = entry(value, f"{name}{l}", "grads")
        out[f"grads['dA{l - 1}']"] = entry(value, f"dA{l}" if old else f"dA{l - 1}", "grads")
    return out


def _model_mistakes(case: Case) -> list:
    o, L = case.oracle(), case.L
    caches = [(case.A(l - 1), case.params[f"W{l}"], o[f"Z{l}"]) for l in range(1, L + 1)]
    dZL = o[f"dZ{L}"]
    out = []
    for hidden in ("sigmoid", "tanh"):
        cause = (
            f"the hidden layers' derivative is {hidden}': they are ReLU layers "
            "(linear_activation_backward(..., 'relu'))"
        )
        out.append((cause, mistakes.backprop(caches, dZL, hidden)))
    out.append((mistakes.KINK, mistakes.backprop(caches, dZL, "kink")))
    if not case.saturated:
        dAL = check_oracle.output_dA(o[f"A{L}"], case.Y)
        relu_out = dAL * (o[f"Z{L}"] > 0)
        cause = "the output layer's derivative is relu': it is the sigmoid layer"
        out.append((cause, mistakes.backprop(caches, dZL, "relu", output_dZ=relu_out)))
    return out


def update_parameters(
    cases: Sequence[Case], parameters: tuple, rate: float = 0.1
) -> Iterator[Call]:
    for case in [case for case in cases if case.name in UPDATED]:
        o, params = case.oracle(), case.params
        grads = {key: value for key, value in o.items() if key[:2] in ("dW", "db", "dA")}
        new = check_oracle.gradient_descent(params, grads, rate)
        expect = [
            Expect(
                key,
                f"parameters['{key}']",
                new[key],
                int(key[1:]),
                formula="W = W - learning_rate dW",
            )
            for key in params
        ]
        yield Call(
            case,
            (params, grads, rate),
            partial(_read_params, list(params)),
            expect,
            {**params, **grads},
            before=dict(params),
            updates=frozenset({"parameters"}),
            learning_rate=rate,
        )


def _read_params(keys: list[str], value: object) -> dict:
    return {f"parameters['{key}']": entry(value, key, "parameters") for key in keys}


CHECKS = {
    function.__name__: function
    for function in (
        linear_backward,
        linear_activation_backward,
        L_model_backward,
        update_parameters,
    )
}
