"""week 4, L_model_forward: L = len(parameters), one loop past the last layer."""

from week4_correct import linear_activation_forward


def L_model_forward(X, parameters):
    caches, A = [], X
    L = len(parameters)
    for l in range(1, L):
        A, cache = linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.append(cache)
    return A, caches
