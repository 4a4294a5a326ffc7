"""week 2, propagate: dw as a row, (1, n_x)."""

import numpy as np


def propagate(w, b, X, Y):
    A = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
    cost = np.squeeze(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / X.shape[1])
    return {"dw": np.dot(A - Y, X.T) / X.shape[1], "db": np.sum(A - Y) / X.shape[1]}, cost
