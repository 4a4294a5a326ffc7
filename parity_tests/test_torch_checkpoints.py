"""``torch_impl.checkpoints``: a Lightning checkpoint and the scratch weights file convert both
ways bit for bit, with the spec and the learning rate."""

from __future__ import annotations

import pytest

import scratch
import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest


def test_checkpoint_and_weights_file_convert_both_ways_bit_exact(planar, tmp_path):
    spec, X, Y, params = planar
    result = torch_impl.train(
        spec,
        X,
        Y,
        params=params,
        learning_rate=1.2,
        num_iterations=3,
        checkpoint_path=tmp_path / "run.ckpt",
    )
    torch_impl.checkpoint_to_weights(tmp_path / "run.ckpt", tmp_path / "run.npz")
    weights, stored_spec = scratch.load_weights(tmp_path / "run.npz")
    assert stored_spec == spec
    assert all(weights[k].tobytes() == result.params[k].tobytes() for k in result.params)

    torch_impl.weights_to_checkpoint(tmp_path / "run.npz", tmp_path / "back.ckpt", settings=0.5)
    module = torch_impl.load_checkpoint(tmp_path / "back.ckpt")
    assert module.spec == spec and module.settings.learning_rate == 0.5
    back = torch_impl.export_params(module.net)
    assert all(back[k].tobytes() == result.params[k].tobytes() for k in result.params)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["back.ckpt", "run.ckpt", "run.npz"]
