"""Property-based parity: not three hand-picked networks but any the spec allows. hypothesis
draws the architecture (0-4 hidden layers of 1-16 units, any mix of hidden activations and
leaky slopes), the init, the loss, L2, the dtype and m (1-32); the weights and data then come
from a seeded generator, so no pre-activation lands on a ReLU kink by construction (the kink is
tested on purpose in ``test_parity_extremes``). Every Z, A, the cost and every dZ, dA, dW, db
must agree. The "ci" profile (conftest) is derandomised: a failure reproduces from its seed."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from parity_cases import Case, labels_for

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
