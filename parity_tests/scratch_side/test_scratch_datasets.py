"""The built-in data sets: seeded, in course layout, with their classes; and the split; and text
corpora as the course's padded sequences, a user's file refused in one line where it is none."""

from __future__ import annotations

import numpy as np
import pytest
from hostile_files import fifo, within, written

from scratch import DATASETS, load_dataset, train_test_split
from scratch.datasets import corpus_sequences, load_corpus, read_corpus
from scratch.documents import MAX_BYTES
from scratch.losses import PAD


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_built_in_data_sets_are_seeded_and_in_course_layout(name):
    X, Y = load_dataset(name)
    assert X.ndim == 2 and Y.shape == (1, X.shape[1]) and X.dtype == np.float64
    assert np.isfinite(X).all() and np.isfinite(Y).all()
    again_X, again_Y = load_dataset(name)
    np.testing.assert_array_equal(X, again_X)
    np.testing.assert_array_equal(Y, again_Y)
    assert not np.array_equal(load_dataset(name, seed=99)[0], X)


def test_classification_sets_have_their_classes():
    assert load_dataset("planar")[0].shape == (2, 400)
    assert np.bincount(load_dataset("planar")[1].ravel()).tolist() == [200, 200]
    assert np.bincount(load_dataset("spiral", classes=4, m=200)[1].ravel()).tolist() == [50] * 4
    with pytest.raises(ValueError, match="data set 'mnist2' is unknown; built-in ones are planar"):
        load_dataset("mnist2")


def test_train_test_split_partitions_the_examples():
    X, Y = load_dataset("moons", m=50)
    X_train, _, X_test, Y_test = train_test_split(X, Y, test_fraction=0.2, seed=4)
    assert X_train.shape == (2, 40) and X_test.shape == (2, 10) and Y_test.shape == (1, 10)
    together = np.hstack([X_train, X_test])
    assert sorted(map(tuple, together.T)) == sorted(map(tuple, X.T))


def test_a_corpus_becomes_the_courses_examples_padded_to_the_longest_word():
    """Each word ``w``: inputs ``[None] + w`` (the zero vector first, then one-hot), labels
    ``w + [newline]``; after a shorter word's end, zero inputs and ``PAD`` labels."""
    X, Y, characters = corpus_sequences("ab\nbca\n")
    assert characters == {0: "\n", 1: "a", 2: "b", 3: "c"}
    assert X.shape == (4, 2, 4) and Y.shape == (1, 2, 4) and Y.dtype == np.int64
    np.testing.assert_array_equal(Y[0], [[1, 2, 0, PAD], [2, 3, 1, 0]])
    np.testing.assert_array_equal(X.argmax(axis=0), [[0, 1, 2, 0], [0, 2, 3, 1]])
    np.testing.assert_array_equal(X.sum(axis=0), [[0, 1, 1, 0], [0, 1, 1, 1]])


def test_a_text_file_is_read_as_the_course_reads_dinos_txt(tmp_path):
    path = tmp_path / "names.txt"
    path.write_bytes("\ufeffAaron\r\n  Bea \r\n\r\nzoe".encode())
    assert read_corpus(path) == "aaron\nbea\nzoe\n"


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (written("empty.txt", b""), "holds no words: give one word"),
        (written("blank.txt", b"  \n\n \t\n"), "holds no words"),
        (
            written("latin1.txt", "caf\xe9\n".encode("latin-1")),
            r"is not UTF-8 text \(byte 3 is 0xe9\)",
        ),
        (written("nul.txt", b"ab\x00cd\n"), "holds a NUL character at character 2: a binary file"),
        (
            written("large.txt", b"ab\n" * (MAX_BYTES // 3 + 1)),
            r"is larger than a text corpus may be \(1 MiB\)",
        ),
        (lambda tmp: fifo(tmp, "pipe.txt"), r"is a FIFO \(a named pipe\), not a file"),
        (lambda tmp: "/dev/zero", "is a character device, not a file"),
        (lambda tmp: tmp, "is a folder, not a file"),
        (lambda tmp: tmp / "missing.txt", "does not exist"),
    ],
    ids=["empty", "blank", "not-utf8", "nul", "large", "fifo", "device", "folder", "missing"],
)
def test_a_text_file_that_is_no_corpus_is_refused_in_one_line_naming_it(tmp_path, make, says):
    path = make(tmp_path)
    with within(20), pytest.raises(ValueError, match=f"^text file {str(path)!r} {says}") as err:
        read_corpus(path)
    assert "\n" not in str(err.value)


def test_the_sets_split_sequences_along_their_examples():
    X, Y, _ = corpus_sequences(load_corpus("names", words=20))
    X_train, Y_train, X_test, Y_test = train_test_split(X, Y, 0.25, seed=1)
    assert X_train.shape[1] == Y_train.shape[1] == 15 and X_test.shape[1] == Y_test.shape[1] == 5
    assert X_train.shape[2] == Y_test.shape[2] == X.shape[2]
