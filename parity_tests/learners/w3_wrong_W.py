"""week 3, backward_propagation: dA1 from W1, the wrong layer's W."""

import numpy as np


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W1 = parameters["W1"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = np.dot(W1.T, dZ2) * (1 - np.power(A1, 2))
    return {
        "dW1": np.dot(dZ1, X.T) / m,
        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
        "dW2": np.dot(dZ2, A1.T) / m,
        "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
    }
