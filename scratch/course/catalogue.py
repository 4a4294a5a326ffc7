"""The course's functions nn-check knows, week by week: their names and signatures, the order
they are checked in (bottom-up: a function before those that call it), the project's own of each
in the assignment's signature (``REFERENCE``), and how a learner's file tells its week."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from scratch.course import (
    convolution,
    deep,
    gradient_checking,
    initialization,
    language_model,
    logistic_regression,
    optimization,
    planar,
    recurrent,
    regularization,
)


@dataclass(frozen=True)
class Week:
    """``checked``: the functions nn-check checks, in the order it checks them; ``distinctive``:
    names only this week's assignment defines; ``unchecked``: this week's functions nn-check
    recognises and does not check, with the reason."""

    key: str
    title: str
    checked: tuple[str, ...]
    distinctive: tuple[str, ...]
    unchecked: tuple[tuple[str, str], ...] = ()

    @property
    def names(self) -> set[str]:
        """Every name this week's assignment has a learner write."""
        return {*self.checked, *self.distinctive, *(name for name, _ in self.unchecked)}


class NothingToCheckError(ValueError):
    """A file, a week or a choice of functions that leaves nothing to check; the message says
    why and what to give instead."""


CONVOLUTION = (  # the notebook's order: each function after those it calls
    "zero_pad",
    "conv_single_step",
    "conv_forward",
    "pool_forward",
    "conv_backward",
    "create_mask_from_window",
    "distribute_value",
    "pool_backward",
)
RECURRENT = (
    "rnn_cell_forward",
    "rnn_forward",
    "lstm_cell_forward",
    "lstm_forward",
    "rnn_cell_backward",
    "rnn_backward",
    "lstm_cell_backward",
    "lstm_backward",
)
WEEKS = {
    "2": Week(
        "2",
        "logistic regression",
        ("sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict"),
        ("initialize_with_zeros", "propagate", "optimize"),
        (("model", "it trains on the learner's own data set"),),
    ),
    "3": Week(
        "3",
        "the planar network",
        (
            "layer_sizes",
            "initialize_parameters",
            "forward_propagation",
            "compute_cost",
            "backward_propagation",
            "update_parameters",
            "predict",
        ),
        ("layer_sizes", "forward_propagation", "backward_propagation", "nn_model"),
        (("nn_model", "it draws its own initial weights"),),
    ),
    "4": Week(
        "4",
        "the L-layer network",
        (
            "initialize_parameters",
            "initialize_parameters_deep",
            "linear_forward",
            "linear_activation_forward",
            "L_model_forward",
            "compute_cost",
            "linear_backward",
            "linear_activation_backward",
            "L_model_backward",
            "update_parameters",
        ),
        (
            "initialize_parameters_deep",
            "linear_forward",
            "linear_activation_forward",
            "L_model_forward",
            "linear_backward",
            "linear_activation_backward",
            "L_model_backward",
            "L_layer_model",
            "two_layer_model",
        ),
        (
            ("two_layer_model", "it draws its own initial weights"),
            ("L_layer_model", "it draws its own initial weights"),
        ),
    ),
    "initialization": Week(
        "initialization",
        "initialization (the second course's week 1)",
        ("initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"),
        ("initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"),
        (("model", "it trains on the notebook's own data set"),),
    ),
    "regularization": Week(
        "regularization",
        "regularization (the second course's week 1: L2 and dropout)",
        (
            "compute_cost_with_regularization",
            "backward_propagation_with_regularization",
            "forward_propagation_with_dropout",
            "backward_propagation_with_dropout",
        ),
        (
            "compute_cost_with_regularization",
            "backward_propagation_with_regularization",
            "forward_propagation_with_dropout",
            "backward_propagation_with_dropout",
        ),
        (("model", "it trains on the notebook's own data set"),),
    ),
    "gradient_checking": Week(
        "gradient_checking",
        "gradient checking (the second course's week 1)",
        (
            "forward_propagation",
            "backward_propagation",
            "gradient_check",
            "dictionary_to_vector",
            "vector_to_dictionary",
            "gradients_to_vector",
            "forward_propagation_n",
            "gradient_check_n",
        ),
        (
            "gradient_check",
            "gradient_check_n",
            "forward_propagation_n",
            "backward_propagation_n",
            "dictionary_to_vector",
            "vector_to_dictionary",
            "gradients_to_vector",
        ),
        (
            (
                "backward_propagation_n",
                "the notebook plants its bugs in it (dW2, db1): gradient_check_n is checked "
                "to find them",
            ),
        ),
    ),
    "optimizers": Week(
        "optimizers",
        "the optimizers (the second course's optimization methods)",
        (
            "update_parameters_with_gd",
            "random_mini_batches",
            "initialize_velocity",
            "update_parameters_with_momentum",
            "initialize_adam",
            "update_parameters_with_adam",
            "update_lr",
            "schedule_lr_decay",
        ),
        (
            "update_parameters_with_gd",
            "initialize_velocity",
            "update_parameters_with_momentum",
            "initialize_adam",
            "update_parameters_with_adam",
            "random_mini_batches",
            "update_lr",
            "schedule_lr_decay",
        ),
    ),
    "convolution": Week(
        "convolution",
        "the convolutional model step by step (the fourth course's week 1)",
        CONVOLUTION,
        CONVOLUTION,
    ),
    "recurrent": Week(
        "recurrent",
        "the recurrent networks step by step (the fifth course's week 1: RNN and LSTM)",
        RECURRENT,
        RECURRENT,
    ),
    "language_model": Week(
        "language_model",
        "the character-level language model (the fifth course's week 1: Dinosaur Island)",
        ("clip", "sample", "optimize"),
        ("clip", "sample", "optimize"),
        (("model", "it trains on the notebook's own data set"),),
    ),
}


def _own(week: str, module: ModuleType) -> dict[str, Callable]:
    return {name: getattr(module, name) for name in WEEKS[week].checked}


# The project's own function of each name, week by week: what nn-check runs in place of a
# learner's wrong one while it checks the functions that call it.
REFERENCE: dict[str, dict[str, Callable]] = {
    "2": _own("2", logistic_regression),
    "3": _own("3", planar),
    "4": _own("4", deep),
    "initialization": _own("initialization", initialization),
    "regularization": _own("regularization", regularization),
    "gradient_checking": _own("gradient_checking", gradient_checking),
    "optimizers": _own("optimizers", optimization),
    "convolution": _own("convolution", convolution),
    "recurrent": _own("recurrent", recurrent),
    "language_model": _own("language_model", language_model),
}

# functions of later assignments, recognised and not yet checked
LATER = ("batchnorm_forward", "batchnorm_backward")

SIGNATURES = {
    "sigmoid": "sigmoid(z)",
    "initialize_with_zeros": "initialize_with_zeros(dim) -> (w, b)",
    "propagate": "propagate(w, b, X, Y) -> (grads, cost)",
    "optimize": "optimize(w, b, X, Y, num_iterations, learning_rate, print_cost) -> "
    "(params, grads, costs)",
    "layer_sizes": "layer_sizes(X, Y) -> (n_x, n_h, n_y)",
    "predict": "predict(parameters, X)",
    "initialize_parameters": "initialize_parameters(n_x, n_h, n_y) -> parameters",
    "forward_propagation": "forward_propagation(X, parameters) -> (A2, cache)",
    "backward_propagation": "backward_propagation(parameters, cache, X, Y) -> grads",
    "initialize_parameters_deep": "initialize_parameters_deep(layer_dims) -> parameters",
    "linear_forward": "linear_forward(A, W, b) -> (Z, cache)",
    "linear_activation_forward": "linear_activation_forward(A_prev, W, b, activation) -> "
    "(A, cache)",
    "L_model_forward": "L_model_forward(X, parameters) -> (AL, caches)",
    "compute_cost": "compute_cost(AL, Y) -> cost",
    "linear_backward": "linear_backward(dZ, cache) -> (dA_prev, dW, db)",
    "linear_activation_backward": "linear_activation_backward(dA, cache, activation) -> "
    "(dA_prev, dW, db)",
    "L_model_backward": "L_model_backward(AL, Y, caches) -> grads",
    "update_parameters": "update_parameters(parameters, grads, learning_rate) -> parameters",
    "update_parameters_with_gd": "update_parameters_with_gd(parameters, grads, learning_rate)",
    "initialize_velocity": "initialize_velocity(parameters) -> v",
    "update_parameters_with_momentum": "update_parameters_with_momentum(parameters, grads, v, "
    "beta, learning_rate) -> (parameters, v)",
    "initialize_adam": "initialize_adam(parameters) -> (v, s)",
    "update_lr": "update_lr(learning_rate0, epoch_num, decay_rate) -> learning_rate",
    "schedule_lr_decay": "schedule_lr_decay(learning_rate0, epoch_num, decay_rate, "
    "time_interval=1000) -> learning_rate",
    "update_parameters_with_adam": "update_parameters_with_adam(parameters, grads, v, s, t, "
    "learning_rate, beta1, beta2, epsilon) -> (parameters, v, s, v_corrected, s_corrected)",
    "random_mini_batches": "random_mini_batches(X, Y, mini_batch_size=64, seed=0) -> mini_batches",
    **{
        f"initialize_parameters_{scheme}": f"initialize_parameters_{scheme}(layers_dims) -> "
        "parameters"
        for scheme in ("zeros", "random", "he")
    },
    "compute_cost_with_regularization": "compute_cost_with_regularization(A3, Y, parameters, "
    "lambd) -> cost",
    "backward_propagation_with_regularization": "backward_propagation_with_regularization(X, "
    "Y, cache, lambd) -> gradients",
    "forward_propagation_with_dropout": "forward_propagation_with_dropout(X, parameters, "
    "keep_prob=0.5) -> (A3, cache)",
    "backward_propagation_with_dropout": "backward_propagation_with_dropout(X, Y, cache, "
    "keep_prob) -> gradients",
    "gradient_check": "gradient_check(x, theta, epsilon=1e-7, print_msg=False) -> difference",
    "dictionary_to_vector": "dictionary_to_vector(parameters) -> (theta, keys)",
    "vector_to_dictionary": "vector_to_dictionary(theta) -> parameters",
    "gradients_to_vector": "gradients_to_vector(gradients) -> theta",
    "forward_propagation_n": "forward_propagation_n(X, Y, parameters) -> (cost, cache)",
    "gradient_check_n": "gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, "
    "print_msg=False) -> difference",
    "zero_pad": "zero_pad(X, pad) -> X_pad",
    "conv_single_step": "conv_single_step(a_slice_prev, W, b) -> Z",
    "conv_forward": "conv_forward(A_prev, W, b, hparameters) -> (Z, cache)",
    "pool_forward": "pool_forward(A_prev, hparameters, mode='max') -> (A, cache)",
    "conv_backward": "conv_backward(dZ, cache) -> (dA_prev, dW, db)",
    "create_mask_from_window": "create_mask_from_window(x) -> mask",
    "distribute_value": "distribute_value(dz, shape) -> a",
    "pool_backward": "pool_backward(dA, cache, mode='max') -> dA_prev",
    "rnn_cell_forward": "rnn_cell_forward(xt, a_prev, parameters) -> (a_next, yt_pred, cache)",
    "rnn_forward": "rnn_forward(x, a0, parameters) -> (a, y_pred, caches)",
    "lstm_cell_forward": "lstm_cell_forward(xt, a_prev, c_prev, parameters) -> (a_next, c_next, "
    "yt_pred, cache)",
    "lstm_forward": "lstm_forward(x, a0, parameters) -> (a, y, c, caches)",
    "rnn_cell_backward": "rnn_cell_backward(da_next, cache) -> gradients",
    "rnn_backward": "rnn_backward(da, caches) -> gradients",
    "lstm_cell_backward": "lstm_cell_backward(da_next, dc_next, cache) -> gradients",
    "lstm_backward": "lstm_backward(da, caches) -> gradients",
    "clip": "clip(gradients, maxValue) -> gradients",
    "sample": "sample(parameters, char_to_ix, seed) -> indices",
}
# the names two assignments give functions of other signatures: week -> name -> signature
OWN_SIGNATURES = {
    "2": {"predict": "predict(w, b, X)"},
    "gradient_checking": {
        "forward_propagation": "forward_propagation(x, theta) -> J",
        "backward_propagation": "backward_propagation(x, theta) -> dtheta",
    },
    "language_model": {
        "optimize": "optimize(X, Y, a_prev, parameters, learning_rate=0.01) -> (loss, "
        "gradients, a[len(X) - 1])",
    },
}

ALL_NAMES = (
    tuple(
        dict.fromkeys(
            name
            for week in WEEKS.values()
            for name in (*week.checked, *week.distinctive, *(n for n, _ in week.unchecked))
        )
    )
    + LATER
)


def signature_of(week: str, name: str) -> str:
    return OWN_SIGNATURES.get(week, {}).get(name) or SIGNATURES.get(name, name)


def detect_week(defined: dict[str, tuple[str, ...]]) -> tuple[str, str | None]:
    """The week a file's functions (name -> parameter names) belong to: the one that names
    most of them, and of two that name as many, the one that knows the other's too (the
    gradient checking notebook's ``forward_propagation(x, theta)`` has week 3's name); with a
    note when another week's own names are there. ``NothingToCheckError`` when nothing tells."""
    found = {key: set(week.distinctive) & set(defined) for key, week in WEEKS.items()}
    most = max(len(names) for names in found.values())
    if most == 0:
        return _by_shared_names(defined)
    tied = [key for key, names in found.items() if len(names) == most]
    everything = set().union(*(found[key] for key in tied))
    best = next((key for key in tied if everything <= WEEKS[key].names), tied[0])
    others = [key for key, names in found.items() if names and not names <= WEEKS[best].names]
    note = None
    if others:
        listed = ", ".join(
            f"week {key}" if key.isdigit() else key.replace("_", " ") for key in others
        )
        note = f"it also defines functions of {listed}: give --week to choose"
    return best, note


def _by_shared_names(defined: dict[str, tuple[str, ...]]) -> tuple[str, str | None]:
    if "sigmoid" in defined and len(defined.get("predict", ("", "", ""))) == 3:
        return "2", None
    if len(defined.get("predict", ())) == 2 or len(defined.get("compute_cost", ())) == 3:
        return "3", None
    shared = sorted(set(defined) & {"compute_cost", "update_parameters", "initialize_parameters"})
    if shared:
        raise NothingToCheckError(
            f"{', '.join(shared)} belong to weeks 3 and 4 alike: give --week 3 or --week 4"
        )
    known = ", ".join(WEEKS["4"].checked[:4])
    raise NothingToCheckError(
        f"the file defines none of the course's functions ({known}, ...): nothing to check"
    )
