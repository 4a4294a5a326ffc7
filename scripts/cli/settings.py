"""Every command's settings, one dataclass per group; ``scripts.cli.parser`` makes each field a
flag, a config-file key and a line of ``--print_config``.

``train`` uses data, network, train, optimizer and run settings; ``compare`` and ``gradcheck``
data and network settings and their own extras; ``nn-check``, ``bench`` (and its ``load`` and
``modes``) and ``measure_tolerances`` one group each. ``COMMANDS`` lists them all, so that one
config file can hold the settings of every command: each reads its own keys and leaves the
others' (``elsewhere``); a key no command has is an unknown setting. A key two commands share
means the same to both (``seed``, ``iterations``, ``quick``). ``None`` means "not given":
derived from the spec, the weights or the data. ``training_settings`` makes a ``train`` run's
settings the one ``scratch.TrainingSettings`` both sides read; the run saves what it used as
``config.yaml`` (``scripts.runs.files.saved_config``), so ``--config runs/<name>/config.yaml``
repeats it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import scratch
from scratch.course.catalogue import WEEKS
from scratch.datasets import CORPORA, IMAGE_DATASETS
from scratch.settings import unused
from scratch.spec import DTYPES, INITS, LOSSES
from scripts.benchmarks.workloads import GD_WORKLOADS, SIDES, WORKLOADS
from scripts.cli.errors import UserError
from scripts.cli.parser import Parsed, flag_of, parse_settings, setting
from scripts.inputs.data import DEFAULT_TEST_FRACTION, unused_data_settings

IMPLS = ("both", "scratch", "torch")
PRECISIONS = ("bf16-mixed", "16-mixed")  # torch_impl.modes.PRECISIONS, without importing torch
DEFAULT_HIDDEN_UNITS = 4
DEFAULT_HIDDEN_ACTIVATION = "tanh"
SPEC_FIELDS = ("layers", "activation", "init", "loss", "l2", "dtype", "seed")
LAYER_FIELDS = ("keep_prob", "batch_norm")  # the hidden layers' fields, one value for all


@dataclass(frozen=True)
class DataSettings:
    """The data."""

    dataset: str = setting(
        "planar",
        f"built-in data set ({', '.join([*scratch.DATASETS, *IMAGE_DATASETS])}; the text "
        f"{', '.join(CORPORA)} for a recurrent network), mnist, fashion-mnist, cat or signs (the "
        "course's HDF5 files in --data-dir) or an .npz file holding X and Y",
        metavar="NAME",
    )
    data_dir: str = setting(
        "data", "folder of MNIST downloads and the course's cat and SIGNS files", metavar="DIR"
    )
    test_fraction: float = setting(
        DEFAULT_TEST_FRACTION, "share of a built-in or .npz set held out", kind="fraction"
    )
    positive: list[int] | None = setting(
        None, "binary task: these classes are labelled 1 ...", kind="label", metavar="CLASS"
    )
    negative: list[int] | None = setting(
        None, "... against these (default: all others)", kind="label", metavar="CLASS"
    )
    text: str | None = setting(
        None,
        "a UTF-8 text file, one word a line, for a recurrent network, in place of --dataset",
        metavar="FILE",
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
        None,
        "passes over the training set, instead of --iterations",
        kind="count",
        instead_of=("iterations", "the length of the run"),
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


@dataclass(frozen=True)
class CheckSettings:
    """The check."""

    solution: str | None = setting(
        None,
        "the learner's notebook (.ipynb) or .py file, or a module importable from here (the "
        "flag may be left out)",
        metavar="FILE",
    )
    week: str | None = setting(
        None, "the assignment (default: told from the functions defined)", choices=tuple(WEEKS)
    )
    json: bool = setting(False, "print the report as JSON, for graders and CI")
    time_limit: float = setting(
        10.0, "seconds a learner function (or loading the file) may take", kind="seconds"
    )
    definitions_only: bool = setting(
        False, "run only a .py file's imports and definitions, not its top-level code"
    )
    run_cells: bool = setting(
        False,
        "run all of a notebook's code cells (its test calls and plots), not only its imports "
        "and definitions",
    )
    only: list[str] | None = setting(None, "check only these functions", metavar="NAME")


BENCH_ROUNDS, BENCH_QUICK_ROUNDS = 5, 1


@dataclass(frozen=True)
class BenchSettings:
    """What to benchmark."""

    # RUF009: ``setting`` gives a list field a default_factory; no default object is shared
    workloads: list[str] = setting(
        list(WORKLOADS), "workloads to time", choices=tuple(WORKLOADS), metavar="NAME"
    )
    dtypes: list[str] = setting(list(DTYPES), "dtypes to time", choices=DTYPES)
    sides: list[str] = setting(list(SIDES), "sides to time", choices=SIDES)
    rounds: int | None = setting(
        None,
        f"interleaved rounds (default {BENCH_ROUNDS}; {BENCH_QUICK_ROUNDS} with --quick)",
        kind="count",
    )
    quick: bool = setting(False, "shrunken sizes and one round: a smoke run")
    no_memory: bool = setting(False, "skip the peak-memory processes")
    no_peer: bool = setting(False, "skip scikit-learn's MLP, the NumPy peer")
    json: bool = setting(False, "print the report as JSON")


LOAD_SIDES = ("scratch", "torch", "lightning")  # scratch.train, the plain loop and the Trainer
LOAD_MODES = ("sized", "all")  # threads sized to the work, or the library's default count
LOAD_ROUNDS, LOAD_QUICK_ROUNDS = 3, 1


@dataclass(frozen=True)
class LoadSettings:
    """What to time."""

    workloads: list[str] = setting(
        ["planar", "cat"], "workloads to time", choices=tuple(WORKLOADS), metavar="NAME"
    )
    dtype: str = setting("float64", "dtype of the networks", choices=DTYPES)
    sides: list[str] = setting(list(LOAD_SIDES), "sides to time", choices=LOAD_SIDES)
    modes: list[str] = setting(
        list(LOAD_MODES), "thread modes: sized to the work, or on every core", choices=LOAD_MODES
    )
    rounds: int | None = setting(
        None,
        f"rounds (default {LOAD_ROUNDS}; {LOAD_QUICK_ROUNDS} with --quick)",
        kind="count",
    )
    quick: bool = setting(False, "shrunken sizes and one round: a smoke run")


WAIT_CASES = ("train", "check", "first")  # scripts.benchmarks.wait's cases, by these names
WAIT_ROUNDS = 3


@dataclass(frozen=True)
class WaitSettings:
    """What to time."""

    cases: list[str] = setting(list(WAIT_CASES), "cases to time", choices=WAIT_CASES)
    rounds: int = setting(WAIT_ROUNDS, "rounds, interleaved", kind="count")


@dataclass(frozen=True)
class ModeSettings:
    """What to time."""

    workloads: list[str] = setting(list(GD_WORKLOADS), "workloads to time", metavar="NAME")
    quick: bool = setting(False, "the workloads shrunk, for a smoke run")


@dataclass(frozen=True)
class ToleranceSettings:
    """What to measure."""

    networks: int = setting(1000, "random networks per dtype", kind="seed")
    centred: int = setting(200, "networks for the centred-difference check", kind="seed")
    runs: int = setting(40, "random training runs", kind="seed")
    iterations: int = setting(1000, "steps per training run", kind="count")
    trainer_every: int = setting(5, "the lightning.Trainer on every N-th run", kind="count")
    seed: int = setting(0, "seed of the random networks and runs", kind="seed")
    norm_dropout: bool = setting(
        False, "hidden layers with dropout and batch norm too (batches of 3 or more examples)"
    )
    compiled: int = setting(0, "random networks per dtype through the compiled module", kind="seed")
    compiled_runs: int = setting(0, "random gradient-descent runs, compiled", kind="seed")
    mixed_runs: int = setting(0, "random float32 runs in bf16-mixed precision", kind="seed")
    conv_networks: int = setting(0, "random convolutional networks per dtype", kind="seed")
    conv_centred: int = setting(0, "conv networks for the centred-difference check", kind="seed")
    conv_runs: int = setting(0, "random training runs of conv networks on shapes", kind="seed")
    recurrent_networks: int = setting(0, "random RNN and LSTM passes per dtype", kind="seed")
    recurrent_centred: int = setting(
        0, "recurrent passes for the centred-difference check", kind="seed"
    )
    recurrent_runs: int = setting(0, "random training runs of recurrent networks", kind="seed")


TRAIN = (DataSettings, NetworkSettings, TrainSettings, OptimizerSettings, RunSettings)
COMPARE = (DataSettings, NetworkSettings, CompareSettings)
GRADCHECK = (DataSettings, NetworkSettings, GradcheckSettings)
COMMANDS: dict[str, tuple[type, ...]] = {  # each command's settings, by its name
    "train": TRAIN,
    "compare": COMPARE,
    "gradcheck": GRADCHECK,
    "nn-check": (CheckSettings,),
    "bench": (BenchSettings,),
    "bench load": (LoadSettings,),
    "bench modes": (ModeSettings,),
    "bench wait": (WaitSettings,),
    "measure_tolerances": (ToleranceSettings,),
}


def keys(groups: tuple[type, ...]) -> frozenset[str]:
    """Every config key of ``groups``: the field names and the flags' aliases (``lr``)."""
    names = set()
    for group in groups:
        for field in dataclasses.fields(group):
            aliases = field.metadata.get("aliases", ())
            names |= {field.name, *(alias.lstrip("-").replace("-", "_") for alias in aliases)}
    return frozenset(names)


def elsewhere(groups: tuple[type, ...]) -> frozenset[str]:
    """The keys of the other commands that a config file for ``groups`` may hold: one file can
    serve them all."""
    every = frozenset().union(*(keys(others) for others in COMMANDS.values()))
    return every - keys(groups)


def training_settings(
    training: TrainSettings, optimizer: OptimizerSettings, examples: int
) -> scratch.TrainingSettings:
    """The one ``scratch.TrainingSettings`` both sides of a ``train`` run read, from iteration 0
    (each side goes on from its own start): ``--epochs`` made iterations over ``examples``
    training examples in batches of ``batch_size``."""
    iterations = training.iterations
    if training.epochs is not None:
        per_epoch = scratch.BatchSchedule(examples, training.batch_size).steps_per_epoch
        iterations = training.epochs * per_epoch
    return scratch.TrainingSettings(
        training.learning_rate, iterations, training.batch_size, **dataclasses.asdict(optimizer)
    )


def refuse_unused(parsed: Parsed) -> None:
    """Refuse a ``train`` setting that does nothing for the run asked for: a hyperparameter of
    another optimizer, or ``decay_interval`` without a decay (``scratch.settings.unused``);
    ``--accelerator`` or ``--devices`` typed for ``--impl scratch``, which trains no torch
    side."""
    _, _, training, optimizer, _ = parsed
    _refuse(parsed, optimizer, unused(optimizer.optimizer, optimizer.decay_rate))
    if training.impl == "scratch":
        for name in ("accelerator", "devices"):
            if parsed.given.get(name, "").startswith("--"):
                raise UserError(
                    f"{flag_of(name)} {getattr(training, name)} does nothing: --impl scratch "
                    "trains no torch side"
                )


def _refuse(parsed: Parsed, group: Any, reasons: dict[str, str]) -> None:
    """Refuse, in one line naming it, its value and where it came from, the first setting of
    ``group`` in ``reasons`` (its name: why it does nothing) that the user gave: typed as a
    flag, or in a config file at a value other than its default."""
    defaults = {field.name: field.default for field in dataclasses.fields(group)}
    for name, reason in reasons.items():
        where, value = parsed.given.get(name), getattr(group, name)
        if where is not None and (where.startswith("--") or value != defaults[name]):
            shown = f"{where} {value}" if where.startswith("--") else f"{where}: {name} {value}"
            raise UserError(f"{shown} does nothing: {reason}")


def parse(prog: str, doc: str, argv: Sequence[str] | None, **options: Any) -> Parsed:
    """``scripts.cli.parser.parse_settings`` for the command ``prog`` (a key of ``COMMANDS``):
    the first paragraph of its docstring ``doc`` describes it, and the other commands' settings
    in a config file are theirs."""
    groups = COMMANDS[prog]
    description = doc.split("\n\n")[0]
    parsed = parse_settings(prog, description, argv, groups, elsewhere=elsewhere(groups), **options)
    if DataSettings in groups:  # the data settings a data set does not read
        data = parsed[groups.index(DataSettings)]
        _refuse(parsed, data, unused_data_settings(data.dataset, data.text))
    return parsed
