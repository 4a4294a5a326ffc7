"""nn-check's calls for week 4, the L-layer network (week 3 shares its initialiser, cost,
backward steps and update): for each case, the arguments, how to read the result, and what the
truth computes. ReLU hidden layers and a sigmoid output, as the assignment.

The backward functions' inputs are the truth's own quantities of the case (``dZ``, ``dA`` of the
summed loss as the course's are), so each function is judged on right inputs: a wrong
``linear_backward`` is reported as itself. The gradients a ``grads`` dict holds are keyed as the
current course keys them (``dA{l-1}`` out of layer l); the older ``dA{l}`` keys are read as such,
with a note.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

import numpy as np

from scratch.course import mistakes as mistakes
from scratch.grading.cases import Case, Cases, plain
from scratch.grading.findings import LayoutError
from scratch.grading.layout import (
    entry,
    keyed,
    layer_cache,
    linear_cache,
    random_weights,
    unpack,
)
from scratch.grading.outcomes import Opaque
from scratch.grading.trial import Call, Expect
from scratch.tolerances import EXACT

Array = np.ndarray
LINEAR = "Z = W A_prev + b"
SATURATED_GRADS = (
    "AL rounds to 1 where Y is 0, so the course's dAL = -(Y/AL - (1 - Y)/(1 - AL)) divides "
    "by 0 there",
    "dZL = AL - Y, the same thing simplified, is exact everywhere",
)
DAL = "dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))"
SATURATED_COST = (
    "AL rounds to 1 where Y is 0, so the course's log(1 - AL) is log(0) = -inf there",
    "The stable form takes the loss from ZL: max(ZL, 0) - ZL Y + log(1 + exp(-|ZL|))",
)


def activation(case: Case, l: int) -> str:
    return case.spec.layers[l - 1].activation


def layer_inputs(case: Case, l: int) -> tuple[Array, Array, Array]:
    return case.A(l - 1), case.params[f"W{l}"], case.params[f"b{l}"]


def initialize_parameters_deep(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for dims in ((5, 4, 3), (12288, 20, 7, 5, 1), (100, 80, 60, 1)):
        yield _initializer(dims, (list(dims),), f"layer_dims {list(dims)}")


def initialize_parameters(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for dims in ((2, 4, 1), (100, 20, 3)):
        yield _initializer(dims, dims, f"n_x, n_h, n_y = {', '.join(map(str, dims))}")


def _initializer(dims: tuple[int, ...], args: tuple, label: str) -> Call:
    L = len(dims) - 1

    def read(value: object) -> dict:
        out = {}
        for l in range(1, L + 1):
            W = entry(value, f"W{l}", "parameters")
            random_weights(W, f"W{l}", (dims[l], dims[l - 1]))
            out[f"parameters['b{l}']"] = entry(value, f"b{l}", "parameters")
        return out

    expect = [
        Expect(f"b{l}", f"parameters['b{l}']", np.zeros((dims[l], 1)), l, tol=EXACT, cast=True)
        for l in range(1, L + 1)
    ]
    return Call(plain("layer_dims", label), args, read, expect)


def linear_forward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        for l in range(1, case.L + 1):
            A, W, b = layer_inputs(case, l)
            given = {"A": A, "W": W, "b": b}
            expect = [Expect(f"Z{l}", "Z", case.oracle()[f"Z{l}"], l, formula=LINEAR)]
            yield Call(case, (A, W, b), partial(_read_linear, given), expect, inputs=given)


def _read_linear(given: dict, value: object) -> dict:
    Z, cache = unpack(value, ("Z", "cache"), "linear_forward")
    linear_cache(cache, given, "cache")
    return {"Z": Z}


def linear_activation_forward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o = case.oracle()
        for l in range(1, case.L + 1):
            A_prev, W, b = layer_inputs(case, l)
            given = {"A_prev": A_prev, "W": W, "b": b}
            g = activation(case, l)
            expect = [
                Expect(f"Z{l}", "cache[1]", o[f"Z{l}"], l, formula=LINEAR),
                Expect(f"A{l}", "A", o[f"A{l}"], l, formula=f"A = {g}(Z)"),
            ]
            swaps = partial(_activation_mistakes, o[f"Z{l}"], o[f"A{l}"], g, l)
            yield Call(case, (A_prev, W, b, g), partial(_read_layer, given), expect, given, swaps)


def _activation_mistakes(Z: Array, A: Array, g: str, l: int) -> list:
    stored_A = (
        "the activation cache holds A; the course's holds Z, which relu_backward and "
        "sigmoid_backward read"
    )
    return [*mistakes.activation_swaps(Z, g, l), (stored_A, {f"Z{l}": A})]


def _read_layer(given: dict, value: object) -> dict:
    A, cache = unpack(value, ("A", "cache"), "linear_activation_forward")
    linear, Z = layer_cache(cache, "cache")
    linear_cache(linear, given, "cache[0]")
    return {"cache[1]": Z, "A": A}


def L_model_forward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o, L = case.oracle(), case.L
        expect = [Expect("A0", "caches[0][0][0]", case.X, 0)]
        for l in range(1, L + 1):
            expect.append(Expect(f"Z{l}", f"caches[{l - 1}][1]", o[f"Z{l}"], l, formula=LINEAR))
            shown = f"caches[{l}][0][0]" if l < L else "AL"
            expect.append(Expect(f"A{l}", shown, o[f"A{l}"], l))
        acts = [activation(case, l) for l in range(1, L + 1)]
        swaps = partial(mistakes.forward_swaps, case.X, case.params, acts)
        inputs = {"X": case.X, **case.params}
        read = partial(_read_model, case)
        yield Call(case, (case.X, case.params), read, expect, inputs, swaps)


def _read_model(case: Case, value: object) -> dict:
    AL, caches = unpack(value, ("AL", "caches"), "L_model_forward")
    L = case.L
    if not isinstance(caches, list | tuple) or len(caches) != L:
        count = len(caches) if isinstance(caches, list | tuple) else None
        cause = None
        if count == L - 1:
            cause = (
                "the output layer is missing: after the loop over the hidden layers comes layer L"
            )
        elif count is not None and count > L:
            cause = "a loop past the last layer: L = len(parameters) // 2"
        raise LayoutError(f"caches holds {count}; the network has L = {L} layers", cause)
    out = {"AL": AL}
    for l in range(1, L + 1):
        where = f"caches[{l - 1}]"
        linear, Z = layer_cache(caches[l - 1], where)
        A_prev, W, b = layer_inputs(case, l)
        linear_cache(linear, {"A_prev": A_prev, "W": W, "b": b}, f"{where}[0]", exact=False)
        out[f"{where}[1]"] = Z
        out[f"{where}[0][0]"] = linear[0]
    return out


def compute_cost(cases: Cases, parameters: tuple) -> Iterator[Call]:
    """Week 3's older ``compute_cost(A2, Y, parameters)`` gets the parameters too."""
    for case in cases:
        AL, Y = case.oracle()[f"A{case.L}"], case.Y
        args = (AL, Y, case.params) if len(parameters) >= 3 else (AL, Y)
        fragile = SATURATED_COST if case.saturated else None
        expect = [Expect("cost", "cost", case.oracle()["cost"], fragile=fragile)]
        costs = partial(mistakes.costs, AL, Y)
        yield Call(case, args, read_cost, expect, {"AL": AL, "Y": Y}, costs)


def read_cost(value: object) -> dict:
    if isinstance(value, Opaque) or value is None:
        raise LayoutError(f"compute_cost returns {value!r}; the course's returns a number")
    return {"cost": value}


# The backward half and the update


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


def linear_backward(cases: Cases, parameters: tuple) -> Iterator[Call]:
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


def linear_activation_backward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in cases:
        o, L = case.oracle(), case.L
        for l in range(L, 0, -1):
            if l == L and case.saturated:
                continue  # the course's dAL is inf there: no input to give
            A_prev, W, b = layer_inputs(case, l)
            Z, A, g = o[f"Z{l}"], o[f"A{l}"], activation(case, l)
            dA = case.truth.output_dA(A, case.Y) if l == L else o[f"dA{l}"]
            inputs = {"dA": dA, "A_prev": A_prev, "W": W, "b": b, "Z": Z}
            yield Call(
                case,
                (dA, ((A_prev, W, b), Z), g),
                partial(_read_triple, "linear_activation_backward", l),
                _gradients(o, l, TRIPLE),
                inputs,
                partial(mistakes.backward_layer, dA, Z, A, A_prev, W, g, l),
            )


def L_model_backward(cases: Cases, parameters: tuple) -> Iterator[Call]:
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
            if l < L:
                inputs[f"dA{l}"] = o[f"dA{l}"]
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
    """The wrong derivative in every hidden layer, in one of them only (one branch of the
    loop), at the output, or in both branches swapped."""
    o, L = case.oracle(), case.L
    caches = [(case.A(l - 1), case.params[f"W{l}"], o[f"Z{l}"]) for l in range(1, L + 1)]
    dZL, relu = o[f"dZ{L}"], ["relu"] * (L - 1)
    out = []
    for g in ("sigmoid", "tanh"):
        cause = (
            f"the hidden layers' derivative is {g}': they are ReLU layers "
            f"(linear_activation_backward(..., 'relu'), relu_backward, not {g}_backward)"
        )
        out.append((cause, mistakes.backprop(caches, dZL, [g] * (L - 1))))
        for l in range(1, L) if L > 2 else ():
            cause = (
                f"layer {l}'s derivative is {g}' (one branch of the loop): every hidden layer "
                "is a ReLU layer (linear_activation_backward(..., 'relu'))"
            )
            out.append((cause, mistakes.backprop(caches, dZL, [*relu[: l - 1], g, *relu[l:]])))
    out.append((mistakes.KINK, mistakes.backprop(caches, dZL, ["kink"] * (L - 1))))
    if not case.saturated:
        dAL = case.truth.output_dA(o[f"A{L}"], case.Y)
        relu_out = dAL * (o[f"Z{L}"] > 0)
        cause = "the output layer's derivative is relu': it is the sigmoid layer"
        out.append((cause, mistakes.backprop(caches, dZL, relu, output_dZ=relu_out)))
        cause = (
            "the two branches swapped: the output layer's derivative is relu' and the hidden "
            "layers' sigmoid' (the output is the sigmoid layer, the hidden ones ReLU)"
        )
        swapped = ["sigmoid"] * (L - 1)
        out.append((cause, mistakes.backprop(caches, dZL, swapped, output_dZ=relu_out)))
    return out


def update_parameters(
    cases: Sequence[Case], parameters: tuple, rate: float = 0.1
) -> Iterator[Call]:
    for case in [case for case in cases if case.name in UPDATED]:
        o, params = case.oracle(), case.params
        grads = {key: value for key, value in o.items() if key[:2] in ("dW", "db", "dA")}
        new = case.truth.gradient_descent(params, grads, rate)
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
            partial(keyed, keys=list(params), where="parameters"),
            expect,
            {**params, **grads},
            before=dict(params),
            learning_rate=rate,
        )


CHECKS = {
    function.__name__: function
    for function in (
        initialize_parameters,
        initialize_parameters_deep,
        linear_forward,
        linear_activation_forward,
        L_model_forward,
        compute_cost,
        linear_backward,
        linear_activation_backward,
        L_model_backward,
        update_parameters,
    )
}
