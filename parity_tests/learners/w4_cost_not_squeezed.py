"""week 4, compute_cost: the (1, 1) of np.dot, not squeezed."""

import numpy as np


def compute_cost(AL, Y):
    m = Y.shape[1]
    return -1 / m * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
