"""``torch_impl.trainer_guards``: what a Trainer changes for the whole process is put back,
Lightning is quiet unless asked, Ctrl-C comes back to the caller as itself, and the number of
processes a Trainer would train in is found without starting one. (The settings it refuses, and
Ctrl-C inside a real ``Trainer.fit``, are ``test_torch_devices_check.py``.)"""

from __future__ import annotations

import logging
import signal

import pytest
import torch

from torch_impl.trainer_guards import (
    LIGHTNING_LOGGERS,
    check_devices,
    interrupts_raised,
    trainer_context,
)


@pytest.fixture
def as_found():
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    benchmark = torch.backends.cudnn.benchmark
    yield deterministic, warn_only, benchmark
    torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
    torch.backends.cudnn.benchmark = benchmark


def test_what_a_trainer_switches_for_the_process_is_put_back_even_when_it_fails(as_found):
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = True
    with pytest.raises(RuntimeError, match="inside"), trainer_context(verbose=False):
        torch.use_deterministic_algorithms(False)  # what Trainer(deterministic=...) changes
        torch.backends.cudnn.benchmark = False
        raise RuntimeError("inside")
    assert torch.are_deterministic_algorithms_enabled()
    assert torch.is_deterministic_algorithms_warn_only_enabled()
    assert torch.backends.cudnn.benchmark


@pytest.mark.parametrize("verbose", [False, True])
def test_lightnings_info_lines_are_held_back_unless_asked_and_its_levels_put_back(verbose):
    loggers = [logging.getLogger(name) for name in LIGHTNING_LOGGERS]
    before = [logger.level for logger in loggers]
    with trainer_context(verbose=verbose):
        inside = [logger.level for logger in loggers]
    assert inside == (before if verbose else [logging.WARNING] * len(loggers))
    assert [logger.level for logger in loggers] == before


def test_an_exit_lightning_makes_of_ctrl_c_is_raised_as_the_interrupt_it_was():
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt), interrupts_raised():
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # as Lightning does
            raise SystemExit(1) from None
    assert signal.getsignal(signal.SIGINT) is handler


def test_any_other_exit_passes_through_as_it_is():
    with pytest.raises(SystemExit) as raised, interrupts_raised():
        raise SystemExit(3)
    assert raised.value.code == 3


def test_one_cpu_device_is_one_process_found_without_starting_it():
    assert check_devices("cpu", 1) == 1
