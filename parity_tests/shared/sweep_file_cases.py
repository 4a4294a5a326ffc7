"""The API half of the sweep (issue 11), part three: bad files (weights, specs, checkpoints),
the course functions and the gradient check called directly, and the data sets' options
(``Case`` and ``names`` as in ``sweep_cases``); ``all_cases`` gathers the three parts."""

from __future__ import annotations

import numpy as np
from sweep_cases import SPEC, X5, Y5, Case, P, names
from sweep_files import write

import scratch

NO_FILE = (ValueError, TypeError, OSError)  # a missing file may be FileNotFoundError

FILE_KINDS = {  # load_weights of a file of each kind: cause
    "missing": None,
    "dir": None,
    "text": 4,
    "npy": 4,
    "random": None,
    "empty": None,
    "non_utf8": 3,
    "pickled_npz": 4,
    "nan_weights": 1,
    "inf_weights": 1,
    "bad_spec_weights": 17,
    "junk_spec_weights": 17,
    "spec_not_utf8_weights": 3,
    "no_spec_weights": None,
    "shape_weights": None,
}
SPEC_FILE_KINDS = {  # load_spec of a file of each kind: (suffix, cause)
    "missing": (".json", None),
    "dir": (".json", None),
    "text": (".json", None),
    "non_utf8": (".json", 3),
    "latin1": (".yaml", 3),
    "non_utf8_yaml": (".yaml", 3),
    "deep_json": (".json", 3),
    "deep_yaml": (".yaml", 3),
    "deep_dict": (".json", 3),
    "list_json": (".json", None),
    "empty": (".yaml", None),
    "random": (".yaml", None),
    "npy": (".json", None),
    "spec_slope_tanh": (".json", 15),
    "spec_unknown_field": (".json", None),
    "spec_units_zero": (".json", None),
}


def file_cases() -> list[Case]:
    """Every kind of bad file at ``load_weights``, ``load_spec`` and the checkpoint converter;
    the message names the file."""
    cases = []
    for kind, cause in FILE_KINDS.items():
        run = lambda tmp, k=kind: scratch.load_weights(write(tmp, k, "w.npz"))  # noqa: E731
        cases.append(Case(f"load_weights-{kind}", cause, run, names(r"w\.npz"), NO_FILE))
    for kind, (suffix, cause) in SPEC_FILE_KINDS.items():
        source = "non_utf8" if kind == "non_utf8_yaml" else kind
        run = lambda tmp, k=source, s=suffix: scratch.load_spec(write(tmp, k, "s" + s))  # noqa: E731
        cases.append(Case(f"load_spec-{kind}", cause, run, names(r"s\.(json|yaml)"), NO_FILE))
    for kind in ("missing", "text", "random", "npy", "empty", "dir"):  # cause 13
        run = lambda tmp, k=kind: _to_weights(write(tmp, k, "c.ckpt"), tmp / "out.npz")  # noqa: E731
        cases.append(Case(f"checkpoint_to_weights-{kind}", 13, run, names(r"c\.ckpt"), NO_FILE))
    run = lambda tmp: _to_weights(_bare_checkpoint(tmp / "c.ckpt"), tmp / "out.npz")  # noqa: E731
    cases.append(
        Case("checkpoint_to_weights-no_hyperparameters", 13, run, names(r"c\.ckpt"), NO_FILE)
    )
    return cases


def _to_weights(checkpoint, weights):
    from torch_impl.checkpoints import checkpoint_to_weights

    return checkpoint_to_weights(checkpoint, weights)


def _bare_checkpoint(path):
    import torch

    torch.save({"state_dict": {}, "epoch": 0}, path)
    return path


def course_cases() -> list[Case]:
    """Cause 11 and 12: the course functions and the gradient check called directly."""
    AL, caches = scratch.L_model_forward(X5, P, SPEC)
    grads = scratch.L_model_backward(AL, Y5, caches, SPEC)
    less = lambda key: {k: v for k, v in grads.items() if k != key}  # noqa: E731
    calls = {
        "L_model_backward-one_cache": (
            lambda: scratch.L_model_backward(AL, Y5, caches[:1], SPEC),
            "cache",
        ),
        "L_model_backward-no_caches": (lambda: scratch.L_model_backward(AL, Y5, [], SPEC), "cache"),
        "L_model_backward-caches_str": (
            lambda: scratch.L_model_backward(AL, Y5, "caches", SPEC),
            "cache",
        ),
        "L_model_backward-AL_shape": (
            lambda: scratch.L_model_backward(AL[:, :3], Y5, caches, SPEC),
            "AL|shape",
        ),
        "L_model_backward-spec_dict": (
            lambda: scratch.L_model_backward(AL, Y5, caches, SPEC.to_dict()),
            "spec",
        ),
        "L_model_forward-spec_dict": (
            lambda: scratch.L_model_forward(X5, P, SPEC.to_dict()),
            "spec",
        ),
        "L_model_forward-spec_none": (lambda: scratch.L_model_forward(X5, P, None), "spec"),
        "compute_cost-spec_dict": (lambda: scratch.compute_cost(AL, Y5, SPEC.to_dict()), "spec"),
        "compute_cost-ZL_shape": (
            lambda: scratch.compute_cost(AL[:, :3], Y5, SPEC),
            r"shape|\bY\b",
        ),
        "initialize_parameters-spec_dict": (
            lambda: scratch.initialize_parameters(SPEC.to_dict()),
            "spec",
        ),
        "update_parameters-missing_dW2": (
            lambda: scratch.update_parameters(P, less("dW2"), 0.1),
            "dW2",
        ),
        "update_parameters-missing_db1": (
            lambda: scratch.update_parameters(P, less("db1"), 0.1),
            "db1",
        ),
        "update_parameters-shape_dW1": (
            lambda: scratch.update_parameters(P, grads | {"dW1": np.zeros((2, 2))}, 0.1),
            "dW1",
        ),
        "update_parameters-grads_none": (lambda: scratch.update_parameters(P, None, 0.1), "grads"),
    }
    for rate in (np.nan, np.inf, -np.inf, "0.1", None):
        calls[f"update_parameters-learning_rate={rate!r}"] = (
            lambda r=rate: scratch.update_parameters(P, grads, r),
            "learning.rate",
        )
    cases = [
        Case(key, 11, lambda _, f=f: f(), names(problem)) for key, (f, problem) in calls.items()
    ]
    for eps in (0, 0.0, -1e-7, np.nan, np.inf, "1e-7", True, None):
        run = lambda _, e=eps: scratch.gradient_check(P, X5, Y5, SPEC, epsilon=e)  # noqa: E731
        cases.append(Case(f"gradient_check-epsilon={eps!r}", 12, run, names("epsilon")))
    for key in ("W1", "b2"):
        p = P | {key: np.full_like(P[key], np.nan)}
        run = lambda _, p=p: scratch.gradient_check(p, X5, Y5, SPEC)  # noqa: E731
        cases.append(Case(f"gradient_check-nan_{key}", 12, run, names(key, "nan|finite")))
    cases.append(
        Case(
            "accepted-gradient_check_epsilon_1e-5",
            12,
            lambda _: scratch.gradient_check(P, X5, Y5, SPEC, epsilon=1e-5),
            None,
        )
    )
    return cases


def dataset_cases() -> list[Case]:
    """Cause 5 and the built-in data sets' options."""
    bad = {
        "planar-m=0": ("planar", {"m": 0}, r"\bm\b", 5),
        "planar-m=-3": ("planar", {"m": -3}, r"\bm\b", 5),
        "planar-m=1.5": ("planar", {"m": 1.5}, r"\bm\b", 5),
        "planar-m=True": ("planar", {"m": True}, r"\bm\b", 5),
        "moons-m=0": ("moons", {"m": 0}, r"\bm\b", 5),
        "spiral-classes=0": ("spiral", {"classes": 0}, "classes", None),
        "moons-noise=nan": ("moons", {"noise": np.nan}, "noise", None),
        "unknown_option": ("planar", {"colour": 1}, "colour", None),
        "unknown_name": ("flower", {}, "flower", None),
    }
    cases = [
        Case(
            f"load_dataset-{key}",
            cause,
            lambda _, n=n, o=o: scratch.load_dataset(n, **o),
            names(problem),
        )
        for key, (n, o, problem, cause) in bad.items()
    ]
    for fraction in (0, 1, np.nan, -0.5):
        run = lambda _, f=fraction: scratch.train_test_split(X5, Y5, f)  # noqa: E731
        cases.append(Case(f"train_test_split-{fraction!r}", None, run, names("test_fraction")))
    cases.append(
        Case(
            "accepted-planar_m_int64",
            14,
            lambda _: scratch.load_dataset("planar", m=np.int64(40)),
            None,
        )
    )
    return cases


def all_cases() -> list[Case]:
    from sweep_cases import data_cases, params_cases, settings_cases
    from sweep_spec_cases import huge_cases, spec_cases

    groups = (data_cases, params_cases, settings_cases, spec_cases, huge_cases, file_cases)
    return [case for group in (*groups, course_cases, dataset_cases) for case in group()]
