"""The commands' settings, one dataclass per group; ``scripts.cli.parser`` makes each field a
flag, a config-file key and a line of ``--print_config``.

``train`` uses data, network, train and run settings; ``compare`` and ``gradcheck`` data and
network settings and their own extras. ``None`` means "not given": derived from the spec, the
weights or the data. A training run saves what it used as ``config.yaml`` (``saved_config``),
with the spec written out in full, so ``--config runs/<name>/config.yaml`` repeats it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import scratch
from scratch import NetworkSpec
from scratch.datasets import IMAGE_DATASETS
from scratch.spec import DTYPES, INITS, LOSSES
from scripts.cli.parser import parse_settings, setting

IMPLS = ("both", "scratch", "torch")
PRECISIONS = ("bf16-mixed", "16-mixed")  # torch_impl.modes.PRECISIONS, without importing torch
DEFAULT_HIDDEN_UNITS = 4
DEFAULT_HIDDEN_ACTIVATION = "tanh"
SPEC_FIELDS = ("layers", "activation", "init", "loss", "l2", "dtype", "seed")
LAYER_FIELDS = ("keep_prob", "batch_norm")  # the hidden layers' fields, one value for all
# What a saved run leaves out (a repeat gets a folder of its own), and what a resumed run does
# not take over from the run it continues (its weights come from that run).
RUN_IDENTITY = ("name", "overwrite")
NOT_RESUMED = (*RUN_IDENTITY, "resume", "weights")


@dataclass(frozen=True)
class DataSettings:
    """The data."""

    dataset: str = setting(
        "planar",
        f"built-in data set ({', '.join([*scratch.DATASETS, *IMAGE_DATASETS])}), mnist, "
        "fashion-mnist, cat or signs (the course's HDF5 files in --data-dir) or an .npz file "
        "holding X and Y",
        metavar="NAME",
    )
    data_dir: str = setting(
        "data", "folder of MNIST downloads and the course's cat and SIGNS files", metavar="DIR"
    )
    test_fraction: float = setting(0.2, "share of a built-in or .npz set held out", kind="fraction")
    positive: list[int] | None = setting(
        None, "binary task: these classes are labelled 1 ...", kind="label", metavar="CLASS"
    )
    negative: list[int] | None = setting(
        None, "... against these (default: all others)", kind="label", metavar="CLASS"
    )


@dataclass(frozen=True)
class NetworkSettings:
    """The network: a spec file, or its fields."""

    spec: str | dict | None = setting(
        None, "layer spec file (.json/.yaml); the flags below change its fields", metavar="FILE"
    )
    layers: list[int] | None = setting(
        None,
        f"layer sizes n[0] n[1] ... n[L], input first (default: n_x {DEFAULT_HIDDEN_UNITS} n_out)",
        kind="count",
        metavar="N",
    )
    activation: str | list[str] | None = setting(
        None,
        "hidden activation, one for all or one per hidden layer (default "
        f"{DEFAULT_HIDDEN_ACTIVATION}); the output layer's follows the loss",
        metavar="NAME",
    )
    init: str | None = setting(None, "initialisation (default: small_random)", choices=INITS)
    loss: str | None = setting(None, "the loss (default: from the labels)", choices=LOSSES)
    l2: float | None = setting(None, "L2 regularisation strength", kind="nonnegative")
    dtype: str | None = setting(None, "number type (default: float64)", choices=DTYPES)
    seed: int | None = setting(None, "seed of the initial weights and the batch order", kind="seed")
    keep_prob: float | list[float] | None = setting(
        None,
        "inverted dropout: the keep probability of every hidden layer, or one per hidden layer",
        kind="keep",
    )
    batch_norm: bool = setting(False, "batch normalisation on every hidden layer's Z")
    weights: str | None = setting(
        None, "start from the weights in this .npz (and its spec, if none is given)", metavar="FILE"
    )


@dataclass(frozen=True)
class TrainSettings:
    """Training."""

    impl: str = setting("both", "implementation(s) to train", choices=IMPLS)
    learning_rate: float = setting(
        1.2, "gradient-descent step size", kind="rate", aliases=("--lr",)
    )
    iterations: int = setting(2_000, "gradient steps", kind="count")
    epochs: int | None = setting(
        None, "passes over the training set, instead of --iterations", kind="count"
    )
    batch_size: int | None = setting(None, "mini-batch size (default: full batch)", kind="count")
    print_every: int | None = setting(
        None, "print the costs every N iterations (default: 10 rows)", kind="count"
    )
    quiet: bool = setting(False, "no progress bars")
    accelerator: str = setting("cpu", "Lightning accelerator: cpu, gpu, auto, ...", metavar="NAME")
    devices: int = setting(1, "Lightning devices", kind="count")
    compile: bool = setting(False, "torch side: the network compiled by torch.compile (inductor)")
    precision: str | None = setting(
        None,
        "torch side: Lightning's mixed precision of a float32 network (default: the dtype's own)",
        choices=PRECISIONS,
    )


DEFAULT = {field.name: field.default for field in dataclasses.fields(scratch.TrainingSettings)}


@dataclass(frozen=True)
class OptimizerSettings:
    """The optimizer and its learning-rate decay (see scratch.optimizers)."""

    optimizer: str = setting(DEFAULT["optimizer"], "the update rule", choices=scratch.OPTIMIZERS)
    beta: float = setting(DEFAULT["beta"], "momentum's beta", kind="decay")
    beta1: float = setting(DEFAULT["beta1"], "Adam's first-moment beta1", kind="decay")
    beta2: float = setting(DEFAULT["beta2"], "RMSprop's and Adam's beta2", kind="decay")
    epsilon: float = setting(DEFAULT["epsilon"], "RMSprop's and Adam's epsilon", kind="rate")
    decay_rate: float = setting(
        DEFAULT["decay_rate"],
        "learning rate of epoch e: lr / (1 + decay_rate floor(e / decay_interval))",
        kind="nonnegative",
    )
    decay_interval: int = setting(DEFAULT["decay_interval"], "epochs per decay", kind="count")

    def fields(self) -> dict[str, Any]:
        """These settings as ``scratch.TrainingSettings`` fields."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RunSettings:
    """The run folder."""

    name: str | None = setting(
        None,
        "run folder name (default: <dataset>-<impl>, numbered -2, -3, ... when taken, unless "
        "--overwrite)",
        metavar="NAME",
    )
    runs_dir: str = setting("runs", "where run folders go", metavar="DIR")
    overwrite: bool = setting(
        False,
        "replace the run folder of the same name (--name, or <dataset>-<impl> without it), once "
        "the new run is complete",
    )
    resume: str | None = setting(
        None,
        "go on from the weights and iteration count of the run in this folder, with its "
        "settings (flags and --config change them), into a new run folder of its own",
        metavar="RUN_DIR",
    )


@dataclass(frozen=True)
class CompareSettings:
    """Comparison."""

    explain: bool = setting(
        False, "print each backward formula beside the autograd node that computed it"
    )


@dataclass(frozen=True)
class GradcheckSettings:
    """Gradient check."""

    examples: int | None = setting(
        None, "check on the first N training examples (default: all)", kind="count"
    )


TRAIN = (DataSettings, NetworkSettings, TrainSettings, OptimizerSettings, RunSettings)
COMPARE = (DataSettings, NetworkSettings, CompareSettings)
GRADCHECK = (DataSettings, NetworkSettings, GradcheckSettings)


def keys(groups: tuple[type, ...]) -> frozenset[str]:
    """Every config key of ``groups``: the field names and the flags' aliases (``lr``)."""
    names = set()
    for group in groups:
        for field in dataclasses.fields(group):
            aliases = field.metadata.get("aliases", ())
            names |= {field.name, *(alias.lstrip("-").replace("-", "_") for alias in aliases)}
    return frozenset(names)


def elsewhere(groups: tuple[type, ...]) -> frozenset[str]:
    """The keys of the other commands (``train``, ``compare``, ``gradcheck``) that a config file
    for ``groups`` may hold: one file can serve them all."""
    return keys((*TRAIN, *COMPARE, *GRADCHECK)) - keys(groups)


def saved_config(groups: tuple[Any, ...], spec: NetworkSpec) -> dict[str, Any]:
    """The settings a training run used, with the spec written out in full in place of the
    spec-field settings, so that the file alone repeats the run -- into a folder of its own:
    the run's ``name`` and ``overwrite`` are not saved."""
    out = {}
    for group in groups:
        out |= dataclasses.asdict(group)
    out = {key: value for key, value in out.items() if key not in RUN_IDENTITY}
    unset = {f.name: f.default for f in dataclasses.fields(NetworkSettings)}
    written_out = {key: unset[key] for key in (*SPEC_FIELDS, *LAYER_FIELDS)}
    return out | written_out | {"spec": spec.to_dict()}


def parse(prog: str, doc: str, argv: Sequence[str] | None, groups: tuple[type, ...], **options):
    """``scripts.cli.parser.parse_settings`` for the command ``prog`` of settings ``groups``
    (``TRAIN``, ``COMPARE``, ``GRADCHECK``): the first paragraph of its docstring ``doc``
    describes it, and the other commands' settings in a config file are theirs."""
    description = doc.split("\n\n")[0]
    return parse_settings(prog, description, argv, groups, elsewhere=elsewhere(groups), **options)
