"""``scratch.course.optimization``: the second course's "Optimization Methods" functions are the
project's own optimizers under the course's names, with the course's signatures and defaults."""

from __future__ import annotations

import inspect

import numpy as np

import scratch.optimizers
from scratch.course import optimization


def test_the_courses_names_are_the_projects_own_optimizers():
    for name in optimization.__all__:
        assert getattr(optimization, name) is getattr(scratch.optimizers, name)


def test_adam_takes_the_courses_arguments_and_defaults_and_returns_its_five_values(rng):
    parameters = inspect.signature(optimization.update_parameters_with_adam).parameters
    assert list(parameters) == [
        "parameters", "grads", "v", "s", "t", "learning_rate", "beta1", "beta2", "epsilon",
    ]  # fmt: skip
    defaults = {k: p.default for k, p in parameters.items() if p.default is not p.empty}
    assert defaults == {"learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
    params = {"W1": rng.standard_normal((2, 3)), "b1": np.zeros((2, 1))}
    grads = {"dW1": rng.standard_normal((2, 3)), "db1": rng.standard_normal((2, 1))}
    v, s = optimization.initialize_adam(params)
    out = optimization.update_parameters_with_adam(params, grads, v, s, 1)
    assert len(out) == 5  # parameters, v, s, v_corrected, s_corrected


def test_the_first_adam_step_moves_each_weight_by_about_the_learning_rate(rng):
    """At t = 1 the corrected moments are ``g`` and ``g^2``: the step is ``alpha g / (|g| +
    epsilon)``, which is the point of the bias correction."""
    params = {"W1": rng.standard_normal((3, 3)), "b1": np.zeros((3, 1))}
    grads = {"dW1": rng.standard_normal((3, 3)), "db1": rng.standard_normal((3, 1))}
    v, s = optimization.initialize_adam(params)
    new, *_ = optimization.update_parameters_with_adam(params, grads, v, s, 1, learning_rate=0.01)
    for key in params:
        np.testing.assert_allclose(
            new[key] - params[key], -0.01 * np.sign(grads[f"d{key}"]), rtol=1e-6
        )


def test_the_velocity_starts_at_zero_keyed_by_the_gradients():
    params = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1))}
    v = optimization.initialize_velocity(params)
    assert list(v) == ["dW1", "db1"] and not any(value.any() for value in v.values())
    assert optimization.update_lr(0.5, 2, 1.0) == 0.5 / 3
