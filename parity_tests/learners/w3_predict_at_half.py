"""week 3, predict: 1 where A2 >= 0.5."""

import numpy as np


def predict(parameters, X):
    A1 = np.tanh(np.dot(parameters["W1"], X) + parameters["b1"])
    A2 = 1 / (1 + np.exp(-(np.dot(parameters["W2"], A1) + parameters["b2"])))
    return A2 >= 0.5
