"""Bad files and data through the Python API: spec and weights files that are not what they
should be, data sets too small to split, arrays of complex numbers or text. Each is one
``ValueError``/``TypeError`` (``SpecError`` for a spec file) naming the file or the array, and
nothing is unpickled."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import scratch
from scratch import SpecError, build_spec, initialize_parameters, load_spec, load_weights
from scratch.documents import MAX_DEPTH, read_document

SPEC = build_spec([2, 3, 1], "tanh")
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("s.yaml", b"\xff\xfe", "is not UTF-8 text (byte 0 is 0xff)"),
        ("s.json", b'{"seed": "\xc3"}', "is not UTF-8 text (byte 10 is 0xc3)"),
        ("s.json", DEEP.encode(), "is nested too deeply to be a spec"),
        ("s.yaml", b"[" * 700 + b"]" * 700, "is nested too deeply to be a spec"),
        ("s.json", b'{"input_size": 2}', "s.json': spec"),
    ],
    ids=["YAML not UTF-8", "JSON not UTF-8", "JSON nested deep", "YAML nested deep", "bad spec"],
)
def test_a_bad_spec_file_is_a_spec_error_naming_it(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert f"spec file {str(path)!r}" in message and says in message, message


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_the_nesting_rule_is_the_same_whatever_the_recursion_limit(tmp_path, suffix):
    """torch's compiler raises Python's recursion limit at import: the rule must not move."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)
    try:
        for depth, refused in [(MAX_DEPTH, False), (MAX_DEPTH + 1, True), (700, True)]:
            path = tmp_path / f"d{depth}{suffix}"
            path.write_text("[" * depth + "]" * depth)
            if refused:
                with pytest.raises(ValueError, match="is nested too deeply to be a test"):
                    read_document(path, "doc", "a test", yaml=suffix == ".yaml")
            else:
                assert read_document(path, "doc", "a test", yaml=suffix == ".yaml") is not None
    finally:
        sys.setrecursionlimit(limit)


def _weights(path, **arrays):
    np.savez(path, allow_pickle=True, **arrays)


@pytest.mark.parametrize(
    ("write", "says"),
    [
        (lambda p: p.write_text("W1: [1, 2]\n"), "is not an .npz archive (it starts with text)"),
        (lambda p: p.write_bytes(b"\x00\x01\x02\x03"), "(it starts with the bytes 00 01 02 03)"),
        (lambda p: np.save(p.open("wb"), np.zeros(3)), "(it is a single .npy array)"),
        (lambda p: p.write_bytes(b"PK\x03\x04junk"), "is a damaged .npz archive"),
        (
            lambda p: _weights(p, spec=np.array(SPEC.to_json()), W1=np.array([{}], dtype=object)),
            "array 'W1' holds Python objects (dtype object), not numbers; it was not loaded",
        ),
        (
            lambda p: _weights(
                p, spec=np.array('{"input_size": 0}'), **initialize_parameters(SPEC)
            ),
            "w.npz': spec",
        ),
        (
            lambda p: _weights(p, spec=np.array(DEEP), **initialize_parameters(SPEC)),
            "w.npz': spec is nested too deeply to be a spec",
        ),
        (
            lambda p: _weights(p, spec=np.array(b"{}"), **initialize_parameters(SPEC)),
            "'spec' is a |S2 array of shape (); expected a single string",
        ),
    ],
    ids=[
        "text",
        "binary",
        ".npy",
        "damaged zip",
        "object array",
        "bad spec",
        "deep spec",
        "bytes spec",
    ],
)
def test_a_bad_weights_file_is_one_error_naming_it_and_nothing_is_unpickled(tmp_path, write, says):
    path = tmp_path / "w.npz"
    write(path)
    with pytest.raises(ValueError) as caught:
        load_weights(path)
    message = str(caught.value)
    assert f"weights file {str(path)!r}" in message and says in message, message
    assert "pickle" not in message and "\n" not in message


def test_the_optimizer_state_reader_refuses_the_same_files(tmp_path):
    path = tmp_path / "w.npz"
    path.write_text("not weights")
    with pytest.raises(ValueError, match=r"w\.npz' is not an \.npz archive \(it starts with text"):
        scratch.weights.load_optimizer_state(path)


@pytest.mark.parametrize(
    ("name", "options", "says"),
    [
        ("planar", {"m": 0}, "m must be an integer >= 2, got 0"),
        ("planar", {"m": 1}, "m must be an integer >= 2, got 1"),
        ("moons", {"m": -3}, "m must be an integer >= 2, got -3"),
        ("blobs", {"m": 2.5}, "m must be an integer >= 2, got 2.5"),
        ("spiral", {"m": 2}, "m must be an integer >= 3, got 2"),
        ("spiral", {"classes": 0}, "classes must be a positive integer, got 0"),
        ("housing", {"m": 0}, "m must be a positive integer, got 0"),
    ],
)
def test_a_built_in_set_refuses_too_few_examples(name, options, says):
    with pytest.raises(ValueError) as caught:
        scratch.load_dataset(name, **options)
    assert says in str(caught.value)


def test_a_split_needs_two_examples_and_leaves_one_on_each_side():
    with pytest.raises(ValueError, match=r"X has 1 example\(s\); a split needs at least 2"):
        scratch.train_test_split(np.zeros((2, 1)), np.zeros((1, 1)))
    X_train, _, X_test, _ = scratch.train_test_split(np.zeros((2, 2)), np.zeros((1, 2)), 0.9)
    assert X_train.shape == X_test.shape == (2, 1)


@pytest.mark.parametrize(
    ("X", "Y", "says"),
    [
        (np.zeros((2, 4)) + 1j, np.zeros((1, 4)), "X must hold real numbers, got dtype complex128"),
        (np.zeros((2, 4)), np.zeros((1, 4)) + 0j, "Y must hold real numbers, got dtype complex128"),
        (np.zeros((2, 4)), np.array([["0", "1"] * 2]), "Y must hold real numbers, got dtype <U1"),
        (np.zeros((2, 4)), np.array([[0, 1] * 2], dtype=object), "got dtype object"),
    ],
)
@pytest.mark.parametrize("loss", ["binary_cross_entropy", "mse"])
def test_complex_text_or_object_arrays_are_refused_by_name_and_dtype(X, Y, says, loss):
    spec = build_spec([2, 3, 1], "tanh", loss=loss)
    with pytest.raises(TypeError, match=says.replace("(", r"\(")):
        scratch.train(spec, X, Y, learning_rate=0.1, num_iterations=1)
