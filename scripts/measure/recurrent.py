"""The recurrent networks' share of the tolerance table, measured: random RNN and LSTM passes (every
time step's states, gates, outputs, the cost and every gradient through time, scratch's course
functions against ``nn.RNN`` / ``nn.LSTM`` and autograd), both sides against centred
differences, and random training runs of recurrent specs on the built-in ``names`` corpus,
scratch against the plain torch loop and the ``lightning.Trainer``; each comparison goes into a
``Measured``, in the rows the dense networks fill (phase 1's sweep, moved here)."""

from __future__ import annotations

import numpy as np

import scratch.recurrent
import torch_impl.recurrent
from scratch.course.recurrent import lstm_forward, rnn_forward
from scratch.datasets import corpus_sequences, name_corpus
from scratch.gradcheck import centred_differences
from scratch.layer_kinds import recurrent_shapes
from scratch.losses import PAD
from scratch.parity import compare_all
from scratch.recurrent import CELLS, sequence_cost
from scratch.spec import DTYPES, INITS, NetworkSpec
from scratch.tolerances import CENTRED_DIFFERENCE, centred_difference_tolerance
from scripts.measure.dense import measure_run, random_optimizer
from scripts.measure.report import Measured

FORWARD_FN = {"rnn": rnn_forward, "lstm": lstm_forward}
# Gradient descent's on names, the course's (its optimize's 0.01); an adaptive step takes 1/100.
# At ten times it a run sits at the edge of stability and parts after about a hundred steps
# (measured: 3 of 15 float64 curves, seed 1), as a dense run there does.
RUN_RATE = 0.01
CLIPS = (None, ("value", 5.0), ("value", 1.0), ("norm", 5.0))


def random_sequence_case(
    rng: np.random.Generator, dtype: str, *, small: bool = False, max_T: int = 12, max_scale=1.5
) -> tuple[str, np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray], str]:
    """A random RNN or LSTM (n_x 1-6, n_a 1-8, n_y 2-6) with weights N(0, s^2), s 0.2 to
    ``max_scale``, on m 1-8 sequences of T_x 1 to ``max_T`` steps (``small``: m 1-2, T_x 1-4),
    half of the batches padded (each sequence cut at a random length, ``PAD`` after it), an
    initial state N(0, 1): ``(cell, x, a0, Y, parameters, where)``."""
    cell = str(rng.choice(CELLS))
    n_x, n_a, n_y = (int(rng.integers(1, 7)), int(rng.integers(1, 9)), int(rng.integers(2, 7)))
    if small:
        m, T = int(rng.integers(1, 3)), int(rng.integers(1, 5))
    else:
        m, T = int(rng.integers(1, 9)), int(rng.integers(1, max_T + 1))
    scale = float(rng.uniform(0.2, max_scale))
    shapes = recurrent_shapes(cell, n_x, n_a, n_y)
    parameters = {k: (scale * rng.standard_normal(s)).astype(dtype) for k, (s, _) in shapes.items()}
    x = rng.standard_normal((n_x, m, T)).astype(dtype)
    a0 = rng.standard_normal((n_a, m)).astype(dtype)
    Y = rng.integers(0, n_y, (1, m, T))
    padded = rng.random() < 0.5
    if padded:
        for i, length in enumerate(rng.integers(1, T + 1, m)):
            Y[0, i, length:] = PAD
    where = f"{cell} n_x {n_x} n_a {n_a} n_y {n_y}, m={m}, T_x={T}, s={scale:.2f}"
    return cell, x, a0, Y, parameters, where + (", padded" if padded else "")


def measure_recurrent_passes(
    rng: np.random.Generator, networks: int, measured: Measured, max_T: int = 12
) -> None:
    """One forward and backward pass of ``networks`` random recurrent networks per dtype
    (``random_sequence_case``), every quantity of both sides' ``sequence_internals``."""
    for dtype in DTYPES:
        for _ in range(networks):
            cell, x, a0, Y, parameters, where = random_sequence_case(rng, dtype, max_T=max_T)
            ours = scratch.recurrent.sequence_internals(x, a0, Y, parameters, cell)
            theirs = torch_impl.recurrent.sequence_internals(x, a0, Y, parameters, cell)
            measured.add(compare_all(ours, theirs, dtype=dtype).results, where)


def measure_recurrent_centred_differences(
    rng: np.random.Generator, networks: int, measured: Measured
) -> None:
    """Both sides' gradients of every weight, input entry and initial state entry against
    centred differences of J (float64, small networks: m 1-2, T_x 1-4)."""
    for _ in range(networks):
        cell, x, a0, Y, parameters, where = random_sequence_case(rng, "float64", small=True)
        arrays = {f"d{key}": value.copy() for key, value in parameters.items()}
        arrays |= {"dx": x.copy(), "da0": a0.copy()}
        weights = {key[1:]: arrays[key] for key in arrays if key not in ("dx", "da0")}

        def cost(arrays=arrays, weights=weights, cell=cell, Y=Y) -> float:
            return sequence_cost(FORWARD_FN[cell](arrays["dx"], arrays["da0"], weights)[1], Y)

        numeric = centred_differences(cost, arrays)
        tol = centred_difference_tolerance(cost())
        for side in (scratch.recurrent, torch_impl.recurrent):
            found = side.sequence_internals(x, a0, Y, parameters, cell)
            analytic = {key: found[key] for key in numeric}
            result = compare_all(analytic, numeric, kind=CENTRED_DIFFERENCE, tol=tol)
            measured.add(result.results, f"{where}, {side.__name__}")


def measure_recurrent_runs(
    rng: np.random.Generator, runs: int, iterations: int, trainer_every: int, measured: Measured
) -> None:
    """``runs`` random recurrent specs (RNN or LSTM of 4-32 units, any init and dtype, clipped
    by value or norm or not at all) trained on 200 words of a ``names`` corpus, in batches of
    1 (the course's SGD), 16 or all of them, by a random optimizer: scratch against the plain
    torch loop, and every ``trainer_every``-th run against the ``lightning.Trainer`` too."""
    for i in range(runs):
        X, Y, characters = corpus_sequences(name_corpus(200, seed=int(rng.integers(2**31))))
        clip = CLIPS[int(rng.integers(len(CLIPS)))]
        spec = NetworkSpec.from_dict(
            {
                "input_size": len(characters),
                "layers": [
                    {"kind": str(rng.choice(CELLS)), "units": int(rng.integers(4, 33))},
                    {"units": len(characters), "activation": "softmax"},
                ],
                "init": str(rng.choice(INITS)),
                "loss": "cross_entropy",
                "dtype": str(rng.choice(DTYPES)),
                "seed": int(rng.integers(2**31)),
                **({} if clip is None else {"clip_by": clip[0], "clip": clip[1]}),
            }
        )
        batch_size = [1, 16, None][int(rng.integers(3))]
        settings = random_optimizer(rng, RUN_RATE) | {
            "num_iterations": iterations,
            "batch_size": batch_size,
        }
        where = f"{spec.describe()} on names, batch size {batch_size}"
        measure_run(spec, X, Y, settings, where, i % trainer_every == 0, measured)
