"""Where torch's batch norm is least like the textbook's, each convention shown on torch's own
``nn.BatchNorm1d`` and on scratch, and the misreading that parts from it: the sense of
``momentum`` (the weight of the new batch), the unbiased running variance beside the biased
normalisation, eps 1e-5, and inference by the running statistics. torch_impl/README.md's
conventions table names these tests."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from parity_cases import make_case
from torch import nn

import scratch
import torch_impl
from scratch.batchnorm import batchnorm_forward, update_running_stats
from scratch.parity import assert_parity, compare, compare_all

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


@pytest.fixture
def Z(rng) -> np.ndarray:
    """A batch of 8 examples (course layout (3, 8)), the units far from mean 0, variance 1."""
    return rng.standard_normal((3, 8)) * [[2.0], [0.5], [4.0]] + [[1.0], [-2.0], [0.5]]


def torch_step(Z: np.ndarray, **options) -> nn.BatchNorm1d:
    """One training-mode forward pass of a fresh ``nn.BatchNorm1d`` on ``Z`` (torch layout)."""
    norm = nn.BatchNorm1d(Z.shape[0], dtype=torch.float64, **options).train()
    norm(torch_impl.to_torch(Z))
    return norm


def running(norm: nn.BatchNorm1d) -> tuple[np.ndarray, np.ndarray]:
    return norm.running_mean.numpy()[:, None], norm.running_var.numpy()[:, None]


def test_momentum_0_1_is_the_weight_of_the_new_batch_not_of_the_old_average(Z):
    """``running = 0.9 running + 0.1 batch`` from the start (0, 1): torch's ``momentum`` is the
    opposite sense of an optimizer's ``beta``. A learner who gives torch the course's "keep
    0.9 of the old" as ``momentum=0.9`` gets ``0.1 running + 0.9 batch`` instead."""
    mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, ddof=1, keepdims=True)
    torch_mean, torch_var = running(torch_step(Z))  # the default, momentum=0.1
    np.testing.assert_allclose(torch_mean, 0.9 * 0 + 0.1 * mean, rtol=1e-14)
    np.testing.assert_allclose(torch_var, 0.9 * 1 + 0.1 * var, rtol=1e-14)
    ours = np.zeros((3, 1)), np.ones((3, 1))
    update_running_stats(*ours, batchnorm_forward(Z, np.ones((3, 1)), np.zeros((3, 1)))[1])
    assert_parity(compare("running_mean", ours[0], torch_mean, kind="trained"))
    misread = running(torch_step(Z, momentum=0.9))[0]
    np.testing.assert_allclose(misread, 0.9 * mean, rtol=1e-14)
    assert not compare("running_mean", ours[0], misread, kind="trained").ok


def test_the_running_variance_is_unbiased_while_the_batch_is_normalised_by_the_biased(Z):
    norm = torch_step(Z)
    with torch.no_grad():
        normalised = norm.eval()(torch_impl.to_torch(Z))  # eval: by the running statistics
        batch = torch.nn.functional.batch_norm(
            torch_impl.to_torch(Z), None, None, training=True, eps=1e-5
        )
    biased, unbiased = Z.var(axis=1, keepdims=True), Z.var(axis=1, ddof=1, keepdims=True)
    np.testing.assert_allclose(running(norm)[1], 0.9 + 0.1 * unbiased, rtol=1e-14)
    centred = Z - Z.mean(axis=1, keepdims=True)
    by_biased = centred / np.sqrt(biased + 1e-5)
    assert_parity(compare("Z_norm", by_biased, torch_impl.to_course(batch)))
    assert not compare("Z_norm", centred / np.sqrt(unbiased + 1e-5), by_biased).ok
    assert not np.allclose(torch_impl.to_course(normalised), by_biased), "eval is not the batch's"
    assert_parity(compare("Z_norm", batchnorm_forward(Z, 1.0, 0.0)[1].Z_norm, by_biased))


def test_eps_is_torchs_1e_5_and_a_unit_of_small_variance_tells_it_apart(rng):
    """A unit whose batch variance is 1e-6 is normalised by sqrt(var + eps): eps 1e-5 and
    1e-3 give outputs that differ by a factor of ten, so the value matters and is torch's."""
    Z = rng.standard_normal((2, 16)) * [[1.0], [1e-3]]
    assert nn.BatchNorm1d(2).eps == scratch.build_spec([2, 2, 1]).batch_norm_eps == 1e-5
    with torch.no_grad():
        torch_side = torch.nn.functional.batch_norm(
            torch_impl.to_torch(Z), None, None, training=True, eps=1e-5
        )
    ours = batchnorm_forward(Z, np.ones((2, 1)), np.zeros((2, 1)), 1e-5)[0]
    assert_parity(compare("Z_tilde", ours, torch_impl.to_course(torch_side)))
    other = batchnorm_forward(Z, np.ones((2, 1)), np.zeros((2, 1)), 1e-3)[0]
    assert np.abs(ours[1]).max() > 3 * np.abs(other[1]).max()


def test_inference_uses_the_running_statistics_on_both_sides():
    """In eval mode torch's module normalises by its running statistics, as scratch does with
    ``training=False``; the batch's own statistics would give another output."""
    spec = scratch.build_spec([4, 6, 1], "tanh").with_hidden_layers(batch_norm=True)
    case = make_case(spec, m=8)
    np_side, pt_side = case.internals(training=False)
    assert_parity(compare_all(np_side, pt_side, dtype="float64"))
    norm = case.params
    by_running = (np_side["Z1"] - norm["running_mean1"]) / np.sqrt(norm["running_var1"] + 1e-5)
    np.testing.assert_allclose(np_side["Z_norm1"], by_running, rtol=1e-13)
    trained = scratch.layer_internals(case.X, case.Y, case.params, spec)
    assert not np.allclose(trained["Z_norm1"], np_side["Z_norm1"])


def test_the_specs_momentum_and_eps_are_torchs_arguments_as_they_stand(planar_data):
    """Away from the defaults (momentum 0.3, eps 1e-3): 30 mini-batch steps on both sides give
    the same curve and the same running statistics."""
    X, Y = planar_data
    spec = scratch.build_spec([2, 5, 1], "tanh", init="he", batch_norm_momentum=0.3)
    spec = spec.replace(batch_norm_eps=1e-3).with_hidden_layers(batch_norm=True)
    run = {"learning_rate": 0.5, "num_iterations": 30, "batch_size": 50}
    ours, theirs = scratch.train(spec, X, Y, **run), torch_impl.train_plain(spec, X, Y, **run)
    net = torch_impl.build_module(spec)
    assert (net.norms[0].momentum, net.norms[0].eps) == (0.3, 1e-3)
    assert_parity(scratch.parity.compare_training(ours, theirs))


def test_num_batches_tracked_counts_the_batches_and_changes_nothing_with_a_momentum(Z):
    counted = torch_step(Z)
    assert int(counted.num_batches_tracked) == 1
    with torch.no_grad():
        counted.num_batches_tracked.fill_(1000)
    counted(torch_impl.to_torch(Z))
    fresh = torch_step(Z)
    fresh(torch_impl.to_torch(Z))
    assert all(np.array_equal(a, b) for a, b in zip(running(counted), running(fresh), strict=True))
