"""The project's own scratch functions in the course's signatures: week 3, the planar network."""

from scripts.check_reference import (  # noqa: F401
    backward_propagation,
    compute_cost,
    forward_propagation,
    initialize_parameters,
    layer_sizes,
    update_parameters,
)
from scripts.check_reference import predict_planar as predict  # noqa: F401
