"""The project's own scratch functions in the course's signatures: week 4, the L-layer network."""

from scratch.course.deep import (  # noqa: F401
    L_model_backward,
    L_model_forward,
    compute_cost,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    update_parameters,
)
