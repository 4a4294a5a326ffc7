"""``scratch.course.initialization``: the notebook's three schemes, drawn as its functions draw
them (``np.random.seed(3)`` at the top) without touching NumPy's global state, equal to the truth
(torch.nn.init's scale of the same draws) and to the numbers the notebook prints."""

from __future__ import annotations

import numpy as np
import pytest

from scratch.course import initialization
from scratch.parity import assert_parity, compare_all
from torch_impl import course as truth

DIMS = [(3, 2, 1), (2, 4, 1), (2, 10, 5, 1)]


def test_the_draws_are_the_seeded_global_generators_and_leave_it_alone():
    state = np.random.get_state()
    try:
        np.random.seed(3)
        notebook = [np.random.randn(10, 2), np.random.randn(5, 10), np.random.randn(1, 5)]
        np.random.seed(12345)
        before = np.random.random()
        np.random.seed(12345)
        draws = initialization.course_draws((2, 10, 5, 1))
        assert np.random.random() == before
    finally:
        np.random.set_state(state)
    for l, W in enumerate(notebook, 1):
        np.testing.assert_array_equal(draws[f"W{l}"], W)


@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("scheme", ["zeros", "random", "he"])
def test_each_scheme_equals_the_truth(dims, scheme):
    ours = getattr(initialization, f"initialize_parameters_{scheme}")(list(dims))
    theirs = truth.initial_weights(dims, scheme, initialization.course_draws(dims))
    assert list(ours) == [f"{p}{l}" for l in range(1, len(dims)) for p in "Wb"]
    assert_parity(compare_all(ours, theirs))
    for key, value in ours.items():
        assert value.shape == (
            (dims[int(key[1])], dims[int(key[1]) - 1]) if key[0] == "W" else (dims[int(key[1])], 1)
        )


def test_the_notebooks_printed_values():
    """The notebook's expected output for ``initialize_parameters_random([3, 2, 1])`` and
    ``initialize_parameters_he([2, 4, 1])``, printed to 8 decimals."""
    printed = {"rtol": 0, "atol": 5e-9}
    random = initialization.initialize_parameters_random([3, 2, 1])
    np.testing.assert_allclose(random["W1"][0], [17.88628473, 4.36509851, 0.96497468], **printed)
    np.testing.assert_allclose(random["W2"], [[-0.82741481, -6.27000677]], **printed)
    he = initialization.initialize_parameters_he([2, 4, 1])
    np.testing.assert_allclose(he["W1"][0], [1.78862847, 0.43650985], **printed)
    np.testing.assert_allclose(
        he["W2"], [[-0.03098412, -0.33744411, -0.92904268, 0.62552248]], **printed
    )
