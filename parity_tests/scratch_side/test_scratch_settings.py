"""``scratch.TrainingSettings``: what every ``train`` takes, checked on construction with errors
that name the field and the value, any integer type counted as one, and the same run whether the
settings come as one object or as keywords."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from parity_cases import PLANAR

from scratch import TrainingSettings, train


def test_numpy_integers_count_as_integers():
    settings = TrainingSettings(
        0.5, np.int64(5), batch_size=np.int32(64), start_iteration=np.int64(3)
    )
    counts = (settings.num_iterations, settings.batch_size, settings.start_iteration)
    assert counts == (5, 64, 3) and settings.stop == 8
    assert all(type(count) is int for count in counts), "kept as plain Python integers"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("learning_rate", -0.5, ValueError),
        ("num_iterations", 0, ValueError),
        ("batch_size", 0, ValueError),
        ("start_iteration", -1, ValueError),
        ("shuffle", "yes", TypeError),
    ],
)
def test_a_bad_value_is_named_in_the_error(field, value, error):
    with pytest.raises(error) as caught:
        TrainingSettings(**{"learning_rate": 0.1, "num_iterations": 10, field: value})
    message = str(caught.value)
    assert message.startswith(f"{field} must be"), message
    assert message.endswith(f"got {value!r}"), message


def test_of_changes_the_fields_it_is_given_and_nothing_else():
    settings = TrainingSettings(1.2, 100, batch_size=64, shuffle=False, start_iteration=7)
    changed = TrainingSettings.of(settings, learning_rate=0.5)
    assert dataclasses.asdict(changed) == {**dataclasses.asdict(settings), "learning_rate": 0.5}
    assert settings.learning_rate == 1.2, "the settings given are left as they were"
    assert TrainingSettings.of(settings) is settings
    assert TrainingSettings.of(learning_rate=0.5, num_iterations=3) == TrainingSettings(0.5, 3)
    with pytest.raises(ValueError, match="learning_rate must be a positive finite number"):
        TrainingSettings.of(settings, learning_rate=-1.0)  # the change is checked too
    with pytest.raises(TypeError, match="settings must be TrainingSettings, got dict"):
        TrainingSettings.of({"learning_rate": 0.5, "num_iterations": 3})


def test_a_settings_object_trains_as_its_fields_given_as_keywords(planar_data):
    X, Y = planar_data
    settings = TrainingSettings(1.2, 30, batch_size=64, shuffle=True, start_iteration=5)
    by_object = train(PLANAR, X, Y, settings)
    by_keywords = train(PLANAR, X, Y, **dataclasses.asdict(settings))
    assert by_object.start_iteration == by_keywords.start_iteration == 5
    assert by_object.costs.tobytes() == by_keywords.costs.tobytes()
    for key, value in by_keywords.params.items():
        assert by_object.params[key].tobytes() == value.tobytes(), f"final {key} differs"
    default = train(PLANAR, X, Y, learning_rate=1.2, num_iterations=30)
    assert not np.array_equal(default.costs, by_object.costs), "the settings were not used"


def test_a_decay_interval_past_every_epoch_never_decays_and_does_not_overflow():
    """``np.arange(...) // 10**21`` overflows int64; the interval means "never" and trains so."""
    settings = TrainingSettings(0.5, 4, decay_rate=1.0, decay_interval=10**21)
    assert np.array_equal(settings.learning_rate_at(np.arange(4)), np.full(4, 0.5))
    result = train(PLANAR, np.zeros((2, 4)), np.array([[0, 1, 1, 0]]), settings)
    assert np.array_equal(result.learning_rates, np.full(4, 0.5))
