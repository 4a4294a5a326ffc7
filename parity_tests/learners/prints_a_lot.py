"""week 4, linear_forward: right, and printing 500 lines a call."""

import numpy as np

print("loading my solution")


def linear_forward(A, W, b):
    for i in range(500):
        print("step", i)
    return np.dot(W, A) + b, (A, W, b)
