"""``torch_impl.train`` (a real ``lightning.Trainer``) and ``train_plain`` (a plain PyTorch
loop): the curve of ``scratch.train`` at every step, full batch and mini-batch, resumed mid
epoch; its divergence and its errors; nothing printed, written or left changed unless asked."""

from __future__ import annotations

import dataclasses
import logging
import sys
import warnings

import lightning.pytorch  # noqa: F401  (its log handlers exist before any test's capture)
import numpy as np
import pytest
import torch
from parity_cases import assert_curves_match, relative_error

import scratch
import torch_impl

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see conftest

LOOPS = pytest.mark.parametrize(
    "loop", [torch_impl.train, torch_impl.train_plain], ids=["trainer", "plain"]
)


@LOOPS
def test_full_batch_curve_matches_scratch_at_every_one_of_1000_iterations(planar, loop):
    spec, X, Y, params = planar
    run = dict(params=params, learning_rate=1.2, num_iterations=1000)
    assert_curves_match(loop(spec, X, Y, **run), scratch.train(spec, X, Y, **run))


@LOOPS
@pytest.mark.parametrize("shuffle", [True, False])
def test_mini_batch_curve_matches_scratch_when_resumed_mid_epoch(planar, loop, shuffle):
    spec, X, Y, params = planar
    # 400 examples in batches of 64: 7 steps an epoch, the last of 16; start inside epoch 0.
    run = dict(
        params=params,
        learning_rate=1.2,
        num_iterations=60,
        batch_size=64,
        shuffle=shuffle,
        start_iteration=3,
    )
    expected = scratch.train(spec, X, Y, **run)
    actual = loop(spec, X, Y, **run)
    assert actual.start_iteration == 3
    assert_curves_match(actual, expected)


def test_nothing_is_written_unless_asked(planar, tmp_path, monkeypatch):
    spec, X, Y, params = planar
    monkeypatch.chdir(tmp_path)
    torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=2)
    assert list(tmp_path.iterdir()) == []


def test_train_leaves_torch_deterministic_mode_as_it_found_it(planar):
    spec, X, Y, params = planar
    assert not torch.are_deterministic_algorithms_enabled()
    torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=1)
    assert not torch.are_deterministic_algorithms_enabled()


@LOOPS
def test_divergence_raises_like_scratch_with_the_last_good_weights(loop):
    X, Y = scratch.load_dataset("housing")
    spec = scratch.build_spec([4, 3, 1], "tanh", loss="mse", init="xavier", seed=0)
    with pytest.raises(scratch.DivergenceError) as expected:
        scratch.train(spec, X, Y, learning_rate=5.0, num_iterations=200)
    with pytest.raises(scratch.DivergenceError) as actual:
        loop(spec, X, Y, learning_rate=5.0, num_iterations=200)
    assert (actual.value.iteration, actual.value.cost) == (expected.value.iteration, np.inf)
    assert len(actual.value.costs) == actual.value.iteration
    assert np.all(np.isfinite(actual.value.costs))
    for key, value in expected.value.params.items():
        assert relative_error(actual.value.params[key], value) < 1e-8, key


def test_spawning_strategies_are_refused_with_a_reason(planar):
    spec, X, Y, _ = planar
    with pytest.raises(ValueError, match="strategy='ddp'"):
        torch_impl.train(
            spec, X, Y, learning_rate=1.0, num_iterations=1, strategy="ddp_spawn", devices=2
        )


def _corrupt(case: str, X: np.ndarray, Y: np.ndarray, params: dict):
    """The planar inputs with one thing wrong."""
    if case == "params missing b2":
        return X, Y, {k: v for k, v in params.items() if k != "b2"}
    if case == "params of the wrong shape":
        return X, Y, {**params, "W1": params["W1"].T.copy()}
    if case == "params of the wrong dtype":
        return X, Y, {k: v.astype(np.float32) for k, v in params.items()}
    if case == "X of the wrong width":
        return np.vstack([X, X[:1]]), Y, params
    if case == "NaN in X":
        X = X.copy()
        X[1, 17] = np.nan
        return X, Y, params
    assert case == "Y of the wrong length"
    return X, Y[:, :-1], params


BAD_INPUTS = [
    "params missing b2",
    "params of the wrong shape",
    "params of the wrong dtype",
    "X of the wrong width",
    "NaN in X",
    "Y of the wrong length",
]


@pytest.mark.parametrize("case", BAD_INPUTS)
@pytest.mark.parametrize(
    "torch_side",
    [
        lambda spec, X, Y, p: torch_impl.train(
            spec, X, Y, params=p, learning_rate=1, num_iterations=1
        ),
        lambda spec, X, Y, p: torch_impl.train_plain(
            spec, X, Y, params=p, learning_rate=1, num_iterations=1
        ),
        lambda spec, X, Y, p: torch_impl.layer_internals(X, Y, p, spec),
    ],
    ids=["train", "train_plain", "layer_internals"],
)
def test_bad_input_gets_the_same_error_as_scratch(planar, case, torch_side):
    spec, X, Y, params = planar
    X, Y, params = _corrupt(case, X, Y, params)
    with pytest.raises((TypeError, ValueError)) as expected:
        scratch.train(spec, X, Y, params=params, learning_rate=1, num_iterations=1)
    with pytest.raises(expected.type) as actual:
        torch_side(spec, X, Y, params)
    assert str(actual.value) == str(expected.value).replace("parameters", "params")


def aim_lightnings_log_at_stderr(monkeypatch) -> None:
    """Lightning's log handlers write to the stream that was ``sys.stderr`` when Lightning was
    imported: in a plain process the process's stderr, under pytest (imported at collection) a
    capture of pytest's own that ``capfd`` never sees. Aim them at the running test's
    ``sys.stderr``, which ``capfd`` reads (it opens a new one for each phase of a test, so this
    is called in the test itself)."""
    for name, logger in logging.root.manager.loggerDict.items():
        if name.split(".")[0] == "lightning" and isinstance(logger, logging.Logger):
            for handler in logger.handlers:
                if type(handler) is logging.StreamHandler:
                    monkeypatch.setattr(handler, "stream", sys.stderr)


def test_train_prints_nothing_and_leaves_lightnings_log_levels(planar, capfd, monkeypatch):
    """A library call prints nothing: not on stdout, not on stderr, where Lightning's INFO lines
    and any warning would go; and it puts Lightning's loggers back at the levels they had."""
    spec, X, Y, params = planar
    aim_lightnings_log_at_stderr(monkeypatch)
    loggers = [logging.getLogger(name) for name in ("lightning.pytorch", "lightning.fabric")]
    levels = [logger.level for logger in loggers]
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=2)
    out, err = capfd.readouterr()
    assert (out, err) == ("", ""), f"train printed:\n{out}{err}"
    assert not shown, f"train warned: {[str(warning.message) for warning in shown]}"
    assert [logger.level for logger in loggers] == levels


def test_verbose_train_shows_lightnings_own_messages(planar, capfd, monkeypatch):
    """The quiet test above can fail: asked to, Lightning's lines do reach stderr."""
    spec, X, Y, params = planar
    aim_lightnings_log_at_stderr(monkeypatch)
    torch_impl.train(spec, X, Y, params=params, learning_rate=1.2, num_iterations=2, verbose=True)
    err = capfd.readouterr().err
    assert "GPU available" in err and "Logging error" not in err, err


@LOOPS
def test_a_settings_object_trains_the_torch_loops_as_its_keywords_do(planar, loop):
    spec, X, Y, params = planar
    settings = scratch.TrainingSettings(1.2, 5, batch_size=64, start_iteration=3)
    by_object = loop(spec, X, Y, settings, params=params)
    by_keywords = loop(spec, X, Y, params=params, **dataclasses.asdict(settings))
    assert by_object.start_iteration == by_keywords.start_iteration == 3
    assert by_object.costs.tobytes() == by_keywords.costs.tobytes()
    for key, value in by_keywords.params.items():
        assert by_object.params[key].tobytes() == value.tobytes(), f"final {key} differs"
