"""The one parser style of every command: typed settings dataclasses, turned into flags and
validated by jsonargparse (the parser LightningCLI is built on).

A command lists its settings groups, each a frozen dataclass whose fields come from ``setting``;
``parse_settings`` builds the parser, reads the sources and returns one instance per group.
Every field is a flag (``batch_size`` is ``--batch-size``, and ``--batch_size`` too), a key of a
``--config FILE`` (YAML or JSON, read by ``config_file``; a flag's alias, ``lr``, works as a key
too), and a line of ``--print_config``, whose output ``--config`` reads back. Precedence, lowest
first: the defaults, the ``base`` settings (a resumed run's), the config file, the flags typed.
Two settings that give one thing two ways (``--epochs`` ``instead_of`` ``--iterations``): the
source that ranks highest decides, and one source giving both is refused. A mistake is one
line naming the setting and the value (``UserError``: jsonargparse's several lines for a typed
value become ``<setting> must be <what it means>, got <value>``), with a did-you-mean for a
misspelled flag or key::

    @dataclass(frozen=True)
    class Steps:
        \"\"\"Training.\"\"\"
        learning_rate: float = setting(1.2, "step size", kind="rate", aliases=("--lr",))

    [steps] = parse_settings("train", "Train.", ["--lr", "0.5"], [Steps])   # Steps(0.5)
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import re
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml
from jsonargparse import ArgumentParser, DefaultHelpFormatter

from scripts.cli.config_file import keys_of, read_settings, take_config
from scripts.cli.errors import UserError
from scripts.cli.fields import METAVARS, Typed, plain, typed

PRINT_CONFIG = "--print_config"


def setting(
    default: Any,
    help: str,
    *,
    kind: str | None = None,
    choices: Sequence[str] | None = None,
    aliases: Sequence[str] = (),
    metavar: str | None = None,
    instead_of: tuple[str, str] | None = None,
) -> Any:
    """A settings field: its default, its help line, and what ``parse_settings`` needs to make
    it a flag. ``kind`` narrows the annotation (see ``KINDS``); ``aliases`` are further flags
    (``--lr``), each also accepted as a config key; ``instead_of``: ``(field, what both
    give)``, another field that gives the same thing another way (``epochs`` is
    ``("iterations", "the length of the run")``)."""
    meta = {"help": help, "kind": kind, "choices": choices, "aliases": tuple(aliases)}
    meta |= {"metavar": metavar, "instead_of": instead_of}
    if isinstance(default, list | tuple | dict):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def flag_of(name: str) -> str:
    return "--" + name.replace("_", "-")


class HelpFormatter(DefaultHelpFormatter):
    """Each flag's own help line, with its default (jsonargparse adds its type names too)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        return action.help or ""


def add_settings(parser: OneLineParser, cls: type) -> None:
    """One flag per field of the dataclass ``cls``, in a help group titled by its docstring."""
    title = (cls.__doc__ or cls.__name__).strip().splitlines()[0].rstrip(".")
    group = parser.add_argument_group(title)
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        meta = field.metadata
        default = field.default if field.default is not dataclasses.MISSING else None
        if field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        names = [flag_of(field.name), *meta.get("aliases", ())]
        shown = "" if default in (None, False) else f" (default: {default})"
        extra: dict[str, Any] = {"help": meta.get("help", "") + shown, "dest": field.name}
        if hints[field.name] is bool:
            action = group.add_argument(*names, action="store_true", default=default, **extra)
            action.typed, action.instead_of = Typed(bool, "true or false", optional=False), None
            continue
        kind = typed(hints[field.name], meta.get("kind"))
        if meta.get("choices"):
            extra["choices"] = list(meta["choices"])
            kind = kind._replace(means=f"one of {', '.join(meta['choices'])}")
        else:
            extra["metavar"] = meta.get("metavar") or METAVARS.get(meta.get("kind"), "VALUE")
        if kind.several:
            extra["nargs"] = "+"
        action = group.add_argument(*names, type=kind.one, default=default, **extra)
        action.typed, action.instead_of = kind, meta.get("instead_of")


def build_parser(prog: str, description: str, groups: Sequence[type]) -> OneLineParser:
    parser = OneLineParser(
        prog=prog,
        description=description,
        exit_on_error=False,
        allow_abbrev=False,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--config", metavar="FILE", help="YAML/JSON file of any settings below")
    parser.add_argument(  # for --help: parse_settings takes the flag out of the arguments
        PRINT_CONFIG,
        action="store_true",
        help="print the settings as a config file that --config reads back, and exit",
    )
    for cls in groups:
        add_settings(parser, cls)
    return parser


class Parsed(list):
    """What ``parse_settings`` returns: one instance per settings group, in order (unpack it as
    a list), with ``given``, where each setting that is not at its default came from (a
    flag, ``"--beta"``; ``"config file run.yaml"``; the base's source, ``"run runs/a"``), and
    ``base``, what the ``base`` callable returned (``None`` without one)."""

    given: dict[str, str]
    base: Any


def parse_settings(
    prog: str,
    description: str,
    argv: Sequence[str] | None,
    groups: Sequence[type],
    *,
    base: Callable[[Mapping[str, Any]], Base | None] | None = None,
    elsewhere: frozenset[str] = frozenset(),
) -> Parsed:
    """Parse ``argv`` for a command whose settings are ``groups``; one instance per group.

    ``base(settings)``, given the settings of the config file and the flags, may return a
    ``Base``: settings that rank between the defaults and the config file (a resumed run's),
    each a setting of this command. ``elsewhere``: the settings of other commands, which a
    config file may hold (one file can serve every command) and this command ignores.
    """
    config_path, argv = take_config(list(sys.argv[1:] if argv is None else argv))
    printing = PRINT_CONFIG in argv
    argv = [item for item in argv if item != PRINT_CONFIG]
    parser = build_parser(prog, description, groups)
    argv = _dashed(parser, argv)
    typed = parser.parse_args(argv, defaults=False).as_dict()
    sources = [(FLAGS, {dest: typed[dest] for dest in _settings(parser) if dest in typed})]
    if config_path is not None:
        source = f"config file {config_path}"
        values = keys_of(read_settings(config_path), _names(parser), elsewhere, source)
        sources.insert(0, (source, _checked(parser, values, source)))
    below = base(_merged(parser, sources)[0]) if base is not None else None
    if below is not None:
        values = keys_of(below.settings, _names(parser), frozenset(), below.source)
        sources.insert(0, (below.source, _checked(parser, values, below.source)))
    merged, given = _merged(parser, sources)
    if printing:
        print(yaml.safe_dump(_printed(parser, merged, given), sort_keys=False), end="")
        raise SystemExit(0)
    parsed = Parsed(
        cls(**{f.name: merged[f.name] for f in dataclasses.fields(cls)}) for cls in groups
    )
    parsed.given, parsed.base = given, below
    return parsed


class Base(typing.Protocol):
    """Settings below the config file and the flags (``parse_settings``' ``base``): where they
    come from (``"run runs/a"``) and the settings, keyed as a config file's."""

    source: str
    settings: Mapping[str, Any]


FLAGS = "the command line"


def _merged(
    parser: OneLineParser, sources: list[tuple[str, dict[str, Any]]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The defaults, then ``sources`` (lowest first), as one dict of every setting; and where
    each setting given came from. Of two settings that give one thing (``instead_of``), a source
    may hold one (both is refused), the highest source holding either decides, and the other
    goes back to its default."""
    actions = _settings(parser)
    merged = {dest: plain(action.default) for dest, action in actions.items()}
    given: dict[str, str] = {}
    for source, values in sources:
        for dest, value in values.items():
            merged[dest] = _plain_value(actions[dest], value)
            given[dest] = flag_of(dest) if source == FLAGS else source
    for dest, action in actions.items():
        other, what = action.instead_of or (None, None)
        if other is None:
            continue
        holding = [
            (source, [name for name in (other, dest) if values.get(name) is not None])
            for source, values in sources
        ]
        for source, held in holding:
            if len(held) == 2:
                shown = " and ".join(flag_of(name) for name in held)
                where = "" if source == FLAGS else f"{source}: "
                raise UserError(f"{where}{shown} both give {what}; give one")
        winner = next((held[0] for _, held in reversed(holding) if held), None)
        if winner is not None:
            loser = dest if winner == other else other
            merged[loser] = plain(actions[loser].default)
            given.pop(loser, None)
    return merged, given


def _printed(
    parser: OneLineParser, merged: dict[str, Any], given: dict[str, str]
) -> dict[str, Any]:
    """The settings as ``--print_config`` prints them: all of them, but for one of two that give
    one thing where the other is given (``--epochs``: no ``iterations``)."""
    out = dict(merged)
    for dest, action in _settings(parser).items():
        other = (action.instead_of or (None,))[0]
        if other is not None and merged[dest] is not None:
            out.pop(other)
    return out


def _plain_value(action: argparse.Action, value: Any) -> Any:
    value = plain(value)
    if action.typed.scalar_ok and isinstance(value, list) and len(value) == 1:
        return value[0]  # a lone value of a name-or-names setting
    return value


def _settings(parser: OneLineParser) -> dict[str, argparse.Action]:
    return {action.dest: action for action in parser._actions if hasattr(action, "typed")}


def _names(parser: OneLineParser) -> dict[str, str]:
    """Every key a config file may use for a setting: its field name and its flags' names."""
    return {
        flag.lstrip("-").replace("-", "_"): dest
        for dest, action in _settings(parser).items()
        for flag in action.option_strings
    }


def _checked(parser: OneLineParser, values: Mapping[str, Any], source: str) -> dict[str, Any]:
    """``values`` (field name -> value, from ``source``) validated as the flags would be."""
    actions = _settings(parser)
    out = {}
    for key, value in values.items():
        kind = actions[key].typed
        try:
            out[key] = _one_value(parser, key, kind, value)
        except UserError as err:
            raise UserError(f"{source}: {err}") from None
    return out


def _one_value(parser: OneLineParser, key: str, kind: Typed, value: Any) -> Any:
    if value is None:
        if kind.optional:
            return None
        raise must_be(key, kind.means, value)
    if kind.one is bool:  # a flag: jsonargparse takes any value for it
        if not isinstance(value, bool):
            raise must_be(key, kind.means, value)
        return value
    if kind.several and not isinstance(value, list):
        if not kind.scalar_ok:
            raise must_be(key, kind.means, value)
        value = [value]
    parser.given = value
    try:
        return getattr(parser.parse_object({key: value}, defaults=False), key)
    finally:
        parser.given = NOT_GIVEN


def _dashed(parser: OneLineParser, argv: list[str]) -> list[str]:
    """``--batch_size`` read as ``--batch-size``: a setting's field name works as its flag."""
    flags = {flag for action in parser._actions for flag in action.option_strings}
    out = []
    for item in argv:
        name, sep, value = item.partition("=")
        dashed = name.replace("_", "-")
        known = name.startswith("--") and name not in flags and dashed in flags
        out.append(dashed + sep + value if known else item)
    return out


# The parser's mistakes as one line each: jsonargparse's message (several lines for a typed
# value) becomes ``<setting> must be <what it means>, got <value>``, and a misspelled flag gets
# the nearest one.

NOT_GIVEN = object()


class OneLineParser(ArgumentParser):
    """jsonargparse's parser, whose every error is one ``UserError`` line. ``given``: the value
    being checked, when the caller knows it (a config file's)."""

    given: Any = NOT_GIVEN

    def error(self, message: str, ex: Exception | None = None) -> typing.NoReturn:
        raise UserError(one_line(message, self, self.given))


def shown(value: Any) -> str:
    """A value as the user wrote it: YAML's ``null``, ``true``; a string quoted."""
    if value is None or isinstance(value, bool | list | dict):
        return json.dumps(value, default=str)
    return repr(value)


def must_be(name: str, means: str, value: Any) -> UserError:
    return UserError(f"{name} must be {means}, got {shown(value)}")


def one_line(message: str, parser: ArgumentParser, given: Any = NOT_GIVEN) -> str:
    """jsonargparse's ``message`` as one line naming the setting and the value (``given``, if
    the caller knows it, else the value the message quotes)."""
    text = str(message).strip()
    key = re.search(r'Parser key "([\w.]+)"', text)
    if key:
        quoted = (
            re.search(r"Given value: (.*)", text)
            or re.search(r"Got value: (.*)", text)
            or re.search(r"(\S+) does not conform", text)
            or re.search(r": (?:could not convert|invalid literal).*: (.*)$", text, re.MULTILINE)
        )
        if given is NOT_GIVEN:
            value = quoted[1] if quoted else "?"
            value = value if value.startswith("'") or not _is_text(value) else repr(value)
        else:
            value = shown(given)
        return f"{key[1]} must be {means_of(parser, key[1])}, got {value}"
    choice = re.match(r"argument (\S+?)(?:/\S+)?: invalid choice: (.*?) \(choose", text)
    if choice:
        action = next(a for a in parser._actions if choice[1] in a.option_strings)
        return f"{action.dest} must be {means_of(parser, action.dest)}, got {choice[2]}"
    unknown = re.match(r"unrecognized arguments: (\S+)", text)
    if unknown:
        flag = unknown[1].split("=")[0]
        if not flag.startswith("-"):
            return f"{flag!r} follows no flag that takes it (see --help)"
        flags = [s for action in parser._actions for s in action.option_strings]
        close = difflib.get_close_matches(flag, flags, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; see --help"
        return f"unknown flag {flag}{hint}"
    return " ".join(line.strip() for line in text.splitlines() if line.strip()) + " (see --help)"


def means_of(parser: ArgumentParser, name: str) -> str:
    """What the setting ``name`` holds, in words (``add_settings`` writes it on the action)."""
    for action in parser._actions:
        if action.dest == name and hasattr(action, "typed"):
            return action.typed.means
    return "valid"


def _is_text(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return True
    return False
