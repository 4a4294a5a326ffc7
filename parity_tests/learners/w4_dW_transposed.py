"""week 4, linear_backward: dW transposed."""

import numpy as np


def linear_backward(dZ, cache):
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    return np.dot(W.T, dZ), np.dot(A_prev, dZ.T) / m, dZ.sum(axis=1, keepdims=True) / m
