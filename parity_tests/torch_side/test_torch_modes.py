"""``torch_impl.modes``: what a run in a mode is checked for before it starts (each a one-line
``ValueError`` naming the setting), the autocast it runs under, and TF32 turned off and put
back. Nothing here compiles or runs a Trainer."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from parity_cases import PLANAR

import scratch
import torch_impl
from torch_impl import modes
from torch_impl.modes import autocast, check_compile, check_precision, compiler, full_float32

FLOAT32 = PLANAR.replace(dtype="float32")


@pytest.mark.parametrize(
    ("precision", "spec", "accelerator", "names"),
    [
        ("bf16", FLOAT32, "cpu", ("precision 'bf16'", "'bf16-mixed', '16-mixed'")),
        ("bf16-mixed", PLANAR, "cpu", ("precision 'bf16-mixed'", "float64", "dtype float32")),
        ("16-mixed", PLANAR, "gpu", ("precision '16-mixed'", "float64")),
        ("16-mixed", FLOAT32, "cpu", ("precision '16-mixed'", "CUDA only", "'bf16-mixed'")),
    ],
)
def test_a_precision_the_run_cannot_take_is_one_line_naming_the_setting(
    precision, spec, accelerator, names
):
    with pytest.raises(ValueError) as err:
        check_precision(precision, spec, accelerator)
    assert "\n" not in str(err.value)
    assert all(name in str(err.value) for name in names), str(err.value)


@pytest.mark.parametrize("loop", [torch_impl.train, torch_impl.train_plain])
def test_both_loops_refuse_bf16_mixed_of_a_float64_spec_before_any_step(loop, planar_data):
    X, Y = planar_data
    with pytest.raises(ValueError, match="precision 'bf16-mixed' keeps float32 master weights"):
        loop(PLANAR, X, Y, learning_rate=1.2, num_iterations=3, precision="bf16-mixed")


def test_the_precisions_a_float32_spec_takes_pass(planar_data):
    check_precision(None, PLANAR)
    check_precision("bf16-mixed", FLOAT32)
    check_precision("16-mixed", FLOAT32, "gpu")


def test_an_lstm_in_bf16_mixed_on_the_cpu_trains_or_is_refused_in_one_line_never_a_traceback():
    """oneDNN, which runs torch's CPU LSTM, refuses a bfloat16 one on some CPUs (this
    project's); the check asks the kernel itself, so the run either trains or is refused first."""
    spec = scratch.NetworkSpec.from_dict(
        {
            "input_size": 3,
            "layers": [{"kind": "lstm", "units": 2}, {"units": 3, "activation": "softmax"}],
            "loss": "cross_entropy",
            "dtype": "float32",
        }
    )
    X = np.eye(3, dtype=np.float32)[:, [[0, 1, 2, 1], [2, 1, 0, 0]]]  # (n_x, m, T_x)
    Y = np.array([[[1, 2, 1, 0], [1, 0, 0, -1]]])  # the next character; -1: the end
    try:
        result = torch_impl.train_plain(
            spec, X, Y, learning_rate=0.1, num_iterations=2, precision="bf16-mixed"
        )
    except ValueError as err:
        assert str(err) == (
            "precision 'bf16-mixed' with an lstm layer: torch's CPU LSTM (oneDNN) has no "
            "bfloat16 kernel on this machine; train the LSTM without a precision"
        )
        assert not modes._half_lstm_runs("bf16-mixed")
    else:
        assert len(result.costs) == 2 and modes._half_lstm_runs("bf16-mixed")


@pytest.fixture
def no_compiler(monkeypatch):
    """No C++ compiler inductor would look for: a name that is on no PATH. Set by inductor's own
    ``config.patch``, which puts back exactly the setting it found: inductor's settings are
    context variables behind a proxy (``config.cpp``), which a generic attribute patch reads
    and restores through ``__getattr__``/``__setattr__``/``__delattr__``, where a delete hides
    the setting (``config.cpp.cxx does not exist``) from every test after."""
    from torch._inductor import config

    monkeypatch.delenv("CXX", raising=False)
    with config.patch({"cpp.cxx": ("no-such-c++",)}):
        yield


def test_the_compiler_is_the_one_inductor_names_and_is_found_here():
    assert compiler() is not None


def test_compile_without_a_cpp_compiler_names_what_is_missing(no_compiler):
    assert compiler() is None
    with pytest.raises(ValueError) as err:
        check_compile("cpu")
    message = str(err.value)
    assert "\n" not in message
    assert "C++ compiler" in message and "no-such-c++" in message
    assert "torch._inductor.config.cpp.cxx" in message


def test_compile_on_cuda_needs_no_cpp_compiler(no_compiler):
    check_compile("cuda")  # inductor writes Triton kernels there


@pytest.mark.parametrize("loop", [torch_impl.train, torch_impl.train_plain])
def test_both_loops_refuse_compile_without_a_compiler_before_any_step(
    loop, planar_data, no_compiler
):
    X, Y = planar_data
    with pytest.raises(ValueError, match="compile=True needs a C\\+\\+ compiler"):
        loop(PLANAR, X, Y, learning_rate=1.2, num_iterations=3, compile=True)


def test_the_compiled_internals_refuse_dropout_and_say_why(rng):
    spec = PLANAR.with_hidden_layers(keep_prob=0.8)
    X, Y = rng.standard_normal((2, 5)), rng.integers(0, 2, (1, 5))
    params = scratch.initialize_parameters(spec)
    with pytest.raises(ValueError, match="CompiledFunctionBackward"):
        torch_impl.layer_internals(X, Y, params, spec, compile=True)


def test_autocast_is_nothing_without_a_precision_and_the_half_type_with_one():
    A = torch.ones(2, 2)
    with autocast(None, "cpu"):
        assert (A @ A).dtype == torch.float32
    with autocast("bf16-mixed", "cpu"):
        assert (A @ A).dtype == torch.bfloat16


def test_full_float32_turns_tf32_off_inside_and_puts_it_back():
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    try:
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
        with full_float32():
            assert not torch.backends.cuda.matmul.allow_tf32
            assert not torch.backends.cudnn.allow_tf32
        assert torch.backends.cuda.matmul.allow_tf32 and torch.backends.cudnn.allow_tf32
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before


def test_the_precision_names_are_the_command_lines():
    from scripts.cli.settings import PRECISIONS

    assert tuple(modes.PRECISIONS) == PRECISIONS
