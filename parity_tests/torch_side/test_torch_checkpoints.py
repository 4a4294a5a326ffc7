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


def _checkpoint_without(tmp_path, planar, *keys):
    spec, _, _, params = planar
    torch_impl.weights_to_checkpoint(
        _weights(tmp_path, spec, params), tmp_path / "c.ckpt", settings=0.5
    )
    import torch

    saved = torch.load(tmp_path / "c.ckpt", weights_only=True)
    for key in keys:
        saved.pop(key)
    torch.save(saved, tmp_path / "c.ckpt")
    return tmp_path / "c.ckpt"


def _weights(tmp_path, spec, params):
    scratch.save_weights(tmp_path / "w.npz", params, spec)
    return tmp_path / "w.npz"


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp, planar: tmp / "junk.ckpt", "is not a torch checkpoint (it starts with text)"),
        (lambda tmp, planar: tmp / "empty.ckpt", "is not a torch checkpoint (it is empty)"),
        (lambda tmp, planar: tmp / "list.ckpt", "holds a list, not a checkpoint's dict"),
        (lambda tmp, planar: tmp / "object.ckpt", "holds Python objects besides tensors"),
        (
            lambda tmp, planar: _checkpoint_without(tmp, planar, "hyper_parameters"),
            "lacks hyper_parameters: it is not a checkpoint of a NetworkModule",
        ),
        (
            lambda tmp, planar: _checkpoint_without(tmp, planar, "pytorch-lightning_version"),
            "lacks pytorch-lightning_version",
        ),
        (lambda tmp, planar: _checkpoint_without(tmp, planar, "state_dict"), "lacks state_dict"),
    ],
    ids=["text", "empty", "a list", "an object", "no hyperparameters", "no version", "no weights"],
)
def test_a_bad_checkpoint_is_one_line_naming_it_never_advice_to_unpickle(
    make, says, planar, tmp_path
):
    import torch

    (tmp_path / "junk.ckpt").write_text("not a checkpoint\n")
    (tmp_path / "empty.ckpt").write_bytes(b"")
    torch.save([1, 2], tmp_path / "list.ckpt")
    torch.save({"state_dict": {}, "extra": scratch.Layer(3, "tanh")}, tmp_path / "object.ckpt")
    path = make(tmp_path, planar)
    with pytest.raises(ValueError) as caught:
        torch_impl.checkpoint_to_weights(path, tmp_path / "out.npz")
    message = str(caught.value)
    assert f"checkpoint {str(path)!r}" in message and says in message, message
    assert "weights_only" not in message and "\n" not in message, message
    assert not (tmp_path / "out.npz").exists()
    with pytest.raises(ValueError, match="checkpoint"):
        torch_impl.load_checkpoint(path)
