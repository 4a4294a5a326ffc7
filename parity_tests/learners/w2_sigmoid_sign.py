"""week 2, sigmoid: exp(z) for exp(-z)."""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(z))
