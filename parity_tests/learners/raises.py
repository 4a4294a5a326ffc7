# ruff: noqa: F821  (a learner's code, as learners write it)
"""week 4: linear_forward raises (a name that is not defined), linear_backward calls sys.exit,
linear_activation_forward ends its process; linear_activation_backward is right."""

import os
import sys

import numpy as np
from week4_correct import linear_activation_backward  # noqa: F401


def linear_forward(A, W, b):
    Z = np.dot(W, A) + bias
    return Z, (A, W, b)


def linear_backward(dZ, cache):
    sys.exit("giving up")


def linear_activation_forward(A_prev, W, b, activation):
    os._exit(3)
