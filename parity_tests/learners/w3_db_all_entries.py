"""week 3, backward_propagation: db summed over every entry."""

import numpy as np


def backward_propagation(parameters, cache, X, Y):
    m = Y.size
    dZ2 = cache["A2"] - Y
    dZ1 = np.multiply(np.dot(parameters["W2"].T, dZ2), 1 - cache["A1"] ** 2)
    grads = {"dW1": np.dot(dZ1, X.T) / m, "db1": np.sum(dZ1) / m}
    return grads | {"dW2": np.dot(dZ2, cache["A1"].T) / m, "db2": np.sum(dZ2) / m}
