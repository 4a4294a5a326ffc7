"""No twin (the referee's): the one tolerance table of the referee (``scratch.parity``),
``TOLERANCES[dtype][kind]``, each bound a measured worst case with its headroom, and the row each
quantity falls in.

NumPy only, like the referee, so it imports without torch.

What "relative" means. Two arrays agree when, for every entry,

    |a_i - b_i| <= rtol * s + atol,   s = max(max_j |a_j|, max_j |b_j|)   (the array's scale).

The scale is the array's, not the entry's: an entry of ``Z = W A + b`` summed in another order
differs by about ``n eps sum_k |W_ik A_kj|``, set by the size of the terms rather than of the
result, so an entry that cancels to nearly 0 would have an unbounded elementwise relative error
while nothing is wrong. ``atol`` covers the arrays that cancel as a whole: ``dZ[L] = A[L] - T``
when the network is right, ``db = mean(dZ)`` when the examples' gradients balance. Their error
is the round-off of terms of order 1, so a pass's ``atol`` is 50 to 250 eps: the suite feeds
both sides inputs and weights of order 1. The price: an array far smaller than 1 (the gradients
of a deep ``small_random`` network) is held to ``atol``, not to ``rtol`` of its own size; pass a
``Tolerance`` of your own for data of another scale. A training curve is compared entry by entry
(``s_t = max(|a_t|, |b_t|)``): a late, small cost must agree as closely as an early, large one,
and a cost (a sum of non-negative losses) does not cancel. Equal infinities agree; NaN never does.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

import numpy as np

FORWARD = "forward"
GRADIENT = "gradient"
CURVE = "curve"
TRAINED = "trained"
STATE = "optimizer state"
ADAPTIVE = " (adaptive step)"  # the rows of a run of RMSprop or Adam: see below
BATCH_NORM = " (batch norm)"  # the rows of one pass through a network with batch norm
CENTRED_DIFFERENCE = "centred difference"
# The torch side's execution modes (torch_impl.modes): a run in one is held to its own rows.
COMPILED = " (compiled)"
MODES = {"compiled": COMPILED, "bf16-mixed": " (bf16-mixed)", "16-mixed": " (16-mixed)"}
# Mixed precision rounds each product's operands and result to a half type's significand:
# unit roundoff 2**-8 (bf16, 8 significant bits) and 2**-11 (fp16, 11).
UNIT_ROUNDOFF = {"bf16-mixed": 2.0**-8, "16-mixed": 2.0**-11}


@dataclasses.dataclass(frozen=True)
class Tolerance:
    """Two arrays agree when ``|a_i - b_i| <= rtol * s_i + atol`` for every i, where ``s_i`` is
    the array's scale ``max(max|a|, max|b|)``, or ``max(|a_i|, |b_i|)`` when ``elementwise``."""

    rtol: float
    atol: float = 0.0
    elementwise: bool = False

    def __str__(self) -> str:
        where = "per entry" if self.elementwise else "of the scale"
        return f"rtol {self.rtol:.0e} {where} + atol {self.atol:.0e}"


EXACT = Tolerance(0.0)

# THE tolerance table: TOLERANCES[dtype][kind]. Each bound is a measured worst case with its
# headroom (the bound over the largest share of it one comparison used), from
#     python scripts/measure_tolerances.py --networks 10000 --centred 300 --runs 100 --seed 1
# and the same with --seed 2, and the default run (seed 0): 21,000 random networks a dtype
# (0-4 hidden layers of 1-16 units, every activation, init and loss, L2 or not, m = 1-64), 800
# against centred differences, 240 random 1,000-step runs on the built-in data sets.
#
# forward (Z, A, cost of one pass) and gradient (dZ, dA, dW, db): the two sides do the same
#   arithmetic, but BLAS and torch sum matrix products in other orders and libm's exp and tanh
#   differ from torch's by an ulp. The worst cases are single examples (m = 1) through width-1
#   layers, whose few entries cancel. float64: none of 400,000 arrays outside; at most 3.0e-14
#   (forward) and 3.7e-13 (gradients) of the scale, 56x and 29x inside, and both bounds are 20
#   to 100 times inside the contract's 1e-10. float32: none of 400,000 outside; 39x and 12x.
# curve (the cost at every step) and trained (the weights after the last one): each step's
#   round-off feeds the next, and gradient descent below the edge of stability damps it. The
#   suite's runs, all stable (a test checks), agree to 4e-15 a step and in their weights in
#   float64, to 1e-6 and 2e-6 in float32: 100x or more inside these bounds. Random runs are
#   not all stable. At the edge of stability a step multiplies any difference (float64: 6 of
#   133 curves parted; of the rest, the worst came to 5e-13, 19x inside); in float32 a ReLU
#   pre-activation within round-off of 0 also takes another branch on each side, and so can the
#   exact symmetry of a `zeros` start on balanced data (16 of 155 curves parted, others came close).
#   No bound can hold for such runs between any two implementations. The `trained` atol is what
#   a weight whose gradient cancels (an output bias at the base rate) gathers over a run: about
#   steps x learning rate x eps.
# centred difference (float64 only: scratch.gradient_check always runs in float64): backprop
#   against (J(θ + ε) - J(θ - ε)) / 2ε, ε = 1e-7, whose own error is truncation O(ε² J''') plus
#   round-off O(eps |J| / ε) ~ 2e-9 |J|, so its atol is per unit of |J| (see
#   centred_difference_tolerance). None of 4,200 arrays outside; 20x inside.
# optimizer state (v, s, t after the last step) and the adaptive-step rows (a run of RMSprop
#   or Adam): gradient descent and momentum move a weight by alpha times its gradient, so a
#   gradient's round-off δg moves it by alpha δg, which the rows above hold. RMSprop and Adam
#   move it by alpha g / (sqrt(s) + eps), whose derivative in g is alpha / (sqrt(s) + eps): where
#   a gradient cancels (sqrt(s) of the size of g itself, a bias at the base rate, say), the step
#   carries alpha δg / eps, up to 1e-8 a step in float64 at alpha = 0.01. The suite's optimizer
#   runs use 1e-6 of the float64 rows and 1/280 of the float32 ones at most; planar from the
#   course's zero biases (db2 cancels to 1e-7) uses 1/16 (curve) and 1/24 (weights) in float64.
#   Random runs (measure_tolerances --seed 3 and 4, 160 runs, each with a drawn optimizer) come
#   within 1.2x of the float64 adaptive weights row and 1-1.5x of the float32 rows, and some
#   float32 ones part, as they do without an adaptive step (a ReLU kink, a zeros start). A
#   full-batch Adam run that has converged keeps stepping by about alpha in a direction its
#   cancelling gradient sets, so it multiplies any difference, as a run at the edge of
#   stability does: no bound holds for it (full-batch planar Adam at alpha 0.05 parted by 5e-4
#   in float64); the suite's Adam runs stop before that.
# batch norm (every forward and gradient quantity of one pass through a network with batch norm,
#   which ``compare_all`` tells by its keys): Z_norm = (Z - mu) / sqrt(var + eps) carries the
#   round-off of Z - mu, eps_mach max|Z|, divided by sigma >= sqrt(eps) = 3e-3, and the backward
#   pass divides by sigma again, so both passes amplify what the plain rows hold by up to
#   1/sqrt(eps); and whole arrays cancel (a bias or beta below a batch-norm layer sums a dZ that
#   sums to 0 over the batch), at the size of dZ, not of 1. Measured by
#       python scripts/measure_tolerances.py --networks 10000 --centred 400 --runs 0 --seed 9 \
#           --norm-dropout
#   and the same with --seed 10 --centred 0: 40,000 random passes through networks with batch
#   norm and dropout (1-4 hidden layers of 1-16 units, any activation, init, loss, L2, m = 3-64),
#   in training and inference mode; 851,891 arrays, none outside; float64 at most 0.0103
#   (forward, 97x headroom) and 0.0173 (gradient, 58x), float32 0.00695 (144x) and 0.037 (27x);
#   the centred differences (400 networks) 5x inside their row. Three cases no bound relative to
#   the array can hold are left out: a batch of 2 (each unit's Z_norm is +-r, and dZ cancels to
#   eps / (var + eps) of its terms, so it keeps that many fewer digits on either side:
#   test_parity_norm_dropout shows it) and an identity layer without dropout right before a
#   batch-norm layer (its bias only shifts the next Z by a constant the batch mean removes, so
#   its gradient is 0 exactly and both sides compute the round-off of terms the size of dZ;
#   under RMSprop or Adam that bias walks by the learning rate a step), both kept out of the
#   random networks; and a batch-norm layer whose Z is constant over the batch (a zeros start,
#   a one-unit ReLU layer dead on every example below it), where Z - mu is 0 in exact
#   arithmetic and each side normalizes its own round-off: measure_tolerances sets such a pass
#   apart (6,617 of the 40,000) and lists those outside (two, each through a dead one-unit
#   ReLU layer: 9.5 and 3.4 of the float64 forward row at most). Training runs, measured by
#       python scripts/measure_tolerances.py --networks 0 --centred 0 --runs 40 --seed 9 \
#           --norm-dropout
#   keep the plain rows' curves: no float64 curve parted (4x inside at most); two float64
#   momentum runs through a one-unit first layer came apart in their weights (up to 21.8 of the
#   trained row, their curves inside), not analysed further; 3 float32 curves parted (1 of
#   gradient descent, 2 adaptive), as float32 runs do without these layers. The suite's runs
#   are stable ones, 100x or more inside.
# convolutional networks (conv, pool and flatten layers before the dense ones): their quantities
#   fall in the rows above, unchanged. Measured by
#       python scripts/measure_tolerances.py --networks 0 --centred 0 --runs 0 \
#           --conv-networks 1000 --conv-centred 60 --conv-runs 24 --iterations 300 --seed 1
#   and the same with --seed 2: 4,000 random passes (1-2 conv layers of 1-6 filters, windows up
#   to 4, stride 1-2, pad 0-2, any activation, max or average pools, 0-1 hidden dense layers,
#   any init, loss, L2; m 1-8 on images of 4-12 pixels, and one in ten at training sizes, m
#   16-64 on 16-32 pixels, where a conv db sums m n_H n_W terms, up to 64 x 36 x 36), 120
#   against centred differences, 48 random 300-step runs on 120 shapes images (8 x 8), every
#   optimizer, full batch or batches of 32. Passes, none of 85,695 arrays outside: float64
#   forward 55x and gradient 308x inside at most, float32 243x and 104x; centred differences
#   25x. Two float32 passes of 2,000 are set apart (measure_tolerances lists them): a max-pool
#   window whose two largest entries were within an ulp of each other (sigmoids of a
#   small_random start, all within 1e-5 of one value) took its maximum on one side and the other
#   entry on the other, and the gradient went to different entries; a max is a branch, as a
#   ReLU's kink is, and no bound holds at it. Runs: float64 curves 17,485x and weights 4,118x
#   inside; three float64 runs and one float32 run from a zeros start under RMSprop or Adam
#   walked apart in a bias whose gradient cancels to round-off on the balanced classes (one
#   float64 curve parted), as the dense runs do; a float32 Adam run from a small_random start
#   parted in its weights and state while its curve stayed 12x inside, and a float32 momentum
#   run from one came to 0.88 of the trained row (a conv bias), the float32 ReLU kink of the
#   dense runs. The rows stand as measured for the dense networks.
# the modes' rows (compiled, bf16-mixed, 16-mixed): see scratch.bands, where they are measured.
# recurrent networks (every step's a, c, gates, y_pred and the cost, and every gradient through
#   time, of the course's RNN and LSTM against nn.RNN / nn.LSTM and autograd; training runs of
#   recurrent specs) keep the rows as they stand. Measured by
#       python scripts/measure_tolerances.py --networks 0 --centred 0 --runs 0 \
#           --recurrent-networks 3000 --recurrent-centred 300 --seed 2
#   and --seed 1 (the same passes), and, for the runs, --recurrent-runs 40 --iterations 200
#   --seed 1: 12,000 random passes (RNN or LSTM, n_x 1-6, n_a 1-8, n_y 2-6, m 1-8, T_x 1-12, half
#   of the batches padded, weights N(0, s^2), s 0.2-1.5, a0 N(0, 1)), 600 against centred
#   differences (both sides), 40 runs of 200 steps on 200 names (RNN or LSTM of 4-32 units, any
#   init and optimizer, clipped by value at 1 or 5, by norm at 5, or not at all; batches of 1,
#   16 or all, at the course's learning rate 0.01). None outside. Passes: float64 forward 37x
#   and gradient 27x inside at most with seed 2, float32 forward 39x; but a tanh RNN whose
#   weights sit near s = 1.4 is chaotic: a state's round-off grows from step to step (to 3e-13
#   in a after 12 steps), forward and backward (the exploding gradients the course clips), and
#   there the worst passes use 0.29 of the float64 forward row and 0.33 of its gradient row
#   (seed 1, 3x), 0.82 of the float32 gradient row (da0 of an RNN of 4 units, s = 1.41, T_x =
#   11: 1.2x); with s to 2 and T_x to 30 (phase 1), float32 passes part, as no bound relative
#   to the array holds at the edge of stability. Centred differences 41x. Runs, where the
#   weights train from an initialisation and are clipped: float64 curve 17,959x and trained
#   20,191x inside, float32 320x and 533x, the adaptive rows further. At ten times the course's
#   learning rate (0.1) 3 of 15 float64 curves parted after 100 to 119 steps, the edge of
#   stability.
TOLERANCES: dict[str, dict[str, Tolerance]] = {
    "float64": {
        FORWARD: Tolerance(1e-12, 1e-14),
        GRADIENT: Tolerance(5e-12, 5e-14),
        CURVE: Tolerance(1e-11, 1e-14, elementwise=True),
        TRAINED: Tolerance(1e-11, 1e-12),
        STATE: Tolerance(5e-9, 1e-15),
        CURVE + ADAPTIVE: Tolerance(1e-8, 1e-14, elementwise=True),
        TRAINED + ADAPTIVE: Tolerance(5e-9, 1e-12),
        CENTRED_DIFFERENCE: Tolerance(1e-6, 1e-7),  # atol per unit of |J|: see above
        FORWARD + BATCH_NORM: Tolerance(1e-11, 1e-12),
        GRADIENT + BATCH_NORM: Tolerance(5e-11, 1e-11),
        FORWARD + COMPILED: Tolerance(1e-12, 1e-14),
        GRADIENT + COMPILED: Tolerance(5e-12, 5e-14),
        CURVE + COMPILED: Tolerance(1e-11, 1e-14, elementwise=True),
        TRAINED + COMPILED: Tolerance(1e-11, 1e-12),
    },
    "float32": {
        FORWARD: Tolerance(1e-3, 1e-5),
        GRADIENT: Tolerance(1e-3, 1e-5),
        CURVE: Tolerance(1e-4, 1e-5, elementwise=True),
        TRAINED: Tolerance(1e-4, 1e-4),
        STATE: Tolerance(1e-2, 1e-7),
        CURVE + ADAPTIVE: Tolerance(5e-3, 1e-5, elementwise=True),
        TRAINED + ADAPTIVE: Tolerance(5e-3, 1e-4),
        FORWARD + BATCH_NORM: Tolerance(5e-3, 2e-3),
        GRADIENT + BATCH_NORM: Tolerance(5e-3, 5e-3),
        FORWARD + COMPILED: Tolerance(1e-3, 1e-5),
        GRADIENT + COMPILED: Tolerance(1e-3, 1e-5),
        CURVE + COMPILED: Tolerance(1e-4, 1e-5, elementwise=True),
        TRAINED + COMPILED: Tolerance(1e-4, 1e-4),
        # per layer: mode_tolerance multiplies rtol by the network's depth L
        CURVE + MODES["bf16-mixed"]: Tolerance(3 * UNIT_ROUNDOFF["bf16-mixed"], 1e-5, True),
        TRAINED + MODES["bf16-mixed"]: Tolerance(3 * UNIT_ROUNDOFF["bf16-mixed"], 1e-3),
        CURVE + MODES["16-mixed"]: Tolerance(3 * UNIT_ROUNDOFF["16-mixed"], 1e-5, True),
        TRAINED + MODES["16-mixed"]: Tolerance(3 * UNIT_ROUNDOFF["16-mixed"], 1e-3),
    },
}

# Quantity names: the keys of ``layer_internals`` and of a parameters dict, and their layer.
_PARAMETERS = ("W", "b", "gamma", "beta")
_FORWARD = ("Z", "Z_norm", "Z_tilde", "D", "A")
_BACKWARD = ("dZ_tilde", "dgamma", "dbeta", "dZ", "dW", "db", "dA")
_BUFFERS = ("running_mean", "running_var")
_STATE = tuple(f"{part}_d{name}" for part in "vs" for name in _PARAMETERS)
# the second course's own: a mini-batch's examples and labels, the parameters and gradients
# rolled into one column (gradient checking's theta, dtheta), and the gradient check's difference
_DATA = ("X", "Y")
_ROLLED = ("theta", "dtheta", "difference")
# A recurrent network's quantities (``scratch.recurrent.sequence_internals``), in the course's
# names: each spans every time step (a, c and the gates are (n_a, m, T_x)), so a comparison's
# index ends in the step t; none has a layer number. In the order a pass computes them.
_GATE_PARAMETERS = tuple(f"{kind}{gate}" for gate in "fico" for kind in "Wb")
_RECURRENT_PARAMETERS = ("Wax", "Waa", "ba", *_GATE_PARAMETERS, "Wya", "Wy", "by")
_RECURRENT_STATES = ("ft", "it", "cct", "c", "ot", "a", "y_pred")
_RECURRENT_FORWARD = (*_RECURRENT_PARAMETERS, *_RECURRENT_STATES)
_RECURRENT_BACKWARD = ("dy", "dWya", "dWy", "dby", "da", "dWax", "dWaa", "dba")
_RECURRENT_BACKWARD += (*(f"d{key}" for key in _GATE_PARAMETERS), "dx", "da0")
_RECURRENT_STATE = tuple(f"{part}_d{key}" for part in "vs" for key in _RECURRENT_PARAMETERS)
_NAMES = (*_STATE, "cost", "learning_rate", "t", *_BACKWARD, *_BUFFERS, *_FORWARD, *_PARAMETERS)
_NAMES += (*_DATA, *_ROLLED, *_RECURRENT_FORWARD, *_RECURRENT_BACKWARD, *_RECURRENT_STATE)
_QUANTITY = re.compile(
    rf"(?P<name>{'|'.join(sorted(_NAMES, key=len, reverse=True))})(?P<layer>\d*)"
)
_KIND = dict.fromkeys((*_FORWARD, "cost"), FORWARD) | dict.fromkeys(_BACKWARD, GRADIENT)
_KIND |= dict.fromkeys(("Z_norm", "Z_tilde"), FORWARD + BATCH_NORM)
_KIND |= dict.fromkeys(("dZ_tilde", "dgamma", "dbeta"), GRADIENT + BATCH_NORM)
_KIND |= dict.fromkeys((*_PARAMETERS, *_BUFFERS), TRAINED) | dict.fromkeys((*_STATE, "t"), STATE)
_KIND |= {"learning_rate": CURVE, "difference": CENTRED_DIFFERENCE}
_KIND |= dict.fromkeys(_DATA, FORWARD) | {"theta": TRAINED, "dtheta": GRADIENT}
_KIND |= dict.fromkeys(_RECURRENT_PARAMETERS, TRAINED) | dict.fromkeys(_RECURRENT_STATES, FORWARD)
_KIND |= dict.fromkeys(_RECURRENT_STATE, STATE)


def parse_quantity(quantity: str) -> tuple[str, int | None]:
    match = _QUANTITY.fullmatch(quantity)
    if match is None:
        raise ValueError(
            f"quantity {quantity!r} is not one of cost, Z<l>, A<l>, dZ<l>, dA<l>, dW<l>, db<l>, "
            "W<l>, b<l>, batch norm's Z_norm<l>, Z_tilde<l>, gamma<l>, beta<l>, dZ_tilde<l>, "
            "dgamma<l>, dbeta<l>, running_mean<l>, running_var<l>, a dropout mask D<l>, the "
            "optimizer state v_dW<l>, v_db<l>, s_dW<l>, s_db<l> (v_dgamma<l>, ...), t, "
            "learning_rate, the data X, Y, the rolled theta, dtheta, a gradient check's "
            "difference, or a recurrent network's a, c, ft, it, cct, ot, y_pred, dy, da, dx, "
            "da0, its parameters Wax, Waa, ba, Wf, bf, ..., Wya, Wy, by, their gradients dWax, "
            "... and their optimizer state v_dWax, s_dWax, ..."
        )
    return match["name"], int(match["layer"]) if match["layer"] else None


def computation_order(quantity: str) -> tuple[int, ...]:
    """Where a quantity is computed: the forward pass layer by layer (the layer's parameters,
    ``Z``, ``Z_norm``, ``Z_tilde``, the mask ``D``, ``A``, then the running statistics it
    updates), the cost, then the backward pass from layer L down (``dZ_tilde``, ``dgamma``,
    ``dbeta``, ``dZ``, ``dW``, ``db``, and the ``dA`` of the layer before), then the
    optimizer's state. A recurrent network's quantities: its parameters, ``ft``, ``it``,
    ``cct``, ``c``, ``ot``, ``a``, ``y_pred``, the cost, then ``dy``, the output layer's
    gradients, ``da``, the cell's, ``dx`` and ``da0``, then its optimizer's state."""
    name, layer = parse_quantity(quantity)
    if name in _DATA:
        return 0, -1, _DATA.index(name)
    if name in _RECURRENT_FORWARD:
        return 0, 0, _RECURRENT_FORWARD.index(name)
    if name in _RECURRENT_BACKWARD:
        return 2, 0, _RECURRENT_BACKWARD.index(name)
    if name in ("cost", "learning_rate", *_ROLLED):
        return 1, 0, ("cost", "learning_rate", *_ROLLED).index(name)
    if name == "t" or name in _STATE:
        return 3, layer or 0, (("t", *_STATE)).index(name)
    if name in _RECURRENT_STATE:
        return 3, 0, _RECURRENT_STATE.index(name)
    if name in _BACKWARD:
        below = name == "dA"  # dA[l-1] comes out of layer l's backward step
        return 2, -(layer + below), _BACKWARD.index(name)
    return 0, layer, (*_PARAMETERS, *_FORWARD, *_BUFFERS).index(name)


def kind_of(quantity: str, *, batch_norm: bool = False) -> str:
    """The row of the tolerance table a quantity falls in when none is named: ``Z``, ``A``,
    ``cost`` and a mask ``D`` are forward; ``dZ``, ``dA``, ``dW``, ``db`` gradients; ``W``,
    ``b`` (and ``gamma``, ``beta``, the running statistics) trained. Batch norm's own
    ``Z_norm``, ``Z_tilde`` and ``dZ_tilde``, ``dgamma``, ``dbeta`` fall in the batch-norm
    rows, and so does every forward and gradient quantity of a pass through a network with
    batch norm (``batch_norm=True``)."""
    kind = _KIND.get(parse_quantity(quantity)[0], GRADIENT)
    return kind + BATCH_NORM if batch_norm and kind in (FORWARD, GRADIENT) else kind


def has_batch_norm(quantities: Iterable[str]) -> bool:
    """Whether these quantities (a dict's keys) come from a network with batch norm."""
    own = ("Z_norm", "Z_tilde", "dZ_tilde", "dgamma", "dbeta", "gamma")
    return any(parse_quantity(key)[0] in own for key in quantities)


def tolerance(dtype: str | np.dtype, kind: str) -> Tolerance:
    """``TOLERANCES[dtype][kind]``, with an error that lists what the table holds."""
    name = np.dtype(dtype).name
    try:
        return TOLERANCES[name][kind]
    except KeyError:
        rows = "; ".join(f"{d}: {', '.join(kinds)}" for d, kinds in TOLERANCES.items())
        raise KeyError(f"no tolerance for {name} {kind!r}; the table holds {rows}") from None


def centred_difference_tolerance(cost: float) -> Tolerance:
    """The table's centred-difference row for a network whose cost is ``J``: its ``atol`` is per
    unit of ``|J|`` (at least 1), because ``(J(θ + ε) - J(θ - ε)) / 2ε`` carries the round-off
    of J, about ``eps |J| / ε``, whatever the size of the gradient."""
    row = TOLERANCES["float64"][CENTRED_DIFFERENCE]
    return dataclasses.replace(row, atol=row.atol * max(1.0, abs(float(cost))))
