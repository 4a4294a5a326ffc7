"""Stand-ins for the course's helper modules (``dnn_utils``, ``planar_utils``, ``opt_utils_v1a``,
``reg_utils``, ``init_utils``, ``gc_utils``, ``testCases``, ``public_tests``, ...), for a learner's
file that imports them without having them (``scripts.learner.imports`` serves them). They
compute what the course's helpers compute, with scratch's own pieces; a real module of that
name, beside the learner's file, always comes first. What only a notebook's own cells use (its
data sets, which the course ships as files) raises, naming what it cannot do; plots draw
nothing.

The second course's helpers hold its three-layer network (``scratch.course.three_layer``), its
initialisers drawn after ``np.random.seed(3)`` (``scratch.course.initialization``) and its
gradient checking's vector helpers (``scratch.course.gradient_checking``). The fifth course's
``rnn_utils`` holds the softmax and sigmoid its step-by-step cells use; the language model's
``utils`` its RNN over one name (``scratch.course.language_model``); ``shakespeare_utils`` a
Keras model of Shakespeare (nothing it does is needed: a stand-in that raises, and without its
own ``sample``, which would shadow the notebook's).

The course's activation helpers return the activation and its cache, ``Z``::

    A, cache = relu(Z)                    # A = max(Z, 0), cache = Z
    dZ = relu_backward(dA, cache)         # dA where Z > 0, else 0 (relu'(0) = 0)
    dZ = sigmoid_backward(dA, cache)      # dA s (1 - s), s = sigmoid(Z)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

import scratch
from scratch.activations import ACTIVATION_TABLE, softmax
from scratch.course import gradient_checking, initialization, language_model, three_layer

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


DATA = "its data is the course's own file"


def _not_here(what: str, why: str = DATA) -> Callable[..., Any]:
    def stand_in(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            f"nn-check's stand-in cannot {what}: {why}; a notebook's definitions only "
            "(nn-check's default for a notebook, --definitions-only for a .py file) leave it out"
        )

    return stand_in


def _served(function: Callable) -> Callable:
    """Another course module's function as a helper module's: the same, but defined here, so
    that it is never taken for the learner's own (``scripts.learner.loading``)."""

    @functools.wraps(function)
    def stand_in(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    stand_in.__module__ = __name__
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


def _backward_lower(X: Array, Y: Array, cache: tuple) -> dict[str, Array]:
    """The three-layer network's gradients as ``init_utils`` and ``opt_utils`` key them:
    ``dz``, ``da``, carrying their 1/m (``dz3 = (a3 - Y) / m``); ``reg_utils`` keeps the course's
    ``dZ``, ``dA`` (``three_layer.backward``)."""
    m = X.shape[1]
    return {
        (key[:2].lower() + key[2:] if key[1] in "AZ" else key): value / m
        if key[1] in "AZ"
        else value
        for key, value in three_layer.backward(X, Y, cache).items()
    }


def _cross_entropy(mean: bool) -> Callable[[Array, Array], Array]:
    def cost(a3: Array, Y: Array) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            losses = -(Y * np.log(a3) + (1 - Y) * np.log(1 - a3))
        return np.nansum(losses) / Y.shape[1] if mean else np.sum(losses)

    return cost


def _initialize_over_sqrt(layer_dims: list) -> dict:
    """``reg_utils``' initialiser: the course's draws after ``np.random.seed(3)``, divided by
    ``sqrt(n[l-1])``; zero biases."""
    draws = initialization.course_draws(layer_dims)
    weights = {key: W / np.sqrt(W.shape[1]) for key, W in draws.items()}
    return initialization.with_zero_biases(weights)


def _predict(X: Array, y: Array, parameters: dict) -> Array:
    return (three_layer.forward(X, parameters)[0] > 0.5).astype(int)


def _sample_text(sample_ix: list, ix_to_char: dict) -> str:
    """``utils.get_sample``: the characters of the indices, the first one capitalised."""
    text = "".join(ix_to_char[ix] for ix in sample_ix)
    return text[0].upper() + text[1:]


def _print_sample(sample_ix: list, ix_to_char: dict) -> None:
    print(_sample_text(sample_ix, ix_to_char), end="")


PLAIN = {"sigmoid": _plain_sigmoid, "relu": lambda x: np.maximum(0, x)}
KERAS = "it runs the course's Keras model of Shakespeare (tensorflow)"
LANGUAGE_MODEL = {
    "softmax": _served(softmax),
    **{
        name: _served(getattr(language_model, name))
        for name in (
            "smooth",
            "get_initial_loss",
            "initialize_parameters",
            "rnn_step_forward",
            "rnn_step_backward",
            "update_parameters",
            "rnn_forward",
            "rnn_backward",
        )
    },
    "print_sample": _print_sample,
    "get_sample": _sample_text,
}
THREE_LAYER = {
    **PLAIN,
    "forward_propagation": _served(three_layer.forward),
    "update_parameters": lambda parameters, grads, learning_rate: scratch.update_parameters(
        parameters, grads, learning_rate
    ),
    "predict": _predict,
    "predict_dec": lambda parameters, X: three_layer.forward(X, parameters)[0] > 0.5,
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
                "initialize_parameters": _served(initialization.initialize_parameters_he),
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
            "initialize_parameters": _initialize_over_sqrt,
            "compute_cost": _cross_entropy(mean=True),
            "backward_propagation": _served(three_layer.backward),
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
            "dictionary_to_vector": _served(gradient_checking.dictionary_to_vector),
            "vector_to_dictionary": _served(gradient_checking.vector_to_dictionary),
            "gradients_to_vector": _served(gradient_checking.gradients_to_vector),
        },
    ),
    "rnn_utils": (
        "the recurrent assignment's helpers",
        {
            "softmax": LANGUAGE_MODEL["softmax"],
            "sigmoid": _plain_sigmoid,
            **{
                name: _not_here(
                    f"run rnn_utils' {name}", "the step-by-step notebook never calls it"
                )
                for name in ("initialize_adam", "update_parameters_with_adam")
            },
        },
    ),
    "utils": ("the language model's helpers", LANGUAGE_MODEL),
    "shakespeare_utils": (
        "the language model's Shakespeare helpers",
        {
            name: _not_here(f"run shakespeare_utils' {name}", KERAS)
            for name in ("build_data", "vectorization", "on_epoch_end", "generate_output", "model")
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
