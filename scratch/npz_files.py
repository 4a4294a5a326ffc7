"""No torch twin (both sides read the same files): ``.npz`` archives read without unpickling.

Each member's header is read before its data, so an array of Python objects is refused by its
key without being loaded, and a file that is no archive (a ``.npy``, text, anything else) is
named for what it is.
"""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import numpy as np

ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first entry, or an empty zip's end
HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


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


def read_npz(path: str | Path, label: str, expected: str) -> dict[str, np.ndarray]:
    """The arrays of the ``.npz`` at ``path``, by key. Anything else is refused with one line
    that starts with ``label`` and, for a file of another kind, says it ``expected`` an .npz:
    ``FileNotFoundError`` for a missing file, ``ValueError`` otherwise."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except FileNotFoundError:
        raise FileNotFoundError(f"{label} does not exist") from None
    except OSError as err:
        raise ValueError(f"{label} cannot be read: {err.strerror or err}") from None
    if not head.startswith(ZIP_STARTS):
        raise ValueError(f"{label} is not an .npz archive ({describe_start(head)}); {expected}")
    try:
        with zipfile.ZipFile(path) as archive:
            dtypes = {info.filename: _dtype(archive, info) for info in archive.infolist()}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
        raise ValueError(f"{label} is a damaged .npz archive ({_first_line(err)})") from None
    for name, dtype in dtypes.items():
        if dtype is None:
            raise ValueError(f"{label} holds {name!r}, which is not a .npy array")
        if dtype.hasobject:
            raise ValueError(
                f"{label}: array {name.removesuffix('.npy')!r} holds Python objects (dtype "
                f"{dtype}), not numbers; it was not loaded"
            )
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
        raise ValueError(f"{label} is a damaged .npz archive ({_first_line(err)})") from None


def _dtype(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.dtype | None:
    """The dtype in a ``.npy`` member's header, read without its data; ``None`` for others."""
    if not info.filename.endswith(".npy"):
        return None
    with archive.open(info) as fh:
        version = np.lib.format.read_magic(fh)
        if version not in HEADER_READERS:
            raise ValueError(f"{info.filename!r} is in .npy format {version}, not 1.0 or 2.0")
        return HEADER_READERS[version](fh)[2]


def _first_line(err: Exception) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
