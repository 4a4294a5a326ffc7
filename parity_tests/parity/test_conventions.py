"""Where PyTorch's conventions differ from the course's: each mapping ``torch_impl.optimizers``
uses is shown to compute the course's rule, and the naive mapping is shown to differ, at the step
where the difference first appears. torch_impl/README.md's conventions table names these tests.

Every run here is full-batch on the planar flower from the same weights; the course's side is
the course's own functions (``update_parameters_with_momentum``, ``..._with_adam``, ...), the
torch side ``torch.optim``'s classes stepped on autograd's gradients.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch
from parity_cases import PLANAR

import scratch
import torch_impl
from scratch.parity import compare_all
from scratch.tolerances import TRAINED
from torch_impl.lightning_module import NetworkModule
from torch_impl.optimizers import course_parameters

SPEC = PLANAR.replace(l2=0.0)
STEPS = 20
Params = dict[str, np.ndarray]
X, Y = scratch.load_dataset("planar")
# Biases away from 0: at the course's zero start, planar's balanced classes make db2 cancel to
# 1e-7, and an adaptive step divides that round-off-carrying gradient by a root of its own size
# (see the adaptive rows of scratch.tolerances).
START = scratch.initialize_parameters(SPEC) | {
    "b1": np.full((4, 1), 0.1),
    "b2": np.full((1, 1), 0.3),
}


def course_run(update: Callable[[Params, Params, int], Params], spec=SPEC) -> list[Params]:
    """The parameters after each of ``STEPS`` full-batch steps of ``update(params, grads, t)``."""
    params, out = START, []
    for t in range(1, STEPS + 1):
        grads = scratch.layer_internals(X, Y, params, spec)
        params = update(params, grads, t)
        out.append(params)
    return out


def torch_run(make: Callable[[torch.nn.Module], torch.optim.Optimizer], spec=SPEC) -> list[Params]:
    """The same steps with the optimizer ``make(net)`` builds, on autograd's gradients."""
    net = torch_impl.build_module(spec, START)
    T = scratch.as_targets(Y, spec, X.shape[1])
    optimizer, Xt, Tt = make(net), torch_impl.to_torch(X), torch_impl.to_torch(T)
    out = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        torch_impl.cost_from_targets(net(Xt), Tt, spec, net.weights).backward()
        optimizer.step()
        out.append(torch_impl.export_params(net))
    return out


def first_parting(a: list[Params], b: list[Params]) -> int | None:
    """The first step (1-based) after which the two runs' parameters differ beyond the float64
    table's ``trained`` row; ``None`` if they never do."""
    for t, (p, q) in enumerate(zip(a, b, strict=True), start=1):
        if not compare_all(p, q, kind=TRAINED).ok:
            return t
    return None


def params_of(net: torch.nn.Module) -> list[torch.nn.Parameter]:
    return [p for _, p in course_parameters(net)]


def zero_buffers(optimizer: torch.optim.Optimizer) -> torch.optim.Optimizer:
    """The course's ``initialize_velocity``: every momentum buffer starts at zero."""
    for group in optimizer.param_groups:
        for p in group["params"]:
            optimizer.state[p]["momentum_buffer"] = torch.zeros_like(p)
    return optimizer


def momentum(alpha: float = 0.5, beta: float = 0.9) -> list[Params]:
    v = scratch.initialize_velocity(START)

    def update(params, grads, t):
        nonlocal v
        params, v = scratch.update_parameters_with_momentum(params, grads, v, beta, alpha)
        return params

    return course_run(update)


def test_momentum_is_sgd_with_dampening_beta_and_a_zero_buffer():
    seeded = torch_run(
        lambda net: zero_buffers(torch.optim.SGD(params_of(net), 0.5, 0.9, dampening=0.9))
    )
    assert first_parting(momentum(), seeded) is None


def test_sgd_momentum_without_a_seeded_buffer_takes_a_full_first_step():
    """Torch sets ``buf = dW`` on its first step: the step is ``alpha dW``, not ``alpha (1 -
    beta) dW``, ten times the course's with beta = 0.9. They part at step 1."""
    naive = torch_run(lambda net: torch.optim.SGD(params_of(net), 0.5, 0.9, dampening=0.9))
    course = momentum()
    assert first_parting(course, naive) == 1
    moved = {key: START[key] - naive[0][key] for key in START}
    wanted = {key: (START[key] - course[0][key]) / (1 - 0.9) for key in START}
    assert compare_all(moved, wanted, kind=TRAINED).ok


def test_sgd_momentum_with_the_learning_rate_scaled_is_the_course_momentum_too():
    """``SGD(lr=alpha (1 - beta), momentum=beta)``: torch's undampened buffer is ``v / (1 -
    beta)``, and the scaled step undoes it."""
    scaled = torch_run(lambda net: torch.optim.SGD(params_of(net), 0.5 * (1 - 0.9), 0.9))
    assert first_parting(momentum(), scaled) is None


def rmsprop(beta2: float, epsilon: float = 1e-8, inside: bool = False) -> list[Params]:
    s = scratch.initialize_adam(START)[1]

    def update(params, grads, t):
        nonlocal s
        if not inside:
            params, s = scratch.update_parameters_with_rmsprop(
                params, grads, s, beta2, 0.01, epsilon
            )
            return params
        out = {}
        for key, W in params.items():  # epsilon under the root, as other libraries put it
            g = grads[f"d{key}"]
            s[f"d{key}"] = beta2 * s[f"d{key}"] + (1 - beta2) * g**2
            out[key] = W - 0.01 * g / np.sqrt(s[f"d{key}"] + epsilon)
        return out

    return course_run(update)


def test_rmsprop_alpha_is_the_courses_beta2_and_epsilon_sits_outside_the_root():
    torch_side = torch_run(lambda net: torch.optim.RMSprop(params_of(net), 0.01, alpha=0.999))
    assert first_parting(rmsprop(0.999), torch_side) is None
    assert first_parting(rmsprop(0.999, inside=True), torch_side) == 1


def test_rmsprop_with_torchs_default_alpha_is_not_the_courses_default_beta2():
    """Torch's ``alpha`` defaults to 0.99, the course's ``beta2`` to 0.999: they part at once."""
    default = torch_run(lambda net: torch.optim.RMSprop(params_of(net), 0.01))
    assert first_parting(rmsprop(0.999), default) == 1


def adam(*, efficient: bool = False, spec=SPEC) -> list[Params]:
    v, s = scratch.initialize_adam(START)

    def update(params, grads, t):
        nonlocal v, s
        if not efficient:
            params, v, s, _, _ = scratch.update_parameters_with_adam(params, grads, v, s, t, 0.01)
            return params
        out = {}
        rate = 0.01 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)  # Kingma and Ba's "efficient" form
        for key, W in params.items():
            g, name = grads[f"d{key}"], f"d{key}"
            v[name] = 0.9 * v[name] + 0.1 * g
            s[name] = 0.999 * s[name] + 0.001 * g**2
            out[key] = W - rate * v[name] / (np.sqrt(s[name]) + 1e-8)
        return out

    return course_run(update, spec)


def test_adam_adds_epsilon_to_the_bias_corrected_root_as_the_course_does():
    """Torch divides by ``sqrt(s) / sqrt(1 - beta2^t) + eps`` = ``sqrt(s_hat) + eps``; the
    paper's efficient form adds eps to the uncorrected ``sqrt(s)`` and parts at step 1."""
    torch_side = torch_run(lambda net: torch.optim.Adam(params_of(net), 0.01))
    assert first_parting(adam(), torch_side) is None
    assert first_parting(adam(efficient=True), torch_side) == 1


L2 = 0.7


def l2_groups(net: torch.nn.Module, decay: float, *, biases: bool = False) -> list[dict]:
    weights = [p for key, p in course_parameters(net) if key.startswith("W")]
    rest = [p for key, p in course_parameters(net) if key.startswith("b")]
    return [
        {"params": weights, "weight_decay": decay},
        {"params": rest, "weight_decay": decay * biases},
    ]


@pytest.mark.parametrize(
    ("make", "parts_at"),
    [
        pytest.param(lambda net: torch.optim.Adam(l2_groups(net, L2 / 400), 0.01), None, id="Adam"),
        pytest.param(
            lambda net: torch.optim.Adam(l2_groups(net, L2 / 400, biases=True), 0.01),
            1,
            id="Adam-decaying-biases",
        ),
        pytest.param(lambda net: torch.optim.AdamW(l2_groups(net, L2 / 400), 0.01), 1, id="AdamW"),
    ],
)
def test_l2_in_the_cost_is_adams_weight_decay_of_l2_over_m_on_the_weights(make, parts_at):
    """The course's L2 term adds ``(l2/m) W`` to ``dW`` and nothing to ``db``: torch's Adam with
    ``weight_decay = l2/m`` on the weights alone, and no L2 in its cost, is the same step. Decay
    on the biases too, or AdamW's decoupled decay, part at step 1."""
    assert X.shape[1] == 400
    course = adam(spec=SPEC.replace(l2=L2))
    assert first_parting(course, torch_run(make)) == parts_at


def test_the_decay_is_stepped_every_update_not_every_lightning_epoch(monkeypatch):
    """Lightning steps a scheduler once an epoch unless told ``"interval": "step"``; a
    full-batch run is one Lightning epoch, so that default would never decay it."""
    run = {"learning_rate": 0.5, "num_iterations": 10, "decay_rate": 0.5}
    ours = scratch.train(SPEC, X, Y, **run)
    stepped = torch_impl.train(SPEC, X, Y, **run)
    np.testing.assert_allclose(stepped.learning_rates, ours.learning_rates, rtol=1e-15)
    original = NetworkModule.configure_optimizers

    def once_an_epoch(self):
        configured = original(self)
        configured["lr_scheduler"] = configured["lr_scheduler"]["scheduler"]
        return configured

    monkeypatch.setattr(NetworkModule, "configure_optimizers", once_an_epoch)
    per_epoch = torch_impl.train(SPEC, X, Y, **run)
    assert (per_epoch.learning_rates == 0.5).all() and ours.learning_rates[1] == 0.5 / 1.5
