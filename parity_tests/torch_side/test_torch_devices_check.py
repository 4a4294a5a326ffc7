"""``torch_impl.trainer_guards``: an accelerator, a device count, a strategy, a batch split or a
batch norm the Trainer cannot run is refused before anything starts, in one line naming the
settings; Ctrl-C inside ``Trainer.fit`` reaches ``torch_impl.train``'s caller as
``KeyboardInterrupt``."""

from __future__ import annotations

import signal

import lightning.pytorch  # noqa: F401  (imported at collection, as the other torch tests do)
import pytest
import torch

import torch_impl
from scratch import BatchSchedule
from torch_impl.trainer_guards import check_devices

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest

NO_GPU = not torch.cuda.is_available() and not torch.backends.mps.is_available()


@pytest.mark.parametrize(
    ("accelerator", "devices", "says"),
    [
        ("tpux", 1, "invalid accelerator name: `accelerator='tpux'`"),
        ("cpu", 0, "`Trainer(devices=0)` value is not a valid input"),
        ("cpu", -2, "should be an int > 0"),
        pytest.param(
            "gpu", 1, "there is no GPU here", marks=pytest.mark.skipif(not NO_GPU, reason="GPU")
        ),
    ],
)
def test_settings_the_trainer_refuses_are_one_line_naming_them(accelerator, devices, says):
    with pytest.raises(ValueError) as refused:
        check_devices(accelerator, devices)
    message = str(refused.value)
    assert message.startswith(f"accelerator {accelerator!r}, devices {devices!r}: ")
    assert says in message and "\n" not in message


def test_a_batch_that_does_not_split_into_one_shard_per_process_is_refused_before_launch():
    with pytest.raises(ValueError, match=r"devices 3: a batch of 320 examples cannot be split"):
        check_devices("cpu", 3, schedule=BatchSchedule(320, None))
    assert check_devices("cpu", 2, schedule=BatchSchedule(320, 64)) == 2


def test_batch_norm_over_cpu_processes_and_spawned_workers_are_refused_before_launch():
    with pytest.raises(ValueError, match=r"^batch norm over 2 processes needs .* GPUs only"):
        check_devices("cpu", 2, sync_batchnorm=True)
    assert check_devices("cpu", 2, sync_batchnorm=False) == 2  # each shard its own statistics
    assert check_devices("cpu", 1, sync_batchnorm=True) == 1
    with pytest.raises(ValueError, match=r"^strategy 'ddp_spawn' runs the steps in worker"):
        check_devices("cpu", 2, "ddp_spawn")


def test_the_command_refuses_batch_norm_over_cpu_processes_before_any_folder(tmp_path, capsys):
    from scripts.train import main

    argv = ["--impl", "torch", "--devices", "2", "--batch-norm", "--iterations", "2"]
    assert main([*argv, "--runs-dir", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("train: error: batch norm over 2 processes") and err.count("\n") == 1
    assert not (tmp_path / "runs").exists()


def test_train_refuses_devices_before_any_process_starts(planar, tmp_path):
    spec, X, Y, params = planar  # 400 examples: 3 processes cannot share a batch
    with pytest.raises(ValueError, match=r"devices 3: a batch of 400 examples"):
        torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=2, devices=3)


def test_ctrl_c_inside_fit_is_raised_to_the_caller_and_sigint_is_handled_again(planar):
    spec, X, Y, params = planar
    handler = signal.getsignal(signal.SIGINT)
    seen = []

    def interrupt_at_step_3(t: int, cost: float) -> None:
        seen.append(t)
        if t == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        torch_impl.train(
            spec,
            X,
            Y,
            params=params,
            learning_rate=1.2,
            num_iterations=50,
            callback=interrupt_at_step_3,
        )
    assert seen == [0, 1, 2, 3]
    assert signal.getsignal(signal.SIGINT) is handler
