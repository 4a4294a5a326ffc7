"""week 4, linear_backward: db summed over axis 0."""

import numpy as np


def linear_backward(dZ, cache):
    A_prev, W, _ = cache
    dW = np.dot(dZ, A_prev.T) / dZ.shape[1]
    return W.T @ dZ, dW, np.sum(dZ, axis=0, keepdims=True) / dZ.shape[1]
