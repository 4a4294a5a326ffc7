"""``import torch_impl`` imports torch, not Lightning (a great many modules that a forward pass
or ``train_plain`` never needs); the Lightning-side names load on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import torch_impl

LIGHTNING = {"lightning", "lightning_fabric", "lightning_utilities", "pytorch_lightning"}


@pytest.mark.slow
def test_importing_torch_impl_never_imports_lightning():
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import torch_impl"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = [
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert {"torch", "torch_impl"} <= set(imported), "no import-time report to read"
    lightning = sorted({name for name in imported if name.split(".")[0] in LIGHTNING})
    assert not lightning, f"import torch_impl imported {', '.join(lightning)}"


@pytest.mark.slow  # a fresh interpreter importing Lightning
def test_the_lightning_names_load_on_first_use():
    code = (
        "import sys, torch_impl\n"
        "assert 'lightning' not in sys.modules, 'imported too early'\n"
        "module = torch_impl.NetworkModule\n"
        "import lightning\n"
        "from torch_impl.lightning_module import NetworkModule\n"
        "assert module is NetworkModule and issubclass(module, lightning.LightningModule)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_public_name_resolves_and_an_unknown_one_is_refused():
    missing = [name for name in torch_impl.__all__ if getattr(torch_impl, name, None) is None]
    assert not missing, f"torch_impl.__all__ names {', '.join(missing)}, which do not load"
    with pytest.raises(AttributeError, match="module 'torch_impl' has no attribute 'NetworkModul'"):
        torch_impl.NetworkModul  # noqa: B018
