"""Stand-ins for the course's helper modules (``dnn_utils``, ``planar_utils``, ``testCases``,
...), for a learner's file that imports them without having them (``nn-check
--provide-helpers``; ``scripts.learner.loading`` serves them). They compute what the course's
helpers compute, with scratch's own activations; a real module of that name, beside the
learner's file, always comes first.

The course's activation helpers return the activation and its cache, ``Z``::

    A, cache = relu(Z)                    # A = max(Z, 0), cache = Z
    dZ = relu_backward(dA, cache)         # dA where Z > 0, else 0 (relu'(0) = 0)
    dZ = sigmoid_backward(dA, cache)      # dA s (1 - s), s = sigmoid(Z)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import scratch
from scratch.activations import ACTIVATION_TABLE

Array = np.ndarray


def _forward(name: str) -> Callable[[Array], tuple[Array, Array]]:
    def forward(Z: Array) -> tuple[Array, Array]:
        return ACTIVATION_TABLE[name].forward(np.asarray(Z, dtype=float)), Z

    forward.__name__ = name
    return forward


def _backward(name: str) -> Callable[[Array, Array], Array]:
    def backward(dA: Array, cache: Array) -> Array:
        g = ACTIVATION_TABLE[name]
        Z = np.asarray(cache, dtype=float)
        return g.backward(np.asarray(dA, dtype=float), Z, g.forward(Z))

    backward.__name__ = f"{name}_backward"
    return backward


def _not_here(what: str) -> Callable[..., Any]:
    def stand_in(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            f"nn-check's stand-in cannot {what}: run nn-check with --definitions-only, which "
            "skips the file's top-level code"
        )

    return stand_in


def _plain_sigmoid(x: Array) -> Array:
    return scratch.sigmoid(np.asarray(x, dtype=float))


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


ACTIVATIONS = {
    "sigmoid": _forward("sigmoid"),
    "relu": _forward("relu"),
    "sigmoid_backward": _backward("sigmoid"),
    "relu_backward": _backward("relu"),
}
PLANAR = {
    "sigmoid": _plain_sigmoid,
    "load_planar_dataset": lambda: scratch.load_dataset("planar"),
    "plot_decision_boundary": _nothing,
    "load_extra_datasets": _not_here("load the course's extra data sets"),
}
TESTS: dict[str, Any] = {}  # the course's test inputs: nn-check makes its own

# module name -> (what it is, what it provides)
MODULES: dict[str, tuple[str, dict[str, Any]]] = {
    **{
        name: ("the course's activation helpers", ACTIVATIONS)
        for name in ("dnn_utils", "dnn_utils_v2")
    },
    **{
        name: (
            "the course's helpers for the application",
            {**ACTIVATIONS, "load_data": _not_here("load the cat pictures")},
        )
        for name in ("dnn_app_utils", "dnn_app_utils_v2", "dnn_app_utils_v3")
    },
    "planar_utils": ("the course's planar helpers", PLANAR),
    "lr_utils": (
        "the course's data loader",
        {"load_dataset": _not_here("load the cat pictures")},
    ),
    **{
        name: ("the course's test cases", TESTS)
        for name in (
            "testCases",
            "testCases_v2",
            "testCases_v3",
            "testCases_v4",
            "testCases_v4a",
            "public_tests",
            "test_utils",
        )
    },
}


def describe(name: str) -> str | None:
    """What a course helper module is and provides (``None`` for another module)."""
    if name not in MODULES:
        return None
    what, provides = MODULES[name]
    if not provides:
        return f"{name} is {what}, which nn-check does not need"
    return f"{name} is {what} ({', '.join(provides)})"
