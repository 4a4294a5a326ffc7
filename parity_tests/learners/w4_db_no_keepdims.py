"""week 4, linear_backward: db without keepdims."""

import numpy as np


def linear_backward(dZ, cache):
    A_prev, W, _ = cache
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / len(A_prev.T), np.mean(dZ, axis=1)
