"""The data a command trains on, in course layout, identical for both implementations.

Sources, by the name given to ``--dataset``:

- a built-in generator of ``scratch.DATASETS`` (``planar``, ``moons``, ...) or of
  ``scratch.datasets.IMAGE_DATASETS`` (``shapes``), split into train and test examples with a
  fixed seed;
- ``mnist`` and ``fashion-mnist``, through torchvision: read from ``<data_dir>/MNIST/raw`` (or
  ``FashionMNIST/raw``), downloaded there first when missing (a failed download removes the
  empty folders it made);
- ``cat``: the course's ``train_catvnoncat.h5`` and ``test_catvnoncat.h5`` in ``<data_dir>``;
- ``signs``: the course's SIGNS set (course 4), ``train_signs.h5`` and ``test_signs.h5`` in
  ``<data_dir>``, in the same layout (``<part>_set_x`` (m, 64, 64, 3) uint8, ``<part>_set_y``);
- a path ending in ``.npz`` holding ``X`` (n_x, m) and ``Y`` (1 or n_y, m), and optionally
  ``X_test`` and ``Y_test``; without them the examples are split like a built-in set;
- text for a recurrent network: a built-in corpus of ``scratch.datasets.CORPORA`` (``names``),
  or a user's UTF-8 file (``text``, one word a line: ``scratch.datasets.read_corpus``), its
  words as sequences of characters (``X`` (n_x, m, T_x), ``Y`` (1, m, T_x):
  ``scratch.datasets.corpus_sequences``), split into train and test words like a built-in set.

Images become columns of pixel values in [0, 1], flattened row-major, except for the image
sets that convolutional networks take (``shapes``, ``signs``), which stay images (m, n_H, n_W,
n_C) in [0, 1]. Integer labels make a classification task; ``positive``/``negative`` turn one
class, or a group of classes, against another (or against all the rest) into the binary task of
a sigmoid output.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import scratch
from scratch.batches import count_examples, examples_axis
from scratch.datasets import CORPORA, IMAGE_DATASETS, corpus_sequences, load_corpus, read_corpus
from scratch.memory import check_allocation
from scratch.npz_files import read_npz
from scratch.recurrent import longest
from scratch.regular_files import open_regular
from scratch.validation import check_real
from scripts.cli.errors import UserError

Array = np.ndarray

TORCHVISION_SETS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}
CAT = "cat"
SIGNS = "signs"
# The course's HDF5 sets: their files, and whether they stay images (for convolutional networks).
COURSE_FILES = {
    CAT: {"train": "train_catvnoncat.h5", "test": "test_catvnoncat.h5"},
    SIGNS: {"train": "train_signs.h5", "test": "test_signs.h5"},
}
KEPT_AS_IMAGES = (SIGNS,)
DATASET_NAMES = (*scratch.DATASETS, *IMAGE_DATASETS, *CORPORA, *TORCHVISION_SETS, *COURSE_FILES)
DEFAULT_DATASET = "planar"
DEFAULT_TEST_FRACTION = 0.2  # the share of a built-in, text or .npz set held out
SPLIT_SEED = 0


@dataclass(frozen=True)
class Data:
    """Train and test examples: ``X`` (n_x, m) float64, images (m, n_H, n_W, n_C) or sequences
    (n_x, m, T_x); ``Y`` (1, m) integer class labels for classification, (n_y, m) float
    targets for regression, or a sequence's labels (1, m, T_x); ``characters``: a text's
    ``ix_to_char`` (its sequences' one-hot index of each character)."""

    name: str
    X_train: Array
    Y_train: Array
    X_test: Array
    Y_test: Array
    characters: dict[int, str] | None = None

    @property
    def images(self) -> bool:
        return self.X_train.ndim == 4

    @property
    def sequences(self) -> bool:
        return self.X_train.ndim == 3

    @property
    def n_x(self) -> int:
        """The features of one example (an image's n_H n_W n_C; one step's of a sequence)."""
        return math.prod(self.X_train.shape[1:]) if self.images else self.X_train.shape[0]

    @property
    def classes(self) -> int | None:
        """``max label + 1`` for integer labels (a text's characters); ``None`` for regression
        targets."""
        if self.characters is not None:
            return len(self.characters)
        if self.Y_train.dtype.kind not in "iub":
            return None
        return int(max(self.Y_train.max(), self.Y_test.max())) + 1

    def _alphabet(self) -> list[str]:
        return [self.characters[i] for i in sorted(self.characters)]

    def describe(self) -> str:
        if self.sequences:
            m_train, m_test = count_examples(self.X_train), count_examples(self.X_test)
            longest = max(self.X_train.shape[2], self.X_test.shape[2])
            return (
                f"{self.name}: {m_train} train / {m_test} test words, sequences of up to "
                f"{longest} characters of {self.classes}: {''.join(self._alphabet())!r}"
            )
        task = f"{self.classes} classes" if self.classes else f"{self.Y_train.shape[0]} target(s)"
        each = (
            f"images of {'x'.join(map(str, self.X_train.shape[1:]))}"
            if self.images
            else f"{self.n_x} features"
        )
        m_train, m_test = count_examples(self.X_train), count_examples(self.X_test)
        return f"{self.name}: {m_train} train / {m_test} test examples, {each}, {task}"


def unused_data_settings(dataset: str, text: str | None) -> dict[str, str]:
    """The data settings (``DataSettings`` field: why) that do nothing for ``dataset``, or for
    the words of a ``text`` file: ``data_dir`` unless the set is read from that folder (MNIST's
    downloads, the course's HDF5 files); ``test_fraction`` for a set that comes with its own
    test set."""
    from_folder = (*TORCHVISION_SETS, *COURSE_FILES)
    if text is None and dataset in from_folder:
        return {"test_fraction": f"{dataset} comes with its own test set"}
    source = f"--text {text}" if text is not None else dataset
    folders = f"{', '.join(from_folder[:-1])} and {from_folder[-1]}"
    return {"data_dir": f"{source} is not read from a folder (only {folders} are)"}


def load_data(
    dataset: str,
    *,
    data_dir: str | Path = "data",
    test_fraction: float = DEFAULT_TEST_FRACTION,
    positive: Sequence[int] | None = None,
    negative: Sequence[int] | None = None,
    text: str | Path | None = None,
) -> Data:
    """The data set ``dataset`` names (see the module docstring), or the words of the ``text``
    file, as ``Data``; with ``positive``, a binary task: label 1 for those classes, 0 for
    ``negative`` (default: all others), examples of any other class dropped. Raises
    ``UserError`` for anything the user can fix: an unknown name, a missing or malformed file,
    no network for a download."""
    if text is not None:
        if dataset != DEFAULT_DATASET:
            raise UserError(f"--text {text} and --dataset {dataset} name two data sets; give one")
        try:
            words = read_corpus(text)
        except ValueError as err:
            raise UserError(str(err)) from None
        data = _text(Path(text).stem, words, test_fraction)
    elif dataset in CORPORA:
        data = _text(dataset, load_corpus(dataset), test_fraction)
    elif dataset in scratch.DATASETS or dataset in IMAGE_DATASETS:
        data = _split(dataset, *scratch.load_dataset(dataset), test_fraction, dataset)
    elif dataset in TORCHVISION_SETS:
        data = _torchvision(dataset, Path(data_dir))
    elif dataset in COURSE_FILES:
        data = _course_h5(dataset, Path(data_dir))
    elif dataset.endswith(".npz"):
        data = _npz(Path(dataset), test_fraction)
    else:
        raise UserError(
            f"data set {dataset!r} is unknown; choose one of {', '.join(DATASET_NAMES)}, "
            "or give the path of an .npz file holding X and Y"
        )
    if positive is None:
        if negative is not None:
            raise UserError("--negative needs --positive: the classes labelled 1")
        return data
    if data.sequences:
        raise UserError(
            f"--positive makes a binary task of a classification set; {data.name} is text, a "
            "character to predict at every step"
        )
    return binary_task(data, positive, negative)


def binary_task(data: Data, positive: Sequence[int], negative: Sequence[int] | None) -> Data:
    """Label 1 for classes in ``positive``, 0 for those in ``negative`` (``None``: every other
    class); examples of classes in neither are dropped."""
    classes = data.classes
    if classes is None:
        raise UserError(f"--positive needs class labels, but {data.name} is a regression task")
    chosen = list(positive) + list(negative or [])
    outside = [c for c in chosen if not 0 <= c < classes]
    if outside:
        raise UserError(f"class {outside[0]} does not exist in {data.name} (0 .. {classes - 1})")
    if set(positive) & set(negative or []):
        raise UserError(f"class(es) {sorted(set(positive) & set(negative))} are on both sides")

    def relabel(X: Array, Y: Array) -> tuple[Array, Array]:
        keep = np.ones(Y.shape[1], bool) if negative is None else np.isin(Y[0], chosen)
        return X.compress(keep, examples_axis(X)), np.isin(Y[:, keep], positive).astype(np.int64)

    against = "rest" if negative is None else ",".join(map(str, negative))
    name = f"{data.name} {','.join(map(str, positive))} vs {against}"
    return Data(name, *relabel(data.X_train, data.Y_train), *relabel(data.X_test, data.Y_test))


def _split(name: str, X: Array, Y: Array, test_fraction: float, source: str) -> Data:
    if not 0 < test_fraction < 1:
        raise UserError(f"--test-fraction must be between 0 and 1, got {test_fraction}")
    try:
        return Data(name, *scratch.train_test_split(X, Y, test_fraction, seed=SPLIT_SEED))
    except ValueError as err:
        raise UserError(f"{source}: {err}") from None


def _text(name: str, text: str, test_fraction: float) -> Data:
    """A corpus's words as sequences (``scratch.datasets.corpus_sequences``), split into train
    and test words, each part cut to its own longest word."""
    X, Y, characters = corpus_sequences(text)
    data = _split(name, X, Y, test_fraction, name)
    parts = [
        (X, Y[:, :, : longest(Y)])
        for X, Y in ((data.X_train, data.Y_train), (data.X_test, data.Y_test))
    ]
    cut = [(X[:, :, : Y.shape[2]], Y) for X, Y in parts]
    return Data(name, *cut[0], *cut[1], characters=characters)


def _images(images: Array, labels: Array) -> tuple[Array, Array]:
    """(m, ...) uint8 images and m labels -> ``X`` (pixels, m) in [0, 1], ``Y`` (1, m)."""
    m = images.shape[0]
    return images.reshape(m, -1).T / 255.0, np.asarray(labels, np.int64).reshape(1, m)


def _kept_images(images: Array, labels: Array) -> tuple[Array, Array]:
    """(m, n_H, n_W, n_C) uint8 images and m labels -> ``X`` the same images in [0, 1],
    ``Y`` (1, m)."""
    m = images.shape[0]
    return images / 255.0, np.asarray(labels, np.int64).reshape(1, m)


def _torchvision(name: str, root: Path) -> Data:
    from torchvision import datasets

    source = getattr(datasets, TORCHVISION_SETS[name])
    raw = root / source.__name__ / "raw"
    files = [Path(archive).stem for archive, _ in source.resources]
    if not all((raw / file).is_file() for file in files):
        absent = [folder for folder in (raw, raw.parent, root) if not folder.exists()]
        try:
            source(str(root), train=True, download=True)
        except (RuntimeError, OSError) as err:
            for folder in absent:  # deepest first; a folder holding anything stays
                with suppress(OSError):
                    folder.rmdir()
            reason = (str(err).strip().splitlines() or [repr(err)])[-1].strip()
            raise UserError(
                f"{name} is not in {raw} and downloading it failed ({reason}); on a machine "
                f"without network, copy {', '.join(files)} there"
            ) from None
    try:
        train, test = (source(str(root), train=flag) for flag in (True, False))
    except (AssertionError, TypeError, ValueError, RuntimeError) as err:
        raise UserError(f"{name}: a file in {raw} is not a valid IDX file ({err!r})") from None
    arrays = [_images(part.data.numpy(), part.targets.numpy()) for part in (train, test)]
    return Data(name, *arrays[0], *arrays[1])


def _course_h5(name: str, folder: Path) -> Data:
    """One of the course's HDF5 sets (``COURSE_FILES``): images flattened into columns, or
    kept as images (``KEPT_AS_IMAGES``)."""
    arrays = []
    files = COURSE_FILES[name]
    for part, file in files.items():
        path = folder / file
        x, y = _read_h5(path, tuple(files.values()), f"{part}_set_x", f"{part}_set_y")
        if x.shape[0] != y.size:
            raise UserError(f"{path}: {x.shape[0]} images but {y.size} labels")
        if name in KEPT_AS_IMAGES and x.ndim != 4:
            raise UserError(
                f"{path}: {part}_set_x has shape {x.shape}; expected (m, n_H, n_W, n_C)"
            )
        arrays += (_kept_images if name in KEPT_AS_IMAGES else _images)(x, y)
    return Data(name, *arrays)


def _read_h5(path: Path, files: tuple[str, ...], *keys: str) -> list[Array]:
    import h5py

    if not path.exists():
        raise UserError(
            f"{path} does not exist; put the course's {' and '.join(files)} in "
            f"{path.parent} or point --data-dir at their folder"
        )
    try:
        with open_regular(path, str(path)) as fh, h5py.File(fh, "r") as file:
            missing = [key for key in keys if key not in file]
            if missing:
                raise UserError(
                    f"{path} has no array {missing[0]!r} (it holds {', '.join(file) or 'nothing'})"
                )
            for key in keys:  # as declared, before a byte is read
                array = file[key]
                size = f"{array.shape} {array.dtype}"
                check_allocation(f"{path}: array {key!r} {size}", array.size * array.dtype.itemsize)
            return [np.asarray(file[key]) for key in keys]
    except OSError as err:
        raise UserError(f"{path} is not a readable HDF5 file ({err})") from None
    except ValueError as err:  # not a regular file; more than the machine's memory
        raise UserError(str(err)) from None


def _npz(path: Path, test_fraction: float) -> Data:
    label = f"data file {path}"
    try:
        arrays = read_npz(path, label, "--dataset expects an .npz holding X and Y")
    except (OSError, ValueError) as err:
        raise UserError(str(err)) from None
    missing = [key for key in ("X", "Y") if key not in arrays]
    if missing:
        held = ", ".join(arrays) or "nothing"
        raise UserError(f"{label} has no array {missing[0]!r} (it holds {held})")
    alone = [(x, y) for x, y in (("X_test", "Y_test"), ("Y_test", "X_test")) if x in arrays]
    for key, partner in alone:
        if partner not in arrays:
            raise UserError(f"{label} holds {key} but no {partner}; give both, or neither")
    pairs = [("X", "Y")] + ([("X_test", "Y_test")] if alone else [])
    for x_key, y_key in pairs:
        X, Y = arrays[x_key], arrays[y_key]
        for key in (x_key, y_key):
            try:
                check_real(arrays[key], f"{label}: {key}")
            except TypeError as err:
                raise UserError(str(err)) from None
        if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1] or X.shape[1] < 1:
            raise UserError(
                f"{label}: {x_key} and {y_key} must be (n_x, m) and (1 or n_y, m), one column "
                f"per example, with m >= 1; got {X.shape} and {Y.shape}"
            )
    name = path.stem
    if not alone:
        return _split(name, arrays["X"], arrays["Y"], test_fraction, label)
    if test_fraction != DEFAULT_TEST_FRACTION:
        raise UserError(
            f"test_fraction {test_fraction} does nothing: {label} holds its own X_test and Y_test"
        )
    if arrays["X_test"].shape[0] != arrays["X"].shape[0]:
        raise UserError(f"{label}: X and X_test have different numbers of features")
    _check_test_labels(arrays["Y"], arrays["Y_test"], label)
    return Data(name, arrays["X"], arrays["Y"], arrays["X_test"], arrays["Y_test"])


def _check_test_labels(Y: Array, Y_test: Array, label: str) -> None:
    """Class labels in ``Y_test`` must be classes of ``Y``, and of the same kind (labels or
    targets)."""
    labels = Y.dtype.kind in "iub"
    if labels != (Y_test.dtype.kind in "iub"):
        raise UserError(
            f"{label}: Y is {Y.dtype} but Y_test is {Y_test.dtype}; both must be integer "
            "class labels, or both float targets"
        )
    if labels and Y_test.max() > Y.max():
        raise UserError(
            f"{label}: Y_test holds class {Y_test.max()}, but Y's classes are 0 .. {Y.max()}; "
            "a model cannot learn a class it never sees"
        )
