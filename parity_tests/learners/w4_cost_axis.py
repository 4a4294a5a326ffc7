"""week 4, compute_cost: summed over axis 0 only."""

import numpy as np


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL), axis=0)
    return np.squeeze(cost)
