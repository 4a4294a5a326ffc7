"""Recurrent networks with torch's own layers: the twin of ``scratch.recurrent``.

``RecurrentNet`` is ``nn.RNN(nonlinearity="tanh")`` or ``nn.LSTM`` (one layer; sequence first,
``x`` (T_x, m, n_x), or batch first), then one ``nn.Linear`` applied to every step's hidden state:
torch's recurrent layers return the states and stop there, where the course's cell also computes
its output ``softmax(W_y a<t> + by)``. The softmax is folded into the loss, which takes logits.

It is built on the meta device and materialised empty, which is all ``nn.utils.skip_init`` does
(it refuses ``nn.RNN`` and ``nn.LSTM`` only because their signatures read ``(*args,
**kwargs)``), so torch draws nothing; the weights come from the course's dict through
``torch_impl.transfer``. ``bias_hh`` holds 0 there and is frozen: the course's cell has one
bias, and gradient descent on both of torch's would move their sum by twice the course's step.

The cost is ``scratch.recurrent``'s: the cross-entropy summed over the T_x steps, averaged over
the m examples, ``nn.CrossEntropyLoss(reduction="sum")`` over the (T_x m, n_y) logits divided by
m (its default, ``"mean"``, divides by T_x m).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from torch import nn

from scratch.course.recurrent import check_sequence, recurrent_sizes
from scratch.recurrent import CELLS, check_labels
from torch_impl.transfer import (
    TORCH_DTYPES,
    export_recurrent_grads,
    initial_state_to_torch,
    labels_to_torch,
    load_recurrent_params,
    sequences_to_course,
    sequences_to_torch,
    state_to_course,
)

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]
LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM}


class RecurrentNet(nn.Module):
    """``cell`` (``"rnn"``, ``"lstm"``) over the sequence, then ``output`` on every step, in the
    dtype of the course ``parameters`` it starts from (float64 or float32)."""

    def __init__(self, parameters: Mapping[str, np.ndarray], cell: str, *, batch_first=False):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}, got {cell!r}")
        sizes = recurrent_sizes(parameters, cell, "RecurrentNet")
        dtype = TORCH_DTYPES.get(parameters["by"].dtype.name)
        if dtype is None:
            raise TypeError(
                f"RecurrentNet: parameters['by'] is {parameters['by'].dtype}, "
                f"not one of {', '.join(TORCH_DTYPES)}"
            )
        options = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        layer = LAYERS[cell](
            sizes["n_x"],
            sizes["n_a"],
            batch_first=batch_first,
            device="meta",
            dtype=dtype,
            **options,
        )
        self.cell, self.batch_first = cell, batch_first
        self.recurrent = layer.to_empty(device="cpu")
        self.output = nn.utils.skip_init(nn.Linear, sizes["n_a"], sizes["n_y"], dtype=dtype)
        load_recurrent_params(self, parameters)
        self.recurrent.bias_hh_l0.requires_grad_(False)

    def forward(self, x: torch.Tensor, hx: State) -> tuple[torch.Tensor, torch.Tensor]:
        """``x`` (T_x, m, n_x) and the initial state ``hx`` (``h0`` (1, m, n_a), or ``(h0, c0)``)
        -> the logits ``W_y a<t> + by`` (T_x, m, n_y) and the hidden states ``a`` (T_x, m, n_a)
        (batch first: (m, T_x, ...))."""
        a, _ = self.recurrent(x, hx)
        return self.output(a), a

    @torch.no_grad()
    def cell_states(self, x: torch.Tensor, hx: State) -> torch.Tensor:
        """The LSTM's cell state c<t> at every step (T_x, m, n_a): ``nn.LSTM`` returns only the
        last one, so it is run here one step at a time, each step from the last one's state."""
        steps = x.unbind(1 if self.batch_first else 0)
        cells = []
        for step in steps:
            _, hx = self.recurrent(step.unsqueeze(1 if self.batch_first else 0), hx)
            cells.append(hx[1][0])
        return torch.stack(cells, 1 if self.batch_first else 0)


def sequence_cost(
    logits: torch.Tensor, targets: torch.Tensor, *, batch_first: bool = False
) -> torch.Tensor:
    """``J = (1/m) sum_t sum_i CE(logits<t>_i, targets<t>_i)``: logits (T_x, m, n_y), targets
    (T_x, m) class indices (``batch_first``: (m, T_x, n_y) and (m, T_x))."""
    n_y = logits.shape[-1]
    summed = nn.CrossEntropyLoss(reduction="sum")(logits.reshape(-1, n_y), targets.reshape(-1))
    return summed / logits.shape[0 if batch_first else 1]


def sequence_internals(
    x: np.ndarray, a0: np.ndarray, Y: np.ndarray, parameters: Mapping[str, np.ndarray], cell: str
) -> dict[str, np.ndarray]:
    """``scratch.recurrent.sequence_internals`` computed by ``RecurrentNet`` and autograd, in the
    course's keys and layouts: ``a``, ``y_pred`` (torch's softmax of the logits), the LSTM's
    ``c`` (``RecurrentNet.cell_states``), ``cost``; ``da`` (the gradient autograd leaves in the
    recurrent layer's output, which feeds only the output layer), the weights' gradients
    (``export_recurrent_grads``), and those of the input, ``dx``, and of the initial state,
    ``da0``. The gates are not returned: torch keeps them inside its kernel."""
    net = RecurrentNet(parameters, cell)
    check_sequence(x, a0, parameters, cell, "sequence_internals")
    check_labels(Y, (net.output.out_features, *x.shape[1:]), "sequence_internals")
    inputs = sequences_to_torch(x).requires_grad_()
    hx = initial_state_to_torch(a0, cell)
    h0 = (hx if cell == "rnn" else hx[0]).requires_grad_()
    logits, a = net(inputs, hx)
    a.retain_grad()
    cost = sequence_cost(logits, labels_to_torch(Y))
    cost.backward()
    out = {"a": sequences_to_course(a), "y_pred": sequences_to_course(logits.softmax(-1))}
    if cell == "lstm":
        out["c"] = sequences_to_course(net.cell_states(inputs, initial_state_to_torch(a0, cell)))
    out |= {"cost": cost.detach().numpy(), "da": sequences_to_course(a.grad)}
    out |= export_recurrent_grads(net)
    return out | {"dx": sequences_to_course(inputs.grad), "da0": state_to_course(h0.grad)}


@torch.no_grad()
def sample_indices(net: RecurrentNet, newline: int, uniforms: np.ndarray) -> list[int]:
    """``scratch.recurrent.sample_indices`` with the module: from x<1> = 0 and a<0> = 0 (c<0> = 0),
    each step's ``softmax`` of the logits gives the next index for ``uniforms[t]`` by the same
    rule (the first k with ``u < F_k``, ``F = cumsum(p) / sum(p)`` in float64, by
    ``torch.searchsorted``), fed back one-hot, until ``newline``; after
    ``len(uniforms)`` draws ``newline`` is appended."""
    dtype = net.output.weight.dtype
    x = torch.zeros(1, 1, net.recurrent.input_size, dtype=dtype)
    h0 = torch.zeros(1, 1, net.recurrent.hidden_size, dtype=dtype)
    hx = h0 if net.cell == "rnn" else (h0, torch.zeros_like(h0))
    indices: list[int] = []
    for u in torch.from_numpy(np.asarray(uniforms, np.float64)):
        a, hx = net.recurrent(x, hx)
        cdf = net.output(a[0, 0]).softmax(-1).to(torch.float64).cumsum(0)
        indices.append(int(torch.searchsorted(cdf / cdf[-1], u, right=True)))
        if indices[-1] == newline:
            break
        x = torch.zeros_like(x)
        x[0, 0, indices[-1]] = 1
    if len(indices) == len(uniforms):
        indices.append(newline)
    return indices
