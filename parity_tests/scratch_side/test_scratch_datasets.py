"""The built-in data sets: seeded, in course layout, with their classes; and the split."""

from __future__ import annotations

import numpy as np
import pytest

from scratch import DATASETS, load_dataset, train_test_split


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
