"""week 4, linear_forward: right, and one example at a time, very slowly; linear_backward
right and fast."""

import time

import numpy as np
from week4_correct import linear_backward  # noqa: F401


def linear_forward(A, W, b):
    Z = np.zeros((W.shape[0], A.shape[1]))
    for i in range(A.shape[1]):
        time.sleep(1)
        Z[:, i : i + 1] = np.dot(W, A[:, i : i + 1]) + b
    return Z, (A, W, b)
