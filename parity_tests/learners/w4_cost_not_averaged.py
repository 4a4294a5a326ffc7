"""week 4, compute_cost: the sum, not the mean."""

import numpy as np


def compute_cost(AL, Y):
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)
