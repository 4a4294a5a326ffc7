"""nn-check's calls for "Building your Recurrent Neural Network: Step by Step" (the fifth
course's week 1): the RNN's and the LSTM's cells and sequences, forward and backward, each on
the notebook's own sizes (its test inputs, ``np.random.seed(1)`` in the notebook's order), one
example, and one where ``n_x = n_a`` (where a mistake between ``a_prev``'s rows and ``xt``'s
keeps its shapes), against ``nn.RNN``/``nn.LSTM`` and autograd (``Truth.recurrent_pass``).

The backward functions get the caches of the truth's forward pass, in the course's layout, and
an upstream ``da`` of every step (and the LSTM cell a ``dc_next``); ``dJ/da`` of any J is what
they take, so ``da`` is drawn. ``lstm_backward`` gets ``da`` for every cached step (the
notebook's example hands 4 steps to the caches of 7: a ``da`` padded with zeros gives its
numbers).

Versions differ: the cells' input gradient is ``dxt`` in the notebook's code and ``dx`` in its
docstring, read either way (with a note); the sequence functions return ``dx``. The likely
mistakes are the course's functions on changed arguments (``scratch.course.recurrent``): the
gates' weights swapped, ``[xt; a_prev]`` for ``[a_prev; xt]``, ``tanh'`` from the wrong
quantity, ``da_next`` not accumulated over time, the cell state's gradient dropped (v3a's
``lstm_backward`` carried neither, and its printed output is that), the steps in the wrong
order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from itertools import combinations
from typing import Any

import numpy as np

from scratch.activations import sigmoid, softmax
from scratch.course import recurrent as course
from scratch.course.mistakes import runnable
from scratch.course.recurrent import GATES, PARAMETERS
from scratch.grading.cases import Cases, plain
from scratch.grading.causes import shape_of
from scratch.grading.findings import LayoutError
from scratch.grading.layout import course_cache, entry, same, unpack
from scratch.grading.trial import Call, Expect

Array = np.ndarray
GATE_NAMES = {
    "f": "the forget gate ft",
    "i": "the update gate it",
    "c": "the candidate cct",
    "o": "the output gate ot",
}
FORMULAS = {
    "rnn": "a_next = tanh(Waa a_prev + Wax xt + ba), yt_pred = softmax(Wya a_next + by)",
    "lstm": "ft = sigmoid(Wf [a_prev; xt] + bf), it, cct = tanh(Wc [a_prev; xt] + bc), ot; "
    "c_next = ft c_prev + it cct, a_next = ot tanh(c_next)",
}
ORACLE = {"rnn": "torch's nn.RNN", "lstm": "torch's nn.LSTM"}  # the forward functions' truth
THROUGH_TIME = (
    "from t = T_x - 1 down to 0, step t takes da[:, :, t] + da_prevt (the gradient from the "
    "steps after it)"
)
CELL_STATE = "and dc_prevt: lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])"


@dataclass(frozen=True)
class Network:
    """A network and its inputs: ``x`` (n_x, m, T_x), ``a0`` (n_a, m), the course's
    ``parameters``, the LSTM cell's ``c0`` (n_a, m), the upstream ``da`` (n_a, m, T_x) and
    ``dc`` (n_a, m)."""

    name: str
    cell: str
    x: Array
    a0: Array
    parameters: dict[str, Array]
    c0: Array
    da: Array
    dc: Array

    @property
    def label(self) -> str:
        n_x, m, T_x = self.x.shape
        n_a, n_y = self.a0.shape[0], self.parameters["by"].shape[0]
        return f"n_x {n_x}, n_a {n_a}, n_y {n_y}, m {m}, T_x {T_x}"


def _draw(name: str, cell: str, sizes: tuple[int, ...], seed: int) -> Network:
    """The notebook's draws in its order (``x``, ``a0``, ``c_prev`` for an LSTM cell, then
    the parameters: ``Waa, Wax, Wya, ba, by``; ``Wf, bf, Wi, bi, Wo, bo, Wc, bc, Wy, by``), then
    the upstream gradients, from ``np.random.seed(seed)``."""
    n_x, n_a, n_y, m, T_x = sizes
    randn = np.random.RandomState(seed).randn
    x = randn(n_x, m, T_x) if T_x > 1 else randn(n_x, m)[:, :, np.newaxis]
    a0 = randn(n_a, m)
    c0 = randn(n_a, m) if cell == "lstm" and T_x == 1 else np.zeros((n_a, m))
    shapes = {"Waa": (n_a, n_a), "Wax": (n_a, n_x), "Wya": (n_y, n_a), "ba": (n_a, 1)}
    shapes |= {f"W{g}": (n_a, n_a + n_x) for g in GATES} | {f"b{g}": (n_a, 1) for g in GATES}
    shapes |= {"Wy": (n_y, n_a), "by": (n_y, 1)}
    order = ("Waa", "Wax", "Wya", "ba", "by")
    if cell == "lstm":
        order = ("Wf", "bf", "Wi", "bi", "Wo", "bo", "Wc", "bc", "Wy", "by")
    drawn = {key: randn(*shapes[key]) for key in order}
    parameters = {key: drawn[key] for key in PARAMETERS[cell]}
    return Network(name, cell, x, a0, parameters, c0, randn(n_a, m, T_x), randn(n_a, m))


@cache
def sequences(cell: str, steps: bool) -> tuple[Network, ...]:
    """The cell's cases (``steps`` False: one step, T_x = 1) or the sequence's: the notebook's
    sizes (n_x 3, n_a 5, n_y 2, m 10; T_x 4 for the RNN, 7 for the LSTM), one example, and
    ``n_x = n_a``."""
    T_x = (4 if cell == "rnn" else 7) if steps else 1
    return (
        _draw("course", cell, (3, 5, 2, 10, T_x), 1),
        _draw("one example", cell, (2, 3, 4, 1, 5 if steps else 1), 61),
        _draw("n_x = n_a", cell, (4, 4, 3, 3, 3 if steps else 1), 62),
    )


def _forward(cases: Cases, case: Network) -> dict[str, Array]:
    return cases.truth.recurrent_pass(case.x, case.a0, case.parameters, case.cell, c0=case.c0)


def _call(case: Network, *args: Any, **fields: Any) -> Call:
    return Call(plain(case.name, case.label), args, **fields)


# The forward functions


RNN_CACHE = ("a_next", "a_prev", "xt", "parameters")
LSTM_CACHE = ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt", "parameters")


def rnn_cell_forward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in sequences("rnn", False):
        o = _forward(cases, case)
        xt, p = case.x[:, :, 0], case.parameters
        expect = [
            Expect("a", "a_next", o["a"][:, :, 0], formula=FORMULAS["rnn"]),
            Expect("y_pred", "yt_pred", o["y_pred"][:, :, 0], formula=FORMULAS["rnn"]),
        ]
        yield _call(
            case,
            xt,
            case.a0,
            p,
            read=partial(_read_rnn_cell, case),
            expect=expect,
            inputs={"xt": xt, "a_prev": case.a0, **p},
            mistakes=partial(_rnn_cell_mistakes, case),
            oracle=ORACLE["rnn"],
        )


def _read_rnn_cell(case: Network, value: object) -> dict:
    a_next, yt_pred, cache = unpack(value, ("a_next", "yt_pred", "cache"), "rnn_cell_forward")
    given = {0: a_next, 1: case.a0, 2: case.x[:, :, 0], 3: case.parameters}
    course_cache(cache, given, RNN_CACHE, "cache")
    return {"a_next": a_next, "yt_pred": yt_pred}


def _rnn_cell_mistakes(case: Network) -> list:
    xt, a_prev, p = case.x[:, :, 0], case.a0, case.parameters

    def cell(**changed: Array) -> dict:
        a_next, yt_pred, _ = course.rnn_cell_forward(xt, a_prev, p | changed)
        return {"a": a_next, "y_pred": yt_pred}

    def output(function: Callable, state: Array) -> dict:
        return {"y_pred": function(p["Wya"] @ state + p["by"])}

    a_next = cell()["a"]
    return runnable(
        (f"ba is not added: {FORMULAS['rnn']}", lambda: cell(ba=0 * p["ba"])),
        (
            "Wax and Waa swapped: Waa multiplies a_prev, Wax xt",
            lambda: cell(Wax=p["Waa"], Waa=p["Wax"]),
        ),
        (
            "yt_pred from a_prev: yt_pred = softmax(Wya a_next + by)",
            lambda: output(softmax, a_prev),
        ),
        (
            "sigmoid for softmax at the output: yt_pred = softmax(Wya a_next + by)",
            lambda: output(sigmoid, a_next),
        ),
    )


def rnn_forward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in sequences("rnn", True):
        o = _forward(cases, case)
        expect = [Expect("a", "a", o["a"]), Expect("y_pred", "y_pred", o["y_pred"])]
        yield _call(
            case,
            case.x,
            case.a0,
            case.parameters,
            read=partial(_read_sequence, case, ("a", "y_pred", "caches"), "rnn_forward"),
            expect=expect,
            inputs={"x": case.x, "a0": case.a0, **case.parameters},
            mistakes=partial(_sequence_forward_mistakes, case),
            oracle=ORACLE[case.cell],
        )


def _read_sequence(case: Network, names: tuple[str, ...], function: str, value: object) -> dict:
    parts = unpack(value, names, function)
    caches = parts[-1]
    T_x = case.x.shape[2]
    if (
        not isinstance(caches, tuple | list)
        or len(caches) != 2
        or not same(caches[1], case.x)
        or not isinstance(caches[0], list | tuple)
        or len(caches[0]) != T_x
    ):
        raise LayoutError(
            f"caches is {shape_of(caches)}; the course's is (a list of the T_x = {T_x} step "
            "caches, x)",
            f"{function.replace('forward', 'backward')} reads the steps and x from it",
        )
    return dict(zip(names[:-1], parts[:-1], strict=True))


def _steps(
    case: Network, *, a: bool = True, c: bool = True, c0: Array | None = None
) -> dict[str, Array]:
    """The sequence forward by the course's cells, each step from the last one's state, or
    from the start's where ``a`` (the hidden state) or ``c`` (the cell state) is not carried;
    ``c0``: the cell state to start from (the course's: zeros)."""
    p, T_x = case.parameters, case.x.shape[2]
    a_prev, c_prev = case.a0, np.zeros_like(case.a0) if c0 is None else c0
    out: dict[str, list] = {"a": [], "c": [], "y_pred": []}
    for t in range(T_x):
        if case.cell == "rnn":
            a_next, yt, _ = course.rnn_cell_forward(case.x[:, :, t], a_prev, p)
        else:
            a_next, c_next, yt, _ = course.lstm_cell_forward(case.x[:, :, t], a_prev, c_prev, p)
            out["c"].append(c_next)
            c_prev = c_next if c else c_prev
        out["a"].append(a_next)
        out["y_pred"].append(yt)
        a_prev = a_next if a else a_prev
    return {key: np.stack(values, axis=2) for key, values in out.items() if values}


def _sequence_forward_mistakes(case: Network) -> list:
    out = [
        (
            "a_next is not carried: every step starts from a0, where step t takes a<t-1>",
            lambda: _steps(case, a=False),
        )
    ]
    if case.cell == "lstm":
        out += [
            (
                "c_next is not carried: every step starts from c = 0, where step t takes c<t-1>",
                lambda: _steps(case, c=False),
            ),
            (
                "the cell state starts at a0: the course's c<0> is zeros",
                lambda: _steps(case, c0=case.a0),
            ),
        ]
    return runnable(*out)


def lstm_cell_forward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in sequences("lstm", False):
        o = _forward(cases, case)
        step = {key: value[:, :, 0] for key, value in o.items()}
        formula = FORMULAS["lstm"]
        expect = [
            Expect("ft", "cache[4]", step["ft"], formula=formula),
            Expect("it", "cache[5]", step["it"], formula=formula),
            Expect("cct", "cache[6]", step["cct"], formula=formula),
            Expect("c", "c_next", step["c"], formula=formula),
            Expect("ot", "cache[7]", step["ot"], formula=formula),
            Expect("a", "a_next", step["a"], formula=formula),
            Expect(
                "y_pred", "yt_pred", step["y_pred"], formula="yt_pred = softmax(Wy a_next + by)"
            ),
        ]
        xt = case.x[:, :, 0]
        yield _call(
            case,
            xt,
            case.a0,
            case.c0,
            case.parameters,
            read=partial(_read_lstm_cell, case),
            expect=expect,
            inputs={"xt": xt, "a_prev": case.a0, "c_prev": case.c0, **case.parameters},
            mistakes=partial(_lstm_cell_mistakes, case),
            oracle=ORACLE["lstm"],
        )


def _read_lstm_cell(case: Network, value: object) -> dict:
    names = ("a_next", "c_next", "yt_pred", "cache")
    a_next, c_next, yt_pred, cache = unpack(value, names, "lstm_cell_forward")
    given = {0: a_next, 1: c_next, 2: case.a0, 3: case.c0, 8: case.x[:, :, 0], 9: case.parameters}
    course_cache(cache, given, LSTM_CACHE, "cache")
    out = {"a_next": a_next, "c_next": c_next, "yt_pred": yt_pred}
    return out | {f"cache[{at}]": cache[at] for at in (4, 5, 6, 7)}


def _lstm_cell_mistakes(case: Network) -> list:
    xt, a_prev, c_prev, p = case.x[:, :, 0], case.a0, case.c0, case.parameters
    n_a = a_prev.shape[0]

    def cell(changed: dict) -> dict:
        a_next, c_next, yt, cache = course.lstm_cell_forward(xt, a_prev, c_prev, p | changed)
        gates = dict(zip(("ft", "it", "cct", "ot"), cache[4:8], strict=True))
        return gates | {"c": c_next, "a": a_next, "y_pred": yt}

    def swapped(g: str, h: str) -> dict:
        return {f"W{g}": p[f"W{h}"], f"b{g}": p[f"b{h}"], f"W{h}": p[f"W{g}"], f"b{h}": p[f"b{g}"]}

    def untanhed() -> dict:
        right = cell({})
        a_next = right["ot"] * right["c"]
        return {"a": a_next, "y_pred": softmax(p["Wy"] @ a_next + p["by"])}

    models = [
        (
            f"the gates' weights swapped: {GATE_NAMES[g]} takes W{h}, b{h} and "
            f"{GATE_NAMES[h]} W{g}, b{g} (each gate has its own: ft Wf, bf; it Wi, bi; cct Wc, "
            "bc; ot Wo, bo)",
            partial(cell, swapped(g, h)),
        )
        for g, h in combinations(GATES, 2)
    ]
    models += [
        (
            "concat = [xt; a_prev]: the course's is np.concatenate((a_prev, xt)), a_prev's rows "
            "first",
            partial(
                cell,
                {f"W{g}": np.roll(p[f"W{g}"], -(p[f"W{g}"].shape[1] - n_a), axis=1) for g in GATES},
            ),
        ),
        ("a_next = ot c_next: the tanh is missing, a_next = ot tanh(c_next)", untanhed),
    ]
    return runnable(*models)


def lstm_forward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for case in sequences("lstm", True):
        o = _forward(cases, case)
        expect = [
            Expect("c", "c", o["c"]),
            Expect("a", "a", o["a"]),
            Expect("y_pred", "y", o["y_pred"]),
        ]
        yield _call(
            case,
            case.x,
            case.a0,
            case.parameters,
            read=partial(_read_sequence, case, ("a", "y", "c", "caches"), "lstm_forward"),
            expect=expect,
            inputs={"x": case.x, "a0": case.a0, **case.parameters},
            mistakes=partial(_sequence_forward_mistakes, case),
            oracle=ORACLE[case.cell],
        )


# The backward functions


CELL_GRADIENTS = {
    "rnn": (("dxt", "dx"), ("da_prev", "da0"), ("dWax", "dWax"), ("dWaa", "dWaa"), ("dba", "dba")),
    "lstm": (
        ("dxt", "dx"),
        ("da_prev", "da0"),
        ("dc_prev", "dc0"),
        *((f"d{key}", f"d{key}") for key in PARAMETERS["lstm"][:-2]),
    ),
}
OLD_DX = (
    "gradients['dx'] read as dxt, the input's gradient (the notebook's docstring says dx; its "
    "code returns dxt)"
)


def _cache_of(case: Network, o: dict, t: int) -> tuple:
    """The course's cache of step t of the truth's forward pass."""
    a_prev = case.a0 if t == 0 else o["a"][:, :, t - 1]
    at = {
        key: value[:, :, t]
        for key, value in o.items()
        if key in ("a", "c", "ft", "it", "cct", "ot")
    }
    xt = case.x[:, :, t]
    if case.cell == "rnn":
        return at["a"], a_prev, xt, case.parameters
    c_prev = case.c0 if t == 0 else o["c"][:, :, t - 1]
    gates = (at["ft"], at["it"], at["cct"], at["ot"])
    return (at["a"], at["c"], a_prev, c_prev, *gates, xt, case.parameters)


def _gradients(o: dict, names: tuple[tuple[str, str], ...], step: bool) -> list[Expect]:
    out = []
    for shown, key in names:
        value = o[key][:, :, 0] if step and key == "dx" else o[key]
        out.append(Expect(key, f"gradients['{shown}']", value))
    return out


def _read_gradients(names: tuple[tuple[str, str], ...], value: object) -> dict:
    out = {}
    for shown, _ in names:
        key = shown
        if shown == "dxt" and isinstance(value, dict) and "dxt" not in value and "dx" in value:
            key, out["note"] = "dx", OLD_DX
        out[f"gradients['{shown}']"] = entry(value, key, "gradients")
    return out


def rnn_cell_backward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    yield from _cell_backward(cases, "rnn")


def lstm_cell_backward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    yield from _cell_backward(cases, "lstm")


def _cell_backward(cases: Cases, cell: str) -> Iterator[Call]:
    names = CELL_GRADIENTS[cell]
    for case in sequences(cell, False):
        da_next = case.da[:, :, 0]
        o = cases.truth.recurrent_pass(
            case.x,
            case.a0,
            case.parameters,
            cell,
            c0=case.c0,
            da=case.da,
            dc=case.dc if cell == "lstm" else None,
        )
        cache = _cache_of(case, o, 0)
        args = (da_next, cache) if cell == "rnn" else (da_next, case.dc, cache)
        yield _call(
            case,
            *args,
            read=partial(_read_gradients, names),
            expect=_gradients(o, names, step=True),
            inputs={"da_next": da_next, **case.parameters},
            mistakes=partial(_cell_backward_mistakes, case, args),
        )


def _cell_backward_mistakes(case: Network, args: tuple) -> list:
    def keyed(gradients: dict) -> dict:
        names = dict(CELL_GRADIENTS[case.cell])
        return {names[key]: value for key, value in gradients.items()}

    if case.cell == "rnn":
        da_next, (a_next, a_prev, xt, p) = args

        def rnn(cache: tuple) -> dict:
            return keyed(course.rnn_cell_backward(da_next, cache))

        right = rnn((a_next, a_prev, xt, p))
        models = [
            (
                "tanh' from tanh(a_next): a_next already is the tanh; "
                "dtanh = da_next (1 - a_next^2)",
                lambda: rnn((np.tanh(a_next), a_prev, xt, p)),
            ),
            (
                "tanh' from a_prev: the derivative is at this step's output, "
                "dtanh = da_next (1 - a_next^2)",
                lambda: rnn((a_prev, a_prev, xt, p)),
            ),
            (
                "dxt and da_prev swapped: dxt = Wax^T dtanh, da_prev = Waa^T dtanh",
                lambda: {"dx": right["da0"], "da0": right["dx"]},
            ),
        ]
        return runnable(*models)
    da_next, dc_next, cache = args
    a_next, c_next, ot = cache[0], cache[1], cache[7]

    def lstm(da: Array, dc: Array) -> dict:
        return keyed(course.lstm_cell_backward(da, dc, cache))

    right = lstm(da_next, dc_next)
    models = [
        (
            "tanh' from a_next: the derivative of tanh(c_next) is 1 - tanh(c_next)^2, not "
            "1 - a_next^2 (dc = dc_next + da_next ot (1 - tanh(c_next)^2))",
            lambda: lstm(da_next, dc_next + da_next * ot * (np.tanh(c_next) ** 2 - a_next**2)),
        ),
        (
            "dc_next dropped: the cell state's gradient from the steps after it adds to this "
            "step's, dc = dc_next + da_next ot (1 - tanh(c_next)^2)",
            lambda: lstm(da_next, 0 * dc_next),
        ),
        (
            "dc_prev without the forget gate: dc_prev = dc ft",
            lambda: {"dc0": right["dc0"] / cache[4]},
        ),
        (
            "dft and dit swapped: dWf = dft [a_prev; xt]^T comes through the forget gate",
            lambda: {
                "dWf": right["dWi"],
                "dbf": right["dbi"],
                "dWi": right["dWf"],
                "dbi": right["dbf"],
            },
        ),
        (
            "dconcat split the other way round: da_prev = dconcat[:n_a] (a_prev's rows come "
            "first in [a_prev; xt]), dxt = dconcat[n_a:]",
            lambda: _split_at_n_x(right),
        ),
    ]
    return runnable(*models)


def _split_at_n_x(right: dict[str, Array]) -> dict[str, Array]:
    """``da_prev`` the last n_a rows of ``dconcat = [da_prev; dxt]``, ``dxt`` its first n_x."""
    dconcat = np.concatenate((right["da0"], right["dx"]))
    n_x = right["dx"].shape[0]
    return {"dx": dconcat[:n_x], "da0": dconcat[n_x:]}


def rnn_backward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    yield from _sequence_backward(cases, "rnn")


def lstm_backward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    yield from _sequence_backward(cases, "lstm")


def _sequence_backward(cases: Cases, cell: str) -> Iterator[Call]:
    weights = [pair for pair in CELL_GRADIENTS[cell] if pair[0][:2] in ("dW", "db")]
    names = (("dx", "dx"), ("da0", "da0"), *weights)
    for case in sequences(cell, True):
        o = cases.truth.recurrent_pass(case.x, case.a0, case.parameters, cell, da=case.da)
        steps = [_cache_of(case, o, t) for t in range(case.x.shape[2])]
        caches = (steps, case.x)
        yield _call(
            case,
            case.da,
            caches,
            read=partial(_read_gradients, names),
            expect=_gradients(o, names, step=False),
            inputs={"da": case.da, "x": case.x, **case.parameters},
            mistakes=partial(_through_time_mistakes, cell, case.da, steps),
        )


def _through_time(
    cell: str, da: Array, steps: list, *, a: bool = True, c: bool = True, backwards: bool = True
) -> dict:
    """The course's backward through time, by its cells, with ``da_prevt`` (``a``) or
    ``dc_prevt`` (``c``) carried to the next step or not, from the last step down
    (``backwards``) or the first up."""
    n_a, m, T_x = da.shape
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    total: dict[str, Array] = {}
    dx = []
    for t in reversed(range(T_x)) if backwards else range(T_x):
        if cell == "rnn":
            step = course.rnn_cell_backward(da[:, :, t] + da_prevt, steps[t])
        else:
            step = course.lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, steps[t])
            dc_prevt = step["dc_prev"] if c else dc_prevt
        da_prevt = step["da_prev"] if a else da_prevt
        dx.append((t, step["dxt"]))
        for key, value in step.items():
            if key not in ("dxt", "da_prev", "dc_prev"):
                total[key] = total.get(key, 0) + value
    ordered = np.stack([value for _, value in sorted(dx, key=lambda item: item[0])], axis=2)
    return {"dx": ordered, "da0": step["da_prev"], **total}


def _through_time_mistakes(cell: str, da: Array, steps: list) -> list:
    carried = "da_next not accumulated over time: " + THROUGH_TIME
    out = [
        (
            f"{carried}; the gradient from the later steps is dropped",
            partial(_through_time, cell, da, steps, a=False),
        ),
        (
            "the steps in the forward order: backpropagation through time runs from the last "
            "step down (for t in reversed(range(T_x)))",
            partial(_through_time, cell, da, steps, backwards=False),
        ),
    ]
    if cell == "lstm":
        out += [
            (
                f"the cell state's gradient dropped: {THROUGH_TIME} {CELL_STATE}",
                partial(_through_time, cell, da, steps, c=False),
            ),
            (
                f"neither da_prevt nor dc_prevt carried to the step before (the v3a notebook's "
                f"printed output has this bug): {THROUGH_TIME} {CELL_STATE}",
                partial(_through_time, cell, da, steps, a=False, c=False),
            ),
        ]
    return runnable(*out)


CHECKS = {
    function.__name__: function
    for function in (
        rnn_cell_forward,
        rnn_forward,
        lstm_cell_forward,
        lstm_forward,
        rnn_cell_backward,
        rnn_backward,
        lstm_cell_backward,
        lstm_backward,
    )
}
