"""The API half of the sweep (issue 11), part three: bad files (weights, specs, checkpoints),
the course functions and the gradient check called directly, the course's functions called by
hand with what would give NaN or NumPy's wording (issue 25), and the data sets' options
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


# Issue 25: each hyperparameter of the course's one-step functions, its bad values (a beta of 1
# never lets a gradient in, epsilon 0 divides by 0, a negative epoch divides by 0 in update_lr)
HYPERPARAMETERS_BAD = {
    "beta": [1, 1.0, 1.5, -0.1, np.nan, np.inf, "0.9", True, None],
    "beta1": [1, 1.5, -0.1, np.nan],
    "beta2": [1, 1.0, 2, np.nan],
    "epsilon": [0, 0.0, -1e-8, np.nan, np.inf, "1e-8"],
    "learning_rate": [0, -0.1, np.nan],
    "t": [0, -1, 1.5, True],
    "learning_rate0": [0, -0.1, np.inf],
    "epoch_num": [-1, 1.5, np.nan, "2"],
    "decay_rate": [-1, np.nan, np.inf],
    "time_interval": [0, -1000, 2.5],
}


def course_argument_cases() -> list[Case]:
    """Issue 25: the course's optimizer steps and decays with each hyperparameter made bad, and
    the per-layer steps with shapes or types that NumPy would refuse in its own words (or
    broadcast): one error naming the function and the argument. And what the course passes."""
    v, s = scratch.initialize_adam(P)
    grads = {f"d{key}": np.full_like(value, 0.1) for key, value in P.items()}
    steps = {
        "update_parameters_with_momentum": lambda beta=0.9, learning_rate=0.1: (
            scratch.update_parameters_with_momentum(P, grads, v, beta, learning_rate)
        ),
        "update_parameters_with_rmsprop": lambda beta2=0.9, learning_rate=0.1, epsilon=1e-8: (
            scratch.update_parameters_with_rmsprop(P, grads, s, beta2, learning_rate, epsilon)
        ),
        "update_parameters_with_adam": lambda t=1, **hyper: scratch.update_parameters_with_adam(
            P, grads, v, s, t, **hyper
        ),
        "update_lr": lambda learning_rate0=0.1, epoch_num=1, decay_rate=1.0: scratch.update_lr(
            learning_rate0, epoch_num, decay_rate
        ),
        "schedule_lr_decay": lambda learning_rate0=0.1, epoch_num=1, decay_rate=1.0, **rest: (
            scratch.schedule_lr_decay(learning_rate0, epoch_num, decay_rate, **rest)
        ),
    }
    takes = {
        "update_parameters_with_momentum": ("beta", "learning_rate"),
        "update_parameters_with_rmsprop": ("beta2", "epsilon", "learning_rate"),
        "update_parameters_with_adam": ("t", "beta1", "beta2", "epsilon", "learning_rate"),
        "update_lr": ("learning_rate0", "epoch_num", "decay_rate"),
        "schedule_lr_decay": ("learning_rate0", "epoch_num", "decay_rate", "time_interval"),
    }
    cases = []
    for function, arguments in takes.items():
        for argument in arguments:
            for value in HYPERPARAMETERS_BAD[argument]:
                run = lambda _, f=steps[function], kw={argument: value}: f(**kw)  # noqa: E731
                match = names(f"^{function}: {argument}\\b")
                cases.append(Case(f"course-{function}-{argument}={value!r}", None, run, match))
    A, W, b = X5, np.ones((3, 2)), np.zeros((3, 1))
    cache = (A, W, b)
    shapes = {
        "linear_forward-A_prev_rows": (lambda: scratch.linear_forward(A.T, W, b), "A_prev"),
        "linear_forward-W_list": (lambda: scratch.linear_forward(A, W.tolist(), b), r"\bW\b"),
        "linear_forward-b_rows": (lambda: scratch.linear_forward(A, W, b[:2]), r"\bb\b"),
        "linear_forward-b_1d": (lambda: scratch.linear_forward(A, W, b[:, 0]), r"\bb\b"),
        "linear_forward-W_3d": (lambda: scratch.linear_forward(A, W[None], b), r"\bW\b"),
        "linear_activation_forward-A_prev_complex": (
            lambda: scratch.linear_activation_forward(A + 1j, W, b, "relu"),
            "A_prev",
        ),
        "linear_backward-dZ_columns": (
            lambda: scratch.linear_backward(np.ones((3, 4)), cache),
            "dZ",
        ),
        "linear_backward-dZ_rows": (lambda: scratch.linear_backward(np.ones((2, 5)), cache), "dZ"),
        "linear_backward-cache_pair": (
            lambda: scratch.linear_backward(np.ones((3, 5)), (A, W)),
            "cache",
        ),
        "linear_backward-l2_nan": (
            lambda: scratch.linear_backward(np.ones((3, 5)), cache, np.nan),
            "l2",
        ),
        "linear_activation_backward-dA": (
            lambda: scratch.linear_activation_backward(
                np.ones((3, 4)), (cache, (np.ones((3, 5)), np.ones((3, 5)))), "tanh"
            ),
            "dA",
        ),
        "update_parameters-grad_list": (
            lambda: scratch.update_parameters(P, grads | {"dW1": grads["dW1"].tolist()}, 0.1),
            "dW1",
        ),
        "initialize_adam-list": (lambda: scratch.initialize_adam(list(P.values())), "parameters"),
    }
    for key, (call, argument) in shapes.items():
        function = key.split("-")[0]
        match = names(f"^{function}: ", argument)
        cases.append(Case(f"course-{key}", None, lambda _, f=call: f(), match))
    accepted = {
        "momentum_beta_0": lambda: steps["update_parameters_with_momentum"](beta=0.0),
        "update_lr_int_decay": lambda: scratch.update_lr(0.5, 2, 1),
        "update_lr_int64_epoch": lambda: scratch.update_lr(0.5, np.int64(2), 1.0),
        "adam_int64_t": lambda: steps["update_parameters_with_adam"](t=np.int64(3)),
    }
    cases += [
        Case(f"accepted-course-{key}", None, lambda _, f=f: f(), None)
        for key, f in accepted.items()
    ]
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
    groups += (course_cases, course_argument_cases, dataset_cases)
    return [case for group in groups for case in group()]
