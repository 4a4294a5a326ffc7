"""week 4, L_model_backward: the first hidden layer, special-cased, taken back through
sigmoid's derivative; the other hidden layers and the output are right."""

import numpy as np
from week4_correct import linear_activation_backward


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    dA_prev, dW, db = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        activation = "sigmoid" if l == 0 else "relu"
        dA = grads["dA" + str(l + 1)]
        dA_prev, dW, db = linear_activation_backward(dA, caches[l], activation)
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads
