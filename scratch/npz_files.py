"""No torch twin (both sides read the same files): ``.npz`` archives read within bounds and
without unpickling.

``open_npz`` reads an archive's table of contents and every member's ``.npy`` header, never its
data, and checks each member before a byte of it is allocated:

- the file is a regular file (``scratch.regular_files``: a FIFO never blocks), and a zip;
- no two members share a name; none is encrypted; each is stored or deflated (what
  ``np.savez`` and ``np.savez_compressed`` write);
- each is a ``.npy`` array (format 1.0 or 2.0) of numbers or text, never of Python objects;
- the bytes its header declares (header, then shape times item size) are the bytes the archive
  says the member unpacks to, and a member unpacks to no more than its packed size allows
  (stored: the same; deflated: ``DEFLATE_RATIO`` times, deflate's own bound): a header cannot
  claim an array larger than the file carries;
- all the members together fit in the memory the machine has (``scratch.memory``).

A reader that knows what it expects (the weights' spec) checks ``NpzArchive.declared``, each
array as its header declares it, without its data, before it reads any. Every refusal is one
line naming the file and the member.
"""

from __future__ import annotations

import codecs
import math
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from scratch.memory import check_allocation, format_bytes
from scratch.regular_files import open_regular

ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first entry, or an empty zip's end
HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
COMPRESSIONS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
DEFLATE_RATIO = 1032
"""The most bytes deflate unpacks from one (a run of 258 bytes coded in two bits)."""
DAMAGED = (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError)


@dataclass(frozen=True)
class Member:
    """One ``.npy`` member as its header declares it: ``key`` (its name less ``.npy``), its
    dtype and shape, and where it is in the archive."""

    key: str
    dtype: np.dtype
    shape: tuple[int, ...]
    info: zipfile.ZipInfo

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize

    def describe(self) -> str:
        return f"{self.shape} {self.dtype} ({format_bytes(self.nbytes)})"


class NpzArchive:
    """An open ``.npz`` whose members have been checked (see the module docstring); ``read``
    loads one."""

    def __init__(self, archive: zipfile.ZipFile, label: str, members: dict[str, Member]):
        self.archive, self.label, self.members = archive, label, members

    def declared(self) -> dict[str, np.ndarray]:
        """Each array as its header declares it, without its data: a read-only view of a single
        zero of its dtype, in its shape (nothing is allocated), for the checks a reader makes on
        shapes and dtypes before it reads."""
        return {
            key: np.broadcast_to(np.zeros((), member.dtype), member.shape)
            for key, member in self.members.items()
        }

    def read(self, key: str) -> np.ndarray:
        """The array ``key``; a member whose data is not what its header and the archive said
        is a one-line ``ValueError``."""
        member = self.members[key]
        try:
            with self.archive.open(member.info) as fh:
                return np.lib.format.read_array(fh, allow_pickle=False)
        except DAMAGED as err:
            raise ValueError(
                f"{self.label} is a damaged .npz archive (array {key!r}: {_first_line(err)})"
            ) from None


@contextmanager
def open_npz(path: str | Path, label: str, expected: str) -> Iterator[NpzArchive]:
    """The ``.npz`` at ``path``, opened and checked (see the module docstring). A missing file
    is a ``FileNotFoundError``, one that needs more memory than the machine has an
    ``InsufficientMemoryError``, anything else a ``ValueError``: one line that starts with
    ``label`` and, for a file of another kind, says it ``expected`` an .npz."""
    with open_regular(path, label) as fh:
        head = fh.read(64)
        if not head.startswith(ZIP_STARTS):
            raise ValueError(f"{label} is not an .npz archive ({describe_start(head)}); {expected}")
        fh.seek(0)
        try:
            archive = zipfile.ZipFile(fh)
        except DAMAGED as err:
            raise ValueError(f"{label} is a damaged .npz archive ({_first_line(err)})") from None
        with archive:
            yield NpzArchive(archive, label, _members(archive, label))


def read_npz(path: str | Path, label: str, expected: str) -> dict[str, np.ndarray]:
    """Every array of the ``.npz`` at ``path``, by key, read by ``open_npz``'s rules."""
    with open_npz(path, label, expected) as archive:
        return {key: archive.read(key) for key in archive.members}


def describe_start(head: bytes) -> str:
    """What a file whose first bytes are ``head`` looks like, for an error message."""
    if not head:
        return "it is empty"
    if head.startswith(b"\x93NUMPY"):
        return "it is a single .npy array"
    if head.startswith(ZIP_STARTS):
        return "it is a zip archive"
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        text = ""
    if text and all(char.isprintable() or char.isspace() for char in text):
        return "it starts with text"
    return f"it starts with the bytes {head[:4].hex(' ')}"


def _members(archive: zipfile.ZipFile, label: str) -> dict[str, Member]:
    infos = archive.infolist()
    twice = [name for name, count in Counter(info.filename for info in infos).items() if count > 1]
    if twice:
        raise ValueError(f"{label} holds two members named {twice[0]!r}; a name may appear once")
    members = {}
    for info in infos:
        name = info.filename
        if not name.endswith(".npy"):
            raise ValueError(f"{label} holds {name!r}, which is not a .npy array")
        member = _member(archive, info, label)
        members[member.key] = member
    if members:
        largest = max(members.values(), key=lambda member: member.nbytes)
        total = sum(member.nbytes for member in members.values())
        check_allocation(f"{label}: its arrays ({largest.key!r} {largest.describe()})", total)
    return members


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> Member:
    """The member ``info``, its header read and checked against what the archive holds."""
    where = f"{label}: member {info.filename!r}"
    if info.flag_bits & 0x1:
        raise ValueError(f"{where} is encrypted; an .npz holds its arrays in the clear")
    if info.compress_type not in COMPRESSIONS:
        raise ValueError(
            f"{where} is compressed by method {info.compress_type}; an .npz member is stored "
            "or deflated (np.savez, np.savez_compressed)"
        )
    packed, size = info.compress_size, info.file_size
    bound = packed if info.compress_type == zipfile.ZIP_STORED else DEFLATE_RATIO * packed
    if size > bound:
        raise ValueError(
            f"{where} claims to unpack to {size} bytes from {packed}; "
            f"{COMPRESSIONS[info.compress_type]} data unpacks to at most {bound}"
        )
    key = info.filename.removesuffix(".npy")
    try:
        with archive.open(info) as fh:
            dtype, shape, header = _header(fh)
    except DAMAGED as err:
        raise ValueError(f"{where} has no valid .npy header ({_first_line(err)})") from None
    if dtype.hasobject:
        raise ValueError(
            f"{label}: array {key!r} holds Python objects (dtype {dtype}), not numbers; it was "
            "not loaded"
        )
    if any(n < 0 for n in shape):
        raise ValueError(f"{where} declares the shape {shape}, with a negative size")
    member = Member(key, dtype, shape, info)
    if header + member.nbytes != size:
        raise ValueError(
            f"{label}: array {key!r} declares {member.describe()}, but the archive holds "
            f"{max(size - header, 0)} bytes of it"
        )
    return member


def _header(fh: BinaryIO) -> tuple[np.dtype, tuple[int, ...], int]:
    """A ``.npy`` header's dtype and shape, and its length in bytes."""
    version = np.lib.format.read_magic(fh)
    if version not in HEADER_READERS:
        raise ValueError(f"it is in .npy format {version}, not 1.0 or 2.0")
    shape, _, dtype = HEADER_READERS[version](fh)
    return dtype, shape, fh.tell()


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
