"""Property-based parity: not three hand-picked networks but any the spec allows. hypothesis
draws the architecture (0-4 hidden layers of 1-16 units, any mix of hidden activations and
leaky slopes), the init, the loss, L2, the dtype and m (1-32); the weights and data then come
from a seeded generator, so no pre-activation lands on a ReLU kink by construction (the kink is
tested on purpose in ``test_parity_extremes``). Every Z, A, the cost and every dZ, dA, dW, db
must agree. The "ci" profile (conftest) is derandomised: a failure reproduces from its seed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from parity_cases import Case, labels_for, running_statistics

import scratch
from scratch import Layer, NetworkSpec
from scratch.parity import assert_parity, compare_all
from scratch.spec import DTYPES, HIDDEN_ACTIVATIONS, INITS, LOSS_OUTPUT, LOSSES

OUTPUT_UNITS = {"binary_cross_entropy": (1, 1), "cross_entropy": (2, 8), "mse": (1, 8)}


@st.composite
def hidden_layers(draw) -> Layer:
    activation = draw(st.sampled_from(HIDDEN_ACTIVATIONS))
    slope = draw(st.sampled_from([0.01, 0.2, 0.0])) if activation == "leaky_relu" else 0.01
    return Layer(draw(st.integers(1, 16)), activation, slope)


@st.composite
def cases(draw) -> Case:
    """A spec, its own initial weights (plus biases drawn at random, unless ``zeros``: a
    network that starts symmetric must stay so on both sides) and m examples."""
    loss = draw(st.sampled_from(LOSSES))
    output = Layer(draw(st.integers(*OUTPUT_UNITS[loss])), LOSS_OUTPUT[loss][0])
    spec = NetworkSpec(
        input_size=draw(st.integers(1, 16)),
        layers=(*(draw(hidden_layers()) for _ in range(draw(st.integers(0, 4)))), output),
        init=draw(st.sampled_from(INITS)),
        loss=loss,
        l2=draw(st.sampled_from([0.0, 0.1, 1.0])),
        dtype=draw(st.sampled_from(DTYPES)),
        seed=draw(st.integers(0, 2**32 - 1)),
    )
    rng = np.random.default_rng(spec.seed)
    params = scratch.initialize_parameters(spec, rng)
    if spec.init != "zeros":
        for l in range(1, spec.L + 1):
            params[f"b{l}"] = (rng.standard_normal((spec.sizes[l], 1)) * 0.5).astype(spec.dtype)
    m = draw(st.integers(1, 32))
    X = rng.standard_normal((spec.input_size, m)).astype(spec.dtype)
    return Case(spec, params, X, labels_for(spec, rng, m))


@settings(max_examples=max(200, settings.default.max_examples))
@given(case=cases())
def test_any_network_the_spec_allows_is_the_same_computation_on_both_sides(case):
    assert_parity(compare_all(*case.internals(), dtype=case.spec.dtype))


@st.composite
def norm_dropout_layers(draw) -> Layer:
    """A hidden layer of any activation, with batch norm or not, and a keep_prob of 1 or in
    [0.5, 0.95]."""
    base = draw(hidden_layers())
    keep = draw(st.one_of(st.just(1.0), st.floats(0.5, 0.95)))
    return Layer(base.units, base.activation, base.negative_slope, keep, draw(st.booleans()))


def redundant_bias(spec: NetworkSpec) -> bool:
    """An identity layer without dropout right before a batch-norm layer: its bias only shifts
    the next Z by a constant the batch mean removes, so its gradient is exactly 0 and both sides
    compute the round-off of terms the size of dZ, which no bound relative to the array holds
    (``scratch.tolerances``, batch-norm rows)."""
    pairs = zip(spec.layers, spec.layers[1:], strict=False)
    return any(a.activation == "identity" and not a.dropout and b.batch_norm for a, b in pairs)


@st.composite
def norm_dropout_cases(draw) -> Case:
    """A spec mixing batch norm and dropout over 1-4 hidden layers of every activation, its
    weights (gamma, beta and the running statistics drawn away from their start) and m = 3-32
    examples: batch norm's bounds hold from 3 (see ``test_parity_norm_dropout``)."""
    loss = draw(st.sampled_from(LOSSES))
    output = Layer(draw(st.integers(*OUTPUT_UNITS[loss])), LOSS_OUTPUT[loss][0])
    hidden = [draw(norm_dropout_layers()) for _ in range(draw(st.integers(1, 4)))]
    spec = NetworkSpec(
        input_size=draw(st.integers(1, 16)),
        layers=(*hidden, output),
        init=draw(st.sampled_from([name for name in INITS if name != "zeros"])),
        loss=loss,
        l2=draw(st.sampled_from([0.0, 0.7])),
        dtype=draw(st.sampled_from(DTYPES)),
        seed=draw(st.integers(0, 2**32 - 1)),
    )
    assume(not redundant_bias(spec) and (spec.batch_norm or spec.dropout))
    rng = np.random.default_rng(spec.seed)
    params = {
        key: (value + rng.standard_normal(value.shape) * 0.5).astype(spec.dtype)
        if key[0] == "b" or key.startswith(("gamma", "running_mean"))
        else value
        for key, value in scratch.initialize_parameters(spec, rng).items()
    }
    params |= running_statistics(spec, rng)
    m = draw(st.integers(3, 32))
    X = rng.standard_normal((spec.input_size, m)).astype(spec.dtype)
    return Case(spec, params, X, labels_for(spec, rng, m))


def assert_both_modes_agree(case: Case) -> None:
    for training in (True, False):
        np_side, pt_side = case.internals(training=training)
        assert list(np_side) == list(pt_side)
        assert_parity(compare_all(np_side, pt_side, dtype=case.spec.dtype))


@given(case=norm_dropout_cases())
def test_any_network_with_batch_norm_and_dropout_is_the_same_on_both_sides(case):
    """Training (batch statistics, step 0's masks: every quantity forward and backward) and
    inference (running statistics, nothing dropped)."""
    assert_both_modes_agree(case)


@pytest.mark.slow
@settings(max_examples=max(400, settings.default.max_examples))
@given(case=norm_dropout_cases())
def test_many_networks_with_batch_norm_and_dropout_are_the_same_on_both_sides(case):
    assert_both_modes_agree(case)
