"""``scratch.npz_files``: an ``.npz`` read without unpickling. Each member's header is read
before its data, so an array of Python objects is refused by its key unread, and a file of
another kind is named for what it is."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from scratch.npz_files import describe_start, read_npz

EXPECTED = "expected the weights .npz"


def _read(path):
    return read_npz(path, f"weights file {path.name}", EXPECTED)


def test_an_archive_of_arrays_reads_back_as_it_was_written(tmp_path):
    arrays = {"W1": np.arange(6.0).reshape(2, 3), "b1": np.zeros((2, 1)), "t": np.int64(3)}
    np.savez(tmp_path / "w.npz", **arrays)
    read = _read(tmp_path / "w.npz")
    assert read.keys() == arrays.keys()
    for key, value in arrays.items():
        np.testing.assert_array_equal(read[key], value)


def test_an_array_of_python_objects_is_refused_by_its_key_without_being_unpickled(
    tmp_path, monkeypatch
):
    np.savez(tmp_path / "o.npz", W1=np.zeros((1, 1)), spec=np.array([{"a": 1}], dtype=object))

    def no_pickles(*args, **kwargs):
        raise AssertionError("an object array was loaded")

    monkeypatch.setattr("pickle.loads", no_pickles)
    monkeypatch.setattr("pickle.load", no_pickles)
    with pytest.raises(ValueError) as raised:
        _read(tmp_path / "o.npz")
    assert str(raised.value) == (
        "weights file o.npz: array 'spec' holds Python objects (dtype object), not numbers; "
        "it was not loaded"
    )


@pytest.mark.parametrize(
    ("head", "says"),
    [
        (b"", "it is empty"),
        (b"\x93NUMPY\x01\x00", "it is a single .npy array"),
        (b"W1,b1\n0.5,0.1\n", "it starts with text"),
        (b"\x89PNG\r\n\x1a\n", "it starts with the bytes 89 50 4e 47"),
        (b"PK\x03\x04", "it is a zip archive"),
    ],
)
def test_what_a_file_looks_like_is_told_from_its_first_bytes(head, says):
    assert describe_start(head) == says


def test_a_file_that_is_no_archive_is_named_for_what_it_is(tmp_path):
    np.save(tmp_path / "one.npy", np.zeros(3))
    path = tmp_path / "one.npz"
    path.write_bytes((tmp_path / "one.npy").read_bytes())
    with pytest.raises(ValueError) as raised:
        _read(path)
    assert str(raised.value) == (
        f"weights file one.npz is not an .npz archive (it is a single .npy array); {EXPECTED}"
    )


def test_a_missing_file_is_file_not_found_and_a_member_that_is_no_array_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"^weights file gone\.npz does not exist$"):
        _read(tmp_path / "gone.npz")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("W1.npy", _npy(np.ones((1, 1))))
        archive.writestr("notes.txt", "hello")
    (tmp_path / "extra.npz").write_bytes(buffer.getvalue())
    with pytest.raises(ValueError, match=r"holds 'notes\.txt', which is not a \.npy array"):
        _read(tmp_path / "extra.npz")


def test_a_truncated_archive_is_named_damaged(tmp_path):
    np.savez(tmp_path / "whole.npz", W1=np.ones((50, 50)))
    data = (tmp_path / "whole.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"^weights file cut\.npz is a damaged \.npz archive \("):
        _read(tmp_path / "cut.npz")


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()
