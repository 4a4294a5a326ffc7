"""Run settings: every flag of every command in one table (``RunConfig``), read from the command
line and from a YAML or JSON file, and the layer spec they describe.

Precedence, lowest first: the defaults below, the run being resumed (``--resume``), the config
file (``--config run.yaml``), the flags typed on the command line. A training run saves what it
used as ``config.yaml``, with the spec written out in full, so ``--config runs/<name>/config.yaml``
repeats it. A config file may hold any setting of any command; a command uses its own.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, NoReturn

import yaml

import scratch
from scratch import Layer, NetworkSpec
from scratch.spec import DTYPES, INITS, LOSS_OUTPUT, LOSSES, is_finite_real, is_int
from scripts.data import Data
from scripts.errors import UserError

TRAIN, COMPARE, GRADCHECK = "train", "compare", "gradcheck"
ALL = frozenset({TRAIN, COMPARE, GRADCHECK})
IMPLS = ("both", "scratch", "torch")
DEFAULT_HIDDEN_UNITS = 4
DEFAULT_HIDDEN_ACTIVATION = "tanh"
SPEC_FIELDS = ("layers", "activation", "init", "loss", "l2", "dtype", "seed")
# What a resumed run does not take over from the run it continues: it gets a folder of its own
# and its weights come from that run.
RUN_IDENTITY = ("name", "overwrite")
NOT_RESUMED = (*RUN_IDENTITY, "resume", "weights")


@dataclass(frozen=True)
class Kind:
    """What a setting holds: ``check`` for values from a file, ``cli`` for ``add_argument``."""

    means: str
    check: Callable[[Any], bool]
    cli: Mapping[str, Any]
    metavar: str | None = None


TEXT = Kind("a string", lambda v: isinstance(v, str), {"type": str})
COUNT = Kind("a positive integer", lambda v: is_int(v) and v >= 1, {"type": int}, "N")
SEED = Kind("a non-negative integer", lambda v: is_int(v) and v >= 0, {"type": int}, "N")
RATE = Kind("a positive number", lambda v: is_finite_real(v) and v > 0, {"type": float}, "X")
L2 = Kind("a number >= 0", lambda v: is_finite_real(v) and v >= 0, {"type": float}, "X")
FRACTION = Kind(
    "a number between 0 and 1", lambda v: is_finite_real(v) and 0 < v < 1, {"type": float}, "X"
)
FLAG = Kind("true or false", lambda v: isinstance(v, bool), {"action": "store_true"})
SIZES = Kind(
    "a list of positive integers",
    lambda v: isinstance(v, list) and bool(v) and all(is_int(n) and n >= 1 for n in v),
    {"type": int, "nargs": "+"},
)
LABELS = Kind(
    "a list of class labels (integers >= 0)",
    lambda v: isinstance(v, list) and bool(v) and all(is_int(n) and n >= 0 for n in v),
    {"type": int, "nargs": "+"},
)
NAMES = Kind(
    "a name or a list of names",
    lambda v: isinstance(v, str) or (isinstance(v, list) and all(isinstance(s, str) for s in v)),
    {"nargs": "+"},
)
SPEC = Kind(
    "a spec file path or the spec's fields",
    lambda v: isinstance(v, str | dict),
    {"type": str},
    "FILE",
)


def _about(
    help: str,
    kind: Kind,
    commands: frozenset[str] = ALL,
    *,
    aliases: tuple[str, ...] = (),
    choices: tuple[str, ...] | None = None,
    metavar: str | None = None,
) -> dict[str, Any]:
    """A setting's metadata: its help, kind, the commands that use it and its flag's extras."""
    return {
        "help": help,
        "kind": kind,
        "commands": commands,
        "aliases": aliases,
        "choices": choices,
        "metavar": metavar,
    }


TRAIN_ONLY = frozenset({TRAIN})


@dataclass
class RunConfig:
    """Every setting; ``None`` means "not given: derived from the spec, weights or data"."""

    # The data.
    dataset: str = field(
        default="planar",
        metadata=_about(
            f"built-in data set ({', '.join(scratch.DATASETS)}), mnist, fashion-mnist, cat (the "
            "course's HDF5 files in --data-dir) or an .npz file holding X and Y",
            TEXT,
            metavar="NAME",
        ),
    )
    data_dir: str = field(
        default="data",
        metadata=_about("folder of MNIST downloads and the cat/non-cat files", TEXT, metavar="DIR"),
    )
    test_fraction: float = field(
        default=0.2, metadata=_about("share of a built-in or .npz set held out", FRACTION)
    )
    positive: list[int] | None = field(
        default=None,
        metadata=_about("binary task: these classes are labelled 1 ...", LABELS, metavar="CLASS"),
    )
    negative: list[int] | None = field(
        default=None,
        metadata=_about("... against these (default: all others)", LABELS, metavar="CLASS"),
    )
    # The network: a spec file, or its fields.
    spec: str | dict | None = field(
        default=None,
        metadata=_about("layer spec file (.json/.yaml); the flags below change its fields", SPEC),
    )
    layers: list[int] | None = field(
        default=None,
        metadata=_about(
            f"layer sizes n[0] n[1] ... n[L], input first (default: n_x {DEFAULT_HIDDEN_UNITS} "
            "n_out)",
            SIZES,
            metavar="N",
        ),
    )
    activation: str | list[str] | None = field(
        default=None,
        metadata=_about(
            "hidden activation, one for all or one per hidden layer (default "
            f"{DEFAULT_HIDDEN_ACTIVATION}); the output layer's follows the loss",
            NAMES,
            metavar="NAME",
        ),
    )
    init: str | None = field(
        default=None, metadata=_about("initialisation (default: small_random)", TEXT, choices=INITS)
    )
    loss: str | None = field(
        default=None, metadata=_about("the loss (default: from the labels)", TEXT, choices=LOSSES)
    )
    l2: float | None = field(default=None, metadata=_about("L2 regularisation strength", L2))
    dtype: str | None = field(
        default=None, metadata=_about("number type (default: float64)", TEXT, choices=DTYPES)
    )
    seed: int | None = field(
        default=None, metadata=_about("seed of the initial weights and the batch order", SEED)
    )
    weights: str | None = field(
        default=None,
        metadata=_about(
            "start from the weights in this .npz (and its spec, if none is given)",
            TEXT,
            metavar="FILE",
        ),
    )
    # Training.
    impl: str = field(
        default="both",
        metadata=_about("implementation(s) to train", TEXT, TRAIN_ONLY, choices=IMPLS),
    )
    learning_rate: float = field(
        default=1.2,
        metadata=_about("gradient-descent step size", RATE, TRAIN_ONLY, aliases=("--lr",)),
    )
    iterations: int = field(default=2_000, metadata=_about("gradient steps", COUNT, TRAIN_ONLY))
    epochs: int | None = field(
        default=None,
        metadata=_about("passes over the training set, instead of --iterations", COUNT, TRAIN_ONLY),
    )
    batch_size: int | None = field(
        default=None, metadata=_about("mini-batch size (default: full batch)", COUNT, TRAIN_ONLY)
    )
    print_every: int | None = field(
        default=None,
        metadata=_about("print the costs every N iterations (default: 10 rows)", COUNT, TRAIN_ONLY),
    )
    quiet: bool = field(default=False, metadata=_about("no progress bars", FLAG, TRAIN_ONLY))
    accelerator: str = field(
        default="cpu",
        metadata=_about(
            "Lightning accelerator: cpu, gpu, auto, ...", TEXT, TRAIN_ONLY, metavar="NAME"
        ),
    )
    devices: int = field(default=1, metadata=_about("Lightning devices", COUNT, TRAIN_ONLY))
    # The run folder.
    name: str | None = field(
        default=None,
        metadata=_about(
            "run folder name (default: <dataset>-<impl>, numbered)",
            TEXT,
            TRAIN_ONLY,
            metavar="NAME",
        ),
    )
    runs_dir: str = field(
        default="runs", metadata=_about("where run folders go", TEXT, TRAIN_ONLY, metavar="DIR")
    )
    overwrite: bool = field(
        default=False,
        metadata=_about("replace the run folder of the same --name, once done", FLAG, TRAIN_ONLY),
    )
    resume: str | None = field(
        default=None,
        metadata=_about(
            "continue the run in this folder: its settings, weights and iteration count",
            TEXT,
            TRAIN_ONLY,
            metavar="RUN_DIR",
        ),
    )
    # Comparison and gradient check.
    explain: bool = field(
        default=False,
        metadata=_about(
            "print each backward formula beside the autograd node that computed it",
            FLAG,
            frozenset({COMPARE}),
        ),
    )
    examples: int | None = field(
        default=None,
        metadata=_about(
            "check on the first N training examples (default: all)", COUNT, frozenset({GRADCHECK})
        ),
    )

    def saved(self, spec: NetworkSpec, command: str = TRAIN) -> dict[str, Any]:
        """The settings ``command`` used, with the spec written out in full in place of the
        spec-field settings, so that the file alone repeats the run -- into a folder of its own:
        the run's ``name`` and ``overwrite`` are not saved."""
        out = {
            key: value
            for key, value in asdict(self).items()
            if command in _meta(key)["commands"] and key not in RUN_IDENTITY
        }
        return out | {key: None for key in SPEC_FIELDS} | {"spec": spec.to_dict()}


def _meta(name: str) -> Mapping[str, Any]:
    return SETTINGS[name].metadata


SETTINGS = {f.name: f for f in fields(RunConfig)}


class OneLineParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are ``UserError``s: one line, no usage block."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see --help)")


def build_parser(command: str, prog: str, description: str) -> OneLineParser:
    """The parser of ``command``: ``--config`` and the settings that command uses. Defaults are
    left out of the namespace so that only typed flags override the config file."""
    parser = OneLineParser(
        prog=prog, description=description, argument_default=argparse.SUPPRESS, allow_abbrev=False
    )
    parser.add_argument(
        "--config", metavar="FILE", help="YAML/JSON file holding any of the settings below"
    )
    for name, f in SETTINGS.items():
        meta = f.metadata
        if command not in meta["commands"]:
            continue
        flag = "--" + name.replace("_", "-")
        shown = "" if f.default in (None, False) else f" (default: {f.default})"
        metavar = meta["metavar"] or meta["kind"].metavar
        extra = {"choices": meta["choices"]} if meta["choices"] else {"metavar": metavar}
        extra = {key: value for key, value in extra.items() if value is not None}
        parser.add_argument(
            flag,
            *meta["aliases"],
            dest=name,
            help=meta["help"] + shown,
            **meta["kind"].cli,
            **extra,
        )
    return parser


def parse_config(
    argv: Sequence[str] | None, command: str, prog: str, description: str
) -> RunConfig:
    """Parse ``argv`` for ``command`` and merge it over the config file, the resumed run's
    saved settings and the defaults (in that order of precedence)."""
    typed = vars(build_parser(command, prog, description).parse_args(argv))
    config_file = typed.pop("config", None)
    sources: list[tuple[str, dict[str, Any]]] = []
    from_file = read_settings(config_file) if config_file else {}
    resume = typed.get("resume", from_file.get("resume"))
    if resume:
        saved = read_settings(Path(resume) / "config.yaml", what="run")
        sources.append((f"run {resume}", {k: v for k, v in saved.items() if k not in NOT_RESUMED}))
    sources += [(str(config_file), from_file), ("command line", typed)]
    merged = {name: f.default for name, f in SETTINGS.items()}
    for source, values in sources:
        for key, value in values.items():
            _check(source, key, value)
        merged |= values
    return RunConfig(**merged)


def read_settings(path: str | Path, *, what: str = "config file") -> dict[str, Any]:
    """A YAML (or JSON) mapping of setting names to values; unknown names are an error."""
    path = Path(path)
    try:
        values = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise UserError(f"{what} {path} does not exist") from None
    except (OSError, yaml.YAMLError) as err:
        first = str(err).strip().splitlines()[0]
        raise UserError(f"{what} {path} cannot be read: {first}") from None
    if not isinstance(values, dict):
        raise UserError(f"{what} {path} must hold a mapping of setting: value")
    for key in values:
        if key not in SETTINGS:
            close = difflib.get_close_matches(str(key), SETTINGS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "; see --help for the settings"
            raise UserError(f"{what} {path}: unknown setting {key!r}{hint}")
    return values


def _check(source: str, key: str, value: Any) -> None:
    f = SETTINGS[key]
    if value is None and f.default is None:
        return
    kind, choices = f.metadata["kind"], f.metadata["choices"]
    if not kind.check(value) or (choices and value not in choices):
        means = f"one of {', '.join(choices)}" if choices else kind.means
        raise UserError(f"{source}: {key} must be {means}, got {value!r}")


def resolve_spec(config: RunConfig, data: Data, weights_spec: NetworkSpec | None) -> NetworkSpec:
    """The spec the settings describe, for ``data``.

    Starts from ``config.spec`` (a file or its fields), else the spec stored with the weights,
    else ``[n_x, 4, n_out]`` with tanh hidden units and the loss the labels call for; the
    spec-field settings that are set (``layers``, ``activation``, ``init``, ...) then replace
    the matching fields.
    """
    base = _spec_from(config.spec) if config.spec is not None else weights_spec
    fields_set = {
        key: getattr(config, key) for key in SPEC_FIELDS if getattr(config, key) is not None
    }
    if base is not None and not fields_set.keys() & {"layers", "activation", "loss"}:
        return base.replace(**fields_set)
    loss = config.loss or (base.loss if base else _loss_for(data))
    sizes = config.layers or (
        base.sizes if base else (data.n_x, DEFAULT_HIDDEN_UNITS, _outputs(data, loss))
    )
    hidden = config.activation or (base.activations[:-1] if base else DEFAULT_HIDDEN_ACTIVATION)
    hidden = [hidden] if isinstance(hidden, str) else list(hidden)
    if len(sizes) < 2:
        raise UserError(f"layers {list(sizes)}: give the input size and at least one layer")
    n_hidden = len(sizes) - 2
    if len(hidden) == 1:
        hidden *= n_hidden
    elif len(hidden) != n_hidden:
        raise UserError(
            f"activation names {len(hidden)} activations for {n_hidden} hidden layer(s)"
        )
    output = LOSS_OUTPUT[loss][0] if loss in LOSS_OUTPUT else "identity"
    activations = [*hidden, output]
    rest = {key: fields_set[key] for key in ("init", "l2", "dtype", "seed") if key in fields_set}
    if base is not None:
        rest = {"init": base.init, "l2": base.l2, "dtype": base.dtype, "seed": base.seed} | rest
    layers = tuple(Layer(n, g) for n, g in zip(sizes[1:], activations, strict=True))
    return NetworkSpec(input_size=sizes[0], layers=layers, loss=loss, **rest)


def _spec_from(value: str | dict) -> NetworkSpec:
    return scratch.load_spec(value) if isinstance(value, str) else NetworkSpec.from_dict(value)


def _loss_for(data: Data) -> str:
    classes = data.classes
    if classes is None:
        return "mse"
    return "binary_cross_entropy" if classes <= 2 else "cross_entropy"


def _outputs(data: Data, loss: str) -> int:
    if loss == "cross_entropy":
        return max(data.classes or 2, 2)
    return 1 if loss == "binary_cross_entropy" else data.Y_train.shape[0]
