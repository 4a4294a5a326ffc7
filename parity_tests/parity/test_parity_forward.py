"""Forward parity: from the same weights and batch, every layer's ``Z[l] = W[l] A[l-1] + b[l]``
and ``A[l] = g[l](Z[l])``, and the cost ``J``, agree between scratch and torch, for every
activation and every loss, in float64 (on every device here) and float32."""

from __future__ import annotations

import pytest
from parity_cases import HIDDEN_LAYERS, PRECISIONS, make_case, network, only

from scratch.parity import assert_parity, compare, compare_all
from scratch.spec import LOSSES


@pytest.mark.parametrize(("dtype", "device"), PRECISIONS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("hidden", HIDDEN_LAYERS)
def test_every_layer_forward_matches_torch(hidden, loss, dtype, device):
    np_side, pt_side = make_case(network(hidden, loss, dtype)).internals(device)
    assert_parity(compare_all(only(("Z", "A"), np_side), only(("Z", "A"), pt_side)))


@pytest.mark.parametrize(("dtype", "device"), PRECISIONS)
@pytest.mark.parametrize("l2", [0.0, 0.7])
@pytest.mark.parametrize("loss", LOSSES)
def test_cost_matches_torch(loss, l2, dtype, device):
    """``J = (1/m) sum_i loss_i + (l2/2m) sum_l ||W[l]||^2``: torch's own losses on the logits
    against scratch's closed forms."""
    np_side, pt_side = make_case(network("mixed", loss, dtype, l2=l2)).internals(device)
    assert_parity(compare("cost", np_side["cost"], pt_side["cost"]))
