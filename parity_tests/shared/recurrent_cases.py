"""What the recurrent tests feed both sides: course weights, a batch of sequences, labels and an
initial state, drawn once in NumPy and handed to ``scratch`` and ``torch_impl`` alike; the LSTM's
gates as torch computes them (from its stacked weights: its kernel keeps them); a name for the
language model and its training step with torch; and the first time step where two sequences
part."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

import scratch.recurrent
import torch_impl.recurrent
from scratch.datasets import name_corpus, name_examples, vocabulary
from scratch.parity import compare
from scratch.recurrent import label_sequences, one_hot_sequences
from torch_impl.recurrent import RecurrentNet
from torch_impl.transfer import (
    initial_state_to_torch,
    labels_to_torch,
    sequences_to_course,
    sequences_to_torch,
)

Array = np.ndarray
CELLS = ("rnn", "lstm")
SIZES = {"n_x": 3, "n_a": 5, "n_y": 4, "m": 3, "T_x": 6}


def parameter_shapes(cell: str, n_x: int, n_a: int, n_y: int) -> dict[str, tuple[int, int]]:
    """The course's parameters of ``cell`` and their shapes, in the course's key order."""
    if cell == "rnn":
        return {
            "Wax": (n_a, n_x),
            "Waa": (n_a, n_a),
            "Wya": (n_y, n_a),
            "ba": (n_a, 1),
            "by": (n_y, 1),
        }
    gates = {
        f"{kind}{g}": (n_a, n_a + n_x) if kind == "W" else (n_a, 1) for g in "fico" for kind in "Wb"
    }
    return gates | {"Wy": (n_y, n_a), "by": (n_y, 1)}


@dataclass(frozen=True)
class SequenceCase:
    """One network of ``cell`` and one batch: ``x`` (n_x, m, T_x), ``a0`` (n_a, m), labels
    ``Y`` (1, m, T_x) and the course's ``parameters``."""

    cell: str
    x: Array
    a0: Array
    Y: Array
    parameters: dict[str, Array]

    @property
    def dtype(self) -> str:
        return self.x.dtype.name

    def internals(self, *, gates: bool = False) -> tuple[dict[str, Array], dict[str, Array]]:
        """Both sides' ``sequence_internals``; the LSTM's gates (``torch_gates`` on the torch
        side) only with ``gates``."""
        args = (self.x, self.a0, self.Y, self.parameters, self.cell)
        ours = scratch.recurrent.sequence_internals(*args)
        theirs = torch_impl.recurrent.sequence_internals(*args)
        if gates and self.cell == "lstm":
            theirs |= torch_gates(self)
        return {key: ours[key] for key in theirs}, theirs

    def with_parameters(self, **changed: Array) -> SequenceCase:
        return replace(self, parameters=self.parameters | changed)


def make_case(cell: str, dtype: str = "float64", seed: int = 0, **sizes: int) -> SequenceCase:
    """Weights N(0, 0.5^2), inputs and the initial state N(0, 1), labels uniform: every gate and
    tanh away from saturation and from 0, so each step's states and gradients are of order 1."""
    n = SIZES | sizes
    rng = np.random.default_rng(seed)
    shapes = parameter_shapes(cell, n["n_x"], n["n_a"], n["n_y"])
    parameters = {key: (0.5 * rng.standard_normal(s)).astype(dtype) for key, s in shapes.items()}
    x = rng.standard_normal((n["n_x"], n["m"], n["T_x"])).astype(dtype)
    a0 = rng.standard_normal((n["n_a"], n["m"])).astype(dtype)
    Y = rng.integers(0, n["n_y"], (1, n["m"], n["T_x"]))
    return SequenceCase(cell, x, a0, Y, parameters)


def torch_gates(case: SequenceCase) -> dict[str, Array]:
    """The LSTM's gates ``ft``, ``it``, ``cct``, ``ot`` (n_a, m, T_x) as torch computes them
    from its stacked weights and its own states (``RecurrentNet.gates``)."""
    net = RecurrentNet(case.parameters, "lstm")
    x = sequences_to_torch(case.x)
    hx = initial_state_to_torch(case.a0, "lstm")
    with torch.no_grad():
        _, a = net.run(x, hx)
    return {name: sequences_to_course(gate) for name, gate in net.gates(x, hx, a).items()}


def language_model_case(seed: int = 0) -> tuple[list, list, Array, dict[str, Array]]:
    """The first name of a small corpus as the language model's ``X``, ``Y``, a state
    ``a_prev`` and weights N(0, 1) (keys ``Wax, Waa, Wya, b, by``, n_a = 10): with seed 0,
    entries of ``dWax``, ``dWaa`` and ``db`` pass 5, and all of ``dWya`` and ``dby`` stay
    inside, so clipping at 5 changes some gradients and leaves others."""
    text = name_corpus(20, seed=seed)
    char_to_ix, _ = vocabulary(text)
    X, Y = name_examples(text, char_to_ix)[0]
    rng = np.random.default_rng(seed)
    n_a, vocab = 10, len(char_to_ix)
    shapes = {"Wax": (n_a, vocab), "Waa": (n_a, n_a), "Wya": (vocab, n_a), "b": (n_a, 1)}
    parameters = {key: rng.standard_normal(shape) for key, shape in shapes.items()}
    parameters["by"] = rng.standard_normal((vocab, 1))
    return X, Y, rng.standard_normal((n_a, 1)), parameters


def torch_language_model_step(
    X: list, Y: list, a_prev: Array, parameters: dict[str, Array], learning_rate: float = 0.01
) -> tuple[RecurrentNet, torch.Tensor, torch.Tensor]:
    """The language model's ``optimize`` with torch: ``RecurrentNet`` from the (step-by-step
    named) ``parameters`` on the one-hot name, ``sequence_cost`` (m = 1: summed over time),
    ``backward``, ``clip_grad_value_(5)``, ``SGD(lr).step()``. Returns the module (its weights
    stepped, its gradients clipped), the cost and the hidden states (T, 1, n_a)."""
    net = RecurrentNet(parameters, "rnn")
    x = sequences_to_torch(one_hot_sequences([X], parameters["Wax"].shape[1]))
    logits, a = net.run(x, initial_state_to_torch(a_prev, "rnn"))
    J = torch_impl.recurrent.sequence_cost(logits, labels_to_torch(label_sequences([Y])))
    J.backward()
    torch.nn.utils.clip_grad_value_(net.parameters(), 5)
    torch.optim.SGD(net.parameters(), lr=learning_rate).step()
    return net, J.detach(), a.detach()


def first_step_apart(quantity: str, ours: Array, theirs: Array) -> int | None:
    """The first time step t (the last axis) where ``ours[..., t]`` and ``theirs[..., t]`` part
    by the referee's row for ``quantity``, or ``None`` if no step does."""
    for t in range(ours.shape[-1]):
        if not compare(quantity, ours[..., t], theirs[..., t]).ok:
            return t
    return None
