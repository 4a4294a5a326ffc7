"""The from-scratch network: the classic first deep-learning course in NumPy alone.

Everything a learner calls is importable from here, under the course's names::

    from scratch import L_model_forward, L_model_backward, compute_cost, train

Importing this package never imports torch. The referee between the two sides lives here too,
NumPy only: ``scratch.parity`` (the comparison) and ``scratch.tolerances`` (its table).
"""

from scratch.activations import ACTIVATION_TABLE, Activation, get_activation, sigmoid, softmax
from scratch.batches import BatchSchedule
from scratch.batchnorm import (
    BatchOfOneError,
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference,
    update_running_stats,
)
from scratch.datasets import DATASETS, load_dataset, train_test_split
from scratch.dropout import dropout_backward, dropout_forward, dropout_mask, dropout_masks
from scratch.gradcheck import GradCheckResult, gradient_check, relative_difference
from scratch.inference import accuracy, predict
from scratch.initializers import INIT_TABLE, initialize_parameters
from scratch.internals import backward_formulas, layer_internals
from scratch.layer_kinds import Conv, Flatten, Lstm, Pool, Rnn
from scratch.layers import norm_dropout_backward, norm_dropout_forward
from scratch.losses import LOSS_TABLE, cost_from_targets, l2_penalty
from scratch.memory import InsufficientMemoryError, available_memory, check_memory
from scratch.network import (
    L_model_backward,
    L_model_forward,
    compute_cost,
    cost_of,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
)
from scratch.optimizers import (
    OPTIMIZERS,
    Optimizer,
    initialize_adam,
    initialize_velocity,
    schedule_lr_decay,
    update_lr,
    update_parameters,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)
from scratch.settings import TrainingSettings
from scratch.spec import Layer, NetworkSpec, SpecError, build_spec
from scratch.spec_files import load_spec, save_spec
from scratch.training import (
    DivergenceError,
    TrainResult,
    check_training,
    prepare_training,
    train,
)
from scratch.validation import as_input, as_targets
from scratch.weights import load_weights, save_weights

__all__ = [
    "ACTIVATION_TABLE",
    "DATASETS",
    "INIT_TABLE",
    "LOSS_TABLE",
    "OPTIMIZERS",
    "Activation",
    "BatchOfOneError",
    "BatchSchedule",
    "Conv",
    "DivergenceError",
    "Flatten",
    "GradCheckResult",
    "InsufficientMemoryError",
    "L_model_backward",
    "L_model_forward",
    "Layer",
    "Lstm",
    "NetworkSpec",
    "Optimizer",
    "Pool",
    "Rnn",
    "SpecError",
    "TrainResult",
    "TrainingSettings",
    "accuracy",
    "as_input",
    "as_targets",
    "available_memory",
    "backward_formulas",
    "batchnorm_backward",
    "batchnorm_forward",
    "batchnorm_inference",
    "build_spec",
    "check_memory",
    "check_training",
    "compute_cost",
    "cost_from_targets",
    "cost_of",
    "dropout_backward",
    "dropout_forward",
    "dropout_mask",
    "dropout_masks",
    "get_activation",
    "gradient_check",
    "initialize_adam",
    "initialize_parameters",
    "initialize_velocity",
    "l2_penalty",
    "layer_internals",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "load_dataset",
    "load_spec",
    "load_weights",
    "norm_dropout_backward",
    "norm_dropout_forward",
    "predict",
    "prepare_training",
    "relative_difference",
    "save_spec",
    "save_weights",
    "schedule_lr_decay",
    "sigmoid",
    "softmax",
    "train",
    "train_test_split",
    "update_lr",
    "update_parameters",
    "update_parameters_with_adam",
    "update_parameters_with_gd",
    "update_parameters_with_momentum",
    "update_parameters_with_rmsprop",
    "update_running_stats",
]
