"""A finished run read back to resume it (``nn-train --resume RUN_DIR``), once: its settings
(``config.yaml``), where each implementation goes on from (``results.json``) and what it ended
with (``weights-<impl>.npz``: the weights, their spec, the optimizer and its state).

A resumed run repeats its run or is refused. Every key of the saved settings is read or refused:
an unknown key, or one missing (a file cut short), is one line naming the file and the key; a
file of an earlier version, which lacks whole groups of settings added since (``ADDED``), means
those settings at their defaults, as its run had them. Of the settings, a resumed run may change
how long it goes on (``iterations``, ``epochs``), which sides train (``impl``: a side the run did
not train starts from the other's weights) and where and how it runs and shows
(``RESUME_MAY_CHANGE``); any other change (the network, the data, the learning rate, the
optimizer and its hyperparameters, the batch size, the precision) would make it another run and
is refused, naming the setting and both values.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

import scratch
from scratch import NetworkSpec
from scratch.documents import read_document
from scratch.spec import spec_differences
from scripts.cli.config_file import read_settings
from scripts.cli.errors import UserError
from scripts.cli.parser import Parsed
from scripts.cli.settings import IMPLS, LAYER_FIELDS, SPEC_FIELDS, TRAIN
from scripts.runs.files import CONFIG, RESULTS, SAVED, weights_file

Params = dict[str, np.ndarray]
# config.yaml's keys added since its first version, a group at a time: a file without any key of
# a group was written before it existed, when its settings were at their defaults
ADDED = (
    ("optimizer", "beta", "beta1", "beta2", "epsilon", "decay_rate", "decay_interval"),
    ("keep_prob", "batch_norm"),
    ("compile", "precision"),
)
# What a resumed run does not take over from the run it continues (its weights come from that
# run, and it goes into a folder of its own), and what it may change.
NOT_RESUMED = ("resume", "weights")
RESUME_MAY_CHANGE = (
    *("iterations", "epochs", "impl", "print_every", "quiet"),
    *("accelerator", "devices", "compile", "data_dir", "runs_dir"),
)
NETWORK = ("spec", *SPEC_FIELDS, *LAYER_FIELDS)  # compared as the spec they resolve to
DEFAULTS = {field.name: field.default for group in TRAIN for field in fields(group)}


@dataclass(frozen=True)
class Ending:
    """What one implementation of a finished run ended with."""

    params: Params
    spec: NetworkSpec
    optimizer: str
    state: Params
    next_iteration: int


@dataclass(frozen=True)
class FinishedRun:
    """A finished run folder, read once. ``settings``: its ``config.yaml``, every key checked,
    less ``NOT_RESUMED``, as ``scripts.cli.parser.parse_settings``' base; ``endings``: per
    implementation it trained."""

    path: Path
    settings: dict[str, Any]
    endings: dict[str, Ending]

    @property
    def source(self) -> str:
        return f"run {self.path}"

    def check_same_run(self, parsed: Parsed, spec: NetworkSpec) -> None:
        """Refuse settings (``parsed``, with the run's as their base) that would make the resumed
        run another run than this one, naming the first setting changed and both values;
        ``spec``: the network they describe."""
        ended = next(iter(self.endings.values())).spec
        differences = spec_differences(ended, spec)
        if differences:
            field, was, now = differences[0]
            raise UserError(
                f"--resume {self.path} goes on with that run's network: {field} is {_shown(was)} "
                f"there, {_shown(now)} here{_given(parsed, field)}; a resumed run repeats its "
                "run, and another network is another run"
            )
        values = {key: value for group in parsed for key, value in asdict(group).items()}
        changed = [
            key
            for key, was in self.settings.items()
            if key not in (*RESUME_MAY_CHANGE, *NETWORK) and values[key] != was
        ]
        if changed:
            key, weights = changed[0], self.path / weights_file(next(iter(self.endings)))
            raise UserError(
                f"--resume {self.path} goes on with that run's settings: {key} is "
                f"{_shown(self.settings[key])} there, {_shown(values[key])} here"
                f"{_given(parsed, key)}; a resumed run repeats its run (to train on from its "
                f"weights with other settings, start a new run with --weights {weights}: its "
                "optimizer state then starts from zero)"
            )

    def starts(self, impls: tuple[str, ...]) -> dict[str, tuple[Params, int, Params]]:
        """For each of ``impls``: the weights to go on from, the iteration and the optimizer
        state. An implementation the run did not train starts from the other's."""
        out = {}
        for impl in impls:
            ending = self.endings.get(impl) or next(iter(self.endings.values()))
            out[impl] = (ending.params, ending.next_iteration, ending.state)
        return out


def read_finished(path: str | Path) -> FinishedRun:
    """The run in folder ``path``, each of its files read and checked once: a file missing,
    cut short or holding what a run does not write is one line naming the file and the key."""
    path = Path(path)
    saved = read_settings(path / CONFIG, what="run")
    _check_keys(saved, path / CONFIG)
    done = _finished(path / RESULTS)
    endings = {}
    for impl, next_iteration in done.items():
        file = path / weights_file(impl)
        try:
            params, spec = scratch.load_weights(file)
            optimizer, state = scratch.weights.load_optimizer_state(file)
        except (OSError, ValueError, TypeError) as err:
            raise UserError(str(err)) from None
        trained_with = saved.get("optimizer", "gd")
        if state and optimizer != trained_with:
            raise UserError(
                f"{file} holds the state of {optimizer}, but {path / CONFIG} says the run was "
                f"trained with {trained_with}: not one run's files"
            )
        endings[impl] = Ending(params, spec, optimizer, state, next_iteration)
    specs = {ending.spec for ending in endings.values()}
    if len(specs) > 1:
        raise UserError(f"the weights files of {path} hold two networks: not one run's files")
    earlier = {key: DEFAULTS[key] for group in ADDED for key in group if key not in saved}
    settings = {key: value for key, value in (saved | earlier).items() if key not in NOT_RESUMED}
    return FinishedRun(path, settings, endings)


def resumed_run(settings: dict[str, Any]) -> FinishedRun | None:
    """With ``resume`` set, the run it names: ``parse_settings``' ``base``."""
    return read_finished(settings["resume"]) if settings.get("resume") else None


def _check_keys(saved: dict[str, Any], path: Path) -> None:
    unknown = [key for key in saved if key not in SAVED]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), SAVED, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UserError(
            f"{path}: unknown setting {unknown[0]!r}{hint}: a run's config.yaml holds only the "
            "settings nn-train saves"
        )
    earlier = {key for group in ADDED if not saved.keys() & set(group) for key in group}
    missing = [key for key in SAVED if key not in saved and key not in earlier]
    if missing:
        raise UserError(
            f"{path} lacks the setting {missing[0]!r} (cut short?): a run's config.yaml names "
            "every setting it used"
        )


def _finished(path: Path) -> dict[str, int]:
    """The iteration each implementation of a finished run's ``results.json`` goes on from,
    every field checked: a file that lacks one or holds the wrong kind is one line naming it."""
    try:
        results = read_document(path, f"{path}", "a run's results", yaml=False)
    except ValueError as err:
        raise UserError(f"{err} (not a finished run folder)") from None
    done = results.get("implementations") if isinstance(results, dict) else None
    if not isinstance(done, dict) or not done:
        raise UserError(f"{path} lists no implementations: not a finished run folder")
    points = {}
    for impl, entry in done.items():
        field = f"implementations.{impl}.next_iteration"
        if impl not in IMPLS[1:]:  # "scratch", "torch": a key names a file to read
            raise UserError(f"{path}: implementation {impl!r} is none of {', '.join(IMPLS[1:])}")
        if not isinstance(entry, dict) or "next_iteration" not in entry:
            raise UserError(f"{path} lacks {field}: not a finished run folder")
        value = entry["next_iteration"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise UserError(f"{path}: {field} is {value!r}; expected a whole number >= 0")
        points[impl] = value
    return points


def _given(parsed: Parsed, field: str) -> str:
    """Where a changed setting came from, for the message: `` (--dtype)``, `` (config file
    x.yaml)``; a spec field without a setting of its own, from ``spec``."""
    name = field.rsplit(" ", 1)[-1]  # "layer 1 batch_norm": its setting is batch_norm
    where = parsed.given.get(name) or parsed.given.get("spec")
    return f" ({where})" if where else ""


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)
