"""The benchmark's clocks: each side's step time, each library's time for the same step's matrix
products, and the machine's matmul rate, all taken in interleaved rounds of one process.

How a step is timed. Each side runs its own training function (``scratch.train``,
``torch_impl.train_plain`` or ``torch_impl.train``, a real ``lightning.Trainer``), and the peer
(``PEER``, scikit-learn's MLP, ``scripts.benchmarks.peer``) its ``fit``, with a callback that
reads ``time.perf_counter()`` once every step; the gap between two callbacks is one whole
step of that loop, everything the loop does between two batches included. Set-up before the first
callback is never counted, and the first ``warmup`` gaps of a turn are dropped: the other
library's threads may still hold the cores. Each turn also counts the minor page faults of its
timed steps (``getrusage``): a fresh array's pages are faulted in as they are first written; and
the threads its library ran on (NumPy's BLAS count for scratch and the peer, torch's for the
torch sides), read at the first timed step.

Where the time goes. Each library also forms the step's products alone (``Product``: forward,
``dW`` and, from layer 2 on, ``dA``), on operands of the workload's shapes, NumPy as scratch
forms them and torch one example per row as ``nn.Linear`` does (``A @ W.T``, ``dZ.T @ A``, ``dZ @
W``). NumPy forms a dense layer's in course layout (``W @ A``, ``dZ @ A.T``, ``W.T @ dZ``) and a
conv layer's as ``scratch.convolution`` does, on the windows laid out as rows (im2col, copied
before the clock starts): ``cols @ W``, ``cols.T @ dZ`` and, for ``dA``, each window entry's
``dZ W[a, b]^T``. Torch's conv products are its own convolution calls, as ``nn.Conv2d`` makes
them (``conv2d``, and ``convolution_backward`` for ``dW`` and for ``dA``), by whatever algorithm
torch picks: on CPU an im2col and a product in float64 (``_slow_conv2d``, its copy of the
windows included), oneDNN's direct convolution in float32. An LSTM's products are the course's
cell's on NumPy (each gate's ``W[g] concat``, ``dg concat^T``, ``W[g]^T dg`` at every time step)
and ATen's LSTM loop's on torch (``x W_ih^T`` for every step at once, ``h W_hh^T`` per step;
``dW_ih`` at once, ``dW_hh`` and ``dh`` per step), which is what torch runs in float64; in float32
it runs oneDNN's fused LSTM (``mkldnn_rnn_layer``), whose products cannot be timed apart, and the
figure is the same shapes' products. Both
leave out a one-unit dense layer's ``W^T dZ``, which scratch forms as a broadcast. A step's time
less its products' is the rest: activations, cost, bias, update, the loop and, in a conv
network, the windows' copies, the scatter of ``dA`` onto the windows' entries and the pools.
A workload trained by another optimizer than gradient descent also has its update timed alone
(``scripts.benchmarks.updates``): scratch's ``Optimizer.step`` and torch's ``optimizer.step()``,
for the update's share of a step. An image workload's conv and pool layers are also timed
alone, the course's loop forms against the vectorised ones (``scripts.benchmarks.loops``).

The machine's limit is the median rate of ``W @ A`` with W (n, n) and A (n, m), into an output
allocated once, in the same dtype and round. Products, updates and matmuls are timed with
``timeit``, one call per repeat, and the median taken; ``scripts.runs.cores.cores_for`` gives each
its turn.

Threads. Every side's turn (the peer's too), the products and the update of one workload, dtype
and round run on one count, ``round_threads``: the rule a training run sizes itself by
(``scratch.threads``), its load sampled once, in torch's turn where torch is loaded, and held by a
count the training functions keep (``held_to``); the matmul rate runs on every core. Left to
size itself, each turn sampled the load for 0.1 s at its own start, so two sides of one round
could run on different counts, and a sample taken in NumPy's turn right after torch's read low:
OpenBLAS's workers, started again when torch's turn gives the count back, spin through it.
"""

from __future__ import annotations

import resource
import time
import timeit
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from functools import partial
from typing import Any, NamedTuple

import numpy as np

import scratch.threads
from scratch import BatchSchedule
from scratch.layer_kinds import Conv
from scripts.benchmarks.loops import LayerPass, loop_times
from scripts.benchmarks.peer import NAME as PEER
from scripts.benchmarks.updates import update_step
from scripts.benchmarks.workloads import Product, Workload, WorkloadData
from scripts.runs.cores import cores_for

SIDE_OF = {"numpy": "scratch", "torch": "torch"}  # whose turn at the cores a library's work is
CORES_OF = {"scratch": "scratch", "torch": "torch", "lightning": "torch"}  # a side's cores_for
LIBRARY_OF = {"scratch": "numpy", "torch": "torch", "lightning": "torch"}  # a side's optimizer
WARM_SECONDS = 0.1  # work runs this long before it is timed, while the other pool winds down

Times = dict[tuple[str, str], dict[str, list]]  # (workload, dtype) -> side or library -> rounds


class Timings(NamedTuple):
    """A run's measurements, one entry per round: ``steps`` (workload, dtype) -> side (and
    ``PEER`` where it trains the same steps) -> turns; ``products`` (workload, dtype) -> library
    -> ms; ``matmul`` library -> dtype -> GFLOP/s; ``updates`` (workload, dtype) -> library ->
    ms, for the workloads not trained by ``gd``; ``peer_unlike`` (workload, dtype) -> why the
    peer cannot train the same steps there (``scripts.benchmarks.peer.unlike``); ``loops``
    (workload, dtype) -> each round's ``loop_times``, for the image workloads."""

    steps: Times
    products: Times
    matmul: dict[str, dict[str, list[float]]]
    updates: Times
    peer_unlike: dict[tuple[str, str], str]
    loops: dict[tuple[str, str], list[list[LayerPass]]]


class Turn(NamedTuple):
    """One turn of a side: its step gaps (s), less the first ``warmup``, the minor page faults
    per step over those same steps, and the threads its library ran on."""

    gaps: np.ndarray
    faults_per_step: float
    threads: int


def threads_now(side: str) -> int:
    """The threads ``side``'s library runs on now: NumPy's BLAS count for scratch and the peer,
    torch's count for the torch sides."""
    if CORES_OF.get(side) == "torch":
        import torch

        return torch.get_num_threads()
    from scratch.threads import blas_count

    return blas_count()


def step_times(side: str, data: WorkloadData) -> Turn:
    """One turn of ``side`` on ``data``: the gaps between its per-step callbacks, the page
    faults between the same callbacks (read twice a turn, so as not to slow a step) and the
    threads at the first of them."""
    workload, stamps, faults, threads = data.workload, [], [], []
    counted = {workload.warmup + 1, workload.steps}  # the first and last timed callbacks

    def on_step(t: int, cost: float) -> None:
        stamps.append(time.perf_counter())
        if len(stamps) in counted:
            faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)
            threads.append(threads_now(side))

    data.train(side, workload.steps, callback=on_step)
    if len(stamps) != workload.steps:
        raise RuntimeError(f"{side} reported {len(stamps)} of {workload.steps} steps")
    gaps = np.diff(stamps)[workload.warmup :]
    return Turn(gaps, (faults[-1] - faults[0]) / len(gaps), threads[0])


def median_seconds(work: Callable[[], Any], repeats: int) -> float:
    """The median time of ``repeats`` single calls of ``work``."""
    return float(np.median(timeit.Timer(work).repeat(repeat=repeats, number=1)))


def matmul_gflops(library: str, dtype: str, shape: tuple[int, int], repeats: int = 5) -> float:
    """Median GFLOP/s of ``W @ A`` with W (n, n) and A (n, m): 2 n^2 m FLOPs per product, into
    an output allocated once."""
    n, m = shape
    rng = np.random.default_rng(0)
    W, A = rng.standard_normal((n, n), dtype=dtype), rng.standard_normal((n, m), dtype=dtype)
    if library == "numpy":
        product = partial(np.matmul, W, A, out=np.empty((n, m), dtype=dtype))
    else:
        import torch

        W_t, A_t = torch.from_numpy(W), torch.from_numpy(A)
        product = partial(torch.matmul, W_t, A_t, out=torch.empty((n, m), dtype=W_t.dtype))
    product()
    return 2 * n * n * m / median_seconds(product, repeats) / 1e9


def step_products(library: str, workload: Workload, dtype: str) -> list[Callable[[], Any]]:
    """The matrix products of one step of ``workload`` (see "Where the time goes"), each on
    seeded operands of its shapes and into an output allocated once, in ``library``'s layout."""
    rng = np.random.default_rng(0)
    spec, products = workload.spec(dtype), []

    def operand(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape, dtype=dtype)

    for product in workload.products():
        if product.kind == "conv":
            layer, shape = spec.layers[product.l - 1], spec.shapes[product.l - 1]
            if library == "numpy":
                products += numpy_conv_products(product, layer.f, operand)
            else:
                products += torch_conv_products(product.l, layer, shape, workload.batch, operand)
            continue
        if product.kind == "lstm":
            by = numpy_lstm_products if library == "numpy" else torch_lstm_products
            products += by(product, spec.layers[0].units, operand)
            continue
        m, n_prev, n = product.rows, product.n_in, product.n_out
        W, A, dZ = operand(n, n_prev), operand(n_prev, m), operand(n, m)
        input_grad = product.input_grad and n > 1
        if library == "numpy":
            Z, dW, dA = np.empty((n, m), dtype), np.empty((n, n_prev), dtype), np.empty_like(A)
            products += [partial(np.matmul, W, A, out=Z), partial(np.matmul, dZ, A.T, out=dW)]
            if input_grad:
                products.append(partial(np.matmul, W.T, dZ, out=dA))
        else:
            import torch

            W_t, A_t, dZ_t = (torch.from_numpy(np.ascontiguousarray(a)) for a in (W, A.T, dZ.T))
            Z, dW, dA = torch.empty_like(dZ_t), torch.empty_like(W_t), torch.empty_like(A_t)
            products += [
                partial(torch.matmul, A_t, W_t.T, out=Z),
                partial(torch.matmul, dZ_t.T, A_t, out=dW),
            ]
            if input_grad:
                products.append(partial(torch.matmul, dZ_t, W_t, out=dA))
    return products


def numpy_conv_products(
    product: Product, f: int, operand: Callable[..., np.ndarray]
) -> list[Callable[[], Any]]:
    """A conv layer's products as ``scratch.convolution`` forms them, on its windows laid out
    as ``rows`` of f f n_C_prev entries (im2col, ``cols``) and ``dZ`` as rows of n_C: ``Z =
    cols W``, ``dW = cols^T dZ`` and, from layer 2 on, ``dZ W[a, b]^T`` for each of the f^2
    positions (a, b) in the window, one batched product; each into an output allocated once."""
    rows, n_in, n_out = product.rows, product.n_in, product.n_out
    cols, W, dZ = operand(rows, n_in), operand(f, f, n_in // (f * f), n_out), operand(rows, n_out)
    Z, dW = np.empty((rows, n_out), cols.dtype), np.empty((n_in, n_out), cols.dtype)
    W_rows = W.reshape(n_in, n_out)
    products = [partial(np.matmul, cols, W_rows, out=Z), partial(np.matmul, cols.T, dZ, out=dW)]
    if product.l > 1:
        G = np.empty((f, f, rows, n_in // (f * f)), cols.dtype)
        products.append(partial(np.matmul, dZ, W.transpose(0, 1, 3, 2), out=G))
    return products


def torch_conv_products(
    l: int, layer: Conv, shape: tuple[int, ...], m: int, operand: Callable[..., np.ndarray]
) -> list[Callable[[], Any]]:
    """Conv layer ``l``'s products as torch computes them, on ``m`` images of ``shape`` in its
    layout (m, C, H, W): ``conv2d``, and ``convolution_backward`` for ``dW`` and, from layer 2
    on, for ``dA`` (each asked for alone); each allocates its output, as a training step's do."""
    import torch

    n_H, n_W, n_C = shape
    x = torch.from_numpy(operand(m, n_C, n_H, n_W))
    w = torch.from_numpy(operand(layer.filters, n_C, layer.f, layer.f))
    stride, pad = [layer.stride] * 2, [layer.pad] * 2
    forward = partial(torch.nn.functional.conv2d, x, w, stride=stride, padding=pad)
    dy = torch.from_numpy(operand(*forward().shape))
    backward = partial(
        torch.ops.aten.convolution_backward, dy, x, w, None, stride, pad, [1, 1], False, [0, 0], 1
    )
    masks = [[False, True, False]] + ([[True, False, False]] if l > 1 else [])  # dW, dA
    return [forward] + [partial(backward, mask) for mask in masks]


def numpy_lstm_products(
    product: Product, n_a: int, operand: Callable[..., np.ndarray]
) -> list[Callable[[], Any]]:
    """An LSTM layer's products as the course's cell forms them at each of the T_x time steps,
    each gate g of the four on ``concat = [a<t-1>; x<t>]`` (n_a + n_x, m): ``W[g] concat``,
    ``dW[g] += dg concat^T`` and ``dconcat = sum_g W[g]^T dg``; each kind over the steps one
    callable, into outputs allocated once."""
    T, n_in = product.steps, product.n_in
    m = product.rows // T
    W, concat, dG = operand(4, n_a, n_in), operand(T, n_in, m), operand(T, 4, n_a, m)
    Z, dW, dconcat = (np.empty(shape, W.dtype) for shape in ((n_a, m), (n_a, n_in), (n_in, m)))
    steps = 4 * T  # step i: gate i % 4 at time step i // 4
    return [
        each_step(steps, lambda i: np.matmul(W[i % 4], concat[i // 4], out=Z)),
        each_step(steps, lambda i: np.matmul(dG[i // 4, i % 4], concat[i // 4].T, out=dW)),
        each_step(steps, lambda i: np.matmul(W[i % 4].T, dG[i // 4, i % 4], out=dconcat)),
    ]


def each_step(steps: int, product: Callable[[int], Any]) -> Callable[[], None]:
    """One callable of ``product(i)`` for i = 0 .. steps - 1 (a recurrent layer's, step by
    step)."""

    def run() -> None:
        for i in range(steps):
            product(i)

    return run


def torch_lstm_products(
    product: Product, n_a: int, operand: Callable[..., np.ndarray]
) -> list[Callable[[], Any]]:
    """An LSTM layer's products as ATen's own LSTM loop forms them (one example per row, time
    first): the inputs' ``x W_ih^T`` for every step at once, then at each step ``h W_hh^T``;
    backward ``dW_ih = dgates^T x`` at once, and at each step ``dW_hh += dgates^T h`` and ``dh =
    dgates W_hh``. No ``dx``: the input asks for no gradient."""
    import torch

    T = product.steps
    m, n_x = product.rows // T, product.n_in - n_a
    tensor = lambda *shape: torch.from_numpy(operand(*shape))  # noqa: E731
    x, W_ih, W_hh = tensor(T * m, n_x), tensor(4 * n_a, n_x), tensor(4 * n_a, n_a)
    h, dG = tensor(T, m, n_a), tensor(T, m, 4 * n_a)
    G, dW_ih = torch.empty(T * m, 4 * n_a, dtype=x.dtype), torch.empty_like(W_ih)
    G_t, dW_hh, dh = torch.empty(m, 4 * n_a, dtype=x.dtype), torch.empty_like(W_hh), h[0].clone()
    dG_all = dG.reshape(T * m, 4 * n_a)
    return [
        partial(torch.matmul, x, W_ih.T, out=G),
        each_step(T, lambda t: torch.matmul(h[t], W_hh.T, out=G_t)),
        partial(torch.matmul, dG_all.T, x, out=dW_ih),
        each_step(T, lambda t: torch.matmul(dG[t].T, h[t], out=dW_hh)),
        each_step(T, lambda t: torch.matmul(dG[t], W_hh, out=dh)),
    ]


def warm_median_ms(works: Sequence[Callable[[], Any]], repeats: int = 5) -> float:
    """Milliseconds of ``works``: each one's median over ``repeats``, summed, after they have run
    for ``WARM_SECONDS``."""
    warm_until = time.perf_counter() + WARM_SECONDS
    while time.perf_counter() < warm_until:
        for work in works:
            work()
    return sum(median_seconds(work, repeats) for work in works) * 1e3


def products_ms(library: str, workload: Workload, dtype: str, repeats: int = 5) -> float:
    """Milliseconds of a step's products (``warm_median_ms`` of ``step_products``)."""
    return warm_median_ms(step_products(library, workload, dtype), repeats)


def update_ms(library: str, data: WorkloadData, repeats: int = 5) -> float:
    """Milliseconds of one update of ``data``'s optimizer in ``library`` (``warm_median_ms`` of
    ``scripts.benchmarks.updates.update_step``)."""
    return warm_median_ms([update_step(library, data)], repeats)


def round_threads(data: WorkloadData, libraries: Sequence[str]) -> int:
    """The threads of a round of ``data``, for every side: the rule's count for a step
    (``run_threads``, which samples the load), taken in torch's turn where torch is loaded (no
    OpenBLAS worker of this process spins there), else in NumPy's."""
    batch = max(BatchSchedule(data.X.shape[1], data.workload.batch_size).sizes)
    if "torch" not in libraries:
        with cores_for("scratch"):
            return scratch.threads.run_threads(data.spec, batch)
    from torch_impl import threads

    with cores_for("torch"):
        return threads.run_threads(data.spec, batch)


def held_to(library: str, count: int) -> AbstractContextManager[None]:
    """``library`` (NumPy's BLAS or torch) on ``count`` threads inside the block, a count that
    its training functions keep as a user's (``blas_threads``, ``torch_threads``)."""
    if library == "numpy":
        return scratch.threads.blas_threads(count)
    from torch_impl import threads

    return threads.torch_threads(count)


def rotated(items: Sequence[str], by: int) -> list[str]:
    by %= len(items)
    return [*items[by:], *items[:by]]


def measure_steps(
    workloads: Sequence[Workload],
    dtypes: Sequence[str],
    sides: Sequence[str],
    rounds: int,
    matmul_shape: tuple[int, int],
    progress: Callable[[str], None],
    peer: bool = False,
) -> Timings:
    """Every side's turns (one per round) for every workload and dtype, and with ``peer`` the
    peer's where it trains the same steps, each library's time for the same step's products
    and (where the optimizer is not ``gd``) its update, in ms, one per round, an image
    workload's layers in the loop and vectorised forms, and the matmul rates, interleaved:
    each round visits every workload and dtype, and each side (and the peer) takes a turn
    there, in a rotated order."""
    prepared = {(w.name, d): WorkloadData.build(w, d) for w in workloads for d in dtypes}
    libraries = ["numpy"] + (["torch"] if set(sides) - {"scratch"} else [])
    unlike = {k: data.peer_unlike() for k, data in prepared.items()} if peer else {}
    takers = {k: [*sides, *([PEER] if k in unlike and unlike[k] is None else [])] for k in prepared}
    times: Times = {k: {s: [] for s in takers[k]} for k in prepared}
    products: Times = {k: {lib: [] for lib in libraries} for k in prepared}
    updates: Times = {
        k: {lib: [] for lib in libraries}
        for k, data in prepared.items()
        if data.workload.optimizer != "gd"
    }
    matmul: dict[str, dict[str, list[float]]] = {lib: {d: [] for d in dtypes} for lib in libraries}
    loops: dict[tuple[str, str], list[list[LayerPass]]] = {
        k: [] for k, data in prepared.items() if data.spec.images
    }
    for r in range(rounds):
        for dtype in dtypes:
            for library in libraries:
                with cores_for(SIDE_OF[library]):
                    matmul[library][dtype].append(matmul_gflops(library, dtype, matmul_shape))
        for key, data in prepared.items():
            count = round_threads(data, libraries)
            for side in rotated(takers[key], r):
                library = LIBRARY_OF.get(side, "numpy")  # the peer's is NumPy's
                with cores_for(CORES_OF.get(side, "scratch")), held_to(library, count):
                    times[key][side].append(step_times(side, data))
            for library in libraries:
                with cores_for(SIDE_OF[library]), held_to(library, count):
                    products[key][library].append(products_ms(library, data.workload, key[1]))
                    if key in updates:
                        updates[key][library].append(update_ms(library, data))
            if key in loops:
                with cores_for("scratch"), held_to("numpy", count):
                    loops[key].append(loop_times(data))
            progress(f"round {r + 1}/{rounds}: {key[0]} {key[1]}")
    reasons = {k: reason for k, reason in unlike.items() if reason is not None}
    return Timings(times, products, matmul, updates, reasons, loops)
