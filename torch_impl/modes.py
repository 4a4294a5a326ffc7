"""No scratch twin: the modes the torch side can run the same network in, checked before a run,
and the one place that keeps CUDA's float32 products in full float32.

- ``compile``: ``torch.compile`` (inductor) of the ``SpecNet``, forward and backward. On the CPU
  inductor writes C++ kernels and builds them with the machine's C++ compiler (``compiler``).
  Its matrix products are eager torch's own ``addmm``/``mm`` calls and agree bit for bit; the
  element-wise work and the sums it fuses do not: ``cpp_fused_tanh`` takes tanh from at::vec
  (SLEEF), where eager ATen's kernel goes through at::vml (MKL's vector maths in an MKL build),
  and ``cpp_fused_sum`` sums a bias gradient over the batch in its own order (16 interleaved
  lanes then across them, or one running sum down the rows), not ATen's. So compiled float64
  is not bit-identical to eager: some entries of ``A`` and ``db`` differ in their last bit or
  two, which the table's compiled rows hold.
- ``precision``: Lightning's own mixed precision, ``"bf16-mixed"`` (CPU and CUDA) or
  ``"16-mixed"`` (CUDA, with Lightning's gradient scaler): float32 master weights, the forward
  pass under ``torch.autocast``, so each product rounds its operands and its result to the
  half type's 8 (bf16) or 11 (fp16) significant bits. It needs a float32 spec.
- TF32: on CUDA, a float32 product may be run on tensor cores in TF32 (10-bit mantissa), which
  breaks the float32 bound; ``full_float32`` turns it off around a run.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import torch

from scratch.spec import NetworkSpec

PRECISIONS = {"bf16-mixed": torch.bfloat16, "16-mixed": torch.float16}
CUDA_ONLY = ("16-mixed",)


def check_precision(precision: str | None, spec: NetworkSpec, accelerator: str = "cpu") -> None:
    """A ``precision`` the run can take, or a one-line ``ValueError`` naming the setting:
    ``None`` (the spec's own dtype), or one of ``PRECISIONS`` with a float32 spec (the master
    weights are float32; autocast would round a float64 network to a half type and back), and,
    for an LSTM on the CPU, a half type its kernel has on this machine."""
    if precision is None:
        return
    if precision not in PRECISIONS:
        names = ", ".join(map(repr, PRECISIONS))
        raise ValueError(
            f"precision {precision!r} is not one of {names}; leave it unset to train in the "
            "spec's own dtype"
        )
    if spec.dtype != "float32":
        raise ValueError(
            f"precision {precision!r} keeps float32 master weights, and the spec's dtype is "
            f"{spec.dtype}: pass dtype float32"
        )
    if precision in CUDA_ONLY and accelerator == "cpu":
        raise ValueError(
            f"precision {precision!r} runs on CUDA only (float16 autocast with a gradient "
            "scaler); on the CPU use 'bf16-mixed'"
        )
    if spec.cell == "lstm" and accelerator == "cpu" and not _half_lstm_runs(precision):
        half = str(PRECISIONS[precision]).removeprefix("torch.")
        raise ValueError(
            f"precision {precision!r} with an lstm layer: torch's CPU LSTM (oneDNN) has no "
            f"{half} kernel on this machine; train the LSTM without a precision"
        )


@functools.cache
def _half_lstm_runs(precision: str) -> bool:
    """Whether a one-unit ``nn.LSTM`` runs under the CPU autocast of ``precision``: oneDNN,
    which runs it there, refuses a bfloat16 LSTM on some CPUs (this project's 2-core EPYC).
    Asked once a process: a run checks its precision before it starts and again in the loop."""
    try:
        with torch.autocast("cpu", dtype=PRECISIONS[precision]):
            torch.nn.LSTM(1, 1)(torch.zeros(1, 1, 1))
    except RuntimeError:
        return False
    return True


def compiler() -> str | None:
    """The C++ compiler inductor would use for CPU kernels (``torch._inductor.config.cpp.cxx``,
    ``None`` in it standing for ``$CXX`` or g++), or ``None`` if none of them is on the PATH."""
    from torch._inductor import config

    names = config.cpp.cxx if isinstance(config.cpp.cxx, list | tuple) else (config.cpp.cxx,)
    for name in names:
        name = os.environ.get("CXX", "g++") if name is None else name
        if shutil.which(name):
            return name
    return None


def check_compile(device: str | torch.device = "cpu") -> None:
    """A one-line ``ValueError`` when ``compile=True`` cannot build its kernels: on the CPU
    inductor needs a C++ compiler."""
    if torch.device(device).type == "cpu" and compiler() is None:
        from torch._inductor import config

        raise ValueError(
            "compile=True needs a C++ compiler for inductor's CPU kernels, and none of "
            f"{config.cpp.cxx!r} (torch._inductor.config.cpp.cxx; $CXX) is on the PATH"
        )


def compiled(net: torch.nn.Module) -> torch.nn.Module:
    """``net`` compiled in place by inductor (``nn.Module.compile``: its calls run the compiled
    graph, its parameters and state dict stay the module's own). Its first call compiles; call
    ``check_compile`` for the run's device before, so that a missing compiler is one line."""
    net.compile(backend="inductor")
    return net


def autocast(precision: str | None, device: str | torch.device) -> AbstractContextManager:
    """``torch.autocast`` to the precision's half type on ``device``; nothing without one. What
    Lightning's ``MixedPrecision`` plugin puts around ``training_step``."""
    if precision is None:
        return nullcontext()
    return torch.autocast(torch.device(device).type, dtype=PRECISIONS[precision])


@contextmanager
def full_float32() -> Iterator[None]:
    """CUDA's float32 products and convolutions in full float32 (TF32 off) inside the block,
    put back as they were after: the float32 rows of the tolerance table assume IEEE float32."""
    matmul, cudnn = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = matmul, cudnn
