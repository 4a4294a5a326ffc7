"""Hypothesis strategies for the fuzz half of issue 11's sweep: malformed layer sizes and spec
dicts, defective arrays, and config files that no command may accept. Every value drawn is bad
by construction (one defect planted in something valid), so a test may demand an error."""

from __future__ import annotations

import json
import math
import zipfile

import numpy as np
from hostile_files import archive, npy, patched
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sweep_files import SPEC

from scratch.documents import MAX_VALUES

# Sizes no machine holds (never a size NumPy would really allocate: the check must refuse them
# before anything is allocated, or NumPy fails at once).
HUGE = st.sampled_from([10**10, 10**12, 2**40, 2**63, 10**30])
BAD_COUNT = st.one_of(
    st.integers(max_value=0),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.none(),
    st.lists(st.integers(1, 3), max_size=2),
)
_NAMES = {"sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax", "zeros", "he"}
_NAMES |= {"small_random", "xavier", "binary_cross_entropy", "cross_entropy", "mse", "gd"}
_NAMES |= {"float32", "float64", "momentum", "rmsprop", "adam"}
BAD_NAME = st.text(max_size=12).filter(lambda s: s not in _NAMES)
# Words a parser cannot take for a number, a bool or null (no digits; not "nan", "inf", "yes").
_WORDS = {"nan", "inf", "infinity", "true", "false", "yes", "no", "on", "off", "y", "n", "null"}
WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8).filter(
    lambda s: s not in _WORDS and s not in _NAMES
)
OUT_OF_UNIT = st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0, exclude_min=True))
BAD_PROBABILITY = st.one_of(OUT_OF_UNIT, st.booleans(), st.text())
NOT_WHOLE = st.floats().filter(lambda v: not (v == v and v % 1 == 0))  # nan, inf, 2.5, ...


@st.composite
def bad_sizes(draw) -> list:
    """``build_spec`` sizes (input first) with one entry a non-count or too large to hold."""
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    sizes[-1] = 1
    at = draw(st.integers(0, len(sizes) - 1))
    sizes[at] = draw(st.one_of(BAD_COUNT, HUGE))
    return sizes


FIELD_VALUES = {  # a spec dict's field (layer 1's for the layer fields): its bad values
    "units": st.one_of(BAD_COUNT, HUGE),
    "activation": BAD_NAME,
    "negative_slope": st.one_of(st.floats(max_value=0.0, exclude_max=True), st.just(0.2)),
    "keep_prob": BAD_PROBABILITY,
    "batch_norm": st.one_of(st.text(), st.integers()),
    "input_size": st.one_of(BAD_COUNT, HUGE),
    "init": BAD_NAME,
    "loss": BAD_NAME,
    "dtype": BAD_NAME,
    "seed": st.one_of(st.integers(max_value=-1), st.booleans(), st.floats(), st.text()),
    "l2": st.one_of(st.floats(max_value=0.0, exclude_max=True), st.just(float("nan")), st.text()),
}
LAYER_FIELDS = ("units", "activation", "negative_slope", "keep_prob", "batch_norm")


@st.composite
def bad_spec_dicts(draw) -> tuple[dict, str]:
    """A spec file's dict with one field made bad, and that field's name. A ``negative_slope``
    of 0.2 goes on a tanh layer, where it means nothing (cause 15)."""
    field = draw(st.sampled_from(sorted(FIELD_VALUES)))
    spec = SPEC.to_dict()
    target = spec["layers"][0] if field in LAYER_FIELDS else spec
    target[field] = draw(FIELD_VALUES[field])
    return spec, field


DEFECTS = ("nan", "inf", "complex", "object", "str", "shape", "ndim", "empty")


@st.composite
def bad_inputs(draw) -> tuple[object, str]:
    """An ``X`` for ``SPEC`` (2 features) with one defect, and the defect's name."""
    defect = draw(st.sampled_from(DEFECTS))
    m = draw(st.integers(1, 6))
    X = draw(hnp.arrays(np.float64, (2, m), elements=st.floats(-3, 3)))
    if defect in ("nan", "inf"):
        X[draw(st.integers(0, 1)), draw(st.integers(0, m - 1))] = (
            np.nan if defect == "nan" else -np.inf
        )
    elif defect == "complex":
        X = X + 1j * draw(st.floats(-1, 1))
    elif defect in ("object", "str"):
        X = X.astype(object if defect == "object" else str)
    elif defect == "shape":
        X = np.zeros((draw(st.integers(0, 5).filter(lambda n: n != 2)), m))
    elif defect == "ndim":
        X = np.zeros(draw(hnp.array_shapes(min_dims=0, max_dims=4).filter(lambda s: len(s) != 2)))
    else:
        X = np.zeros((2, 0))
    return X, defect


SHARED_KEYS = ("dataset", "keep_prob", "layers", "seed")  # train's, compare's and gradcheck's
COUNT_VALUES = st.one_of(st.integers(max_value=0), st.booleans(), NOT_WHOLE, WORD)
CONFIG_KEYS = {  # a config key: values of the wrong type or out of range
    "learning_rate": st.one_of(WORD, st.lists(st.floats(), min_size=1), st.floats(max_value=0)),
    "iterations": COUNT_VALUES,
    "batch_size": COUNT_VALUES,
    "seed": st.one_of(st.integers(max_value=-1), st.booleans(), NOT_WHOLE, WORD),
    "layers": st.one_of(WORD, st.lists(st.integers(max_value=0), min_size=2, max_size=4)),
    "keep_prob": st.one_of(OUT_OF_UNIT, WORD),
    "dataset": st.one_of(
        WORD, st.lists(WORD, min_size=1), st.dictionaries(WORD, st.integers(), min_size=1)
    ),
    "optimizer": st.one_of(WORD, st.integers(), st.lists(WORD)),
    "quiet": st.one_of(WORD, st.integers(2)),
}


@st.composite
def bad_configs(draw, deepest: int = 100_000, keys: tuple[str, ...] | None = None) -> bytes:
    """A config file no command may accept: bytes that are not UTF-8, nesting (lists or
    mappings, up to ``deepest`` deep), or a known key (of ``keys``, default all) holding a
    value of the wrong type. A key another command owns is not this command's to refuse."""
    kind = draw(st.sampled_from(["bytes", "deep", "typed"]))
    if kind == "bytes":
        data = draw(st.binary(max_size=64))
        at = draw(st.integers(0, len(data)))
        return (
            data[:at] + draw(st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3", b"\x80"])) + data[at:]
        )
    if kind == "deep":
        depth = draw(st.sampled_from([d for d in (1, 2, 50, 1000, 100_000) if d <= deepest]))
        if draw(st.booleans()):
            return ("[" * depth + "]" * depth).encode()
        return ('{"seed": ' * (depth + 1) + "1" + "}" * (depth + 1)).encode()
    key = draw(st.sampled_from(sorted(keys or CONFIG_KEYS)))
    return json.dumps({key: draw(CONFIG_KEYS[key])}, allow_nan=True).encode()


# Issue 25: the course's functions called by hand, and config files whose settings do not all
# count (two names of one setting, a file naming another, a setting the run does not read).

NAN, INF = float("nan"), float("inf")
BAD_DECAY = st.one_of(  # a beta outside [0, 1)
    st.floats(min_value=1.0), st.floats(max_value=0.0, exclude_max=True), st.just(NAN)
)
BAD_POSITIVE = st.one_of(st.floats(max_value=0.0), st.sampled_from([NAN, INF, -INF]))
BAD_NON_NEGATIVE = st.one_of(
    st.floats(max_value=0.0, exclude_max=True), st.sampled_from([NAN, INF])
)
BAD_EPOCH = st.one_of(st.integers(max_value=-1), NOT_WHOLE, st.booleans())
COURSE_ARGUMENTS = {  # (function, argument): its bad values
    ("update_parameters_with_momentum", "beta"): BAD_DECAY,
    ("update_parameters_with_momentum", "learning_rate"): BAD_POSITIVE,
    ("update_parameters_with_rmsprop", "beta2"): BAD_DECAY,
    ("update_parameters_with_rmsprop", "epsilon"): BAD_POSITIVE,
    ("update_parameters_with_adam", "beta1"): BAD_DECAY,
    ("update_parameters_with_adam", "beta2"): BAD_DECAY,
    ("update_parameters_with_adam", "epsilon"): BAD_POSITIVE,
    ("update_parameters_with_adam", "t"): st.one_of(st.integers(max_value=0), NOT_WHOLE),
    ("update_lr", "learning_rate0"): BAD_POSITIVE,
    ("update_lr", "epoch_num"): BAD_EPOCH,
    ("update_lr", "decay_rate"): BAD_NON_NEGATIVE,
    ("schedule_lr_decay", "time_interval"): st.one_of(st.integers(max_value=0), NOT_WHOLE),
}


@st.composite
def bad_course_arguments(draw) -> tuple[str, str, object]:
    """A course function, one of its hyperparameters, and a value of it that gives NaN or a
    ZeroDivisionError unchecked."""
    function, argument = draw(st.sampled_from(sorted(COURSE_ARGUMENTS)))
    return function, argument, draw(COURSE_ARGUMENTS[(function, argument)])


@st.composite
def mismatched_layers(draw) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """``A_prev``, ``W``, ``b`` of ``linear_forward`` with one of them shaped to not fit the
    others (another row count, or another number of axes), and its name."""
    n, n_prev, m = (draw(st.integers(1, 5)) for _ in range(3))
    shapes = {"A_prev": (n_prev, m), "W": (n, n_prev), "b": (n, 1)}
    which = draw(st.sampled_from(sorted(shapes)))
    rows = draw(st.integers(1, 6).filter(lambda k: k != shapes[which][0]))
    wrong = {
        "A_prev": [(rows, m), (n_prev,), (1, n_prev, m)],
        "W": [(n_prev,), (1, n, n_prev)],
        "b": [(rows, 1), (n,), (1, n, 1)],
    }
    shapes[which] = draw(st.sampled_from(wrong[which]))
    return (*(np.ones(shapes[name]) for name in ("A_prev", "W", "b")), which)


UNREAD = {"beta": 0.5, "beta1": 0.5, "beta2": 0.9, "epsilon": 1e-3, "decay_interval": 3}
ALIASES = [("lr", "learning_rate"), ("batch-size", "batch_size"), ("keep-prob", "keep_prob")]


@st.composite
def configs_not_all_counted(draw) -> tuple[bytes, tuple[str, ...]]:
    """A config file one of whose settings would not count, and the names the refusal must
    give: two names of one setting, a file naming another, both ways to give the run's
    length, or a hyperparameter plain gradient descent does not read."""
    kind = draw(st.sampled_from(["alias", "config", "length", "unread"]))
    if kind == "alias":
        a, b = draw(st.permutations(draw(st.sampled_from(ALIASES))))
        value = {"lr": 0.5, "learning_rate": 0.5, "keep-prob": 0.8, "keep_prob": 0.8}
        text = {a: value.get(a, 16), b: value.get(b, 16)}
        names: tuple[str, ...] = (a, b)
    elif kind == "config":
        text, names = {"config": draw(WORD) + ".yaml"}, ("config",)
    elif kind == "length":
        text = {"iterations": draw(st.integers(1, 9)), "epochs": draw(st.integers(1, 9))}
        names = ("iterations", "epochs")
    else:
        key = draw(st.sampled_from(sorted(UNREAD)))
        text, names = {key: UNREAD[key]}, (key,)
    order = draw(st.permutations(list(text)))
    return json.dumps({key: text[key] for key in order}).encode(), names


# Issue 20: archives with random headers and documents with random nesting and aliases. Unlike
# the strategies above, these draw good files too; each says what a reader must make of it.

ARCHIVE_DTYPES = ["<f8", "<f4", "<i8", "|u1", "|b1", "<U4", "|V8", "|O"]
ARCHIVE_DIMS = st.one_of(
    st.integers(0, 6), st.integers(0, 6), st.integers(0, 6), st.sampled_from([2**31, 2_000_000])
)


@st.composite
def hostile_archives(draw) -> tuple[bytes, dict[str, tuple[tuple, str, bytes]] | None]:
    """An ``.npz`` of one to three members with random headers, and what it holds: each
    member's declared shape, dtype and data, or ``None`` when the archive must be refused (a
    header whose size is not what the member holds, an array of objects, a name given twice,
    an encrypted member, a compression NumPy never writes, a size field that lies)."""
    names = draw(st.lists(st.sampled_from(["X", "Y", "W1", "spec"]), min_size=1, max_size=3))
    members, held, good = [], {}, len(set(names)) == len(names)
    for name in names:
        shape = tuple(draw(st.lists(ARCHIVE_DIMS, max_size=3)))
        dtype = draw(st.sampled_from(ARCHIVE_DTYPES))
        size = math.prod(shape) * np.dtype(dtype).itemsize
        exact = size <= 256 and draw(st.sampled_from([True, True, False]))
        data = (
            draw(st.binary(min_size=size, max_size=size))
            if exact
            else bytes(draw(st.integers(0, 64)))
        )
        good = good and exact and dtype != "|O"
        members.append((f"{name}.npy", npy(shape=shape, dtype=dtype, data=data)))
        held[name] = (shape, dtype, data)
    compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    raw = archive(members, compression)
    lie = draw(st.sampled_from(["none", "none", "none", "flags", "method", "size"]))
    if lie == "flags":
        raw = patched(raw, flags=1)
    elif lie == "method":
        raw = patched(raw, method=draw(st.sampled_from([12, 14, 99])))
    elif lie == "size":
        raw = patched(raw, size=draw(st.sampled_from([2**31, 2**32 - 1, 10**6])))
    return raw, held if good and lie == "none" else None


@st.composite
def aliased_documents(draw) -> tuple[str, int, str | None, object]:
    """A YAML mapping ``a0: &a0 ..., a1: &a1 ...`` whose levels are flow lists or mappings of
    scalars, small lists and aliases to earlier levels (or, now and then, to themselves), with
    now and then a key given twice. Returns the text, its values counted with every alias
    expanded, the refusal it calls for (``"alias"``, ``"values"``, ``"key"`` or ``None``) and,
    for a document to accept, the data it holds."""
    bomb = draw(st.sampled_from([False, False, True]))  # each item aliases the level before
    levels = draw(st.integers(8, 9) if bomb else st.integers(1, 6))
    sizes: list[int] = []
    data: dict[str, object] = {}
    lines, cycle, twice = [], False, False
    for level in range(levels):
        width = draw(st.integers(5, 12) if bomb else st.integers(0, 12))
        texts, values, size = [], [], 1
        for _ in range(width):
            kind = draw(
                st.sampled_from(["scalar", "list", "alias"] if level else ["scalar", "list"])
            )
            if kind == "scalar":
                value = draw(st.integers(-9, 9))
                texts.append(str(value))
                values.append(value)
                size += 1
            elif kind == "list":
                value = draw(st.lists(st.integers(0, 9), max_size=3))
                texts.append(json.dumps(value))
                values.append(value)
                size += 1 + len(value)
            else:
                target = level - 1 if bomb else draw(st.integers(0, level - 1))
                texts.append(f"*a{target}")
                values.append(data[f"a{target}"])
                size += sizes[target]
        if width and draw(st.sampled_from([False] * 49 + [True])):  # an alias of its own node
            texts[-1], cycle = f"*a{level}", True
        if draw(st.booleans()):  # a mapping: k0, k1, ... (one given twice, now and then)
            keys = [f"k{i}" for i in range(width)]
            if width > 1 and draw(st.integers(0, 9)) == 0:
                keys[-1], twice = keys[0], True
            body = "{" + ", ".join(f"{k}: {t}" for k, t in zip(keys, texts, strict=True)) + "}"
            value = dict(zip(keys, values, strict=True))
            size += width
        else:
            body, value = "[" + ", ".join(texts) + "]", values
        lines.append(f"a{level}: &a{level} {body}")
        sizes.append(size)
        data[f"a{level}"] = value
    total = 1 + sum(1 + size for size in sizes)
    refusal = "alias" if cycle else "values" if total > MAX_VALUES else "key" if twice else None
    return "\n".join(lines) + "\n", total, refusal, None if refusal else data
