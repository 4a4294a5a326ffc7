"""The API half of the sweep (issue 11), part two: bad specs (sizes, fields, layers, dicts, JSON)
and networks too large for memory (``Case`` and ``names`` as in ``sweep_cases``)."""

from __future__ import annotations

import numpy as np
from sweep_cases import SPEC, X5, Y5, Case, names

import scratch
from scratch import Layer, NetworkSpec

TOO_BIG = (ValueError, MemoryError)  # refused before allocating, saying what it would need
NEEDS = "(?=.*(need|would))(?=.*(available|memory))"  # not NumPy's "Unable to allocate 14.6 TiB"

SIZES_BAD = {  # build_spec sizes: what the message must name
    "zero_units": ([2, 0, 1], "units|layer 1"),
    "negative_units": ([2, -1, 1], "units|layer 1"),
    "bool_units": ([2, True, 1], "units|layer 1"),
    "float_units": ([2, 2.5, 1], "units|layer 1"),
    "str_units": ([2, "3", 1], "units|layer 1"),
    "none_units": ([2, None, 1], "units|layer 1"),
    "zero_input": ([0, 3, 1], "input_size"),
    "bool_input": ([True, 3, 1], "input_size"),
    "one_size": ([2], "sizes|layer"),
    "no_sizes": ([], "sizes|layer"),
    "output_two_units_bce": ([2, 3, 2], "output|unit"),
}
FIELDS_BAD = {  # build_spec keyword: bad values; the message names the keyword
    "init": ["heh", 3, None],
    "dtype": ["float16", "int64"],
    "l2": [-1, np.nan, np.inf, "0.1", True],
    "seed": [-1, 1.5, True, "0"],
    "batch_norm_momentum": [2, np.nan],
    "batch_norm_eps": [0, -1],
}
HIDDEN_BAD = {  # a hidden Layer's field: bad values
    "keep_prob": [0, 1.5, -0.5, np.nan, True, "0.5"],
    "batch_norm": ["yes", 1],
    "activation": ["tanhh", "softmax", None],
    "negative_slope": [-0.1, np.nan],
}
DICTS_BAD = {  # NetworkSpec.from_dict: the dict, what the message names
    "not_a_dict": ([1, 2], "mapping|dict|spec"),
    "no_input_size": ({"layers": [{"units": 1, "activation": "sigmoid"}]}, "input_size"),
    "no_layers": ({"input_size": 2}, "layers"),
    "layers_empty": ({"input_size": 2, "layers": []}, "layers"),
    "layers_a_dict": ({"input_size": 2, "layers": {"units": 1}}, "layers"),
    "layer_a_list": ({"input_size": 2, "layers": [[1, "sigmoid"]]}, "layer 1"),
    "layer_no_units": ({"input_size": 2, "layers": [{"activation": "sigmoid"}]}, "units"),
    "unknown_field": (SPEC.to_dict() | {"colour": "blue"}, "colour"),
    "layer_unknown_field": (
        {"input_size": 2, "layers": [{"units": 1, "activation": "sigmoid", "dropout": 0.5}]},
        "dropout",
    ),
}
JSON_BAD = {
    "truncated": ("{", "json"),
    "null": ("null", "mapping|dict|spec"),
    "string": ('"spec"', "mapping|dict|spec"),
    "deep": ("[" * 100_000 + "]" * 100_000, "deep|nest|json"),  # cause 3
    "deep_dict": ('{"a":' * 100_000 + "1" + "}" * 100_000, "deep|nest|json"),  # cause 3
}


def _spec_with(hidden: dict) -> NetworkSpec:
    return NetworkSpec(
        2, (Layer(**{"units": 3, "activation": "tanh", **hidden}), Layer(1, "sigmoid"))
    )


def spec_cases() -> list[Case]:
    cases = []
    for kind, (sizes, problem) in SIZES_BAD.items():
        cases.append(
            Case(
                f"build_spec-{kind}", None, lambda _, s=sizes: scratch.build_spec(s), names(problem)
            )
        )
    cases.append(
        Case(
            "build_spec-unknown_activation",
            None,
            lambda _: scratch.build_spec([2, 3, 1], "tanhh"),
            names("activation", "tanhh"),
        )
    )
    cases.append(
        Case(
            "build_spec-unknown_loss",
            None,
            lambda _: scratch.build_spec([2, 3, 1], loss="msee"),
            names("loss", "msee"),
        )
    )
    cases.append(
        Case(
            "build_spec-unknown_keyword",
            None,
            lambda _: scratch.build_spec([2, 3, 1], colour=1),
            names("colour"),
        )
    )
    for key, values in FIELDS_BAD.items():
        for value in values:
            run = lambda _, kw={key: value}: scratch.build_spec([2, 3, 1], **kw)  # noqa: E731
            cases.append(Case(f"build_spec-{key}={value!r}", None, run, names(key)))
    for key, values in HIDDEN_BAD.items():
        for value in values:
            run = lambda _, kw={key: value}: _spec_with(kw)  # noqa: E731
            cases.append(Case(f"NetworkSpec-{key}={value!r}", None, run, names("layer 1", key)))
    out = lambda _: NetworkSpec(2, (Layer(3, "tanh"), Layer(1, "sigmoid", keep_prob=0.5)))  # noqa: E731
    cases.append(Case("NetworkSpec-keep_prob_on_output", None, out, names("layer 2", "keep_prob")))
    for activation in ("tanh", "relu", "sigmoid", "identity"):  # cause 15
        run = lambda _, a=activation: NetworkSpec(  # noqa: E731
            2, (Layer(3, a, negative_slope=0.2), Layer(1, "sigmoid"))
        )
        cases.append(
            Case(
                f"NetworkSpec-negative_slope_on_{activation}",
                15,
                run,
                names("layer 1", "negative_slope"),
            )
        )
    for kind, (data, problem) in DICTS_BAD.items():
        cases.append(
            Case(
                f"from_dict-{kind}",
                None,
                lambda _, d=data: NetworkSpec.from_dict(d),
                names(problem),
            )
        )
    for kind, (text, problem) in JSON_BAD.items():
        cause = 3 if kind.startswith("deep") else None
        cases.append(
            Case(
                f"from_json-{kind}",
                cause,
                lambda _, t=text: NetworkSpec.from_json(t),
                names(problem),
            )
        )
    cases.append(
        Case(
            "accepted-numpy_int_sizes",
            14,
            lambda _: scratch.build_spec([np.int64(2), np.int64(3), 1]),
            None,
        )
    )
    cases.append(
        Case(
            "accepted-leaky_slope",
            15,
            lambda _: NetworkSpec(
                2, (Layer(3, "leaky_relu", negative_slope=0.2), Layer(1, "sigmoid"))
            ),
            None,
        )
    )
    return cases


def huge_cases() -> list[Case]:
    """Cause 2: a network too large for memory is refused before anything is allocated."""
    cases = []
    for sizes in ([2, 10**12, 1], [2, 10**10, 1], [2, 10**5, 10**5, 1]):
        run = lambda _, s=sizes: scratch.initialize_parameters(scratch.build_spec(s))  # noqa: E731
        cases.append(Case(f"initialize_parameters-{sizes}", 2, run, NEEDS, TOO_BIG))
        run = lambda _, s=sizes: scratch.train(  # noqa: E731
            scratch.build_spec(s), X5, Y5, learning_rate=0.1, num_iterations=1
        )
        cases.append(Case(f"train-{sizes}", 2, run, NEEDS, TOO_BIG))
    wide = scratch.build_spec([2, 10**6, 1])  # 3e6 parameters; 1e11 activations for 1e5 examples
    X, Y = np.zeros((2, 10**5)), np.zeros((1, 10**5), np.int64)
    run = lambda _: scratch.train(wide, X, Y, learning_rate=0.1, num_iterations=1)  # noqa: E731
    cases.append(Case("train-activations_too_big", 2, run, NEEDS, TOO_BIG))
    return cases
