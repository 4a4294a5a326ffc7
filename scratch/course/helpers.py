"""Stand-ins for the course's helper modules (``dnn_utils``, ``planar_utils``, ``opt_utils_v1a``,
``reg_utils``, ``init_utils``, ``gc_utils``, ``testCases``, ``public_tests``, ...), for a learner's
file that imports them without having them (``scripts.learner.imports`` serves them). They
compute what the course's helpers compute, with scratch's own pieces; a real module of that
name, beside the learner's file, always comes first. What only a notebook's own cells use (its
data sets, which the course ships as files) raises, naming what it cannot do; plots draw
nothing.

The second course's helpers hold its three-layer network (LINEAR -> RELU -> LINEAR -> RELU ->
LINEAR -> SIGMOID) with the cache ``(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)``; its
gradient checking's vector helpers roll ``W1, b1, W2, b2, W3, b3`` of the sizes (4, 5, 3, 1)
into one column.

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
from scratch.network import LinearCache

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
            f"nn-check's stand-in cannot {what}: its data is the course's own file; a notebook's "
            "definitions only (nn-check's default for a notebook, --definitions-only for a .py "
            "file) leave it out"
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
GRADCHECK_SIZES = (4, 5, 3, 1)  # gc_utils' vector_to_dictionary holds the course's network


def _three_layer_forward(X: Array, parameters: dict) -> tuple[Array, tuple]:
    """``a3`` and the cache ``(z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)``."""
    cache, A = [], X
    for l, g in enumerate(("relu", "relu", "sigmoid"), start=1):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        A, (_, (Z, _)) = scratch.linear_activation_forward(A, W, b, g)
        cache += [Z, A, W, b]
    return A, tuple(cache)


def _three_layer_backward(X: Array, Y: Array, cache: tuple, lower: bool) -> dict[str, Array]:
    """The gradients of the mean cross-entropy: ``dW``, ``db`` and ``dZ``, ``dA`` keyed as
    ``reg_utils`` keys them (``dZ3 = A3 - Y``), or, where ``lower``, as ``init_utils`` and
    ``opt_utils`` do: ``dz``, ``da``, carrying their 1/m (``dz3 = (a3 - Y) / m``)."""
    m, out = X.shape[1], {}
    dZ = cache[9] - Y
    for l in (3, 2, 1):
        _, A, W, b = cache[4 * (l - 1) : 4 * l]
        A_prev = X if l == 1 else cache[4 * (l - 2) + 1]
        if l < 3:
            dZ = out[f"dA{l}"] * (A > 0)
        dA_prev, out[f"dW{l}"], out[f"db{l}"] = scratch.linear_backward(
            dZ, LinearCache(A_prev, W, b)
        )
        out[f"dZ{l}"] = dZ
        if l > 1:
            out[f"dA{l - 1}"] = dA_prev
    if not lower:
        return out
    return {
        (key[:2].lower() + key[2:] if key[1] in "AZ" else key): value / m
        if key[1] in "AZ"
        else value
        for key, value in out.items()
    }


def _backward_lower(X: Array, Y: Array, cache: tuple) -> dict[str, Array]:
    return _three_layer_backward(X, Y, cache, lower=True)


def _backward_upper(X: Array, Y: Array, cache: tuple) -> dict[str, Array]:
    return _three_layer_backward(X, Y, cache, lower=False)


def _cross_entropy(mean: bool) -> Callable[[Array, Array], Array]:
    def cost(a3: Array, Y: Array) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            losses = -(Y * np.log(a3) + (1 - Y) * np.log(1 - a3))
        return np.nansum(losses) / Y.shape[1] if mean else np.sum(losses)

    return cost


def _initialize(scale: Callable[[int], float]) -> Callable[[list], dict]:
    def initialize_parameters(layer_dims: list) -> dict:
        rng = np.random.RandomState(3)  # the course's np.random.seed(3)
        out = {}
        for l in range(1, len(layer_dims)):
            n, n_prev = layer_dims[l], layer_dims[l - 1]
            out[f"W{l}"] = rng.randn(n, n_prev) * scale(n_prev)
            out[f"b{l}"] = np.zeros((n, 1))
        return out

    return initialize_parameters


def _predict(X: Array, y: Array, parameters: dict) -> Array:
    return (_three_layer_forward(X, parameters)[0] > 0.5).astype(int)


def _dictionary_to_vector(parameters: dict) -> tuple[Array, list[str]]:
    keys = [f"{p}{l}" for l in (1, 2, 3) for p in ("W", "b")]
    theta = np.concatenate([np.reshape(parameters[key], (-1, 1)) for key in keys])
    return theta, [key for key in keys for _ in range(np.size(parameters[key]))]


def _gradients_to_vector(gradients: dict) -> Array:
    keys = [f"d{p}{l}" for l in (1, 2, 3) for p in ("W", "b")]
    return np.concatenate([np.reshape(gradients[key], (-1, 1)) for key in keys])


def _vector_to_dictionary(theta: Array) -> dict:
    out, at, n = {}, 0, GRADCHECK_SIZES
    for l in (1, 2, 3):
        for key, shape in ((f"W{l}", (n[l], n[l - 1])), (f"b{l}", (n[l], 1))):
            size = shape[0] * shape[1]
            out[key] = theta[at : at + size].reshape(shape)
            at += size
    return out


PLAIN = {"sigmoid": _plain_sigmoid, "relu": lambda x: np.maximum(0, x)}
THREE_LAYER = {
    **PLAIN,
    "forward_propagation": _three_layer_forward,
    "update_parameters": lambda parameters, grads, learning_rate: scratch.update_parameters(
        parameters, grads, learning_rate
    ),
    "predict": _predict,
    "predict_dec": lambda parameters, X: _three_layer_forward(X, parameters)[0] > 0.5,
    "plot_decision_boundary": _nothing,
    "load_dataset": _not_here("load the course's data set"),
    "load_2D_dataset": _not_here("load the course's data set"),
}

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
        name: (
            "the optimization assignment's helpers",
            {
                **THREE_LAYER,
                "initialize_parameters": _initialize(lambda n: (2 / n) ** 0.5),
                "compute_cost": _cross_entropy(mean=name == "opt_utils"),
                "backward_propagation": _backward_lower,
                "load_params_and_grads": _not_here("draw the course's test parameters"),
            },
        )
        for name in ("opt_utils", "opt_utils_v1a", "opt_utils_v1b")
    },
    "reg_utils": (
        "the regularization assignment's helpers",
        {
            **THREE_LAYER,
            "initialize_parameters": _initialize(lambda n: n**-0.5),
            "compute_cost": _cross_entropy(mean=True),
            "backward_propagation": _backward_upper,
            "load_planar_dataset": _not_here("load the course's data set"),
        },
    ),
    "init_utils": (
        "the initialization assignment's helpers",
        {
            **THREE_LAYER,
            "compute_loss": _cross_entropy(mean=True),
            "backward_propagation": _backward_lower,
            "load_cat_dataset": _not_here("load the cat pictures"),
        },
    ),
    "gc_utils": (
        "the gradient checking assignment's helpers",
        {
            **PLAIN,
            "dictionary_to_vector": _dictionary_to_vector,
            "vector_to_dictionary": _vector_to_dictionary,
            "gradients_to_vector": _gradients_to_vector,
        },
    ),
    **{
        name: ("the course's test cases", TESTS)
        for name in (
            "testCases",
            "testCases_v2",
            "testCases_v3",
            "testCases_v4",
            "testCases_v4a",
            "test_cases",
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
