"""nn-check's calls for "Convolutional Model: Step by Step" (the fourth course's week 1): each
function on the notebook's own test inputs (``np.random.seed(1)``, drawn in the notebook's
order, so its numbers are the ones the notebook prints) and on others chosen to show what those
hide (pad 0, a stride of 1 and of 2, one channel, a window that is not square), against torch's
own layers through the layout maps (``Truth.convolution``, ``pooling``, ``padded``,
``window_gradient``).

The backward functions get the cache of the course's forward pass and an upstream gradient of
their own; ``conv_backward``'s "course" case takes ``dZ = Z``, as the notebook's test does.

The max pool's tie rule is not judged: the course's mask ``x == max(x)`` passes the gradient to
every entry that ties with the maximum, torch's max pool to one of them, and both are a rule
(the course's is its formula). Every window nn-check pools holds distinct values (standard
normal draws), where the two agree; ``create_mask_from_window`` gets windows without a tie at
their maximum too.

The likely mistakes are the course's own loops with one line changed
(``scratch.course.mistakes.planted``): the bias forgotten, ``h`` for ``h * stride``, ``dW``,
``db`` or ``dA`` not accumulated (``=`` for ``+=``), the padding left on ``dA_prev`` or taken
off by the notebook's hint ``pad:-pad`` (empty at pad 0), the pool's mask on the wrong window,
a loop over ``n_H_prev`` where the output has ``n_H``; and ``distribute_value``'s window
transposed or its value not divided.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, partial

import numpy as np

from scratch.course import convolution as course
from scratch.course.mistakes import planted, runnable
from scratch.grading.cases import Cases, plain
from scratch.grading.causes import SHAPES
from scratch.grading.layout import course_cache, unpack
from scratch.grading.outcomes import Failure
from scratch.grading.trial import Call, Expect
from scratch.tolerances import EXACT

Array = np.ndarray
CORRELATION = "Z[i, h, w, c] = sum(a_slice_prev * W[:, :, :, c]) + b[:, :, :, c]"
SLICE = (
    "the window of output (h, w) starts at (h * stride, w * stride): vert_start = h * stride, "
    "horiz_start = w * stride"
)
SUMS = "each gradient sums the terms of every window: +=, not ="
PAD_HINT = (
    "the notebook's hint X[pad:-pad, pad:-pad, :] is empty at pad = 0 (-0 is 0, so pad:-pad is "
    "0:0); X[pad:pad + n_H_prev, pad:pad + n_W_prev, :] works for every pad"
)
ONE_NUMBER = "b.item() (or np.squeeze(b)) takes its one number on every NumPy"
OUTPUT_SIZE = (
    "the loops run over the output's rows and columns, n_H = floor((n_H_prev + 2 pad - f) / "
    "stride) + 1 and n_W alike, not over the input's n_H_prev, n_W_prev"
)


@dataclass(frozen=True)
class Layer:
    """One case of a layer: its input ``A_prev`` (m, n_H_prev, n_W_prev, n_C_prev), filters
    ``W`` and biases ``b`` (a convolution's; ``None`` for a pool), ``hparameters``, and the
    upstream gradient ``upstream`` of its output (``None``: the output itself, as the notebook's
    ``conv_backward`` test takes ``dZ = Z``)."""

    name: str
    A_prev: Array
    hparameters: dict[str, int]
    W: Array | None = None
    b: Array | None = None
    upstream: Array | None = None

    @property
    def label(self) -> str:
        settings = ", ".join(f"{key} {value}" for key, value in self.hparameters.items())
        filters = f", W {self.W.shape}" if self.W is not None else ""
        return f"A_prev {self.A_prev.shape}{filters}, {settings}"


@cache
def conv_layers() -> tuple[Layer, ...]:
    """The notebook's ``conv_forward`` test (pad 1, stride 2) and ``conv_backward`` test (pad 2,
    stride 2, ``dZ = Z``), pad 0 at stride 1, and one channel in and out of a 2x2 filter."""
    rng = np.random.RandomState(1)
    forward = rng.randn(2, 5, 7, 4), rng.randn(3, 3, 4, 8), rng.randn(1, 1, 1, 8)
    rng = np.random.RandomState(1)
    backward = rng.randn(10, 4, 4, 3), rng.randn(2, 2, 3, 8), rng.randn(1, 1, 1, 8)
    draws = np.random.default_rng(51)
    pad_0 = draws.standard_normal((2, 5, 5, 2)), draws.standard_normal((3, 3, 2, 3))
    one = draws.standard_normal((1, 6, 6, 1)), draws.standard_normal((2, 2, 1, 1))
    return (
        _with_upstream(Layer("course", forward[0], {"pad": 1, "stride": 2}, *forward[1:]), draws),
        Layer("course backward", backward[0], {"pad": 2, "stride": 2}, *backward[1:]),
        _with_upstream(
            Layer(
                "pad 0",
                pad_0[0],
                {"pad": 0, "stride": 1},
                pad_0[1],
                draws.normal(size=(1, 1, 1, 3)),
            ),
            draws,
        ),
        _with_upstream(
            Layer(
                "one channel",
                one[0],
                {"pad": 1, "stride": 2},
                one[1],
                draws.normal(size=(1, 1, 1, 1)),
            ),
            draws,
        ),
    )


@cache
def pool_layers() -> tuple[Layer, ...]:
    """The notebook's ``pool_backward`` test (f 2, stride 1: the windows overlap; its ``dA``
    drawn after ``A_prev``) and its second ``pool_forward`` test (f 3, stride 2), and a 2x2
    pool of images that are not square."""
    rng = np.random.RandomState(1)
    course_A, course_dA = rng.randn(5, 5, 3, 2), rng.randn(5, 4, 2, 2)
    strided = np.random.RandomState(1).randn(2, 5, 5, 3)
    draws = np.random.default_rng(52)
    layers = (
        Layer("course", course_A, {"stride": 1, "f": 2}, upstream=course_dA),
        _with_upstream(Layer("stride 2", strided, {"stride": 2, "f": 3}), draws),
        _with_upstream(
            Layer("not square", draws.standard_normal((2, 6, 4, 3)), {"stride": 2, "f": 2}), draws
        ),
    )
    return layers


def _with_upstream(layer: Layer, draws: np.random.Generator) -> Layer:
    """The layer with an upstream gradient of its output's shape, drawn."""
    A_prev, hp = layer.A_prev, layer.hparameters
    f = layer.W.shape[0] if layer.W is not None else hp["f"]
    pad = hp.get("pad", 0)
    n_H, n_W = ((n + 2 * pad - f) // hp["stride"] + 1 for n in A_prev.shape[1:3])
    n_C = layer.W.shape[3] if layer.W is not None else A_prev.shape[3]
    upstream = draws.standard_normal((A_prev.shape[0], n_H, n_W, n_C))
    return Layer(layer.name, A_prev, hp, layer.W, layer.b, upstream)


def _case(layer: Layer, mode: str | None = None):
    label = f"{layer.label}, mode {mode!r}" if mode else layer.label
    return plain(layer.name if mode is None else f"{layer.name}, {mode}", label)


def _raised(failure: Failure) -> str | None:
    """An exception of the convolution's or the pool's loops that names its mistake: a slice
    of ``da_prev_pad`` that is empty (the notebook's ``pad:-pad`` at pad 0) or keeps its
    padding, an index past the output's rows or a window past the input (a loop over
    ``n_H_prev``)."""
    message = failure.message
    if failure.kind == "TypeError" and "0-dimensional arrays can be converted" in message:
        return (
            f"float() of an array of one number, b (1, 1, 1): this NumPy ({np.__version__}) "
            f"refuses it (1.25 deprecated it; the notebook was written before); {ONE_NUMBER}"
        )
    shapes = [tuple(map(int, found.split(","))) for found in SHAPES.findall(message)]
    if failure.kind == "ValueError" and "could not broadcast input array" in message:
        if shapes and 0 in shapes[0][:2]:
            return f"an empty dA_prev slice: {PAD_HINT}"
        if len(shapes) == 2 and _padded(*shapes):
            return f"the padding is not removed: {UNPADDED.split(' = ')[1]} takes it off"
    if failure.kind == "IndexError" and ("axis 1" in message or "axis 2" in message):
        return f"an index past the output's rows or columns: {OUTPUT_SIZE}"
    if failure.kind == "ValueError" and (
        "could not be broadcast" in message or "zero-size array" in message
    ):
        return f"a window past the input (or a window cut short): {OUTPUT_SIZE}"
    return None


def _padded(wide: tuple[int, ...], narrow: tuple[int, ...]) -> bool:
    """``wide`` is ``narrow`` with as many rows and columns more on each side."""
    grown = [a - b for a, b in zip(wide[-3:-1], narrow[-3:-1], strict=True)]
    return len(wide) == len(narrow) and grown[0] == grown[1] > 0 and grown[0] % 2 == 0


# zero_pad and conv_single_step


def zero_pad(cases: Cases, parameters: tuple) -> Iterator[Call]:
    """The notebook's ``x`` (4, 3, 3, 2) at pad 3, pad 0, and one image of three channels."""
    draws = np.random.default_rng(53)
    inputs = (
        ("course", np.random.RandomState(1).randn(4, 3, 3, 2), 3),
        ("pad 0", draws.standard_normal((2, 3, 4, 1)), 0),
        ("one image", draws.standard_normal((1, 2, 5, 3)), 1),
    )
    for name, X, pad in inputs:
        expect = [Expect("X", "X_pad", cases.truth.padded(X, pad), tol=EXACT)]
        yield Call(
            plain(name, f"X {X.shape}, pad {pad}"),
            (X, pad),
            _one("X_pad"),
            expect,
            {"X": X},
            partial(_pad_mistakes, X, pad),
            oracle="torch's ZeroPad2d",
        )


def _one(name: str) -> Callable[[object], dict]:
    return lambda value: {name: value}


def _pad_mistakes(X: Array, pad: int) -> list:
    right = "np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0))): the rows and columns only"
    out = [
        ("every axis padded, the examples and channels too (np.pad(X, pad))", np.pad(X, pad)),
        ("one side only, (0, pad)", np.pad(X, ((0, 0), (0, pad), (0, pad), (0, 0)))),
        (
            "the channels padded, not the columns",
            np.pad(X, ((0, 0), (pad, pad), (0, 0), (pad, pad))),
        ),
    ]
    return [(f"{cause}: {right}", {"X": value}) for cause, value in out]


def conv_single_step(cases: Cases, parameters: tuple) -> Iterator[Call]:
    """The notebook's window (4, 4, 3), and a 2x2 one of one channel."""
    rng = np.random.RandomState(1)
    course_args = rng.randn(4, 4, 3), rng.randn(4, 4, 3), rng.randn(1, 1, 1)
    draws = np.random.default_rng(54)
    small = (
        draws.standard_normal((2, 2, 1)),
        draws.standard_normal((2, 2, 1)),
        np.full((1, 1, 1), 0.5),
    )
    for name, (a_slice, W, b) in (("course", course_args), ("one channel", small)):
        layer = Layer(
            name,
            a_slice[np.newaxis],
            {"stride": 1, "pad": 0},
            W[..., np.newaxis],
            b[..., np.newaxis],
        )
        Z = cases.truth.convolution(layer.A_prev, layer.W, layer.b, layer.hparameters)["Z"]
        expect = [Expect("Z", "Z", np.asarray(Z.item()), formula=CORRELATION)]
        yield Call(
            plain(name, f"a_slice_prev {a_slice.shape}, W {W.shape}, b {b.shape}"),
            (a_slice, W, b),
            _one("Z"),
            expect,
            {"a_slice_prev": a_slice, "W": W, "b": b},
            partial(_single_step_mistakes, a_slice, W, b),
            raised=_raised,
            oracle="torch's Conv2d",
        )


def _single_step_mistakes(a_slice: Array, W: Array, b: Array) -> list:
    products = np.sum(a_slice * W)
    return [
        (f"the bias is not added: {CORRELATION}", {"Z": np.asarray(products)}),
        (
            f"Z is an array of b's shape (1, 1, 1), not a number: {ONE_NUMBER}",
            {"Z": products + b},
        ),
    ]


# conv_forward and conv_backward


def conv_forward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for layer in conv_layers():
        Z = cases.truth.convolution(layer.A_prev, layer.W, layer.b, layer.hparameters)["Z"]
        yield Call(
            _case(layer),
            (layer.A_prev, layer.W, layer.b, layer.hparameters),
            partial(_read_conv, layer),
            [Expect("Z", "Z", Z, formula=CORRELATION)],
            _inputs(layer),
            partial(_forward_mistakes, layer),
            raised=_raised,
            oracle="torch's Conv2d",
        )


def _inputs(layer: Layer) -> dict[str, Array]:
    out = {"A_prev": layer.A_prev, "W": layer.W, "b": layer.b}
    return {key: value for key, value in out.items() if value is not None}


def _read_conv(layer: Layer, value: object) -> dict:
    Z, cache = unpack(value, ("Z", "cache"), "conv_forward")
    given = (layer.A_prev, layer.W, layer.b, layer.hparameters)
    course_cache(cache, dict(enumerate(given)), ("A_prev", "W", "b", "hparameters"), "cache")
    return {"Z": Z}


def _strided_rows(layer: Layer, rows: bool, columns: bool) -> Array:
    """Z with the windows of output (h, w) at (h, w) in place of (h s, w s) (``rows``,
    ``columns``): the stride-1 output, sampled."""
    hp, s = layer.hparameters, layer.hparameters["stride"]
    Z = course.conv_forward(layer.A_prev, layer.W, layer.b, hp)[0]
    every = course.conv_forward(layer.A_prev, layer.W, layer.b, {"stride": 1, "pad": hp["pad"]})[0]
    n_H, n_W = Z.shape[1:3]
    h = np.arange(n_H) * (1 if rows else s)
    w = np.arange(n_W) * (1 if columns else s)
    return every[:, h][:, :, w]


def _forward_mistakes(layer: Layer) -> list:
    hp = layer.hparameters
    out = runnable(
        (
            f"the bias is not added: {CORRELATION}",
            lambda: {"Z": course.conv_forward(layer.A_prev, layer.W, 0 * layer.b, hp)[0]},
        ),
        (f"h for h * stride: {SLICE}", lambda: {"Z": _strided_rows(layer, True, False)}),
        (f"w for w * stride: {SLICE}", lambda: {"Z": _strided_rows(layer, False, True)}),
        (
            f"h and w for h * stride, w * stride: {SLICE}",
            lambda: {"Z": _strided_rows(layer, True, True)},
        ),
    )
    return out if hp["stride"] > 1 else out[:1]


def conv_backward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for layer in conv_layers():
        truth = cases.truth.convolution
        args = (layer.A_prev, layer.W, layer.b, layer.hparameters)
        dZ = layer.upstream if layer.upstream is not None else truth(*args)["Z"]
        o = truth(*args, dZ)
        expect = [
            Expect(
                "dA0", "dA_prev", o["dA_prev"], formula="dA_prev: dA_pad with its padding removed"
            ),
            Expect("dW", "dW", o["dW"], formula="dW[:, :, :, c] += a_slice * dZ[i, h, w, c]"),
            Expect("db", "db", o["db"], formula="db[:, :, :, c] += dZ[i, h, w, c]"),
        ]
        yield Call(
            _case(layer),
            (dZ, args),
            _read_conv_backward,
            expect,
            _inputs(layer)
            | {"dZ": dZ, "A_prev_pad": course.zero_pad(layer.A_prev, layer.hparameters["pad"])},
            partial(_backward_mistakes, layer, dZ),
            raised=_raised,
            oracle="autograd of torch's Conv2d",
        )


def _read_conv_backward(value: object) -> dict:
    dA_prev, dW, db = unpack(value, ("dA_prev", "dW", "db"), "conv_backward")
    return {"dA_prev": dA_prev, "dW": dW, "db": db}


ACCUMULATED = {
    "dW": (
        "dW[:, :, :, c] += a_slice * dZ[i, h, w, c]",
        "dW[:, :, :, c] = a_slice * dZ[i, h, w, c]",
    ),
    "db": ("db[:, :, :, c] += dZ[i, h, w, c]", "db[:, :, :, c] = dZ[i, h, w, c]"),
    "dA0": (
        "da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += (",
        "da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] = (",
    ),
}
UNPADDED = "dA_prev = dA_prev_pad[:, pad : pad + n_H_prev, pad : pad + n_W_prev, :]"
STRIDED = (
    ("vert_start = h * stride", "vert_start = h"),
    ("horiz_start = w * stride", "horiz_start = w"),
)


def _backward_mistakes(layer: Layer, dZ: Array) -> list:
    cache = (layer.A_prev, layer.W, layer.b, layer.hparameters)
    m = layer.A_prev.shape[0]

    def run(*changes: tuple[str, str]) -> dict:
        dA_prev, dW, db = planted(course.conv_backward, *changes)(dZ, cache)
        return {"dA0": dA_prev, "dW": dW, "db": db}

    def right() -> dict:
        return run()

    models = [
        (f"{name} not accumulated: {SUMS} ({line.strip()})", partial(run, (line, wrong)))
        for name, (line, wrong) in ACCUMULATED.items()
    ]
    models += [
        (
            "the padding is not removed from dA_prev: dA_prev holds dA_prev_pad's inside, "
            f"{UNPADDED.split(' = ')[1]}",
            partial(run, (UNPADDED, "dA_prev = dA_prev_pad")),
        ),
        (
            f"dA_prev is empty at pad 0: {PAD_HINT}",
            partial(run, (UNPADDED, "dA_prev = dA_prev_pad[:, pad:-pad, pad:-pad, :]")),
        ),
        (f"h and w for h * stride, w * stride: {SLICE}", partial(run, *STRIDED)),
        (
            "W and a_slice swapped: da_prev_pad[window] += W[:, :, :, c] dZ[i, h, w, c] and "
            "dW[:, :, :, c] += a_slice dZ[i, h, w, c]",
            partial(
                run,
                ("W[:, :, :, c] * dZ[i, h, w, c]", "a_slice * dZ[i, h, w, c]"),
                ("dW[:, :, :, c] += a_slice", "dW[:, :, :, c] += W[:, :, :, c]"),
            ),
        ),
        (
            f"divided by m = {m}: conv_backward sums over the examples (dZ already is the cost's "
            "gradient)",
            lambda: {key: value / m for key, value in right().items()},
        ),
    ]
    return runnable(*models)


# create_mask_from_window, distribute_value


MASK = "mask = (x == np.max(x)): True at the window's maximum"


def create_mask_from_window(cases: Cases, parameters: tuple) -> Iterator[Call]:
    """The notebook's ``x`` (2, 3) and its integer window (ties below the maximum), and a
    window of negative values: no tie at a maximum (see the module's docstring)."""
    windows = (
        ("course", np.random.RandomState(1).randn(2, 3)),
        ("integers", np.array([[-1.0, 2.0, 3.0], [2.0, -3.0, 2.0], [1.0, 5.0, -2.0]])),
        ("negative", -np.abs(np.random.default_rng(55).standard_normal((3, 3))) - 1),
    )
    for name, x in windows:
        expect = [
            Expect(
                "D",
                "mask",
                cases.truth.window_gradient(x, "max"),
                tol=EXACT,
                cast=True,
                formula=MASK,
            )
        ]
        yield Call(
            plain(name, f"x {x.shape}"),
            (x,),
            _one("mask"),
            expect,
            {"x": x},
            partial(_mask_mistakes, x),
            oracle="autograd of the window's max",
        )


def _mask_mistakes(x: Array) -> list:
    out = [
        ("np.min for np.max", x == np.min(x)),
        (
            "the maximum of each column (np.max(x, axis=0)), not of the window",
            x == np.max(x, axis=0),
        ),
        (
            "the maximum of each row (np.max(x, axis=1)), not of the window",
            x == np.max(x, axis=1, keepdims=True),
        ),
        (
            "np.argmax gives the maximum's flat index, not a mask of x's shape",
            np.asarray(np.argmax(x)),
        ),
    ]
    return [(f"{cause}: {MASK}", {"D": np.asarray(value, dtype=float)}) for cause, value in out]


SPREAD = "a = np.full((n_H, n_W), dz / (n_H * n_W)): every entry dz / (n_H n_W)"


def distribute_value(cases: Cases, parameters: tuple) -> Iterator[Call]:
    """The notebook's (2, (2, 2)) and (100, (10, 10)), and windows that are not square, where a
    transposed shape shows."""
    for dz, shape in ((2.0, (2, 2)), (100.0, (10, 10)), (-0.7, (2, 3)), (1.5, (3, 1))):
        expect = [
            Expect(
                "dA0",
                "a",
                cases.truth.window_gradient(np.zeros(shape), "average", dz),
                formula=SPREAD,
            )
        ]
        yield Call(
            plain(f"shape {shape}", f"dz {dz}, shape {shape}"),
            (dz, shape),
            _one("a"),
            expect,
            mistakes=partial(_spread_mistakes, dz, shape),
            oracle="autograd of an average pool",
        )


def _spread_mistakes(dz: float, shape: tuple[int, int]) -> list:
    n_H, n_W = shape
    out = [
        ("the window's shape transposed, (n_W, n_H)", np.full((n_W, n_H), dz / (n_H * n_W))),
        ("dz is not divided", np.full(shape, dz)),
        ("dz divided by n_H alone", np.full(shape, dz / n_H)),
        ("dz divided by n_H + n_W", np.full(shape, dz / (n_H + n_W))),
        ("dz multiplied by n_H n_W", np.full(shape, dz * n_H * n_W)),
    ]
    return [(f"{cause}: {SPREAD}", {"dA0": value}) for cause, value in out]


# pool_forward and pool_backward


MODES = ("max", "average")
POOL = "A[i, h, w, c] = max (or mean) of A_prev[i, h s:h s + f, w s:w s + f, c]"


def pool_forward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for layer in pool_layers():
        for mode in MODES:
            A = cases.truth.pooling(layer.A_prev, layer.hparameters, mode)["A"]
            yield Call(
                _case(layer, mode),
                (layer.A_prev, layer.hparameters, mode),
                partial(_read_pool, layer),
                [Expect("A", "A", A, formula=POOL)],
                _inputs(layer),
                partial(_pool_forward_mistakes, layer, mode),
                raised=_raised,
                oracle=f"torch's {'MaxPool2d' if mode == 'max' else 'AvgPool2d'}",
            )


def _read_pool(layer: Layer, value: object) -> dict:
    A, cache = unpack(value, ("A", "cache"), "pool_forward")
    course_cache(cache, {0: layer.A_prev, 1: layer.hparameters}, ("A_prev", "hparameters"), "cache")
    return {"A": A}


def _pool_forward_mistakes(layer: Layer, mode: str) -> list:
    A_prev, hp = layer.A_prev, layer.hparameters
    other = MODES[1 - MODES.index(mode)]
    reduce = np.max if mode == "max" else np.mean

    def over_channels() -> dict:
        A = course.pool_forward(A_prev, hp, mode)[0]
        return {"A": np.broadcast_to(reduce(A, axis=3, keepdims=True), A.shape)}

    models = [
        (
            f"mode {other!r} where {mode!r} is asked for",
            lambda: {"A": course.pool_forward(A_prev, hp, other)[0]},
        ),
        (
            "each window pooled over every channel: the pool works channel by channel, "
            "A_prev[i, window, c]",
            over_channels,
        ),
        (
            "the output's size without its + 1: n_H = int(1 + (n_H_prev - f) / stride)",
            lambda: {"A": course.pool_forward(A_prev, hp, mode)[0][:, :-1, :-1]},
        ),
        (
            f"n_H_prev, n_W_prev for n_H, n_W: {OUTPUT_SIZE}",
            lambda: {"A": _planted_pool_size(A_prev, hp, mode)},
        ),
    ]
    if hp["stride"] > 1:
        models.append(
            (
                f"h and w for h * stride, w * stride: {SLICE}",
                lambda: {"A": planted(course.pool_forward, *STRIDED)(A_prev, hp, mode)[0]},
            )
        )
    return runnable(*models)


def _planted_pool_size(A_prev: Array, hp: dict, mode: str) -> Array:
    sizes = (
        ("n_H = output_size(n_H_prev, f, stride)", "n_H = n_H_prev"),
        ("n_W = output_size(n_W_prev, f, stride)", "n_W = n_W_prev"),
    )
    return planted(course.pool_forward, *sizes)(A_prev, hp, mode)[0]


def pool_backward(cases: Cases, parameters: tuple) -> Iterator[Call]:
    for layer in pool_layers():
        for mode in MODES:
            o = cases.truth.pooling(layer.A_prev, layer.hparameters, mode, layer.upstream)
            formula = (
                "dA_prev[i, window, c] += mask * dA[i, h, w, c], "
                "mask = create_mask_from_window(window)"
                if mode == "max"
                else "dA_prev[i, window, c] += distribute_value(dA[i, h, w, c], (f, f))"
            )
            yield Call(
                _case(layer, mode),
                (layer.upstream, (layer.A_prev, layer.hparameters), mode),
                _one("dA_prev"),
                [Expect("dA0", "dA_prev", o["dA_prev"], formula=formula)],
                _inputs(layer) | {"dA": layer.upstream},
                partial(_pool_backward_mistakes, layer, mode),
                raised=_raised,
                oracle=f"autograd of torch's {'MaxPool2d' if mode == 'max' else 'AvgPool2d'}",
            )


MASK_WINDOW = (
    "a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]",
    "a_prev_slice = A_prev[i, h : h + f, w : w + f, c]",
)
POOL_SUMS = {
    "max": ("dA_prev[window] += mask * dA[i, h, w, c]", "dA_prev[window] = mask * dA[i, h, w, c]"),
    "average": (
        "dA_prev[window] += distribute_value(da, (f, f))",
        "dA_prev[window] = distribute_value(da, (f, f))",
    ),
}


def _pool_backward_mistakes(layer: Layer, mode: str) -> list:
    cache = (layer.A_prev, layer.hparameters)
    other = MODES[1 - MODES.index(mode)]

    def run(*changes: tuple[str, str], how: str = mode) -> dict:
        return {"dA0": planted(course.pool_backward, *changes)(layer.upstream, cache, how)}

    models = [
        (f"mode {other!r} where {mode!r} is asked for", partial(run, how=other)),
        (f"dA_prev not accumulated where windows overlap: {SUMS}", partial(run, POOL_SUMS[mode])),
    ]
    if layer.hparameters["stride"] > 1:
        models += [(f"h and w for h * stride, w * stride: {SLICE}", partial(run, *STRIDED))]
        if mode == "max":
            models.insert(
                0,
                (
                    "the mask taken on the wrong window: A_prev[i, h:h + f, w:w + f, c], where "
                    f"the window of (h, w) is at (h * stride, w * stride); {SLICE}",
                    partial(run, MASK_WINDOW),
                ),
            )
    return runnable(*models)


CHECKS = {
    function.__name__: function
    for function in (
        zero_pad,
        conv_single_step,
        conv_forward,
        conv_backward,
        create_mask_from_window,
        distribute_value,
        pool_forward,
        pool_backward,
    )
}
