"""week 4, L_model_backward: every hidden layer's step gets the dA the output layer passed
back (grads["dA" + str(L - 1)]), not its own."""

from week4_correct import linear_backward


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    dZ = AL - Y
    linear_cache, _ = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(
        dZ, linear_cache
    )
    for l in reversed(range(L - 1)):
        linear_cache, Z = caches[l]
        dZ = grads["dA" + str(L - 1)] * (Z > 0)
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_backward(
            dZ, linear_cache
        )
    return grads
