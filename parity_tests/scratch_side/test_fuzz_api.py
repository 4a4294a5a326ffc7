"""The fuzz half of issue 11's sweep at the API: malformed sizes, spec dicts and inputs
(``fuzz_strategies``) are refused with one line naming the problem, before any allocation; and
issue 25's: the course's functions called by hand with a hyperparameter that would give NaN,
or arrays that do not fit, are refused naming the function and the argument."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from fuzz_strategies import (
    bad_course_arguments,
    bad_inputs,
    bad_sizes,
    bad_spec_dicts,
    mismatched_layers,
)
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


@settings(max_examples=60)
@given(bad_course_arguments())
def test_a_course_hyperparameter_that_would_give_nan_is_refused_naming_it(drawn):
    function, argument, value = drawn
    params = {"W1": np.ones((3, 2)), "b1": np.zeros((3, 1))}
    grads = {f"d{key}": np.full_like(array, 0.1) for key, array in params.items()}
    v, s = scratch.initialize_adam(params)
    calls = {
        "update_parameters_with_momentum": lambda beta=0.9, learning_rate=0.1: (
            scratch.update_parameters_with_momentum(params, grads, v, beta, learning_rate)
        ),
        "update_parameters_with_rmsprop": lambda beta2=0.9, epsilon=1e-8: (
            scratch.update_parameters_with_rmsprop(params, grads, s, beta2, 0.1, epsilon)
        ),
        "update_parameters_with_adam": lambda t=1, **hyper: scratch.update_parameters_with_adam(
            params, grads, v, s, t, **hyper
        ),
        "update_lr": lambda learning_rate0=0.1, epoch_num=1, decay_rate=1.0: scratch.update_lr(
            learning_rate0, epoch_num, decay_rate
        ),
        "schedule_lr_decay": lambda time_interval: scratch.schedule_lr_decay(
            0.1, 3, 1, time_interval
        ),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused before NumPy warns of a NaN
        message = refusal(lambda: calls[function](**{argument: value}))
    assert message.startswith(f"{function}: {argument} must be"), message


@settings(max_examples=40)
@given(mismatched_layers())
def test_a_layer_of_mismatched_shapes_is_refused_naming_the_array_not_numpys_words(drawn):
    A_prev, W, b, which = drawn
    message = refusal(lambda: scratch.linear_forward(A_prev, W, b))
    assert message.startswith("linear_forward: "), message
    assert re.search(rf"\b{which}\b", message) and "gufunc" not in message, (which, message)
