"""``scratch.npz_files``: an ``.npz`` is read within bounds. Each member's header is checked
against what the archive holds, the compression NumPy writes and the machine's memory before a
byte of its data is allocated; encrypted members, other compressions, duplicate names and files
that are not regular files are refused in one line naming the file and the member."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from hostile_files import (
    HUGE,
    archive,
    fifo,
    npy,
    patched,
    peak_allocation,
    weights_members,
    within,
)

import scratch
from scratch import InsufficientMemoryError, build_spec, initialize_parameters
from scratch.npz_files import NpzArchive, describe_start, open_npz, read_npz

SPEC = build_spec([2, 3, 1], "tanh")
LABEL = "data file d.npz"
EXPECTED = "expected an .npz"


def refusal(tmp_path, raw: bytes) -> str:
    """``read_npz``'s one line for an archive of ``raw`` bytes."""
    path = tmp_path / "d.npz"
    path.write_bytes(raw)
    with within(20), pytest.raises(ValueError) as caught:
        read_npz(path, LABEL, EXPECTED)
    message = str(caught.value)
    assert message.startswith(LABEL) and "\n" not in message, message
    return message


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_header_that_claims_more_than_the_archive_holds_is_refused_before_allocating(
    tmp_path, compression
):
    raw = archive([("X.npy", npy(shape=HUGE, data=bytes(64)))], compression)
    message = refusal(tmp_path, raw)
    assert "array 'X' declares (2000000, 2000000) float64 (29.1 TiB)" in message, message
    assert "the archive holds 64 bytes of it" in message, message
    # A claim the machine could grant (1 GiB) is refused as fast, with nothing allocated.
    raw = archive([("X.npy", npy(shape=(2**27,), data=bytes(64)))], compression)
    with peak_allocation() as peak:
        refusal(tmp_path, raw)
    assert peak[0] < 2**20, f"{peak[0]} bytes allocated to refuse a 1 GiB claim"


@pytest.mark.parametrize(
    ("compression", "says"),
    [
        (zipfile.ZIP_STORED, "stored data unpacks to at most"),
        (zipfile.ZIP_DEFLATED, "deflated data unpacks to at most"),
    ],
)
def test_a_member_that_claims_to_unpack_past_what_its_bytes_can_is_refused(
    tmp_path, compression, says
):
    """The zip's own size field lies in step with the header: deflate's ratio (1032) bounds it."""
    declared = 10**9
    header = npy(shape=(declared // 8,), data=b"")
    raw = patched(
        archive([("X.npy", header + bytes(64))], compression), size=len(header) + declared
    )
    message = refusal(tmp_path, raw)
    assert f"member 'X.npy' claims to unpack to {len(header) + declared} bytes" in message
    assert says in message, message


def test_an_encrypted_member_is_refused_naming_it(tmp_path):
    raw = patched(archive([("X.npy", npy(np.zeros((2, 3))))]), flags=0x1)
    assert "member 'X.npy' is encrypted" in refusal(tmp_path, raw)


@pytest.mark.parametrize(
    ("method", "raw"),
    [
        (12, archive([("X.npy", npy(np.zeros((2, 3))))], zipfile.ZIP_BZIP2)),
        (14, archive([("X.npy", npy(np.zeros((2, 3))))], zipfile.ZIP_LZMA)),
        (99, patched(archive([("X.npy", npy(np.zeros((2, 3))))]), method=99)),
    ],
    ids=["bzip2", "lzma", "unknown"],
)
def test_a_compression_numpy_does_not_write_is_refused_naming_the_method(tmp_path, method, raw):
    message = refusal(tmp_path, raw)
    assert f"member 'X.npy' is compressed by method {method}" in message, message
    assert "stored or deflated (np.savez, np.savez_compressed)" in message


def test_two_members_of_one_name_are_refused(tmp_path):
    raw = archive([("X.npy", npy(np.zeros(2))), ("X.npy", npy(np.ones(2)))])
    assert "holds two members named 'X.npy'" in refusal(tmp_path, raw)


@pytest.mark.parametrize(
    ("member", "says"),
    [
        (npy(shape=(-1, 2)), "member 'X.npy' declares the shape (-1, 2), with a negative size"),
        (npy(shape=(2,), dtype="|O"), "array 'X' holds Python objects (dtype object)"),
        (b"\x93NUMPY\x03\x00" + bytes(16), "member 'X.npy' has no valid .npy header"),
        (b"not an array", "member 'X.npy' has no valid .npy header"),
    ],
    ids=["negative size", "objects", "format 3.0", "no header"],
)
def test_a_header_that_is_no_array_of_numbers_is_refused(tmp_path, member, says):
    assert says in refusal(tmp_path, archive([("X.npy", member)]))


def test_arrays_beyond_the_machine_s_memory_are_refused_naming_the_largest(tmp_path, monkeypatch):
    import scratch.memory

    monkeypatch.setattr(scratch.memory, "available_memory", lambda: 1000)
    path = tmp_path / "d.npz"
    np.savez_compressed(path, X=np.zeros((2, 100)), Y=np.zeros((1, 100)))
    with pytest.raises(InsufficientMemoryError) as caught:
        read_npz(path, LABEL, EXPECTED)
    message = str(caught.value)
    assert message.startswith(f"{LABEL}: its arrays ('X' (2, 100) float64 (1.6 KiB)) need 2.3 KiB")
    assert message.endswith("; this machine has 1000 B available"), message


@pytest.mark.parametrize("save", [np.savez, np.savez_compressed])
def test_what_numpy_writes_reads_back_exactly(tmp_path, save):
    arrays = {
        "X": np.arange(12.0).reshape(3, 4),
        "Y": np.array([[0, 1, 1, 0]]),
        "F": np.asfortranarray(np.ones((2, 5), np.float32)),
        "spec": np.array("text"),
        "none": np.zeros((0, 3)),
    }
    path = tmp_path / "d.npz"
    save(path, **arrays)
    back = read_npz(path, LABEL, EXPECTED)
    assert back.keys() == arrays.keys()
    for key, value in arrays.items():
        assert back[key].dtype == value.dtype and np.array_equal(back[key], value), key


def test_declared_arrays_are_views_of_one_zero_in_the_declared_shape(tmp_path):
    path = tmp_path / "d.npz"
    path.write_bytes(archive([("X.npy", npy(np.ones((3, 4), np.float32)))]))
    with open_npz(path, LABEL, EXPECTED) as opened:
        declared = opened.declared()["X"]
        assert declared.shape == (3, 4) and declared.dtype == np.float32
        assert declared.strides == (0, 0) and not declared.any()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: fifo(tmp, "pipe.npz"), r"is a FIFO \(a named pipe\), not a file"),
        (lambda tmp: "/dev/zero", "is a character device, not a file"),
        (lambda tmp: tmp, "is a folder, not a file"),
    ],
    ids=["fifo", "device", "folder"],
)
def test_a_path_that_is_no_regular_file_is_refused_before_it_is_opened(tmp_path, make, says):
    path = make(tmp_path)
    with within(20), pytest.raises(ValueError, match=says):
        read_npz(path, f"data file {path}", EXPECTED)
    with within(20), pytest.raises(ValueError, match=says):
        scratch.load_weights(path)


def test_weights_are_checked_against_their_spec_before_their_data_is_read(tmp_path, monkeypatch):
    """A ``W1`` of the wrong shape, stored whole, is refused with the spec's own words, and not
    one parameter's data is read."""
    params = initialize_parameters(SPEC)
    params["W1"] = np.zeros((300, 200))
    path = tmp_path / "w.npz"
    path.write_bytes(archive(weights_members(params, SPEC.to_json())))
    read = []
    original = NpzArchive.read
    monkeypatch.setattr(
        NpzArchive, "read", lambda self, key: read.append(key) or original(self, key)
    )
    with pytest.raises(ValueError, match=r"weights in w\.npz\['W1'\] has shape \(300, 200\); "):
        scratch.load_weights(path)
    assert read == ["spec"], read


def test_a_weights_file_s_spec_longer_than_a_document_is_refused_unread(tmp_path):
    params = initialize_parameters(SPEC)
    path = tmp_path / "w.npz"
    path.write_bytes(archive(weights_members(params, " " * 2**20 + SPEC.to_json())))
    with pytest.raises(ValueError, match=r"'spec' is a string of \d+ characters, longer than a"):
        scratch.load_weights(path)


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
