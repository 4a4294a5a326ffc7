"""optimizers, update_parameters_with_adam: epsilon inside the square root,
sqrt(s_corrected + epsilon)."""

import numpy as np


def update_parameters_with_adam(
    parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8
):
    L = len(parameters) // 2
    v_corrected, s_corrected = {}, {}
    for l in range(1, L + 1):
        for p in ("dW" + str(l), "db" + str(l)):
            v[p] = beta1 * v[p] + (1 - beta1) * grads[p]
            v_corrected[p] = v[p] / (1 - beta1**t)
            s[p] = beta2 * s[p] + (1 - beta2) * grads[p] ** 2
            s_corrected[p] = s[p] / (1 - beta2**t)
            parameters[p[1:]] = parameters[p[1:]] - learning_rate * v_corrected[p] / (
                np.sqrt(s_corrected[p] + epsilon)
            )
    return parameters, v, s, v_corrected, s_corrected
