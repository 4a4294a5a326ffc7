"""week 2, propagate: dw without the 1/m."""

import numpy as np
from week2_correct import sigmoid


def propagate(w, b, X, Y):
    A = sigmoid(w.T @ X + b)
    cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    return {"dw": X @ (A - Y).T, "db": np.mean(A - Y)}, cost
