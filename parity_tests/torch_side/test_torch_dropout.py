"""``torch_impl.dropout``: torch's own ``nn.Dropout(p=1 - keep_prob)`` is the course's inverted
dropout, so the module that applies scratch's masks in its arithmetic is torch's semantics; it
drops nothing in eval mode, refuses to train without its mask, and the torch side never draws."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import scratch
import torch_impl
from scratch.parity import assert_parity, compare
from torch_impl.dropout import MaskedDropout

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


@pytest.mark.parametrize("keep_prob", [0.5, 0.8, 0.95])
def test_torchs_own_dropout_is_inverted_dropout_with_keep_prob_one_minus_p(keep_prob):
    """On an input without zeros, ``nn.Dropout(p=1 - keep_prob)``'s output is ``A * D /
    keep_prob`` with ``D = (output != 0)``, and it keeps about ``keep_prob`` of the units:
    within five binomial standard deviations."""
    generator = torch.Generator().manual_seed(5)
    A = torch.rand((400, 300), dtype=torch.float64, generator=generator) + 0.5  # no zeros
    torch.manual_seed(11)  # nn.Dropout draws from torch's global generator
    dropped = nn.Dropout(p=1 - keep_prob).train()(A)
    D = (dropped != 0).to(A.dtype)
    course = (A * D / keep_prob).numpy()
    assert_parity(compare("A", course, dropped.numpy(), names=("A * D / keep_prob", "nn.Dropout")))
    n = D.numel()
    bound = 5 * np.sqrt(keep_prob * (1 - keep_prob) / n)
    assert abs(float(D.mean()) - keep_prob) < bound
    assert torch.equal(nn.Dropout(p=1 - keep_prob).eval()(A), A), "eval mode drops nothing"


def test_torchs_dropout_gradient_goes_through_the_same_mask_and_scale():
    torch.manual_seed(3)
    A = (torch.rand((50, 40), dtype=torch.float64) + 0.5).requires_grad_()
    G = torch.randn((50, 40), dtype=torch.float64)
    dropped = nn.Dropout(p=0.3)(A)
    dropped.backward(G)
    D = (dropped != 0).to(A.dtype)
    assert_parity(compare("dA", (G * D / 0.7).numpy(), A.grad.numpy()))


def test_the_masked_module_applies_the_mask_it_is_handed_as_nn_dropout_does(rng):
    """``A * (D / keep_prob)``: one ``MulBackward0`` whose saved operand is the scaled mask."""
    A = torch.from_numpy(rng.standard_normal((6, 4))).requires_grad_()
    D = torch.from_numpy(scratch.dropout_mask(0, 0, 2, (6, 4), 0.75, "float64"))
    out = MaskedDropout(2, 0.75)(A, {"D2": D})
    assert out.grad_fn.name() == "MulBackward0"
    assert torch.equal(out.grad_fn._saved_other, D / 0.75)
    assert torch.equal(MaskedDropout(2, 0.75).eval()(A, {"D2": D}), A)


def test_training_without_its_mask_is_refused_the_torch_side_draws_none(rng):
    A = torch.from_numpy(rng.standard_normal((6, 4)))
    with pytest.raises(ValueError, match=r"layer 2: keep_prob 0\.75 needs its dropout mask D2"):
        MaskedDropout(2, 0.75)(A, {})
    with pytest.raises(ValueError, match=r"layer 2: the dropout mask D2 has shape \(6, 1\)"):
        MaskedDropout(2, 0.75)(A, {"D2": torch.ones((6, 1), dtype=A.dtype)})


def test_a_training_run_with_dropout_leaves_torchs_generator_untouched(planar_data):
    X, Y = planar_data
    spec = scratch.build_spec([2, 6, 1], "relu", init="he").with_hidden_layers(keep_prob=0.5)
    state = torch.random.get_rng_state()
    torch_impl.train_plain(spec, X, Y, learning_rate=0.1, num_iterations=5, batch_size=100)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_the_masks_of_a_step_are_scratchs_in_torch_layout():
    spec = scratch.build_spec([3, 5, 4, 1], "relu").with_hidden_layers(keep_prob=[0.5, 1.0])
    masks = torch_impl.masks_for(spec, 7, step=4)
    course = scratch.dropout_masks(spec, 7, step=4)
    assert list(masks) == list(course) == ["D1"]
    assert np.array_equal(torch_impl.to_course(masks["D1"]), course["D1"])
