"""The commands' data loaders, on tiny files written here in the real formats (MNIST's IDX files
read by torchvision, the course's cat/non-cat HDF5 layout, .npz), through the real code path,
with no download."""

from __future__ import annotations

import struct
from urllib.error import URLError

import h5py
import numpy as np
import pytest
import torchvision.datasets.mnist

from scripts.cli.errors import UserError
from scripts.inputs.data import binary_task, load_data

IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def write_idx(path, array: np.ndarray) -> None:
    """MNIST's IDX format: magic 0x0000 08 <ndim> (unsigned bytes), big-endian sizes, data."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def write_mnist(root, folder: str = "MNIST", m: int = 12, side: int = 28) -> dict:
    """Images whose pixels encode their example and position, labels 0, 1, ..., 9, 0, ..."""
    raw = root / folder / "raw"
    raw.mkdir(parents=True)
    written = {}
    for part, (images_file, labels_file) in IDX_FILES.items():
        rng = np.random.default_rng(len(part))
        images = rng.integers(0, 256, size=(m, side, side), dtype=np.uint8)
        labels = np.arange(m, dtype=np.uint8) % 10
        write_idx(raw / images_file, images)
        write_idx(raw / labels_file, labels)
        written[part] = (images, labels)
    return written


def write_course_h5(folder, name: str, classes, m_train: int = 6, m_test: int = 3) -> dict:
    """The course's layout: ``<part>_<name>.h5`` holding ``<part>_set_x`` (m, 64, 64, 3) uint8,
    ``<part>_set_y`` (m,) cycling through the classes, and ``list_classes``."""
    rng = np.random.default_rng(0)
    written = {}
    for part, m in (("train", m_train), ("test", m_test)):
        x = rng.integers(0, 256, size=(m, 64, 64, 3), dtype=np.uint8)
        y = np.arange(m) % len(classes)
        with h5py.File(folder / f"{part}_{name}.h5", "w") as file:
            file[f"{part}_set_x"], file[f"{part}_set_y"] = x, y
            file["list_classes"] = np.array(classes)
        written[part] = (x, y)
    return written


def write_cat(folder, m_train: int = 6, m_test: int = 3) -> dict:
    """The cat/non-cat files: 0 non-cat, 1 cat."""
    return write_course_h5(folder, "catvnoncat", [b"non-cat", b"cat"], m_train, m_test)


@pytest.mark.parametrize(
    ("dataset", "folder"), [("mnist", "MNIST"), ("fashion-mnist", "FashionMNIST")]
)
def test_mnist_idx_files_load_through_torchvision_as_course_columns(tmp_path, dataset, folder):
    written = write_mnist(tmp_path, folder)
    data = load_data(dataset, data_dir=tmp_path)
    images, labels = written["train"]
    assert data.X_train.shape == (28 * 28, 12) and data.Y_train.shape == (1, 12)
    np.testing.assert_array_equal(data.X_train[:, 5], images[5].reshape(-1) / 255)
    np.testing.assert_array_equal(data.Y_train[0], labels)
    np.testing.assert_array_equal(data.X_test[:, 0], written["test"][0][0].reshape(-1) / 255)
    assert data.classes == 10


def test_mnist_missing_offline_is_one_clear_error_naming_the_folder_and_files(
    tmp_path, monkeypatch
):
    def no_network(url, *args, **kwargs):
        raise URLError("no network here")

    monkeypatch.setattr(torchvision.datasets.mnist, "download_and_extract_archive", no_network)
    (tmp_path / "FashionMNIST").mkdir()  # the user's: stays
    with pytest.raises(UserError) as caught:
        load_data("mnist", data_dir=tmp_path / "data")
    message = str(caught.value)
    assert "\n" not in message
    assert "downloading it failed" in message and "no network here" in message
    raw = tmp_path / "data" / "MNIST" / "raw"
    assert str(raw) in message and "train-images-idx3-ubyte" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FashionMNIST"], "no empty folders left"


def test_a_malformed_idx_file_is_a_user_error(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / "MNIST" / "raw" / "train-labels-idx1-ubyte").write_bytes(b"not an idx file")
    with pytest.raises(UserError, match="not a valid IDX file"):
        load_data("mnist", data_dir=tmp_path)


@pytest.mark.parametrize(
    ("positive", "negative", "kept"),
    [([3], [5], [3, 5]), ([3, 5], [8], [3, 5, 8]), ([7], None, list(range(10)))],
)
def test_binary_task_labels_one_side_1_the_other_0_and_drops_the_rest(
    tmp_path, positive, negative, kept
):
    write_mnist(tmp_path, m=30)
    data = load_data("mnist", data_dir=tmp_path, positive=positive, negative=negative)
    labels = np.arange(30) % 10
    chosen = np.isin(labels, kept)
    assert data.X_train.shape[1] == chosen.sum()
    np.testing.assert_array_equal(data.Y_train[0], np.isin(labels[chosen], positive))
    assert data.classes == 2


def test_binary_task_rejects_unknown_and_overlapping_classes(tmp_path):
    write_mnist(tmp_path)
    data = load_data("mnist", data_dir=tmp_path)
    with pytest.raises(UserError, match="class 12 does not exist"):
        binary_task(data, [12], None)
    with pytest.raises(UserError, match="on both sides"):
        binary_task(data, [3], [3, 4])


def test_cat_files_flatten_row_major_and_scale_to_unit_interval(tmp_path):
    written = write_cat(tmp_path)
    data = load_data("cat", data_dir=tmp_path)
    x, y = written["train"]
    assert data.X_train.shape == (64 * 64 * 3, 6) and data.X_test.shape == (64 * 64 * 3, 3)
    np.testing.assert_array_equal(data.X_train, x.reshape(6, -1).T / 255)
    np.testing.assert_array_equal(data.Y_train, y.reshape(1, 6))
    assert data.X_train.max() <= 1 and data.classes == 2


def test_cat_file_missing_or_without_its_arrays_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match=r"train_catvnoncat\.h5 does not exist"):
        load_data("cat", data_dir=tmp_path)
    write_cat(tmp_path)
    with h5py.File(tmp_path / "test_catvnoncat.h5", "w") as file:
        file["images"] = np.zeros((2, 64, 64, 3), np.uint8)
    with pytest.raises(UserError, match=r"has no array 'test_set_x' \(it holds images\)"):
        load_data("cat", data_dir=tmp_path)


def test_npz_with_its_own_test_set_is_used_as_is_and_a_test_share_refused(tmp_path):
    X, Y = np.arange(12.0).reshape(3, 4), np.array([[0, 1, 1, 0]])
    np.savez(tmp_path / "d.npz", X=X, Y=Y, X_test=X[:, :2], Y_test=Y[:, :2])
    data = load_data(str(tmp_path / "d.npz"))
    np.testing.assert_array_equal(data.X_train, X)
    np.testing.assert_array_equal(data.Y_test, Y[:, :2])
    assert data.name == "d"
    with pytest.raises(UserError) as refused:
        load_data(str(tmp_path / "d.npz"), test_fraction=0.3)
    assert str(refused.value) == (
        f"test_fraction 0.3 does nothing: data file {tmp_path / 'd.npz'} holds its own X_test "
        "and Y_test"
    )


def test_npz_without_a_test_set_is_split_like_the_built_in_sets(tmp_path):
    X, Y = np.arange(40.0).reshape(2, 20), (np.arange(20) % 2)[np.newaxis]
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    data = load_data(str(tmp_path / "d.npz"), test_fraction=0.25)
    assert data.X_train.shape == (2, 15) and data.X_test.shape == (2, 5)
    together = np.sort(np.hstack([data.X_train, data.X_test])[0])
    np.testing.assert_array_equal(together, X[0])


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"X": np.zeros((2, 3))}, r"has no array 'Y' \(it holds X\)"),
        ({"X": np.zeros((2, 3)), "Y": np.zeros((1, 4))}, "one column per example"),
        ({"X": np.zeros(3), "Y": np.zeros((1, 3))}, r"must be \(n_x, m\)"),
    ],
)
def test_npz_without_the_right_arrays_is_a_user_error(tmp_path, arrays, message):
    np.savez(tmp_path / "d.npz", **arrays)
    with pytest.raises(UserError, match=message):
        load_data(str(tmp_path / "d.npz"))


def test_unknown_data_set_lists_the_known_ones():
    with pytest.raises(UserError, match=r"'flowers' is unknown; choose one of planar, .*mnist"):
        load_data("flowers")
