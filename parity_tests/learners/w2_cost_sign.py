"""week 2, propagate: the cost without its minus sign."""

import numpy as np
from week2_correct import sigmoid


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    grads = {"dw": np.dot(X, (A - Y).T) / m, "db": np.sum(A - Y) / m}
    return grads, np.squeeze(np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
