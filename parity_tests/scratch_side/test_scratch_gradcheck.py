"""``scratch.gradient_check``: centred differences of the whole network agree with backprop in
float64 over a sweep of architectures, activations, losses and L2, and the check can fail."""

from __future__ import annotations

import pytest
from parity_cases import OUTPUT_UNITS, generic_params, labels_for

from scratch import build_spec, gradient_check

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


def sweep():
    for loss, n_out in OUTPUT_UNITS.items():
        for l2 in (0.0, 0.5):
            yield pytest.param([3, n_out], "identity", loss, l2, id=f"0hidden-{loss}-l2={l2}")
            for act in HIDDEN:
                for hidden in ([5], [4, 3, 4]):
                    sizes = [3, *hidden, n_out]
                    yield pytest.param(
                        sizes, act, loss, l2, id=f"{len(hidden)}hidden-{act}-{loss}-l2={l2}"
                    )


@pytest.mark.parametrize(("sizes", "activation", "loss", "l2"), list(sweep()))
def test_whole_network_gradient_check_float64(sizes, activation, loss, l2, rng):
    spec = build_spec(sizes, activation, loss=loss, l2=l2)
    X = rng.standard_normal((sizes[0], 7))
    result = gradient_check(generic_params(spec, rng), X, labels_for(spec, rng, 7), spec)
    assert result.passed, f"relative difference {result.difference:.3e}: {result.per_parameter}"


def test_gradient_check_catches_a_wrong_backward(rng, monkeypatch):
    """The check can fail: with db not divided by m it reports db, and only db."""
    import scratch.network as network

    spec = build_spec([3, 4, 1], "tanh")
    params, X, Y = (
        generic_params(spec, rng),
        rng.standard_normal((3, 6)),
        rng.integers(0, 2, (1, 6)),
    )
    real = network.linear_backward

    def db_not_divided_by_m(dZ, cache, *args, **kwargs):
        dA_prev, dW, db = real(dZ, cache, *args, **kwargs)
        return dA_prev, dW, db * cache.A_prev.shape[1]

    monkeypatch.setattr(network, "linear_backward", db_not_divided_by_m)
    result = gradient_check(params, X, Y, spec)
    assert not result.passed
    assert {k for k, v in result.per_parameter.items() if v > 2e-7} == {"db1", "db2"}
