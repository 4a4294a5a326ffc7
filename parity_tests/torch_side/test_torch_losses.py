"""``torch_impl.losses``: torch's own losses on the logits, with the L2 term, train the curve of
scratch's closed forms for every loss besides the planar net's binary cross-entropy (which
``test_torch_training`` holds)."""

from __future__ import annotations

import pytest
from parity_cases import assert_curves_match

import scratch
import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


@pytest.mark.parametrize(
    ("dataset", "sizes", "loss"),
    [("spiral", [2, 8, 3], "cross_entropy"), ("housing", [4, 5, 1], "mse")],
)
def test_other_losses_with_l2_match_scratch(dataset, sizes, loss):
    X, Y = scratch.load_dataset(dataset)
    spec = scratch.build_spec(sizes, "relu", loss=loss, init="he", l2=0.3, seed=5)
    run = dict(learning_rate=0.05, num_iterations=40)
    assert_curves_match(torch_impl.train(spec, X, Y, **run), scratch.train(spec, X, Y, **run))
