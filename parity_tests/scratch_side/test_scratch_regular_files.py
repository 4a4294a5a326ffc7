"""``scratch.regular_files``: a file a user names is opened for reading only when it is a
regular file, checked before the open and again on what was opened, and read within a limit."""

from __future__ import annotations

import os
import socket
import stat

import pytest
from hostile_files import fifo, within

from scratch import regular_files
from scratch.regular_files import open_regular, read_regular


def test_a_regular_file_opens_for_binary_reading(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"\x00\x01")
    with open_regular(path, "file f.bin") as fh:
        assert fh.read() == b"\x00\x01"


def test_a_fifo_swapped_in_after_the_first_look_is_refused_without_blocking(tmp_path, monkeypatch):
    """``os.stat`` saw a regular file; the open (non-blocking) and ``fstat`` see the FIFO."""
    path = fifo(tmp_path, "f.yaml")
    regular = os.stat_result((stat.S_IFREG | 0o644, *[0] * 9))
    monkeypatch.setattr(regular_files.os, "stat", lambda p: regular)
    with within(20), pytest.raises(ValueError, match=r"^file f\.yaml is a FIFO \(a named pipe\)"):
        open_regular(path, "file f.yaml")


def test_a_socket_is_refused_by_what_it_is(tmp_path):
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(ValueError, match=r"^file s is a socket, not a file$"):
            open_regular(path, "file s")
    finally:
        server.close()


def test_a_file_past_the_limit_is_refused_and_one_at_it_is_read(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    assert read_regular(path, "file f", 10, "is too long") == b"x" * 10
    path.write_bytes(b"x" * 11)
    with pytest.raises(ValueError, match=r"^file f is too long$"):
        read_regular(path, "file f", 10, "is too long")


def test_a_missing_file_is_file_not_found_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"^file m does not exist$"):
        open_regular(tmp_path / "m", "file m")
