"""The API half of the sweep (issue 11), part one: bad arrays, weights and settings thrown at
every function that takes data (``scratch.train``, ``torch_impl.train_plain``, ``predict``,
``accuracy``, ``compute_cost``, ``gradient_check``, ``save_weights``, ``L_model_forward``).

A ``Case`` is a call on a scratch folder and what must come of it: an error of one of
``errors`` whose one-line message matches ``match`` (case-insensitive; ``names(...)`` makes a
pattern that needs every part, in any order), or, with ``match=None``, a documented acceptance
that must succeed. ``cause`` is the issue's cause number (1-17), or ``None`` for the other
inputs a new user or an adversary would try.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from sweep_files import SPEC, nan_at, weights

import scratch

ERRORS = (ValueError, TypeError)


class Case(NamedTuple):
    id: str
    cause: int | None
    call: Callable[[Path], Any]
    match: str | None
    errors: tuple[type[BaseException], ...] = ERRORS


def names(*parts: str) -> str:
    """A pattern that needs each of ``parts`` (regexes) somewhere in the message."""
    return "".join(f"(?=.*(?:{part}))" for part in parts)


X5 = np.random.default_rng(0).standard_normal((2, 5))
Y5 = np.array([[0, 1, 0, 1, 1]])
CE_SPEC = scratch.build_spec([2, 3, 3], "relu", loss="cross_entropy", seed=0)
Y5_CE = np.array([[0, 1, 2, 1, 0]])


def _put(array: np.ndarray, value: Any, at: tuple[int, int] = (0, 1)) -> np.ndarray:
    out = array.astype(np.result_type(array, type(value)) if np.isscalar(value) else array.dtype)
    out[at] = value
    return out


X_BAD = {  # id: (X, what the message must name besides "X", cause)
    "nan": (_put(X5, np.nan), "nan|finite", None),
    "inf": (_put(X5, np.inf), "inf|finite", None),
    "neg_inf": (_put(X5, -np.inf), "inf|finite", None),
    "complex": (X5 + 1j, "complex", 6),
    "complex_zero_imag": (X5 + 0j, "complex", 6),
    "object": (X5.astype(object), "object|number", 6),
    "str": (X5.astype(str), "str|<U|number", 6),
    "bytes": (X5.astype("S8"), "S8|bytes|number", 6),
    "1d": (X5[0], "shape", None),
    "3d": (X5[None], "shape", None),
    "rows": (np.zeros((3, 5)), "shape|rows|features", None),
    "transposed": (X5.T.copy(), "shape", None),
    "empty": (np.zeros((2, 0)), "no examples|empty|m = 0|0 examples", None),
    "list": (X5.tolist(), "array|list", None),
    "none": (None, "array|none", None),
}
Y_BAD = {  # id: (Y for the binary spec, what the message must name besides "Y", cause)
    "nan": (_put(Y5, np.nan), "nan|finite", None),
    "inf": (_put(Y5, np.inf), "inf|finite", None),
    "two": (_put(Y5, 2), r"\b2|\[0, 1\]", None),
    "negative": (_put(Y5, -1), r"-1|\[0, 1\]", None),
    "complex": (Y5 + 1j, "complex", 6),
    "object": (Y5.astype(object), "object|number", 6),
    "str": (Y5.astype(str), "str|<U|number", 6),
    "short": (Y5[:, :4], "shape", None),
    "1d": (Y5[0], "shape", None),
    "two_rows": (np.vstack([Y5, Y5]), "shape", None),
    "list": (Y5.tolist(), "array|list", None),
    "none": (None, "array|none", None),
}
Y_BAD_CE = {  # labels for the 3-class softmax spec
    "class_5": (_put(Y5_CE, 5), r"\b5\b", None),
    "fraction": (_put(Y5_CE, 0.5), "whole|integer|class", None),
    "str": (Y5_CE.astype(str), "str|<U|integer|number", 6),
    "object": (Y5_CE.astype(object), "object|integer|number", 6),
    "complex": (Y5_CE + 0j, "complex", 6),
    "bool_one_hot_rows": (np.ones((3, 5), bool), "sum|one-hot", None),
}
P = weights()
PARAMS_BAD = {  # id: (parameters, what the message must name, cause, finite-value check)
    "nan_W1": (nan_at("W1"), ("W1", "nan|finite"), 1, True),
    "inf_b2": (nan_at("b2", np.inf), ("b2", "inf|finite"), 1, True),
    "neg_inf_W2": (nan_at("W2", -np.inf), ("W2", "inf|finite"), 1, True),
    "missing_W2": ({k: v for k, v in P.items() if k != "W2"}, ("W2",), None, False),
    "extra_W3": (weights(W3=np.zeros((1, 1))), ("W3",), None, False),
    "shape_W1": (weights(W1=np.zeros((3, 3))), ("W1", "shape"), None, False),
    "int_W1": (weights(W1=P["W1"].astype(np.int64)), ("W1", "int|dtype"), None, False),
    "complex_W1": (weights(W1=P["W1"] + 1j), ("W1", "complex"), 6, False),
    "object_W1": (weights(W1=P["W1"].astype(object)), ("W1", "object"), None, False),
    "list_W1": (weights(W1=P["W1"].tolist()), ("W1", "array|list"), None, False),
    "not_a_dict": (list(P.values()), ("dict|mapping",), None, False),
}
SETTINGS_BAD = {  # keyword: bad values; the message must name the keyword
    "learning_rate": [0, -0.1, np.nan, np.inf, "0.1", True, None],
    "num_iterations": [0, -1, 2.5, True, "3", np.nan, None],
    "batch_size": [0, -2, True, 2.5, "2"],
    "start_iteration": [-1, True, 1.5, "3"],
    "optimizer": ["sgdx", 3],
    "beta": [1.0, np.nan],
    "beta1": [-0.1],
    "beta2": [1.5],
    "epsilon": [0, -1e-8],
    "decay_rate": [-1, np.inf],
    "decay_interval": [0, True],
    "shuffle": ["yes"],
}
UNUSED = {"beta": 0.5, "beta1": 0.5, "beta2": 0.9, "epsilon": 1e-3, "decay_interval": 2}
SETTINGS_ACCEPTED = {  # any integer or real type counts (cause 14: one rule for every count)
    "num_iterations": np.int64(2),
    "batch_size": np.int64(2),
    "start_iteration": np.int64(3),
    "decay_interval": np.int32(1),
    "learning_rate": np.float32(0.1),
}


def _trainers() -> dict[str, Callable]:
    def torch_plain(*args, **kwargs):
        from torch_impl import train_plain

        return train_plain(*args, **kwargs)

    return {"scratch": scratch.train, "torch_plain": torch_plain}


def _fit(**overrides):
    return {"learning_rate": 0.1, "num_iterations": 2} | overrides


def data_cases() -> list[Case]:
    """X and Y variants at every function that takes data."""
    cases = []
    takes_x = {
        **{
            f"train_{side}": lambda X, f=f: f(SPEC, X, Y5, **_fit())
            for side, f in _trainers().items()
        },
        "predict": lambda X: scratch.predict(X, P, SPEC),
        "gradient_check": lambda X: scratch.gradient_check(P, X, Y5, SPEC),
    }
    for where, call in takes_x.items():
        for kind, (X, problem, cause) in X_BAD.items():
            run = lambda _, call=call, X=X: call(X)  # noqa: E731
            cases.append(Case(f"{where}-X-{kind}", cause, run, names(r"\bX\b", problem)))
    takes_y = {
        **{
            f"train_{side}": lambda Y, f=f: f(SPEC, X5, Y, **_fit())
            for side, f in _trainers().items()
        },
        "compute_cost": lambda Y: scratch.compute_cost(np.zeros((1, 5)), Y, SPEC),
        "accuracy": lambda Y: scratch.accuracy(X5, Y, P, SPEC),
    }
    for where, call in takes_y.items():
        for kind, (Y, problem, cause) in Y_BAD.items():
            run = lambda _, call=call, Y=Y: call(Y)  # noqa: E731
            cases.append(Case(f"{where}-Y-{kind}", cause, run, names(r"\bY\b", problem)))
    for side, f in _trainers().items():
        ce = scratch.initialize_parameters(CE_SPEC)
        for kind, (Y, problem, cause) in Y_BAD_CE.items():
            run = lambda _, f=f, Y=Y, ce=ce: f(CE_SPEC, X5, Y, params=ce, **_fit())  # noqa: E731
            cases.append(
                Case(f"train_{side}-Y_softmax-{kind}", cause, run, names(r"\bY\b", problem))
            )
    return cases


def params_cases() -> list[Case]:
    """Bad weights at training, saving, prediction and the forward pass (NaN/inf excepted:
    the course's forward pass checks shapes, not values)."""
    takes = {
        **{
            f"train_{s}": lambda p, f=f: f(SPEC, X5, Y5, params=p, **_fit())
            for s, f in _trainers().items()
        },
        "save_weights": None,
        "predict": lambda p: scratch.predict(X5, p, SPEC),
        "L_model_forward": lambda p: scratch.L_model_forward(X5, p, SPEC),
    }
    cases = []
    for where, call in takes.items():
        for kind, (params, parts, cause, finite) in PARAMS_BAD.items():
            if finite and where == "L_model_forward":
                continue
            if call is None:
                run = lambda tmp, p=params: scratch.save_weights(tmp / "out.npz", p, SPEC)  # noqa: E731
            else:
                run = lambda _, call=call, p=params: call(p)  # noqa: E731
            cases.append(Case(f"{where}-params-{kind}", cause, run, names(*parts)))
    return cases


def settings_cases() -> list[Case]:
    """Bad and accepted training settings, on both sides."""
    cases = []
    for side, f in _trainers().items():
        for key, values in SETTINGS_BAD.items():
            for value in values:
                run = lambda _, f=f, kw={key: value}: f(SPEC, X5, Y5, **_fit(**kw))  # noqa: E731
                cause = 14 if isinstance(value, bool) else None
                cases.append(Case(f"train_{side}-{key}={value!r}", cause, run, names(key)))
        for key, value in UNUSED.items():  # issue 25: a hyperparameter gradient descent ignores
            run = lambda _, f=f, kw={key: value}: f(SPEC, X5, Y5, **_fit(**kw))  # noqa: E731
            cases.append(Case(f"train_{side}-unused-{key}", None, run, names(key, "nothing")))
        run = lambda _, f=f: f(SPEC, X5, Y5, lr=0.1, num_iterations=2)  # noqa: E731
        cases.append(Case(f"train_{side}-unknown_keyword", None, run, names(r"\blr\b")))
        run = lambda _, f=f: f(SPEC, X5, Y5, {"learning_rate": 0.1})  # noqa: E731
        cases.append(Case(f"train_{side}-settings_dict", None, run, names("settings")))
        for key, value in SETTINGS_ACCEPTED.items():
            run = lambda _, f=f, kw={key: value}: f(SPEC, X5, Y5, **_fit(**kw))  # noqa: E731
            cases.append(Case(f"train_{side}-accepted-{key}={value!r}", 14, run, None))
    return cases
