"""week 3, layer_sizes: n_x from X.shape[1], the number of examples."""


def layer_sizes(X, Y):
    return X.shape[1], 4, Y.shape[0]
