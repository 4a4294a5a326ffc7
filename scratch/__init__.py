"""The from-scratch network: the classic first deep-learning course in NumPy alone.

Everything a learner calls is importable from here, under the course's names::

    from scratch import L_model_forward, L_model_backward, compute_cost, train

Importing this package never imports torch.
"""

from scratch.activations import ACTIVATION_TABLE, Activation, get_activation, sigmoid, softmax
from scratch.datasets import DATASETS, load_dataset, train_test_split
from scratch.gradcheck import GradCheckResult, gradient_check, relative_difference
from scratch.initializers import INIT_TABLE
from scratch.losses import LOSS_TABLE, l2_penalty
from scratch.network import (
    L_model_backward,
    L_model_forward,
    accuracy,
    compute_cost,
    cost_from_targets,
    initialize_parameters,
    layer_internals,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    predict,
    update_parameters,
)
from scratch.spec import Layer, NetworkSpec, SpecError, build_spec, load_spec, save_spec
from scratch.training import BatchSchedule, DivergenceError, TrainResult, prepare_training, train
from scratch.validation import as_input, as_targets
from scratch.weights import load_weights, save_weights

__all__ = [
    "ACTIVATION_TABLE",
    "DATASETS",
    "INIT_TABLE",
    "LOSS_TABLE",
    "Activation",
    "BatchSchedule",
    "DivergenceError",
    "GradCheckResult",
    "L_model_backward",
    "L_model_forward",
    "Layer",
    "NetworkSpec",
    "SpecError",
    "TrainResult",
    "accuracy",
    "as_input",
    "as_targets",
    "build_spec",
    "compute_cost",
    "cost_from_targets",
    "get_activation",
    "gradient_check",
    "initialize_parameters",
    "l2_penalty",
    "layer_internals",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "load_dataset",
    "load_spec",
    "load_weights",
    "predict",
    "prepare_training",
    "relative_difference",
    "save_spec",
    "save_weights",
    "sigmoid",
    "softmax",
    "train",
    "train_test_split",
    "update_parameters",
]
