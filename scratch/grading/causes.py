"""The likely cause of a difference, when it has a recognisable shape.

In order: a known mistake's own values (``Call.mistakes``: another activation's derivative, db
summed over the wrong axis, ...); a shape the course does not allow (transposed, ``(m, n)`` for
``(n, m)``, keepdims missing, a cost not squeezed); NaN or inf; an update's step off by a factor
(its sign, the learning rate); the whole array off by one factor (m: the 1/m missing or
doubled; -1: a sign; 2); ``b`` not added; ``dA`` taken from another layer's ``W``; last, the
call's own word on it (``Call.explain``: draws of another seed, say).

A factor is read off by least squares, ``c = <yours, exact> / <exact, exact>``, and counts only
when ``yours = c exact`` holds to 1e-6 of the scale and ``c`` is that factor to 1e-6.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from scratch import parity
from scratch.grading.outcomes import Failure, Opaque
from scratch.tolerances import Tolerance, parse_quantity

Array = np.ndarray
CLOSE = Tolerance(1e-6, 1e-12)  # a hypothesis holds when it is this close
FORMULAS = {
    "dW": "dW = (1/m) dZ A_prev^T",
    "db": "db = (1/m) sum(dZ, axis=1, keepdims=True)",
    "dA": "dA_prev = W^T dZ",
    "dZ": "dZ[L] = AL - Y",
    "cost": "J = -(1/m) sum(Y log(AL) + (1 - Y) log(1 - AL))",
}
SHAPES = re.compile(r"\((\d+(?:,\s*\d+)*),?\)")


def shape_of(value: Any) -> str:
    if isinstance(value, Opaque):
        return f"a {value.type_name} ({value.text})"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {', '.join(map(str, value)) or 'none'}"
    return "None" if value is None else f"a {type(value).__name__}"


def holds(key: str, yours: Array, value: Array) -> bool:
    value = np.asarray(value)
    if yours.shape != value.shape or not np.isfinite(value).all():
        return False
    return parity.compare(key, yours.astype(float), value.astype(float), tol=CLOSE).ok


def likely_cause(expect: Any, yours: Array, result: parity.Comparison, call: Any) -> str | None:
    """The cause of ``yours`` differing from ``expect.value`` (a ``check_trial.Expect``) in
    ``call``, or ``None`` when the difference has no shape nn-check knows."""
    for cause, values in call.mistakes():
        if expect.key in values and holds(expect.key, yours, values[expect.key]):
            return cause
    exact = np.asarray(expect.value, dtype=float)
    if result.problem == "shape":
        return _shape_cause(expect.key, yours, exact, call)
    if result.problem == "dtype":
        return f"the course's arrays are float64; {yours.dtype} comes from a dtype= or astype"
    with np.errstate(all="ignore"):
        cause = _value_cause(expect, yours.astype(float), exact, call)
    if cause is None and call.explain is not None:
        cause = call.explain(expect.key, yours)
    return cause


def _value_cause(expect: Any, yours: Array, exact: Array, call: Any) -> str | None:
    name, layer = parse_quantity(expect.key)
    formula = expect.formula or FORMULAS.get(name, "")
    if not np.isfinite(yours).all():
        bad = "NaN" if np.isnan(yours).any() else "inf"
        return f"{bad} where autograd's is finite: a log(0), a division by 0, or an overflow"
    if expect.key in call.before:
        before = call.before[expect.key]
        return _step_cause(yours - before, exact - before, layer, call.learning_rate)
    if not yours.any():
        return "all zeros where autograd's is not: is it computed at all?"
    c = ratio(yours, exact)
    if c is not None:
        return _factor_cause(name, c, call.case.m, formula)
    if yours.ndim == 2 and holds(expect.key, yours.T, exact):
        rows = (
            " (one example per row; the course puts one per column)"
            if exact.shape[1] == call.case.m
            else ""
        )
        return f"transposed: yours is autograd's transpose{rows}"
    bias = call.inputs.get(f"b{layer}", call.inputs.get("b"))
    if name == "Z" and bias is not None and holds(expect.key, yours, exact - bias):
        return "b is not added: Z = W A_prev + b"
    if name == "dA":
        return _wrong_W(expect.key, yours, layer + 1, call.inputs)
    return None


def ratio(yours: Array, exact: Array) -> float | None:
    y, e = yours.ravel(), exact.ravel()
    scale = float(e @ e)
    if scale == 0:
        return None
    c = float(y @ e) / scale
    return c if np.linalg.norm(y - c * e) <= 1e-6 * np.linalg.norm(y) + 1e-300 else None


def _near(c: float, target: float) -> bool:
    return abs(c - target) <= 1e-6 * abs(target)


def _factor_cause(name: str, c: float, m: int, formula: str) -> str | None:
    hint = f" ({formula})" if formula else ""
    if _near(c, -1):
        return f"off by a factor -1: a sign{hint}"
    if m > 2 and name in ("dW", "db", "cost") and _near(c, m):
        if name == "cost":
            return f"off by a factor m = {m}: the cost is not averaged over the examples{hint}"
        return f"off by a factor m = {m}: the 1/m is missing{hint}"
    if m > 2 and _near(c, 1 / m):
        if name in ("dA", "dZ"):
            return (
                f"off by a factor 1/m = 1/{m}: the course's dA and dZ carry no 1/m (they are of "
                "the summed loss); only dW and db are divided by m"
            )
        return f"off by a factor 1/m = 1/{m}: divided by m twice{hint}"
    if m > 2 and _near(c, -m):
        return f"off by a factor -m = -{m}: a sign, and the 1/m missing{hint}"
    for factor, text in ((2, "2"), (0.5, "1/2")):
        if _near(c, factor):
            return f"off by a factor {text}{hint}"
    return None


def _step_cause(step: Array, exact: Array, layer: int | None, rate: float | None) -> str | None:
    if not step.any():
        return (
            f"not updated: layer {layer}'s parameter is as it was (does the loop reach it? "
            "for l in range(1, L + 1) with L = len(parameters) // 2)"
        )
    c = ratio(step, exact)
    if c is None:
        return None
    if _near(c, -1):
        return "the update's sign: W = W - learning_rate dW, not + learning_rate dW"
    if rate and _near(c, 1 / rate):
        return "the learning rate is missing from the step: W = W - learning_rate dW"
    if rate and _near(c, rate):
        return "the learning rate is applied twice"
    return f"the step is {c:.4g} times autograd's"


def _wrong_W(key: str, yours: Array, l: int, inputs: dict[str, Array]) -> str | None:
    dZ = inputs.get(f"dZ{l}")
    if dZ is None:
        return None
    for name, W in inputs.items():
        k = name[1:]
        if not re.fullmatch(r"W\d+", name) or int(k) == l or W.shape[0] != dZ.shape[0]:
            continue
        if holds(key, yours, W.T @ dZ):
            return f"dA taken from the wrong layer's W: yours is W{k}^T dZ{l}; {key} = W{l}^T dZ{l}"
    return None


def _wrong_layers_dA(shapes: list[tuple[int, ...]], inputs: dict[str, Array]) -> str | None:
    """Two layers' gradient shapes in one exception, where the inputs hold each layer's dA:
    a layer's backward step given another layer's dA."""
    layers = {}
    for shape in shapes:
        found = [int(name[2:]) for name in inputs if re.fullmatch(r"dA\d+", name)]
        found = [l for l in found if np.shape(inputs[f"dA{l}"]) == shape]
        if len(found) == 1:
            layers[shape] = found[0]
    if len(set(layers.values())) < 2:
        return None
    (one, k), (other, j) = list(layers.items())[:2]
    return (
        f"dA from the wrong layer: {one} is layer {k}'s dA{k}, {other} layer {j}'s dA{j}; layer "
        "l's backward step takes the dA of its own output (grads['dA' + str(l)])"
    )


def _shape_cause(key: str, yours: Array, exact: Array, call: Any) -> str:
    mine, theirs = yours.shape, exact.shape
    m = call.case.m
    if len(mine) == 2 and mine == theirs[::-1]:
        values = "" if holds("Z1", yours.T, exact) else ", and its values differ too"
        if theirs[1] == m != theirs[0]:
            return (
                f"(m, n) for (n, m): {mine} puts one example per row; the course puts one "
                f"example per column{values}"
            )
        return f"transposed: {mine} for {theirs}{values}"
    if len(theirs) == 2 and theirs[1] == 1 and mine == theirs[:1]:
        if parse_quantity(key)[0] == "db":
            return "keepdims missing: (n,) for (n, 1): np.sum(dZ, axis=1, keepdims=True)"
        return "(n,) for (n, 1): a 1-D array where the course has a column, np.zeros((n, 1))"
    if theirs == () and yours.size == 1:
        return f"a shape the course does not allow: {mine} for (): np.squeeze(cost)"
    named = named_shape(mine, call.inputs)
    known = f"; {mine} is the shape of {named}" if named else ""
    return f"a shape the course does not allow: {mine} for {theirs}{known}"


def named_shape(shape: tuple[int, ...], inputs: dict[str, Array]) -> str:
    """The inputs (or their transposes) of that shape: ``W1.T``, ``dZ2``."""
    names = [name for name, array in inputs.items() if np.shape(array) == shape]
    if len(shape) == 2 and shape[0] != shape[1]:
        names += [f"{name}.T" for name, array in inputs.items() if np.shape(array) == shape[::-1]]
    return ", ".join(names[:4])


def explain_exception(failure: Failure, call: Any) -> str | None:
    """What an exception's message points at: the call's own word on it (``Call.raised``), a
    key past the last layer, or the inputs whose shapes its message names."""
    own = call.raised(failure) if call.raised is not None else None
    if own:
        return own
    key = failure.message.strip("'\"")
    if failure.kind == "KeyError" and re.fullmatch(r"d?[WbAZ]\d+", key):
        L = sum(1 for name in call.inputs if re.fullmatch(r"W\d+", name))
        layer = int(re.sub(r"\D", "", key))
        if L and layer > L:
            return (
                f"there is no {key}: the network's layers are 1 to {L} "
                "(L = len(parameters) // 2); a loop one layer too far?"
            )
        if layer == 0 and key[-2] in "Wb":
            return "there is no layer 0's W or b: the layers count from 1 (W1, b1, ...)"
    shapes = [tuple(int(n) for n in match.split(",")) for match in SHAPES.findall(failure.message)]
    wrong_layer = _wrong_layers_dA(shapes, call.inputs)
    if wrong_layer:
        return wrong_layer
    named = [
        f"{shape} is {names}" for shape in shapes if (names := named_shape(shape, call.inputs))
    ]
    return "; ".join(named) or None
