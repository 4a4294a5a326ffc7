"""The project's own scratch functions in the course's signatures: week 3, the planar network."""

from scratch.course.planar import (  # noqa: F401
    backward_propagation,
    compute_cost,
    forward_propagation,
    initialize_parameters,
    layer_sizes,
    predict,
    update_parameters,
)
