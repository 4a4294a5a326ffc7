"""The second course, week 2, "Optimization Methods", in the assignment's own signatures: the
project's own optimizers (``scratch.optimizers``) already are, under the course's names. NumPy
only.
"""

from scratch.optimizers import (
    initialize_adam,
    initialize_velocity,
    schedule_lr_decay,
    update_lr,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
    update_parameters_with_rmsprop,
)

__all__ = [
    "initialize_adam",
    "initialize_velocity",
    "schedule_lr_decay",
    "update_lr",
    "update_parameters_with_adam",
    "update_parameters_with_gd",
    "update_parameters_with_momentum",
    "update_parameters_with_rmsprop",
]
