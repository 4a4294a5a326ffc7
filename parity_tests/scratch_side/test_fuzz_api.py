"""The fuzz half of issue 11's sweep at the API: malformed sizes, spec dicts and inputs
(``fuzz_strategies``) are refused with one line naming the problem, before any allocation."""

from __future__ import annotations

import re

import numpy as np
import pytest
from fuzz_strategies import bad_inputs, bad_sizes, bad_spec_dicts
from hypothesis import given, settings
from sweep_cases import SPEC, P

import scratch

REFUSED = (ValueError, TypeError, MemoryError)


def refusal(call) -> str:
    """The one line ``call()`` is refused with (NumPy's own failure to allocate does not count)."""
    with pytest.raises(REFUSED) as caught:
        call()
    message = str(caught.value)
    assert message.strip() and "\n" not in message.strip(), message
    assert "Unable to allocate" not in message, message
    return message


@settings(max_examples=25)
@given(bad_sizes())
def test_bad_layer_sizes_are_refused_naming_them(sizes):
    message = refusal(lambda: scratch.initialize_parameters(scratch.build_spec(sizes)))
    assert re.search(r"units|input_size|layer|sizes|need", message), message


@settings(max_examples=40)
@given(bad_spec_dicts())
def test_a_spec_dict_with_a_bad_field_is_refused_naming_it(drawn):
    spec, field = drawn
    message = refusal(lambda: scratch.initialize_parameters(scratch.NetworkSpec.from_dict(spec)))
    assert field in message or re.search("need|memory", message), (field, message)


@settings(max_examples=40)
@given(bad_inputs())
def test_a_defective_X_is_refused_naming_it(drawn):
    X, defect = drawn
    m = X.shape[-1] if X.ndim else 1
    Y = np.zeros((1, m), np.int64)
    for call in (
        lambda: scratch.train(SPEC, X, Y, learning_rate=0.1, num_iterations=1),
        lambda: scratch.predict(X, P, SPEC),
    ):
        message = refusal(call)
        assert re.search(r"\bX\b", message), (defect, message)
