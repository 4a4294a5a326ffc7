"""What the course's functions must return, computed by the torch side: the twin of
``scratch.course`` (the same quantities by hand) and nn-check's truth
(``scratch.grading.cases.Truth``), in float64 and the course's layout. Autograd and
``torch.optim`` only: nothing here is a hand-written formula.

- the forward and backward pass of a network: ``torch_impl.layer_internals`` (``Z``, ``A``,
  ``dZ``, ``dA`` of the summed loss ``m J``, ``dW``, ``db`` of ``J``, ``cost``);
- ``dA[L]``, the input of the output layer's ``linear_activation_backward``: autograd of the
  summed binary cross-entropy of the probabilities ``AL`` (``torch.nn.functional``'s);
- one step of gradient descent, momentum or Adam: ``torch.optim``'s own classes, seeded with the
  course's state as ``torch_impl.optimizers`` maps it (momentum's ``SGD(momentum=beta,
  dampening=beta)``, Adam's ``step = t - 1`` before the course's step t);
- a run of gradient descent: ``torch_impl.train_plain``;
- the learning rate of an epoch under the course's decay: torch's ``LambdaLR``, as the torch
  side builds it (``torch_impl.optimizers.build_scheduler``), stepped once an epoch;
- the second course's initial weights: the course's standard normal draws (drawn on the
  scratch side, ``np.random.seed(3)``'s) at the scale of ``torch.nn.init``'s scheme, biases by
  ``torch.nn.init.zeros_``;
- L2 and dropout: ``layer_internals`` of a spec with ``l2`` and ``keep_prob``, the masks given,
  and the course's ``dA[l]`` of a layer with dropout, the gradient of its activation's output
  (``dropout_internals``);
- gradient checking: parameters rolled into one column and back by
  ``torch.nn.utils.parameters_to_vector`` and ``vector_to_parameters``; ``J = theta x`` and its
  derivative by autograd; the relative difference of given gradients to autograd's;
- mini-batches: torch's ``DataLoader`` over the examples, in the order the course's seed
  draws (on the scratch side: ``torch.randperm`` is not the course's shuffle);
- the fourth course's convolution and pooling, step by step: ``nn.ZeroPad2d``, ``nn.Conv2d``,
  ``nn.MaxPool2d``, ``nn.AvgPool2d`` holding the course's arrays (``torch_impl.convolution``,
  through ``torch_impl.transfer``'s layout maps), and autograd for their backward passes, a
  window's max and mean among them;
- the fifth course's recurrent networks, step by step: ``nn.RNN`` and ``nn.LSTM`` holding the
  course's parameters (``torch_impl.recurrent.RecurrentNet``), every state, the output layer's
  softmax, and autograd of a given ``dJ/da`` through time for the backward functions;
- the language model: ``clip_grad_value_``, ``RecurrentNet``'s sampling from the uniforms the
  scratch side draws (``torch_impl.recurrent.sample_indices``), and one step of training on one
  name (the loss, backward, ``clip_grad_value_``, ``torch.optim.SGD``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional
from torch.nn.utils import clip_grad_value_
from torch.utils.data import DataLoader, TensorDataset

import scratch
import torch_impl
from scratch import NetworkSpec
from scratch.course.recurrent import OUTPUT_WEIGHT
from scratch.settings import TrainingSettings
from scratch.validation import as_input, as_targets
from torch_impl.convolution import conv2d, pool2d
from torch_impl.dropout import masks_to_torch
from torch_impl.losses import cost_from_targets
from torch_impl.network import build_module
from torch_impl.optimizers import build_scheduler
from torch_impl.recurrent import RecurrentNet, sample_indices, sequence_cost
from torch_impl.threads import torch_threads
from torch_impl.transfer import (
    TORCH_GATES,
    conv_bias_to_course,
    conv_weights_to_course,
    export_recurrent_grads,
    export_recurrent_params,
    images_to_course,
    images_to_torch,
    initial_state_to_torch,
    labels_to_torch,
    sequences_to_course,
    sequences_to_torch,
    state_to_course,
    to_course,
    to_torch,
)

Array = np.ndarray
Params = dict[str, Array]


def warm_up() -> None:
    """One pass through a network of one unit, before the truth is asked for anything: what
    torch's first module, forward and backward pass load, they load once, here."""
    internals(
        np.ones((1, 1)),
        np.ones((1, 1)),
        {"W1": np.ones((1, 1)), "b1": np.zeros((1, 1))},
        scratch.build_spec([1, 1], dtype="float64"),
    )


def warm_up_optimizers() -> None:
    """An optimizer made once: its constructor imports ``torch._dynamo``, seconds the first
    step of ``torch.optim`` would otherwise wait for."""
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)


def internals(X: Array, Y: Array, params: Mapping[str, Array], spec: NetworkSpec) -> dict:
    with torch_threads(1):
        return torch_impl.layer_internals(X, Y, params, spec)


def sigmoid(z: Array) -> Array:
    return torch.sigmoid(torch.from_numpy(np.asarray(z, dtype=np.float64))).numpy()


def output_dA(AL: Array, Y: Array) -> Array:
    """``dA[L] = d(sum of the losses)/dAL``: what the course's ``-(Y/AL - (1-Y)/(1-AL))`` is."""
    probabilities = torch.from_numpy(AL.copy()).requires_grad_()
    functional.binary_cross_entropy(probabilities, torch.from_numpy(Y), reduction="sum").backward()
    return probabilities.grad.numpy()


def _step(
    make: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    params: Mapping[str, Array],
    grads: Mapping[str, Array],
    state: Mapping[str, Mapping[str, Array]],
    step: int | None = None,
) -> tuple[Params, dict[str, Params]]:
    """One ``make(tensors).step()`` on copies of ``params`` with ``grads`` (keyed ``dW1``),
    torch's state seeded from ``state`` (torch name -> the course's dict keyed ``dW1``); returns
    the new parameters and the new state in the course's keys."""
    tensors = {key: torch.tensor(value, requires_grad=True) for key, value in params.items()}
    for key, tensor in tensors.items():
        tensor.grad = torch.tensor(grads[f"d{key}"])
    optimizer = make(list(tensors.values()))
    for key, tensor in tensors.items():
        seeded = {name: torch.tensor(values[f"d{key}"]) for name, values in state.items()}
        if step is not None:
            seeded["step"] = torch.tensor(float(step))
        optimizer.state[tensor].update(seeded)
    optimizer.step()
    new = {key: tensor.detach().numpy() for key, tensor in tensors.items()}
    after = {
        name: {f"d{key}": optimizer.state[t][name].numpy() for key, t in tensors.items()}
        for name in state
    }
    return new, after


def gradient_descent(params: Params, grads: Params, learning_rate: float) -> Params:
    return _step(lambda ps: torch.optim.SGD(ps, lr=learning_rate), params, grads, {})[0]


def momentum(
    params: Params, grads: Params, v: Params, beta: float, learning_rate: float
) -> tuple[Params, Params]:
    def make(ps: list[torch.Tensor]) -> torch.optim.Optimizer:
        return torch.optim.SGD(ps, lr=learning_rate, momentum=beta, dampening=beta)

    new, state = _step(make, params, grads, {"momentum_buffer": v})
    return new, state["momentum_buffer"]


def adam(
    params: Params,
    grads: Params,
    v: Params,
    s: Params,
    t: int,
    learning_rate: float,
    beta1: float,
    beta2: float,
    epsilon: float,
) -> tuple[Params, Params, Params]:
    def make(ps: list[torch.Tensor]) -> torch.optim.Optimizer:
        return torch.optim.Adam(ps, lr=learning_rate, betas=(beta1, beta2), eps=epsilon)

    new, state = _step(make, params, grads, {"exp_avg": v, "exp_avg_sq": s}, step=t - 1)
    return new, state["exp_avg"], state["exp_avg_sq"]


def descent_run(
    X: Array, Y: Array, params: Params, spec: NetworkSpec, iterations: int, learning_rate: float
) -> tuple[Params, dict, Array]:
    """``iterations`` steps of gradient descent from ``params``: the final parameters, the
    internals of the last step (its gradients, before its update) and the cost of every step."""
    with torch_threads(1):
        before = torch_impl.train_plain(
            spec, X, Y, params=params, learning_rate=learning_rate, num_iterations=iterations - 1
        )
        last = torch_impl.layer_internals(X, Y, before.params, spec)
        final = torch_impl.train_plain(
            spec, X, Y, params=before.params, learning_rate=learning_rate, num_iterations=1
        )
    costs = np.append(before.costs, last["cost"])
    return final.params, last, costs


def decayed_rate(
    learning_rate0: float, epoch_num: int, decay_rate: float, time_interval: int = 1
) -> float:
    """The learning rate of epoch ``epoch_num``: torch's scheduler, stepped that many epochs."""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=learning_rate0)
    settings = TrainingSettings(
        learning_rate=learning_rate0,
        num_iterations=max(epoch_num, 1),
        decay_rate=decay_rate,
        decay_interval=time_interval,
    )
    scheduler = build_scheduler(optimizer, settings, steps_per_epoch=1)
    for _ in range(epoch_num):
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[0]["lr"]


def initial_weights(layer_dims: Sequence[int], scheme: str, draws: Mapping[str, Array]) -> Params:
    """``W1, b1, ...`` of the initialization assignment's ``scheme`` from the course's standard
    normal ``draws`` (``W{l}``, (n[l], n[l-1])): ``zeros`` by ``torch.nn.init.zeros_``; ``he``
    at ``kaiming_normal_``'s standard deviation, ``calculate_gain("relu") / sqrt(fan_in)``, the
    fan-in of an ``nn.Linear`` weight (out, in) being its ``size(1)``; ``random`` at the
    course's 10, which torch has no scheme for. Biases by ``zeros_``."""
    out = {}
    for l in range(1, len(layer_dims)):
        W = torch.from_numpy(np.array(draws[f"W{l}"], dtype=np.float64))
        if scheme == "zeros":
            torch.nn.init.zeros_(W)
        else:
            std = 10.0
            if scheme == "he":
                std = torch.nn.init.calculate_gain("relu") / math.sqrt(W.size(1))
            W = W * std
        b = torch.nn.init.zeros_(torch.empty(layer_dims[l], 1, dtype=torch.float64))
        out[f"W{l}"], out[f"b{l}"] = W.numpy(), b.numpy()
    return out


def dropout_internals(
    X: Array, Y: Array, params: Mapping[str, Array], spec: NetworkSpec, masks: Mapping[str, Array]
) -> dict[str, Array]:
    """``layer_internals`` of a network with dropout, its ``masks`` given, except that ``dA{l}``
    of a layer that drops is the course's: ``m dJ/dg(Z[l])``, the gradient of the activation's
    output, read by a hook on the activation module (``layer_internals``' is of the layer's
    output, after the mask)."""
    float_masks = {key: np.asarray(D, dtype=np.float64) for key, D in masks.items()}
    with torch_threads(1):
        out = torch_impl.layer_internals(X, Y, params, spec, masks=float_masks)
        net = build_module(spec, params).train()
        kept: dict[int, torch.Tensor] = {}

        def keep(l: int) -> Callable:
            def hook(module, inputs, output):
                output.retain_grad()
                kept[l] = output

            return hook

        hidden = [l for l, layer in enumerate(spec.layers[:-1], 1) if layer.dropout]
        hooks = [net.activations[l - 1].register_forward_hook(keep(l)) for l in hidden]
        try:
            X_t = to_torch(as_input(X, spec))
            ZL = net(X_t, masks_to_torch(float_masks))
        finally:
            for handle in hooks:
                handle.remove()
        T = to_torch(as_targets(Y, spec, X_t.shape[0]))
        cost_from_targets(ZL, T, spec, net.weights).backward()
    for l in hidden:
        out[f"dA{l}"] = to_course(kept[l].grad * X_t.shape[0])
    return out


def rolled(arrays: Sequence[Array]) -> Array:
    """The arrays, each row by row, in one column: ``parameters_to_vector``, as (n, 1)."""
    vector = torch.nn.utils.parameters_to_vector([torch.from_numpy(a) for a in arrays])
    return vector.numpy()[:, np.newaxis]


def unrolled(theta: Array, shapes: Sequence[tuple[int, ...]]) -> list[Array]:
    """A column back into arrays of ``shapes``: ``vector_to_parameters``."""
    tensors = [torch.empty(shape, dtype=torch.float64) for shape in shapes]
    torch.nn.utils.vector_to_parameters(torch.from_numpy(np.ravel(theta)), tensors)
    return [tensor.numpy() for tensor in tensors]


def linear_function(x: float, theta: float) -> tuple[float, float]:
    """``J = theta x`` and ``dJ/dtheta``, by autograd."""
    theta_t = torch.tensor(float(theta), dtype=torch.float64, requires_grad=True)
    J = theta_t * float(x)
    J.backward()
    return J.item(), theta_t.grad.item()


def gradient_difference(
    gradients: Mapping[str, Array],
    X: Array,
    Y: Array,
    params: Mapping[str, Array],
    spec: NetworkSpec,
) -> float:
    """The course's relative difference ``||g - g*|| / (||g|| + ||g*||)`` of ``gradients``
    (``dW1, db1, ...``, rolled) to autograd's ``g*``."""
    exact = internals(X, Y, params, spec)
    keys = [f"d{key}" for key in params]
    given = torch.from_numpy(rolled([gradients[key] for key in keys]))
    true = torch.from_numpy(rolled([exact[key] for key in keys]))
    norm = torch.linalg.vector_norm
    return (norm(given - true) / (norm(given) + norm(true))).item()


def mini_batches(X: Array, Y: Array, order: Array, size: int) -> list[tuple[Array, Array]]:
    """``(X, Y)`` of each mini-batch (course layout) that a ``DataLoader`` of ``size`` serves
    in ``order`` (the examples' indices), the last one short."""
    examples = TensorDataset(to_torch(X), to_torch(Y))
    loader = DataLoader(examples, batch_size=size, sampler=order.tolist(), drop_last=False)
    return [(to_course(batch_X), to_course(batch_Y)) for batch_X, batch_Y in loader]


# Convolution and pooling, step by step (course 4, week 1): torch's layers through the layout maps


def padded(X: Array, pad: int) -> Array:
    """``X`` (m, n_H, n_W, n_C) with ``pad`` zeros around each image: ``nn.ZeroPad2d(pad)``."""
    return images_to_course(nn.ZeroPad2d(pad)(images_to_torch(X)))


def convolution(A_prev: Array, W: Array, b: Array, hparameters: dict, dZ: Array | None = None):
    """``Z`` of ``nn.Conv2d`` holding the filters ``W`` (f, f, n_C_prev, n_C) and biases ``b``
    (1, 1, 1, n_C) at the course's stride and pad (``torch_impl.convolution.conv2d``), on
    ``A_prev`` (m, n_H_prev, n_W_prev, n_C_prev); with ``dZ`` (Z's shape), the upstream
    gradient, autograd's ``dA_prev``, ``dW`` and ``db`` (of ``sum(dZ * Z)``), each in the
    course's layout."""
    conv = conv2d(W, b, hparameters)
    x = images_to_torch(A_prev).requires_grad_()
    Z = conv(x)
    out = {"Z": images_to_course(Z)}
    if dZ is not None:
        Z.backward(images_to_torch(dZ))
        out["dA_prev"] = images_to_course(x.grad)
        out["dW"] = conv_weights_to_course(conv.weight.grad)
        out["db"] = conv_bias_to_course(conv.bias.grad)
    return out


def pooling(A_prev: Array, hparameters: dict, mode: str, dA: Array | None = None):
    """``A`` of ``nn.MaxPool2d`` or ``nn.AvgPool2d`` (``mode``) of the course's ``{"f",
    "stride"}`` (``torch_impl.convolution.pool2d``); with ``dA``, autograd's ``dA_prev``. At a
    tie in a max window torch's gradient goes to one entry, the course's mask to each: judge the
    max pool's ``dA_prev`` on windows without ties."""
    x = images_to_torch(A_prev).requires_grad_()
    A = pool2d(hparameters, mode)(x)
    out = {"A": images_to_course(A)}
    if dA is not None:
        A.backward(images_to_torch(dA))
        out["dA_prev"] = images_to_course(x.grad)
    return out


def window_gradient(x: Array, mode: str, dz: float = 1.0) -> Array:
    """The gradient that ``dz`` at one pooled output sends back to its window ``x`` (n_H,
    n_W), by autograd: of ``dz * amax(x)`` (mode ``"max"``: 1 at a unique maximum, 0 elsewhere;
    ``amax`` splits a tie evenly, the course's mask gives each tied entry 1), or of
    ``functional.avg_pool2d`` over the whole window (``"average"``: ``dz / (n_H n_W)`` each)."""
    window = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    if mode == "max":
        pooled = torch.amax(window)
    else:
        pooled = functional.avg_pool2d(window[None, None], tuple(window.shape)).sum()
    (pooled * dz).backward()
    return window.grad.numpy()


# Recurrent networks, step by step (course 5, week 1): nn.RNN and nn.LSTM, autograd through time


def recurrent_pass(
    x: Array,
    a0: Array,
    parameters: Mapping[str, Array],
    cell: str,
    *,
    c0: Array | None = None,
    da: Array | None = None,
    dc: Array | None = None,
) -> dict[str, Array]:
    """One pass of ``nn.RNN(nonlinearity="tanh")`` or ``nn.LSTM`` (``cell``), the layer of
    ``RecurrentNet`` holding the course's ``parameters``, over ``x`` (n_x, m, T_x) from
    ``a<0> = a0`` (and ``c<0> = c0``, default 0), with its output layer on every step:

    - ``a`` (n_a, m, T_x) and ``y_pred`` (n_y, m, T_x), the softmax of the output layer's
      logits; for the LSTM its cell state ``c`` (``RecurrentNet.cell_states``) and gates ``ft``,
      ``it``, ``cct``, ``ot`` (``lstm_gates``);
    - with ``da`` (n_a, m, T_x), a ``dJ/da<t>`` for every step (and ``dc`` (n_a, m), one for the
      last cell state), autograd's gradients through time: ``dx`` (n_x, m, T_x), ``da0``, the
      LSTM's ``dc0`` (n_a, m), and the cell's ``dWax, dWaa, dba`` or ``dWf, dbf, ...``
      (``export_recurrent_grads``), what the course's backward functions return."""
    with torch_threads(1):
        net = RecurrentNet(parameters, cell)
        inputs = sequences_to_torch(x).requires_grad_()
        h0 = initial_state_to_torch(a0, "rnn").requires_grad_()
        state: torch.Tensor | tuple = h0
        if cell == "lstm":
            start = np.zeros_like(a0) if c0 is None else c0
            state = (h0, initial_state_to_torch(start, "rnn").requires_grad_())
        a, last = net.recurrent(inputs, state)
        out = {"a": sequences_to_course(a)}
        out["y_pred"] = sequences_to_course(net.output(a).softmax(-1))
        if cell == "lstm":
            detached = tuple(part.detach() for part in state)
            out["c"] = sequences_to_course(net.cell_states(inputs.detach(), detached))
            out |= lstm_gates(net.recurrent, inputs, h0, a)
        if da is None:
            return out
        outputs, upstream = [a], [sequences_to_torch(da)]
        if dc is not None:
            outputs.append(last[1])
            upstream.append(initial_state_to_torch(dc, "rnn"))
        torch.autograd.backward(outputs, upstream)
        for parameter in net.output.parameters():  # the output layer takes no part here
            parameter.grad = torch.zeros_like(parameter)
        grads = export_recurrent_grads(net)
    for key in (f"d{OUTPUT_WEIGHT[cell]}", "dby"):
        grads.pop(key)
    out |= grads | {"dx": sequences_to_course(inputs.grad), "da0": state_to_course(h0.grad)}
    if cell == "lstm":
        out["dc0"] = state_to_course(state[1].grad)
    return out


def lstm_gates(
    lstm: nn.LSTM, x: torch.Tensor, h0: torch.Tensor, a: torch.Tensor
) -> dict[str, Array]:
    """``nn.LSTM``'s gates at every step, as its documentation writes them on its own weights:
    ``x<t> W_ih^T + b_ih + h<t-1> W_hh^T + b_hh``, split into its stacked row blocks (input,
    forget, cell, output: ``transfer.TORCH_GATES``), through sigmoid (tanh for the cell's), with
    ``h<t-1>`` the layer's own output a step before (``h0`` first); in the course's names
    ``ft``, ``it``, ``cct``, ``ot`` (n_a, m, T_x)."""
    previous = torch.cat([h0, a[:-1]])
    stacked = functional.linear(x, lstm.weight_ih_l0, lstm.bias_ih_l0)
    stacked = stacked + functional.linear(previous, lstm.weight_hh_l0, lstm.bias_hh_l0)
    blocks = dict(zip(TORCH_GATES, stacked.chunk(4, dim=-1), strict=True))
    gates = {
        "ft": blocks["f"].sigmoid(),
        "it": blocks["i"].sigmoid(),
        "cct": blocks["c"].tanh(),
        "ot": blocks["o"].sigmoid(),
    }
    return {name: sequences_to_course(gate) for name, gate in gates.items()}


# The language model (course 5, week 1, "Dinosaur Island")


def clipped(gradients: Mapping[str, Array], max_value: float) -> dict[str, Array]:
    """Each gradient clipped entry by entry into ``[-max_value, max_value]``:
    ``torch.nn.utils.clip_grad_value_`` on tensors holding them as their ``.grad``."""
    tensors = {key: torch.zeros(np.shape(g), dtype=torch.float64) for key, g in gradients.items()}
    for key, tensor in tensors.items():
        tensor.grad = torch.tensor(np.asarray(gradients[key], dtype=np.float64))
    clip_grad_value_(list(tensors.values()), max_value)
    return {key: tensor.grad.numpy() for key, tensor in tensors.items()}


def sampled(parameters: Mapping[str, Array], newline: int, uniforms: Array) -> list[int]:
    """The indices ``RecurrentNet`` holding the RNN ``parameters`` (the step-by-step names)
    samples from ``uniforms`` (drawn on the scratch side, ``scratch.recurrent.sample_uniforms``):
    ``torch_impl.recurrent.sample_indices``."""
    with torch_threads(1):
        return sample_indices(RecurrentNet(parameters, "rnn"), newline, uniforms)


def language_model_step(
    x: Array,
    Y: Array,
    a0: Array,
    parameters: Mapping[str, Array],
    learning_rate: float,
    max_value: float,
) -> dict[str, Array]:
    """One step of training on one name: ``RecurrentNet``'s ``nn.RNN`` and output layer over
    ``x`` (n_x, 1, T_x) from ``a0`` (n_a, 1), the loss ``torch_impl.recurrent.sequence_cost``
    of the labels ``Y`` (1, 1, T_x) (summed over time: one example), its gradients by autograd,
    ``clip_grad_value_(max_value)``, then ``torch.optim.SGD``'s step. Returns ``cost``, the
    clipped gradients (``dWax, dWaa, dba, dWya, dby``), ``a`` at the last step (n_a, 1) and the
    parameters after the step (the step-by-step names)."""
    with torch_threads(1):
        net = RecurrentNet(parameters, "rnn")
        a, _ = net.recurrent(sequences_to_torch(x), initial_state_to_torch(a0, "rnn"))
        cost = sequence_cost(net.output(a), labels_to_torch(Y))
        cost.backward()
        trainable = [parameter for parameter in net.parameters() if parameter.requires_grad]
        clip_grad_value_(trainable, max_value)
        gradients = export_recurrent_grads(net)
        torch.optim.SGD(trainable, lr=learning_rate).step()
        after = export_recurrent_params(net)
    last = state_to_course(a[-1:])
    return {"cost": np.asarray(cost.item()), **gradients, "a": last, **after}
