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
the m examples, ``nn.CrossEntropyLoss(reduction="sum", ignore_index=-1)`` over the (T_x m, n_y)
logits divided by m (its default, ``"mean"``, divides by the number of labelled steps): a
padded step (label ``PAD``, -1) is ignored, as scratch's zero gradient there.

A spec's recurrent network (``torch_impl.network.build_module``: ``RecurrentNet.of_spec``) is
batch first, ``x`` (m, T_x, n_x), and starts every sequence from zero states (``hx=None``:
torch's default, the course's ``a<0> = 0`` and ``c<0> = 0``); it offers what the training
path asks of a network (``spec``, ``crossings``, ``batch_norms``, ``weights``), so the
``LightningModule``, ``train_plain``, the optimizers and the checkpoints take it as they take
``SpecNet``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from scratch.course.recurrent import check_sequence, recurrent_sizes
from scratch.initializers import initialize_parameters
from scratch.losses import PAD
from scratch.recurrent import CELLS, check_labels
from scratch.spec import NetworkSpec
from scratch.validation import check_params
from torch_impl.transfer import (
    TORCH_DTYPES,
    Crossing,
    export_recurrent_grads,
    initial_state_to_torch,
    labels_to_torch,
    load_recurrent_params,
    recurrent_crossing,
    sequences_to_course,
    sequences_to_torch,
    state_to_course,
)

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]
LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM}


class RecurrentNet(nn.Module):
    """``cell`` (``"rnn"``, ``"lstm"``) over the sequence, then ``output`` on every step, in the
    dtype of the course ``parameters`` it starts from (float64 or float32); ``spec``: the spec
    it is built from (``of_spec``), if any."""

    def __init__(
        self,
        parameters: Mapping[str, np.ndarray],
        cell: str,
        *,
        batch_first: bool = False,
        spec: NetworkSpec | None = None,
    ):
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
        self.cell, self.batch_first, self.spec = cell, batch_first, spec
        self.recurrent = layer.to_empty(device="cpu")
        self.output = nn.utils.skip_init(nn.Linear, sizes["n_a"], sizes["n_y"], dtype=dtype)
        load_recurrent_params(self, parameters)
        self.recurrent.bias_hh_l0.requires_grad_(False)

    @classmethod
    def of_spec(
        cls, spec: NetworkSpec, params: Mapping[str, np.ndarray] | None = None
    ) -> RecurrentNet:
        """The recurrent network of ``spec``, batch first, from ``params`` (checked against the
        spec) or ``scratch.initialize_parameters(spec)``."""
        if params is None:
            params = initialize_parameters(spec)
        check_params(params, spec, name="params")
        return cls(params, spec.cell, batch_first=True, spec=spec)

    def forward(self, x: torch.Tensor, hx: State | None = None) -> torch.Tensor:
        """``x`` (T_x, m, n_x) (batch first: (m, T_x, n_x)) from the initial state ``hx``
        (``h0`` (1, m, n_a), or ``(h0, c0)``; ``None``: zeros) -> the logits ``W_y a<t> + by``
        at every step, (T_x, m, n_y) (batch first: (m, T_x, n_y))."""
        return self.run(x, hx)[0]

    def run(self, x: torch.Tensor, hx: State | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """``forward``'s logits and the hidden states ``a`` (T_x, m, n_a) (batch first: (m,
        T_x, n_a)) they come from."""
        a, _ = self.recurrent(x, hx)
        return self.output(a), a

    def crossings(self) -> list[Crossing]:
        """Its parameters as one group (``transfer.recurrent_crossing``)."""
        return [recurrent_crossing(self)]

    def batch_norms(self) -> Iterator[tuple[int, nn.Module]]:
        """None: a recurrent network has no batch norm."""
        return iter(())

    @property
    def weights(self) -> list[torch.Tensor]:
        """None for an L2 term: a recurrent spec has none (``scratch.spec``)."""
        return []

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

    @torch.no_grad()
    def gates(self, x: torch.Tensor, hx: State, a: torch.Tensor) -> dict[str, torch.Tensor]:
        """The LSTM's gates at every step, sequence first (T_x, m, n_a) each, by ``nn.LSTM``'s
        own formula on its own weights and states: ``x<t> W_ih^T + b_ih + h<t-1> W_hh^T +
        b_hh`` split into its four row blocks (input, forget, cell, output), through sigmoid
        (tanh for the cell's), ``h<t-1>`` the layer's state ``a`` of the step before (``h0`` at
        the first); keyed in the course's names ``it``, ``ft``, ``cct``, ``ot``."""
        lstm = self.recurrent
        if self.batch_first:
            x, a = x.transpose(0, 1), a.transpose(0, 1)
        previous = torch.cat([hx[0], a[:-1]])
        stacked = x @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + previous @ lstm.weight_hh_l0.T
        i, f, g, o = (stacked + lstm.bias_hh_l0).chunk(4, dim=-1)
        return {"ft": f.sigmoid(), "it": i.sigmoid(), "cct": g.tanh(), "ot": o.sigmoid()}


def sequence_cost(
    logits: torch.Tensor, targets: torch.Tensor, *, batch_first: bool = False
) -> torch.Tensor:
    """``J = (1/m) sum_t sum_i CE(logits<t>_i, targets<t>_i)``: logits (T_x, m, n_y), targets
    (T_x, m) class indices (``batch_first``: (m, T_x, n_y) and (m, T_x)); a step whose target is
    ``PAD`` (-1) adds nothing."""
    n_y = logits.shape[-1]
    loss = nn.CrossEntropyLoss(reduction="sum", ignore_index=PAD)
    summed = loss(logits.reshape(-1, n_y), targets.reshape(-1))
    return summed / logits.shape[0 if batch_first else 1]


def sequence_internals(
    x: np.ndarray, a0: np.ndarray, Y: np.ndarray, parameters: Mapping[str, np.ndarray], cell: str
) -> dict[str, np.ndarray]:
    """``scratch.recurrent.sequence_internals`` computed by ``RecurrentNet`` and autograd, in the
    course's keys and layouts: ``a``, ``y_pred`` (torch's softmax of the logits), the LSTM's
    ``c`` (``RecurrentNet.cell_states``) and gates (``RecurrentNet.gates``), ``cost``; ``dy``
    (the logits' gradient), ``da`` (the gradient autograd leaves in the recurrent layer's
    output, which feeds only the output layer), the weights' gradients
    (``export_recurrent_grads``), and those of the input, ``dx``, and of the initial state,
    ``da0``. ``Y`` may hold ``PAD`` after a sequence's end (no loss there)."""
    run = sequence_pass(x, a0, Y, parameters, cell)
    out = {"a": sequences_to_course(run.a), "y_pred": sequences_to_course(run.logits.softmax(-1))}
    if cell == "lstm":
        hx = initial_state_to_torch(a0, cell)
        out["c"] = sequences_to_course(run.net.cell_states(run.x, hx))
        out |= {k: sequences_to_course(g) for k, g in run.net.gates(run.x, hx, run.a).items()}
    out |= {"cost": run.J.detach().numpy(), "dy": sequences_to_course(run.logits.grad)}
    out["da"] = sequences_to_course(run.a.grad)
    out |= export_recurrent_grads(run.net)
    return out | {"dx": sequences_to_course(run.x.grad), "da0": state_to_course(run.h0.grad)}


class Run(NamedTuple):
    """One forward and backward pass of ``RecurrentNet`` (sequence first), every tensor kept
    with its gradient: the inputs ``x``, the initial state ``h0``, the states ``a``, the
    ``logits`` and the cost ``J``."""

    net: RecurrentNet
    x: torch.Tensor
    h0: torch.Tensor
    a: torch.Tensor
    logits: torch.Tensor
    J: torch.Tensor


def sequence_pass(
    x: np.ndarray, a0: np.ndarray, Y: np.ndarray, parameters: Mapping[str, np.ndarray], cell: str
) -> Run:
    """One forward and backward pass of ``RecurrentNet(parameters, cell)`` on the course's
    ``x``, ``a0`` and ``Y`` (checked as the course's functions check them), its tensors kept."""
    net = RecurrentNet(parameters, cell)
    check_sequence(x, a0, parameters, cell, "sequence_internals")
    check_labels(
        np.where(Y == PAD, 0, Y), (net.output.out_features, *x.shape[1:]), "sequence_internals"
    )
    inputs = sequences_to_torch(x).requires_grad_()
    hx = initial_state_to_torch(a0, cell)
    h0 = (hx if cell == "rnn" else hx[0]).requires_grad_()
    logits, a = net.run(inputs, hx)
    logits.retain_grad()
    a.retain_grad()
    J = sequence_cost(logits, labels_to_torch(Y))
    J.backward()
    return Run(net, inputs, h0, a, logits, J)


def network_internals(
    X: np.ndarray, Y: np.ndarray, params: Mapping[str, np.ndarray], spec: NetworkSpec
) -> dict[str, np.ndarray]:
    """``torch_impl.layer_internals`` of a recurrent spec: ``sequence_internals`` from zero
    states, on ``X``, ``Y`` and ``params`` as checked by scratch; the logits' gradient ``dy`` is
    of J, as every gradient of a recurrent network is on the scratch side."""
    a0 = np.zeros((spec.layers[0].units, X.shape[1]), X.dtype)
    return sequence_internals(X, a0, Y, params, spec.cell)


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
