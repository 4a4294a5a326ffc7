"""No scratch twin: Lightning checkpoints of a ``NetworkModule`` <-> the scratch weights file
(``.npz`` with its spec).

A checkpoint keeps the spec (as a dict) and the learning rate in its hyperparameters, so either
file can be rebuilt from the other alone; the weights cross over bit for bit. Every write is
atomic: the file is written beside its path and renamed over it, so a crash never leaves half a
file where a whole one was.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import lightning
import torch
from lightning.pytorch.plugins.io import TorchCheckpointIO

from scratch._atomic import atomic_write
from scratch.npz_files import ZIP_STARTS, describe_start
from scratch.regular_files import open_regular
from scratch.settings import TrainingSettings
from scratch.weights import load_optimizer_state, load_weights, save_weights
from torch_impl.lightning_module import NetworkModule
from torch_impl.optimizers import build_optimizer, export_state
from torch_impl.transfer import export_params

TORCH_STARTS = (*ZIP_STARTS, b"\x80")  # torch.save's zip, or a bare pickle of old torch


class AtomicCheckpointIO(TorchCheckpointIO):
    """Lightning's checkpoint format (``torch.save``), written atomically; the ``plugins`` entry
    that ``torch_impl.train`` gives its Trainer."""

    def save_checkpoint(
        self, checkpoint: dict[str, Any], path: str | Path, storage_options: Any = None
    ) -> None:
        if storage_options is not None:
            raise TypeError(f"{type(self).__name__} takes no storage_options")
        atomic_write(path, lambda fh: torch.save(checkpoint, fh))


def load_checkpoint(checkpoint_path: str | Path) -> NetworkModule:
    """The ``NetworkModule`` of a Lightning checkpoint, on the CPU. A checkpoint written before
    the settings were saved holds only a ``learning_rate``: plain gradient descent."""
    return _module(checkpoint_path, read_checkpoint(checkpoint_path))


def read_checkpoint(checkpoint_path: str | Path) -> dict[str, Any]:
    """The checkpoint's dict, loaded with ``weights_only=True`` (tensors and plain values, never
    arbitrary objects) and checked for what ``load_checkpoint`` needs: ``state_dict``, the
    Lightning version and the hyperparameters ``spec`` and ``settings`` (or
    ``learning_rate``). Anything else is a one-line ``ValueError`` naming the file."""
    label = f"checkpoint {str(checkpoint_path)!r}"
    with open_regular(checkpoint_path, label) as fh:  # a FIFO or a device never blocks
        try:
            saved = torch.load(fh, map_location="cpu", weights_only=True)
        except OSError as err:
            raise ValueError(f"{label} cannot be read: {err.strerror or err}") from None
        except Exception as err:  # torch fails on junk with KeyError, EOFError, RuntimeError, ...
            refused = isinstance(err, pickle.UnpicklingError) and "weights only" in str(err).lower()
            if refused and _head(checkpoint_path).startswith(TORCH_STARTS):
                raise ValueError(
                    f"{label} holds Python objects besides tensors and plain values, which are not "
                    "loaded: it is not a checkpoint of a NetworkModule"
                ) from None
            start = describe_start(_head(checkpoint_path))
            raise ValueError(f"{label} is not a torch checkpoint ({start})") from None
    if not isinstance(saved, dict):
        raise ValueError(f"{label} holds a {type(saved).__name__}, not a checkpoint's dict")
    hyper = saved.get(NetworkModule.CHECKPOINT_HYPER_PARAMS_KEY)
    needed = {
        "state_dict": "state_dict" in saved,
        "pytorch-lightning_version": "pytorch-lightning_version" in saved,
        NetworkModule.CHECKPOINT_HYPER_PARAMS_KEY: isinstance(hyper, dict),
    }
    if isinstance(hyper, dict):
        needed |= {
            "hyperparameter 'spec'": "spec" in hyper,
            "hyperparameter 'settings'": bool({"settings", "learning_rate"} & hyper.keys()),
        }
    missing = [name for name, present in needed.items() if not present]
    if missing:
        raise ValueError(
            f"{label} lacks {', '.join(missing)}: it is not a checkpoint of a NetworkModule"
        )
    return saved


def _module(checkpoint_path: str | Path, saved: dict[str, Any]) -> NetworkModule:
    hyper = saved[NetworkModule.CHECKPOINT_HYPER_PARAMS_KEY]
    older = {"settings": hyper["learning_rate"]} if "settings" not in hyper else {}
    label = f"checkpoint {str(checkpoint_path)!r}"
    try:
        return NetworkModule.load_from_checkpoint(
            checkpoint_path, map_location="cpu", weights_only=True, **older
        )
    except (ValueError, TypeError) as err:  # a SpecError among them
        raise ValueError(f"{label}: {err}") from None
    except RuntimeError as err:  # load_state_dict: tensors that do not fit the spec
        raise ValueError(f"{label}: {(str(err).strip().splitlines() or ['?'])[0]}") from None


def _head(path: str | Path) -> bytes:
    with Path(path).open("rb") as fh:
        return fh.read(64)


def save_checkpoint(module: NetworkModule, checkpoint_path: str | Path, **extra: Any) -> None:
    """Write ``module`` as a Lightning checkpoint without a Trainer: its ``state_dict`` and
    hyperparameters, which is what ``NetworkModule.load_from_checkpoint`` reads. (A Trainer's
    own checkpoint adds optimiser and loop state, for resuming a ``fit``.)"""
    checkpoint = {
        "state_dict": module.state_dict(),
        NetworkModule.CHECKPOINT_HYPER_PARAMS_KEY: dict(module.hparams),
        "pytorch-lightning_version": lightning.__version__,
        **extra,
    }
    AtomicCheckpointIO().save_checkpoint(checkpoint, checkpoint_path)


def checkpoint_to_weights(checkpoint_path: str | Path, weights_path: str | Path) -> None:
    """Lightning checkpoint -> scratch weights file: the parameters in course layout, the spec
    and, from a Trainer's checkpoint of a stateful optimizer, that optimizer's state, exactly."""
    saved = read_checkpoint(checkpoint_path)
    module = _module(checkpoint_path, saved)
    settings, state = module.settings, {}
    if saved.get("optimizer_states"):
        optimizer = build_optimizer(module.net, settings, module.start)
        optimizer.load_state_dict(saved["optimizer_states"][0])
        state = export_state(optimizer, module.net, settings.optimizer)
    params = export_params(module.net)
    save_weights(weights_path, params, module.spec, settings.optimizer, state)


def weights_to_checkpoint(
    weights_path: str | Path,
    checkpoint_path: str | Path,
    *,
    settings: TrainingSettings | float,
) -> None:
    """Scratch weights file -> Lightning checkpoint of a ``NetworkModule`` that trains as
    ``settings`` say (or with this learning rate), what a weights file does not hold; an
    optimizer state in the file goes into the checkpoint's ``optimizer_states``, exactly."""
    params, spec = load_weights(weights_path)
    name, state = load_optimizer_state(weights_path)
    if not isinstance(settings, TrainingSettings):
        settings = TrainingSettings(settings, num_iterations=1, optimizer=name)
    start = settings.build_optimizer(params, state)
    module = NetworkModule(spec, settings, params, start=start)
    extra = {}
    if state:
        extra["optimizer_states"] = [build_optimizer(module.net, settings, start).state_dict()]
    save_checkpoint(module, checkpoint_path, **extra)
