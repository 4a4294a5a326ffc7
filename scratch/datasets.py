"""No torch twin (both sides train on these very arrays): built-in data sets, generated in NumPy
from a seed (no download), in course layout:
``X`` (n_x, m) float64 and ``Y`` (1, m): integer class labels, or float targets for regression;
images (``IMAGE_DATASETS``, for convolutional networks) ``X`` (m, n_H, n_W, n_C); and text for
recurrent networks (``CORPORA``, or a user's file: ``read_corpus``), one word a line, as
sequences ``X`` (n_x, m, T_x) and labels ``Y`` (1, m, T_x) (``corpus_sequences``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from scratch.batches import examples_axis
from scratch.documents import read_text
from scratch.memory import check_allocation
from scratch.recurrent import label_sequences, one_hot_sequences
from scratch.rules import check_count, is_finite_real

Array = np.ndarray


def planar_flower(m: int = 400, seed: int = 1) -> tuple[Array, Array]:
    """The course's planar "flower": two classes of m/2 points, each on the petals of
    ``r = 4 sin(4 theta)`` with noise on angle and radius; not linearly separable."""
    m = _examples("planar_flower", m, 2, features=2)
    rng = np.random.default_rng(seed)
    per_class = m // 2
    X = np.empty((2, 2 * per_class))
    Y = np.empty((1, 2 * per_class), dtype=np.int64)
    for j in range(2):
        cols = slice(per_class * j, per_class * (j + 1))
        theta = np.linspace(j * 3.12, (j + 1) * 3.12, per_class)
        theta = theta + rng.standard_normal(per_class) * 0.2
        r = 4 * np.sin(4 * theta) + rng.standard_normal(per_class) * 0.2
        X[:, cols] = np.stack([r * np.sin(theta), r * np.cos(theta)])
        Y[0, cols] = j
    return X, Y


def moons(m: int = 400, noise: float = 0.2, seed: int = 0) -> tuple[Array, Array]:
    """Two interleaving half circles, with Gaussian noise of std ``noise``."""
    m = _examples("moons", m, 2, features=2)
    rng = np.random.default_rng(seed)
    outer, inner = m - m // 2, m // 2
    t_out, t_in = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, inner)
    X = np.hstack(
        [
            np.stack([np.cos(t_out), np.sin(t_out)]),
            np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)]),
        ]
    )
    X += rng.standard_normal(X.shape) * noise
    Y = np.hstack([np.zeros(outer, np.int64), np.ones(inner, np.int64)])[np.newaxis, :]
    return X, Y


def circles(
    m: int = 400, noise: float = 0.1, factor: float = 0.5, seed: int = 0
) -> tuple[Array, Array]:
    """A circle of radius 1 (class 0) around one of radius ``factor`` (class 1), with noise."""
    m = _examples("circles", m, 2, features=2)
    rng = np.random.default_rng(seed)
    outer, inner = m - m // 2, m // 2
    t_out = np.linspace(0, 2 * np.pi, outer, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, inner, endpoint=False)
    X = np.hstack(
        [
            np.stack([np.cos(t_out), np.sin(t_out)]),
            factor * np.stack([np.cos(t_in), np.sin(t_in)]),
        ]
    )
    X += rng.standard_normal(X.shape) * noise
    Y = np.hstack([np.zeros(outer, np.int64), np.ones(inner, np.int64)])[np.newaxis, :]
    return X, Y


def spiral(m: int = 300, classes: int = 3, seed: int = 0) -> tuple[Array, Array]:
    """``classes`` interleaved spiral arms of m/classes points each (multi-class, softmax)."""
    classes = check_count("classes", classes, 1)
    m = _examples("spiral", m, classes, features=2)
    rng = np.random.default_rng(seed)
    per_class = m // classes
    X = np.empty((2, per_class * classes))
    Y = np.empty((1, per_class * classes), dtype=np.int64)
    for j in range(classes):
        cols = slice(per_class * j, per_class * (j + 1))
        r = np.linspace(0.0, 1, per_class)
        t = np.linspace(j * 4, (j + 1) * 4, per_class) + rng.standard_normal(per_class) * 0.2
        X[:, cols] = np.stack([r * np.sin(t), r * np.cos(t)])
        Y[0, cols] = j
    return X, Y


def blobs(m: int = 200, separation: float = 3.0, seed: int = 0) -> tuple[Array, Array]:
    """Two Gaussian blobs (unit std) whose centres lie ``separation`` apart; linearly
    separable in practice for a large separation, overlapping for a small one."""
    m = _examples("blobs", m, 2, features=2)
    rng = np.random.default_rng(seed)
    Y = (np.arange(m) >= m // 2).astype(np.int64)[np.newaxis, :]
    X = rng.standard_normal((2, m)) + (Y - 0.5) * separation / np.sqrt(2)
    return X, Y


def housing(m: int = 200, seed: int = 0) -> tuple[Array, Array]:
    """Synthetic house prices, the course's first-lecture regression: four standardised
    features (size, bedrooms, zip-code wealth, walkability) and a price (in $100k) that rises
    with family size (size, bedrooms), school quality (wealth) and walkability, plus noise."""
    m = _examples("housing", m, 1, features=4)
    rng = np.random.default_rng(seed)
    size, bedrooms, wealth, walk = X = rng.standard_normal((4, m))
    family = np.maximum(0.8 * size + 0.5 * bedrooms, 0)
    price = 3 + 1.5 * family + 1.0 * np.maximum(wealth, 0) + 0.4 * walk * wealth + 0.5 * walk
    return X, (price + 0.1 * rng.standard_normal(m))[np.newaxis, :]


def _examples(name: str, m: Any, minimum: int, features: int) -> int:
    """``m``, a count of at least ``minimum`` examples whose ``X`` and ``Y`` (float64) fit in the
    machine's memory (``scratch.memory.check_allocation``), before any is drawn."""
    m = check_count("m", m, minimum)
    check_allocation(
        f"{name}(m={m}): X and Y ({features} + 1 rows, float64)", (features + 1) * m * 8
    )
    return m


DATASETS: dict[str, Callable[..., tuple[Array, Array]]] = {
    "planar": planar_flower,
    "moons": moons,
    "circles": circles,
    "spiral": spiral,
    "blobs": blobs,
    "housing": housing,
}


REAL_OPTIONS = frozenset({"noise", "factor", "separation"})


def load_dataset(name: str, **options) -> tuple[Array, Array]:
    """A built-in data set by name (``DATASETS``, ``IMAGE_DATASETS``), with its generator's
    options; the counts are checked by each generator, the real-valued options (``noise``,
    ``factor``, ``separation``) here: each a finite number >= 0."""
    try:
        make = (DATASETS | IMAGE_DATASETS)[name]
    except KeyError:
        raise ValueError(
            f"data set {name!r} is unknown; built-in ones are "
            f"{', '.join((*DATASETS, *IMAGE_DATASETS))}"
        ) from None
    for option in REAL_OPTIONS & options.keys():
        value = options[option]
        if not is_finite_real(value) or value < 0:
            raise ValueError(f"{name}: {option} must be a finite number >= 0, got {value!r}")
    return make(**options)


def train_test_split(
    X: Array, Y: Array, test_fraction: float = 0.2, seed: int = 0
) -> tuple[Array, Array, Array, Array]:
    """Shuffle the m examples with ``seed`` and split: ``X_train, Y_train, X_test, Y_test``, each
    part holding at least one example. The examples are ``X``'s columns (n_x, m), its sequences
    (n_x, m, T_x) or its images (m, n_H, n_W, n_C), and ``Y``'s columns (its sequences' labels
    (1, m, T_x))."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    axis = examples_axis(X)
    m = X.shape[axis]
    if Y.ndim < 2 or Y.shape[1] != m:
        what = {2: "columns", 3: "sequences", 4: "images"}[X.ndim]
        raise ValueError(f"X has {m} examples ({what}) but Y has shape {Y.shape}")
    if m < 2:
        raise ValueError(
            f"X has {m} example(s); a split needs at least 2, one to train on and one to test"
        )
    order = np.random.default_rng(seed).permutation(m)
    n_test = min(max(1, round(m * test_fraction)), m - 1)
    test, train = order[:n_test], order[n_test:]
    return X.take(train, axis), Y[:, train], X.take(test, axis), Y[:, test]


# ---------------------------------------------------------------------------------------------
# Images, for convolutional networks: X (m, n_H, n_W, n_C) float64, the course's image layout,
# and Y (1, m) integer class labels. Kept apart from DATASETS (whose X is (n_x, m)), and
# loaded by name through the same load_dataset.
# ---------------------------------------------------------------------------------------------

SHAPE_CLASSES = (
    "horizontal stripes",
    "vertical stripes",
    "diagonal stripes",
    "square",
    "disc",
    "cross",
)


def shapes(m: int = 600, size: int = 16, noise: float = 0.1, seed: int = 0) -> tuple[Array, Array]:
    """Six classes of small colour images (``SHAPE_CLASSES``, label = index), a stand-in of the
    course's six-class SIGNS images: stripes of three orientations (period 3-6 pixels, random
    phase) filling the image, and a square, a disc or a cross (half-width 15-30% of the side,
    anywhere in the middle), each in a random bright colour on a random dark one, plus Gaussian
    noise of std ``noise``. ``X`` (m, size, size, 3), ``Y`` (1, m): examples cycle through the
    classes, so every class has ``m // 6`` or one more."""
    m = check_count("m", m, len(SHAPE_CLASSES))
    size = check_count("size", size, 8)
    rng = np.random.default_rng(seed)
    Y = (np.arange(m) % len(SHAPE_CLASSES))[np.newaxis, :]
    period, phase = rng.uniform(3, 6, (m, 1, 1)), rng.uniform(0, 2 * np.pi, (m, 1, 1))
    centre = rng.uniform(0.3, 0.7, (2, m, 1, 1)) * size
    half = rng.uniform(0.15, 0.3, (m, 1, 1)) * size
    foreground, background = rng.uniform(0.5, 1, (m, 3)), rng.uniform(0, 0.4, (m, 3))
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    dy, dx = np.abs(y - centre[0]), np.abs(x - centre[1])
    stripes = [np.sin(2 * np.pi * t / period + phase) > 0 for t in (y, x, (x + y) / np.sqrt(2))]
    square = np.maximum(dy, dx) <= half
    disc = dy**2 + dx**2 <= half**2
    bar = half / 3
    cross = ((dy <= bar) & (dx <= half)) | ((dx <= bar) & (dy <= half))
    masks = np.stack([*stripes, square, disc, cross])  # (6, m, size, size)
    mask = masks[Y[0], np.arange(m)][..., np.newaxis]
    X = background[:, None, None, :] + mask * (foreground - background)[:, None, None, :]
    return X + noise * rng.standard_normal(X.shape), Y


IMAGE_DATASETS: dict[str, Callable[..., tuple[Array, Array]]] = {"shapes": shapes}


# ---------------------------------------------------------------------------------------------
# Character-level text, for the language model (scratch.course.language_model): a corpus of
# name-like words, one a line, each ended by a newline as in the course's Dinosaur Island
# (dinos.txt), generated from a seed. A corpus is not an (X, Y) set: it is text, its examples
# are words of different lengths, and it comes with a vocabulary. So it has its own table and
# loader, ``CORPORA`` and ``load_corpus``, in the style of ``DATASETS`` and ``load_dataset``,
# rather than an entry of ``DATASETS``, whose callers (``train_test_split``, nn-train) take
# arrays X (n_x, m) and Y (1, m).
# ---------------------------------------------------------------------------------------------

_ONSETS = (
    *"bcdfghjklmnprstvwz",
    *("br", "ch", "cr", "dr", "gr", "kr", "ph", "pr", "qu", "sk", "sp", "st", "th", "tr", "x"),
)
_VOWELS = (*"aeiouy", "ae", "ai", "ea", "io", "ia", "ou")
_CODAS = ("", "", "", "n", "r", "s", "l", "x", "nt", "rk")
_ENDINGS = ("saurus", "don", "tor", "raptor", "ceratops", "nyx", "odon", "mimus", "ia", "us")


def name_corpus(words: int = 1500, seed: int = 0) -> str:
    """``words`` lowercase name-like words, each of 1-3 syllables (onset, vowel, coda) and, two
    times in three, a dinosaur's ending (``saurus``, ``don``, ``raptor``, ...), each followed by
    a newline. Every letter a-z occurs in a corpus of a few hundred words."""
    words = check_count("words", words, 1)
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(words):
        syllables = [
            _ONSETS[rng.integers(len(_ONSETS))]
            + _VOWELS[rng.integers(len(_VOWELS))]
            + _CODAS[rng.integers(len(_CODAS))]
            for _ in range(rng.integers(1, 4))
        ]
        ending = _ENDINGS[rng.integers(len(_ENDINGS))] if rng.random() < 2 / 3 else ""
        lines.append("".join(syllables) + ending + "\n")
    return "".join(lines)


CORPORA: dict[str, Callable[..., str]] = {"names": name_corpus}


def load_corpus(name: str, **options) -> str:
    """A built-in text corpus by name (``CORPORA``), with its generator's options."""
    try:
        make = CORPORA[name]
    except KeyError:
        raise ValueError(
            f"corpus {name!r} is unknown; built-in ones are {', '.join(CORPORA)}"
        ) from None
    return make(**options)


def vocabulary(text: str) -> tuple[dict[str, int], dict[int, str]]:
    """``char_to_ix`` and ``ix_to_char`` of the characters of ``text``, sorted, as the course
    builds them: the newline (the end of a name) is 0, then ``a``, ``b``, ..."""
    if not isinstance(text, str) or not text:
        raise ValueError("vocabulary: text must be a non-empty string")
    chars = sorted(set(text))
    return {ch: i for i, ch in enumerate(chars)}, dict(enumerate(chars))


def name_examples(
    text: str, char_to_ix: dict[str, int]
) -> list[tuple[list[int | None], list[int]]]:
    """Each word of ``text`` as the course's training example: ``X = [None] + indices`` (the
    first input is the zero vector) and ``Y = indices + [index of the newline]``, the next
    character at every step. Empty lines give none."""
    newline = char_to_ix["\n"]
    examples = []
    for word in text.split("\n"):
        word = word.strip()
        if not word:
            continue
        unknown = sorted(set(word) - char_to_ix.keys())
        if unknown:
            raise ValueError(f"name_examples: {word!r} holds {unknown}, not in char_to_ix")
        indices = [char_to_ix[ch] for ch in word]
        examples.append(([None, *indices], [*indices, newline]))
    return examples


def read_corpus(path: str | Path) -> str:
    """A user's text corpus, one word (a name) a line, as the course reads dinos.txt: its
    UTF-8 text (by the rules of every document the project reads: ``scratch.documents.
    read_text``, a regular file of at most 1 MiB), lowercased, each line stripped of the spaces
    around it, empty lines dropped, each word ended by a newline. A file with a NUL byte is
    binary, not text; one with no word holds nothing to learn: each is a one-line
    ``ValueError`` naming the file."""
    label = f"text file {str(path)!r}"
    text = read_text(path, label, "a text corpus")
    if "\x00" in text:
        at = text.index("\x00")
        raise ValueError(
            f"{label} holds a NUL character at character {at}: a binary file, not text"
        )
    words = [line.strip().lower() for line in text.splitlines()]
    words = [word for word in words if word]
    if not words:
        raise ValueError(f"{label} holds no words: give one word (a name, say) a line")
    return "".join(f"{word}\n" for word in words)


def corpus_sequences(text: str) -> tuple[Array, Array, dict[int, str]]:
    """The words of ``text`` (one a line) as the course's training examples, all of them at
    once: ``X`` (n_x, m, T_x) float64, each word's inputs one-hot (``X = [None] + indices``:
    the zero vector first), ``Y`` (1, m, T_x) int64 its labels (``indices + [newline]``, the
    next character at every step), T_x the longest word's length + 1, a shorter word's steps
    after its end the zero input and ``PAD``; and ``ix_to_char`` of the ``vocabulary`` (n_x
    characters, the newline 0)."""
    char_to_ix, ix_to_char = vocabulary(text)
    examples = name_examples(text, char_to_ix)
    if not examples:
        raise ValueError("corpus_sequences: text holds no words")
    steps = max(len(X) for X, _ in examples)
    what = f"the corpus as one-hot sequences ({len(char_to_ix)} x {len(examples)} x {steps})"
    check_allocation(what, len(char_to_ix) * len(examples) * steps * 8)
    X = one_hot_sequences([X for X, _ in examples], len(char_to_ix))
    return X, label_sequences([Y for _, Y in examples]), ix_to_char
