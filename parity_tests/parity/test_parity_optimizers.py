"""Optimizer parity: momentum, RMSprop and Adam, with and without the course's learning-rate
decay, trained three ways from the same weights on the same batches (``scratch.train``, a plain
PyTorch loop over ``torch.optim``'s own classes, and a ``lightning.Trainer`` whose module returns
them in Lightning's form). The cost and learning rate of every step, the final weights and the
final optimizer state (``v``, ``s``, ``t``) agree; the plain loop and the Trainer bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parity_cases import PLANAR, SPIRAL, Run
from test_parity_properties import cases

import scratch
import scratch.optimizers
import scratch.weights
import torch_impl
from scratch.parity import assert_parity, compare_all, compare_training
from scratch.settings import HYPERPARAMETERS
from scratch.tolerances import EXACT
from torch_impl.threads import torch_threads

MOONS = scratch.build_spec([2, 5, 2, 1], "relu", init="he", seed=3)
RATES = {"gd": 0.5, "momentum": 0.1, "rmsprop": 0.005, "adam": 0.005}


def run_of(optimizer: str, *, dtype: str, batch: int | None, l2: float, decay: float) -> Run:
    spec = MOONS.replace(dtype=dtype, l2=l2)
    return Run("moons", spec, RATES[optimizer], 1000, batch_size=batch)


def options(optimizer: str, decay: float, interval: int = 1) -> dict:
    return {"optimizer": optimizer, "decay_rate": decay, "decay_interval": interval}


CASES = [
    pytest.param(opt, dtype, batch, l2, decay, id=f"{opt}-{dtype}-{label}-{extra}", marks=marks)
    for opt in ("momentum", "rmsprop", "adam")
    for dtype in ("float64", "float32")
    for batch, label in ((None, "full-batch"), (64, "mini-batch"))
    for (l2, decay), extra in (((0.0, 0.0), "plain"), ((0.3, 0.01), "l2-decay"))
    for marks in [
        () if (opt, dtype, batch, l2) == ("adam", "float64", 64, 0.3) else (pytest.mark.slow,),
    ]
]


@pytest.mark.parametrize(("optimizer", "dtype", "batch", "l2", "decay"), CASES)
def test_every_optimizer_agrees_three_ways_at_every_step(optimizer, dtype, batch, l2, decay):
    run = run_of(optimizer, dtype=dtype, batch=batch, l2=l2, decay=decay)
    extra = options(optimizer, decay)
    ours = run.train(scratch.train, **extra)
    plain = run.train(torch_impl.train_plain, **extra)
    lightning = run.train(torch_impl.train, **extra)
    assert ours.costs[-1] < 0.7 * ours.costs[0], "the run did not learn"
    assert sorted(ours.state) == sorted(lightning.state) and ours.state, "no state to compare"
    assert_parity(compare_training(ours, plain, names=("scratch", "plain")))
    assert_parity(compare_training(plain, lightning, tol=EXACT, names=("plain", "lightning")))
    assert_parity(compare_training(ours, lightning))
    if decay:
        assert lightning.learning_rates[-1] < lightning.learning_rates[0]


@pytest.mark.parametrize(
    "optimizer",
    [
        pytest.param("momentum", marks=pytest.mark.slow),
        pytest.param("rmsprop", marks=pytest.mark.slow),
        "adam",
    ],
)
def test_a_run_stopped_on_one_side_resumes_on_the_other_and_equals_the_whole(optimizer):
    """400 steps of scratch, then 600 of the Trainer from scratch's weights and optimizer state
    (``t`` included), against 1,000 uninterrupted steps of each side; and the other way round."""
    run = Run("spiral", SPIRAL, RATES[optimizer] / 2, 1000, batch_size=60)
    extra = options(optimizer, 0.05, interval=3)  # the scheduled decay: every 3rd epoch
    X, Y = scratch.load_dataset(run.dataset)
    whole = run.train(scratch.train, **extra)
    first = {"learning_rate": run.learning_rate, "batch_size": 60, **extra}
    for one, other in ((scratch.train, torch_impl.train), (torch_impl.train_plain, scratch.train)):
        head = one(run.spec, X, Y, num_iterations=400, **first)
        tail = other(
            run.spec,
            X,
            Y,
            params=head.params,
            state=head.state,
            num_iterations=600,
            start_iteration=400,
            **first,
        )
        joined = scratch.TrainResult(
            tail.params,
            np.concatenate([head.costs, tail.costs]),
            run.spec,
            0,
            tail.state,
            np.concatenate([head.learning_rates, tail.learning_rates]),
        )
        assert_parity(compare_training(whole, joined, names=("whole", "resumed")))


def test_the_optimizer_state_is_the_courses_after_one_step():
    """What the state means, on the course's own functions: Adam's v and s after one step are
    (1 - beta1) dW and (1 - beta2) dW^2, t is 1, and torch holds the same numbers."""
    X, Y = scratch.load_dataset("planar")
    params = scratch.initialize_parameters(PLANAR)
    grads = scratch.layer_internals(X, Y, params, PLANAR)
    v, s = scratch.initialize_adam(params)
    _, v, s, _, _ = scratch.update_parameters_with_adam(params, grads, v, s, 1, 0.01)
    torch_side = torch_impl.train_plain(
        PLANAR, X, Y, params=params, learning_rate=0.01, num_iterations=1, optimizer="adam"
    )
    for key in params:
        np.testing.assert_allclose(v[f"d{key}"], 0.1 * grads[f"d{key}"], rtol=1e-15)
        np.testing.assert_allclose(s[f"d{key}"], 0.001 * grads[f"d{key}"] ** 2, rtol=1e-15)
    course = {f"v_{key}": value for key, value in v.items()}
    course |= {f"s_{key}": value for key, value in s.items()} | {"t": np.asarray(1)}
    assert_parity(compare_all(course, torch_side.state, dtype=PLANAR.dtype))


def learner_average_without_one_minus_beta(moment, value, beta, tmp):
    moment *= beta
    moment += value  # v = beta v + dW: the (1 - beta) forgotten


def without_bias_correction(step):
    def planted(self, *args, **kwargs):
        self.t = 10**9 - 1  # 1 - beta^t rounds to 1: no correction at all
        return step(self, *args, **kwargs)

    return planted


def t_never_advanced(step):
    def planted(self, *args, **kwargs):
        self.t = 0  # every step is Adam's first
        return step(self, *args, **kwargs)

    return planted


@pytest.mark.parametrize(
    ("optimizer", "plant", "parts_at"),
    [
        pytest.param(
            "momentum",
            ("_average", learner_average_without_one_minus_beta),
            1,
            id="momentum-without-1-minus-beta",
        ),
        pytest.param(
            "adam",
            ("_average", learner_average_without_one_minus_beta),
            1,
            id="adam-without-1-minus-beta",
        ),
        pytest.param(
            "adam", ("step", without_bias_correction), 1, id="adam-without-bias-correction"
        ),
        pytest.param("adam", ("step", t_never_advanced), 2, id="adam-t-not-advanced"),
    ],
)
def test_a_learners_optimizer_mistake_is_found_at_the_step_it_first_changes(
    monkeypatch, optimizer, plant, parts_at
):
    """The update of step t shows in the cost of step t + 1: a mistake in the first update is
    found at cost[1]; ``t`` left at 1 is right for the first step, wrong from the second."""
    run = Run("planar", PLANAR, RATES[optimizer] / 10, 20)
    expected = run.train(torch_impl.train_plain, optimizer=optimizer)
    name, planted = plant
    if name == "step":
        monkeypatch.setattr(scratch.Optimizer, "step", planted(scratch.Optimizer.step))
    else:
        monkeypatch.setattr(scratch.optimizers, name, planted)
    result = compare_training(run.train(scratch.train, optimizer=optimizer), expected)
    assert result.first_failure is not None, "the planted mistake went unseen"
    assert result.first_failure.where == f"cost[{parts_at}]"


@st.composite
def optimizer_settings(draw) -> dict:
    """An optimizer with a draw of the hyperparameters it reads (any other it refuses)."""
    optimizer = draw(st.sampled_from(scratch.OPTIMIZERS))
    values = {
        "beta": st.sampled_from([0.0, 0.5, 0.9, 0.99]),
        "beta1": st.sampled_from([0.0, 0.9, 0.95]),
        "beta2": st.sampled_from([0.9, 0.999]),
        "epsilon": st.sampled_from([1e-8, 1e-6, 1e-3]),
    }
    decay_rate = draw(st.sampled_from([0.0, 0.1]))
    return {
        "optimizer": optimizer,
        "learning_rate": draw(st.sampled_from([1e-3, 1e-2, 0.1])),
        **{name: draw(values[name]) for name in HYPERPARAMETERS[optimizer]},
        "decay_rate": decay_rate,
        "decay_interval": draw(st.integers(1, 3)) if decay_rate else 1,
    }


@settings(max_examples=max(100, settings.default.max_examples), deadline=None)
@given(case=cases(), chosen=optimizer_settings())
def test_any_network_with_any_optimizer_settings_trains_the_same_on_both_sides(case, chosen):
    """20 full-batch steps of a network the spec allows, from its drawn weights, with any
    optimizer and hyperparameters: the same costs, weights and state on both sides."""
    run = {"params": case.params, "num_iterations": 20, **chosen}
    with torch_threads(1):
        plain = torch_impl.train_plain(case.spec, case.X, case.Y, **run)
    assert_parity(compare_training(scratch.train(case.spec, case.X, case.Y, **run), plain))


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_the_optimizer_state_crosses_between_checkpoint_and_weights_file_bit_for_bit(
    tmp_path, optimizer
):
    X, Y = scratch.load_dataset("planar")
    run = {"learning_rate": RATES[optimizer] / 10, "num_iterations": 30, "optimizer": optimizer}
    with torch_threads(1):
        trained = torch_impl.train(PLANAR, X, Y, checkpoint_path=tmp_path / "run.ckpt", **run)
    torch_impl.checkpoint_to_weights(tmp_path / "run.ckpt", tmp_path / "run.npz")
    name, state = scratch.weights.load_optimizer_state(tmp_path / "run.npz")
    assert name == optimizer and sorted(state) == sorted(trained.state)
    assert_parity(compare_all(state, trained.state, tol=EXACT, dtype=PLANAR.dtype))
    settings = scratch.TrainingSettings(**run)
    torch_impl.weights_to_checkpoint(
        tmp_path / "run.npz", tmp_path / "back.ckpt", settings=settings
    )
    torch_impl.checkpoint_to_weights(tmp_path / "back.ckpt", tmp_path / "back.npz")
    assert_parity(
        compare_all(
            scratch.weights.load_optimizer_state(tmp_path / "back.npz")[1],
            state,
            tol=EXACT,
            dtype=PLANAR.dtype,
        )
    )
