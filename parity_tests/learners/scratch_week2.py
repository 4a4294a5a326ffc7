"""The project's own scratch functions in the course's signatures: week 2, logistic regression."""

from scratch.course.logistic_regression import (  # noqa: F401
    initialize_with_zeros,
    optimize,
    predict,
    propagate,
    sigmoid,
)
