"""``scratch.optimizers``: the course's gradient-descent step."""

from __future__ import annotations

import numpy as np
from parity_cases import generic_params

from scratch import build_spec, update_parameters


def test_update_parameters_is_one_gradient_step_and_mutates_nothing(rng):
    spec = build_spec([2, 3, 1], "tanh")
    params = generic_params(spec, rng)
    grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
    before = {k: v.copy() for k, v in params.items()}
    new = update_parameters(params, grads, 0.1)
    into = update_parameters(
        params, grads, 0.1, out={k: np.empty_like(v) for k, v in params.items()}
    )
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])
        np.testing.assert_array_equal(new[key], before[key] - 0.1 * grads[f"d{key}"])
        np.testing.assert_array_equal(into[key], new[key])
