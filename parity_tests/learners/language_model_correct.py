"""A learner's "Dinosaur Island" (the fifth course's week 1, the character-level language
model), as the notebook asks: correct. Its RNN over one name comes from utils."""

import copy

import numpy as np
from utils import rnn_backward, rnn_forward, softmax, update_parameters


def clip(gradients, maxValue):
    gradients = copy.deepcopy(gradients)
    dWaa, dWax, dWya = gradients["dWaa"], gradients["dWax"], gradients["dWya"]
    db, dby = gradients["db"], gradients["dby"]
    for gradient in [dWax, dWaa, dWya, db, dby]:
        np.clip(gradient, -maxValue, maxValue, out=gradient)
    gradients = {"dWaa": dWaa, "dWax": dWax, "dWya": dWya, "db": db, "dby": dby}
    return gradients


def sample(parameters, char_to_ix, seed):
    Waa, Wax, Wya = parameters["Waa"], parameters["Wax"], parameters["Wya"]
    by, b = parameters["by"], parameters["b"]
    vocab_size = by.shape[0]
    n_a = Waa.shape[1]
    x = np.zeros((vocab_size, 1))
    a_prev = np.zeros((n_a, 1))
    indices = []
    idx = -1
    counter = 0
    newline_character = char_to_ix["\n"]
    while idx != newline_character and counter != 50:
        a = np.tanh(np.dot(Wax, x) + np.dot(Waa, a_prev) + b)
        z = np.dot(Wya, a) + by
        y = softmax(z)
        np.random.seed(counter + seed)
        idx = np.random.choice(range(len(y)), p=np.squeeze(y))
        indices.append(idx)
        x = np.zeros((vocab_size, 1))
        x[idx] = 1
        a_prev = a
        seed += 1
        counter += 1
    if counter == 50:
        indices.append(char_to_ix["\n"])
    return indices


def optimize(X, Y, a_prev, parameters, learning_rate=0.01):
    loss, cache = rnn_forward(X, Y, a_prev, parameters)
    gradients, a = rnn_backward(X, Y, parameters, cache)
    gradients = clip(gradients, 5)
    parameters = update_parameters(parameters, gradients, learning_rate)
    return loss, gradients, a[len(X) - 1]
