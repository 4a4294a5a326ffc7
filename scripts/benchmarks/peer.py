"""The benchmark's NumPy peer: scikit-learn's ``MLPClassifier``, the widely used from-scratch
NumPy network, trained through the same steps as ``scratch.train``, for the column beside scratch.
scikit-learn is the benchmark's optional extra (``pip install -e ".[bench]"``), never a
dependency of the project.

The same steps. Solver ``sgd`` with ``momentum=0`` and a constant learning rate is gradient
descent; ``alpha`` is the course's L2 ``lambd`` (sklearn adds ``alpha/2 sum ||W||^2 / m`` to the
cost, the course ``lambd/(2m) sum ||W||^2``); ``batch_size`` is the batch and ``shuffle=False``
keeps the examples in order; the hidden activation by its sklearn name (``sigmoid`` is its
``logistic``). Its output layer is its own choice: one logistic unit with log loss for two
classes (the course's sigmoid and binary cross-entropy), a softmax with log loss for three or
more (the course's softmax and cross-entropy). It starts from the same weights, ``coefs_[l-1] =
W[l]^T`` and ``intercepts_[l-1] = b[l]``: a first ``fit`` on one example of each class makes the
model (its classes, shapes and output), the weights are written over its own, and
``warm_start=True`` makes the timed ``fit`` go on from them for the epochs that hold
``num_iterations`` steps (one step an epoch at full batch), stopped before the update of a step
past the last. Mini-batches in a new order every epoch (``scratch.BatchSchedule``'s, from the
spec's seed; sklearn's ``shuffle`` would draw its own) are followed by one ``fit`` an epoch, on
the rows in that epoch's order: a gather of the data once an epoch, where scratch gathers each
batch's rows.

Where it cannot (``unlike`` says why): a convolutional or recurrent network (an MLP has dense layers
only), optimizers other than gradient descent (its Adam adds epsilon to ``sqrt(v)`` before the bias
correction, the course after it), a run resumed at a later step, a softmax output of two units
(sklearn makes two classes one logistic unit), losses other than the two cross-entropies, leaky
ReLU, dropout, batch norm, learning-rate decay.

A step's clock: ``_backprop``, which sklearn's loop calls once a step, calls the callback with the
step's cost when it returns (before that step's update): the gap between two calls is one whole
step, as the sides' per-step callbacks give it.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import numpy as np

import scratch

NAME = "sklearn"  # the peer's name in the benchmark's sides and report
MISSING = 'scikit-learn is not installed: no sklearn column (pip install -e ".[bench]" adds it)'
HIDDEN = {"relu": "relu", "tanh": "tanh", "sigmoid": "logistic", "identity": "identity"}


def available() -> bool:
    """Whether scikit-learn's MLP can be imported (and so loads it, with its BLAS)."""
    try:
        import sklearn.neural_network  # noqa: F401
    except ImportError:
        return False
    return True


def unlike(spec: scratch.NetworkSpec, settings: scratch.TrainingSettings, m: int) -> str | None:
    """Why sklearn's MLP cannot train the steps ``scratch.train`` takes for ``spec`` and
    ``settings`` on ``m`` examples, in a few words; ``None`` where it can."""
    hidden = {layer.activation for layer in spec.layers[:-1]}
    if spec.images:
        return "a conv net: sklearn's MLP has dense layers only"
    if spec.sequences:
        return f"a recurrent net ({spec.cell}): sklearn's MLP has dense layers only"
    if settings.optimizer == "adam":
        return "Adam: sklearn adds epsilon before the bias correction"
    if settings.optimizer != "gd":
        return f"{settings.optimizer}: sklearn's MLP has sgd and adam"
    if settings.start_iteration:
        return "a resumed run: sklearn's MLP starts at step 0"
    if spec.loss not in ("binary_cross_entropy", "cross_entropy"):
        return f"loss {spec.loss}: sklearn's classifier has log loss"
    if spec.loss == "cross_entropy" and spec.sizes[-1] == 2:
        return "a softmax of 2 units: sklearn makes 2 classes one logistic unit"
    if hidden - set(HIDDEN):
        return f"{', '.join(sorted(hidden - set(HIDDEN)))}: no such sklearn activation"
    if len(hidden) > 1:
        return "hidden layers of different activations: sklearn's share one"
    if any(layer.keep_prob < 1 or layer.batch_norm for layer in spec.layers):
        return "dropout or batch norm: not in sklearn's MLP"
    if settings.decay_rate:
        return "learning-rate decay: sklearn's invscaling is another schedule"
    return None


class _DoneError(Exception):
    """Raised by the step after the last, before its update: the run has taken its steps."""


@cache
def _classifier() -> type:
    """``MLPClassifier`` whose ``_backprop`` calls ``self.on_step(cost)`` when it returns."""
    from sklearn.neural_network import MLPClassifier

    class SteppedMLPClassifier(MLPClassifier):
        on_step: Callable[[float], None] | None = None

        def _backprop(self, *args: Any, **kwargs: Any) -> Any:
            loss, coef_grads, intercept_grads = super()._backprop(*args, **kwargs)
            if self.on_step is not None:
                self.on_step(float(loss))
            return loss, coef_grads, intercept_grads

    return SteppedMLPClassifier


def train(
    spec: scratch.NetworkSpec,
    X: np.ndarray,
    Y: np.ndarray,
    settings: scratch.TrainingSettings,
    *,
    params: Mapping[str, np.ndarray],
    callback: Callable[[int, float], None] | None = None,
) -> scratch.TrainResult:
    """sklearn's MLP trained through the steps ``scratch.train(spec, X, Y, settings,
    params=params)`` takes, from ``params``; ``callback(t, cost)`` once a step. ``X`` (n[0], m)
    goes in as sklearn's rows, ``X.T`` in the spec's dtype made contiguous (a user's layout,
    outside the steps).
    Raises ``ValueError`` with ``unlike``'s reason where it cannot."""
    m = X.shape[1]
    reason = unlike(spec, settings, m)
    if reason is not None:
        raise ValueError(f"scikit-learn's MLP cannot train these steps: {reason}")
    rows = np.ascontiguousarray(scratch.as_input(X, spec).T)  # in the spec's dtype, as scratch's
    labels = Y.argmax(axis=0) if Y.shape[0] > 1 else Y.ravel()
    classes = max(spec.sizes[-1], 2)  # one sigmoid unit: two classes
    if not np.array_equal(np.unique(labels), np.arange(classes)):
        raise ValueError(
            f"scikit-learn's MLP sizes its output from the classes present: Y holds "
            f"{len(np.unique(labels))} of the {classes} the output layer has"
        )
    model = _classifier()(
        hidden_layer_sizes=spec.sizes[1:-1],
        activation=HIDDEN[spec.layers[0].activation] if spec.L > 1 else "identity",
        solver="sgd",
        alpha=spec.l2,
        batch_size=min(settings.batch_size or m, m),
        learning_rate="constant",
        learning_rate_init=settings.learning_rate,
        max_iter=1,
        shuffle=False,
        momentum=0.0,
        nesterovs_momentum=False,
        n_iter_no_change=settings.num_iterations + 1,  # never stops early
        warm_start=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: it stops at max_iter, as asked
        first = np.unique(labels, return_index=True)[1]  # one example of each class
        model.fit(rows[first], labels[first])
        for l, (coef, intercept) in _layers(model):
            coef[...], intercept[...] = params[f"W{l}"].T, params[f"b{l}"].ravel()
        costs: list[float] = []

        def on_step(cost: float) -> None:
            if len(costs) == settings.num_iterations:  # a step past the last: its update undone
                raise _DoneError
            costs.append(cost)
            if callback is not None:
                callback(settings.start_iteration + len(costs) - 1, cost)

        model.on_step = on_step
        schedule = scratch.BatchSchedule(m, settings.batch_size, settings.shuffle, spec.seed)
        epochs = -(-settings.num_iterations // schedule.steps_per_epoch)
        with contextlib.suppress(_DoneError):
            if schedule.shuffle and not schedule.full_batch:  # scratch's orders, a fit an epoch
                for epoch in range(epochs):
                    order = schedule.epoch_order(epoch)
                    model.fit(rows[order], labels[order])
            else:  # sklearn's own loop, epoch after epoch
                model.set_params(max_iter=epochs).fit(rows, labels)
    final = {}
    for l, (coef, intercept) in _layers(model):
        final[f"W{l}"], final[f"b{l}"] = coef.T.copy(), intercept.reshape(-1, 1).copy()
    return scratch.TrainResult(final, np.array(costs), spec, settings.start_iteration)


def _layers(model: Any) -> list[tuple[int, tuple[np.ndarray, np.ndarray]]]:
    """``(l, (coefs_[l-1], intercepts_[l-1]))`` for l = 1..L: sklearn's arrays of layer l."""
    return list(enumerate(zip(model.coefs_, model.intercepts_, strict=True), start=1))
