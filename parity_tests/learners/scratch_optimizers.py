"""The project's own scratch optimizers, already in the course's signatures."""

from scratch.course.optimization import (  # noqa: F401
    initialize_adam,
    initialize_velocity,
    random_mini_batches,
    schedule_lr_decay,
    update_lr,
    update_parameters_with_adam,
    update_parameters_with_gd,
    update_parameters_with_momentum,
)
