"""nn-check's calls for week 4's forward half (the initialisers, ``linear_forward``,
``linear_activation_forward``, ``L_model_forward``, ``compute_cost``; week 3 shares the
initialiser and the cost): for each case, the arguments, how to read the result, and what the
torch side computes. ReLU hidden layers and a sigmoid output, as the assignment.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

import numpy as np

from scratch.tolerances import EXACT
from scripts import check_mistakes as mistakes
from scripts.check_cases import Case, plain
from scripts.check_findings import LayoutError
from scripts.check_read import entry, layer_cache, linear_cache, random_weights, unpack
from scripts.check_transfer import Opaque
from scripts.check_trial import Call, Expect

Array = np.ndarray
LINEAR = "Z = W A_prev + b"
SATURATED_COST = (
    "AL rounds to 1 where Y is 0, so the course's log(1 - AL) is log(0) = -inf there",
    "The stable form takes the loss from ZL: max(ZL, 0) - ZL Y + log(1 + exp(-|ZL|))",
)


def activation(case: Case, l: int) -> str:
    return case.spec.layers[l - 1].activation


def layer_inputs(case: Case, l: int) -> tuple[Array, Array, Array]:
    return case.A(l - 1), case.params[f"W{l}"], case.params[f"b{l}"]


def initialize_parameters_deep(cases: Sequence[Case], parameters: tuple) -> Iterator[Call]:
    for dims in ((5, 4, 3), (12288, 20, 7, 5, 1), (100, 80, 60, 1)):
        yield _initializer(dims, (list(dims),), f"layer_dims {list(dims)}")


def initialize_parameters(cases: Sequence[Case], parameters: tuple) -> Iterator[Call]:
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


def linear_forward(cases: Sequence[Case], parameters: tuple) -> Iterator[Call]:
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


def linear_activation_forward(cases: Sequence[Case], parameters: tuple) -> Iterator[Call]:
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


def L_model_forward(cases: Sequence[Case], parameters: tuple) -> Iterator[Call]:
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


def compute_cost(cases: Sequence[Case], parameters: tuple) -> Iterator[Call]:
    """Week 3's older ``compute_cost(A2, Y, parameters)`` gets the parameters too."""
    for case in cases:
        AL, Y = case.oracle()[f"A{case.L}"], case.Y
        args = (AL, Y, case.params) if len(parameters) >= 3 else (AL, Y)
        fragile = SATURATED_COST if case.saturated else None
        expect = [Expect("cost", "cost", case.oracle()["cost"], fragile=fragile)]
        costs = partial(mistakes.costs, AL, Y)
        yield Call(case, args, _read_cost, expect, {"AL": AL, "Y": Y}, costs)


def _read_cost(value: object) -> dict:
    if isinstance(value, Opaque) or value is None:
        raise LayoutError(f"compute_cost returns {value!r}; the course's returns a number")
    return {"cost": value}


CHECKS = {
    function.__name__: function
    for function in (
        initialize_parameters,
        initialize_parameters_deep,
        linear_forward,
        linear_activation_forward,
        L_model_forward,
        compute_cost,
    )
}
