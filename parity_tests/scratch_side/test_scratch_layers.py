"""``scratch.layers``: one layer's step, plain or with batch norm and dropout: the caches it keeps
(in the order the layer computes), its output after the mask, and the arrays of an earlier pass
it writes into."""

from __future__ import annotations

import numpy as np
from parity_cases import generic_params

from scratch import Layer, NetworkSpec, dropout_masks
from scratch.layers import LayerCache, NormDropoutCache, layer_output, norm_dropout_forward
from scratch.network import L_model_forward, layer_activations

SPEC = NetworkSpec(3, (Layer(5, "tanh", keep_prob=0.5, batch_norm=True), Layer(1, "sigmoid")))


def test_a_norm_dropout_layer_caches_each_step_and_outputs_the_masked_activation(rng):
    params, X = generic_params(SPEC, rng), rng.standard_normal((3, 8))
    masks = dropout_masks(SPEC, 8, 0)
    _, caches = L_model_forward(X, params, SPEC, masks=masks)
    first, last = caches
    assert isinstance(first, NormDropoutCache) and type(last) is LayerCache
    assert first.linear_cache.b is None and first.dropout_cache.keep_prob == 0.5
    Z = params["W1"] @ X
    np.testing.assert_allclose(first.norm_cache.Z, Z, rtol=1e-15)
    np.testing.assert_allclose(first.activation_cache.A, np.tanh(first.activation_cache.Z))
    assert np.array_equal(layer_output(first), first.activation_cache.A * masks["D1"] / 0.5)
    assert last.linear_cache.A_prev is layer_output(first)


def test_at_inference_the_layer_keeps_no_mask(rng):
    params, X = generic_params(SPEC, rng), rng.standard_normal((3, 8))
    g = layer_activations(SPEC)[0]
    A, cache = norm_dropout_forward(X, params, 1, SPEC, g, training=False)
    assert cache.dropout_cache is None and A is cache.activation_cache.A


def test_an_earlier_pass_of_the_same_batch_size_is_written_over(rng):
    params, X = generic_params(SPEC, rng), rng.standard_normal((3, 8))
    g, D = layer_activations(SPEC)[0], dropout_masks(SPEC, 8, 0)["D1"]
    _, before = norm_dropout_forward(X, params, 1, SPEC, g, D=D)
    _, after = norm_dropout_forward(X, params, 1, SPEC, g, D=D, out=before)
    assert after.norm_cache.Z is before.norm_cache.Z
    assert after.norm_cache.Z_norm is before.norm_cache.Z_norm
    assert after.activation_cache.A is before.activation_cache.A
    assert after.dropout_cache.A is before.dropout_cache.A
