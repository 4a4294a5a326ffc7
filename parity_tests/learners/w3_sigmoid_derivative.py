"""week 3, backward_propagation: sigmoid' where tanh' belongs."""


def backward_propagation(parameters, cache, X, Y):
    m, A1, dZ2 = X.shape[1], cache["A1"], cache["A2"] - Y
    dZ1 = parameters["W2"].T @ dZ2 * A1 * (1 - A1)
    grads = {"dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m}
    return {**grads, "dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m}
