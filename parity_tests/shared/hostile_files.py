"""Files that fight back (issue 20), built byte by byte: ``.npz`` archives whose headers lie,
whose members are encrypted, compressed by a method NumPy never writes or named twice; YAML alias
bombs; FIFOs nobody writes. And ``within``, the deadline under which a reader must refuse them:
a reader that blocks on a FIFO or walks a billion values fails its test instead of hanging the
suite."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import struct
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
# Offsets in a zip's local and central headers: general-purpose flags, compression method,
# uncompressed size.
FIELDS = {"flags": (6, 8, "<H"), "method": (8, 10, "<H"), "size": (22, 24, "<I")}
HUGE = (2_000_000, 2_000_000)  # 29.1 TiB of float64: the example


def written(name: str, content: bytes | str) -> Callable[[Path], Path]:
    """A maker of the file ``name`` holding ``content`` in a test's folder (its path back)."""

    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return write


def npy(
    array: np.ndarray | None = None, *, shape: tuple = (), dtype: str = "<f8", data: bytes = b""
) -> bytes:
    """The ``.npy`` bytes of ``array``; or a header declaring ``shape`` and ``dtype`` followed by
    ``data``, whatever it holds."""
    if array is not None:
        out = io.BytesIO()
        np.save(out, array)
        return out.getvalue()
    out = io.BytesIO()
    header = {"descr": dtype, "fortran_order": False, "shape": tuple(shape)}
    np.lib.format.write_array_header_1_0(out, header)
    return out.getvalue() + data


def archive(members: Sequence[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    """A zip of ``members`` (name, bytes), in order, names repeated as given."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": the point of some archives
        with zipfile.ZipFile(out, "w", compression=compression) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return out.getvalue()


def patched(raw: bytes, **fields: int) -> bytes:
    """``raw`` (a zip) with every member's ``flags``, ``method`` or ``size`` (uncompressed) set
    to the values given, in both its local and its central header: what a crafted file says."""
    data = bytearray(raw)
    for signature, column in ((LOCAL, 0), (CENTRAL, 1)):
        at = data.find(signature)
        while at >= 0:
            for name, value in fields.items():
                offset, fmt = FIELDS[name][column], FIELDS[name][2]
                struct.pack_into(fmt, data, at + offset, value)
            at = data.find(signature, at + 4)
    return bytes(data)


def weights_members(params: dict[str, np.ndarray], spec_json: str) -> list[tuple[str, bytes]]:
    """The members ``save_weights`` writes for ``params`` and a spec."""
    return [("spec.npy", npy(np.array(spec_json)))] + [
        (f"{key}.npy", npy(value)) for key, value in params.items()
    ]


def laughs(levels: int = 9, width: int = 9) -> str:
    """ "Billion laughs": a YAML mapping whose last key expands to ``width ** levels`` strings,
    in a few hundred bytes."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 9, width: int = 9) -> str:
    """The same through YAML's merge key: each mapping merges the one before ``width`` times."""
    lines = ["m0: &m0 {a: 1, b: 2}"]
    for level in range(1, levels):
        merged = ", ".join([f"*m{level - 1}"] * width)
        lines.append(f"m{level}: &m{level} {{<<: [{merged}], k{level}: {level}}}")
    return "\n".join(lines) + "\n"


def fifo(folder: Path, name: str) -> Path:
    """A FIFO nobody writes: opening it for reading blocks, reading it blocks."""
    path = folder / name
    os.mkfifo(path)
    return path


@contextlib.contextmanager
def within(seconds: int = 20) -> Iterator[None]:
    """Fail with ``TimeoutError`` if the block has not finished in ``seconds``: SIGALRM
    interrupts a blocking ``open`` or ``read`` too (its handler's exception ends the retry)."""

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: a reader blocked or never ended")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def peak_allocation() -> Iterator[list[int]]:
    """The peak bytes Python and NumPy allocate inside the block (``tracemalloc``), in the one
    list entry yielded, filled on exit."""
    peak = [0]
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield peak
    finally:
        peak[0] = tracemalloc.get_traced_memory()[1]
        if started:
            tracemalloc.stop()
