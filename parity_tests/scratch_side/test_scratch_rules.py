"""``scratch.rules``: the number rules every check of the scratch side applies (a count is an
integer of any integer type and never a bool; a real setting is finite and never a bool; a
checked field is kept as a plain Python number)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from scratch.rules import check_count, is_finite_real, is_int, plain_numbers


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3), np.int32(-2)])
def test_an_integer_of_any_integer_type_is_an_int(value):
    assert is_int(value)


@pytest.mark.parametrize("value", [True, False, np.bool_(True), 3.0, "3", None, np.float64(3)])
def test_a_bool_a_float_or_text_is_not_an_int(value):
    assert not is_int(value)


@pytest.mark.parametrize("value", [0.5, 3, np.float32(0.25), np.int64(7), -1e300])
def test_a_finite_number_is_a_finite_real(value):
    assert is_finite_real(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -np.inf, True, "0.5", None, 1j])
def test_nan_inf_a_bool_text_or_a_complex_is_not_a_finite_real(value):
    assert not is_finite_real(value)


def test_a_count_is_returned_as_a_plain_int():
    counted = check_count("iterations", np.int64(5))
    assert counted == 5 and type(counted) is int


@pytest.mark.parametrize(
    ("minimum", "value", "says"),
    [
        (0, -1, "iterations must be a non-negative integer, got -1"),
        (1, 0, "iterations must be a positive integer, got 0"),
        (2, 1, "iterations must be an integer >= 2, got 1"),
        (0, True, "iterations must be a non-negative integer, got True"),
        (0, 3.0, "iterations must be a non-negative integer, got 3.0"),
    ],
)
def test_a_count_out_of_its_rule_names_the_setting_the_rule_and_the_value(minimum, value, says):
    with pytest.raises(ValueError) as raised:
        check_count("iterations", value, minimum)
    assert str(raised.value) == says


def test_a_count_raises_the_error_type_its_caller_asks_for():
    class SettingError(ValueError):
        pass

    with pytest.raises(SettingError, match="seed"):
        check_count("seed", -3, error=SettingError)


def test_plain_numbers_turns_numpy_numbers_into_python_ones_that_write_to_json_and_back():
    @dataclasses.dataclass(frozen=True)
    class Fields:
        size: object
        rate: object
        name: object

    fields = Fields(np.int64(4), np.float32(0.5), "kept")
    plain_numbers(fields, ("size", "rate", "name"))
    assert (type(fields.size), type(fields.rate), fields.name) == (int, float, "kept")
    assert json.loads(json.dumps(dataclasses.asdict(fields))) == dataclasses.asdict(fields)
