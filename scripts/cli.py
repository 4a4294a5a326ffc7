"""The one parser style of every command: typed settings dataclasses, turned into flags and
validated by jsonargparse (the parser LightningCLI is built on).

A command lists its settings groups, each a frozen dataclass whose fields come from ``setting``;
``parse_settings`` builds the parser, reads the sources and returns one instance per group.
Every field is a flag (``batch_size`` is ``--batch-size``, and ``--batch_size`` too), a key of a
``--config FILE`` (YAML or JSON; a flag's alias, ``lr``, works as a key too), and a line of
``--print_config``, whose output ``--config`` reads back. Precedence, lowest first: the
defaults, the ``base`` settings (a resumed run's), the config file, the flags typed.
A mistake is one line naming the setting and the value (``UserError``), with a did-you-mean for
a misspelled flag or key.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import re
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Optional

import yaml
from jsonargparse import ArgumentParser, DefaultHelpFormatter
from jsonargparse.typing import (
    NonNegativeFloat,
    NonNegativeInt,
    OpenUnitInterval,
    PositiveFloat,
    PositiveInt,
)

from scripts.errors import UserError

# kind -> (jsonargparse type, what it means in an error)
KINDS: dict[str, tuple[Any, str]] = {
    "count": (PositiveInt, "a positive integer"),
    "seed": (NonNegativeInt, "an integer >= 0"),
    "rate": (PositiveFloat, "a positive number"),
    "nonnegative": (NonNegativeFloat, "a number >= 0"),
    "fraction": (OpenUnitInterval, "a number between 0 and 1"),
}
METAVARS = {"count": "N", "seed": "N", "rate": "X", "nonnegative": "X", "fraction": "X"}
MEANS = {kind_type: means for kind_type, means in KINDS.values()}
MEANS.update(
    {
        int: "an integer",
        float: "a number",
        str: "a string",
        bool: "true or false",
        dict: "a mapping",
    }
)


def setting(
    default: Any,
    help: str,
    *,
    kind: str | None = None,
    choices: Sequence[str] | None = None,
    aliases: Sequence[str] = (),
    metavar: str | None = None,
    commands: frozenset[str] | None = None,
) -> Any:
    """A settings field: its default, its help line, and what ``parse_settings`` needs to make
    it a flag. ``kind`` narrows the annotation (see ``KINDS``); ``aliases`` are further flags
    (``--lr``), each also accepted as a config key."""
    meta = {"help": help, "kind": kind, "choices": choices, "aliases": tuple(aliases)}
    meta |= {"metavar": metavar}
    if isinstance(default, list | tuple | dict):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def flag_of(name: str) -> str:
    return "--" + name.replace("_", "-")


class HelpFormatter(DefaultHelpFormatter):
    """Each flag's own help line, with its default (jsonargparse adds its type names too)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        return action.help or ""


class OneLineParser(ArgumentParser):
    """jsonargparse's parser, whose every error is one ``UserError`` line."""

    def error(self, message: str, ex: Exception | None = None) -> typing.NoReturn:
        raise UserError(one_line(message, self))


def one_line(message: str, parser: ArgumentParser) -> str:
    """jsonargparse's message (several lines for a typed value) as one line naming the setting
    and the value; a misspelled flag gets the nearest one."""
    text = str(message).strip()
    key = re.search(r'Parser key "([\w.]+)"', text)
    given = (
        re.search(r"Given value: (.*)", text)
        or re.search(r"(\S+) does not conform", text)
        or re.search(r": (?:could not convert|invalid literal).*: (.*)$", text, re.MULTILINE)
    )
    if key:
        name = key[1]
        wanted = _means_of(parser, name)
        value = given[1] if given else "?"
        return f"{name} must be {wanted}, got {value}"
    choice = re.match(r"argument (\S+?)(?:/\S+)?: invalid choice: (.*?) \(choose", text)
    if choice:
        action = next(a for a in parser._actions if choice[1] in a.option_strings)
        return f"{action.dest} must be {action.means}, got {choice[2]}"
    unknown = re.match(r"unrecognized arguments: (\S+)", text)
    if unknown:
        flag = unknown[1].split("=")[0]
        flags = [s for action in parser._actions for s in action.option_strings]
        close = difflib.get_close_matches(flag, flags, n=1)
        hint = f"; did you mean {close[0]}?" if close else "; see --help"
        return f"unknown flag {flag}{hint}"
    return " ".join(line.strip() for line in text.splitlines() if line.strip()) + " (see --help)"


def _means_of(parser: ArgumentParser, name: str) -> str:
    for action in parser._actions:
        if action.dest == name:
            return getattr(action, "means", None) or "valid"
    return "valid"


def _field_type(cls: type, field: dataclasses.Field) -> tuple[Any, str, bool]:
    """(jsonargparse type of one value, what it means, whether the flag takes several)."""
    hint = typing.get_type_hints(cls)[field.name]
    optional = type(None) in typing.get_args(hint)
    others = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if optional and len(others) > 1:  # a choice of types (a spec file, or its fields)
        return hint, " or ".join(MEANS.get(arg, arg.__name__) for arg in others), False
    if optional:
        hint = others[0]
    several = typing.get_origin(hint) is list
    one = typing.get_args(hint)[0] if several else hint
    kind = field.metadata.get("kind")
    if kind is not None:
        one, means = KINDS[kind]
    else:
        means = MEANS.get(one, "valid")
    if several:
        means = f"a list of {means.removeprefix('a ').removeprefix('an ')}s"
    return (Optional[one] if optional or several else one), means, several  # noqa: UP045


def add_settings(parser: ArgumentParser, cls: type) -> None:
    """One flag per field of the dataclass ``cls``, in a help group titled by its docstring."""
    title = (cls.__doc__ or cls.__name__).strip().splitlines()[0].rstrip(".")
    group = parser.add_argument_group(title)
    for field in dataclasses.fields(cls):
        meta = field.metadata
        default = field.default if field.default is not dataclasses.MISSING else None
        if field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        names = [flag_of(field.name), *meta.get("aliases", ())]
        shown = "" if default in (None, False) else f" (default: {default})"
        extra: dict[str, Any] = {"help": meta.get("help", "") + shown, "dest": field.name}
        if typing.get_type_hints(cls)[field.name] is bool:
            action = group.add_argument(*names, action="store_true", default=default, **extra)
            action.means = MEANS[bool]
            continue
        one, means, several = _field_type(cls, field)
        if meta.get("choices"):
            extra["choices"] = list(meta["choices"])
        else:
            extra["metavar"] = meta.get("metavar") or METAVARS.get(meta.get("kind"), "VALUE")
        if several:
            extra["nargs"] = "+"
        action = group.add_argument(*names, type=one, default=default, **extra)
        action.means = means if not meta.get("choices") else f"one of {', '.join(meta['choices'])}"


def build_parser(prog: str, description: str, groups: Sequence[type]) -> OneLineParser:
    parser = OneLineParser(
        prog=prog,
        description=description,
        exit_on_error=False,
        allow_abbrev=False,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--config", metavar="FILE", help="YAML/JSON file of any settings below")
    parser.add_argument(
        "--print_config",
        nargs="?",
        const=True,
        default=False,
        metavar="",
        help="print the settings as a config file that --config reads back, and exit",
    )
    for cls in groups:
        add_settings(parser, cls)
    return parser


def parse_settings(
    prog: str,
    description: str,
    argv: Sequence[str] | None,
    groups: Sequence[type],
    *,
    base: Callable[[Mapping[str, Any]], tuple[str, Mapping[str, Any]] | None] | None = None,
    elsewhere: frozenset[str] = frozenset(),
) -> list[Any]:
    """Parse ``argv`` for a command whose settings are ``groups``; one instance per group.

    ``base(settings)``, given the settings of the config file and the flags, may return
    ``(source, values)``: settings that rank between the defaults and the config file (a
    resumed run's). ``elsewhere``: the settings of other commands, which a config file may
    hold (one file can serve every command) and this command ignores.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    config_path, argv = _take_config(argv)
    parser = build_parser(prog, description, groups)
    argv = _dashed(parser, argv)
    dests = {action.dest for action in parser._actions} - {"help", "config", "print_config"}
    from_file = {}
    if config_path is not None:
        from_file = _keys_of(parser, read_settings(config_path), dests, elsewhere, config_path)
    merged = _parse(parser, argv, [(f"config file {config_path}", from_file)])
    below = base(merged) if base is not None else None
    if below is not None:
        source, values = below
        values = {key: value for key, value in values.items() if key in dests}
        parser = build_parser(prog, description, groups)
        merged = _parse(parser, argv, [(source, values), (f"config file {config_path}", from_file)])
    if merged.pop("print_config") is not False:  # jsonargparse passes a bare flag as ""
        print(yaml.safe_dump(merged, sort_keys=False), end="")
        raise SystemExit(0)
    return [cls(**{f.name: merged[f.name] for f in dataclasses.fields(cls)}) for cls in groups]


def _parse(
    parser: OneLineParser, argv: list[str], sources: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    for source, values in sources:
        if not values:
            continue
        try:
            parser.parse_object(values, defaults=False)
        except UserError as err:
            raise UserError(f"{source}: {err}") from None
        parser.set_defaults(**values)
    settings = parser.parse_args(argv).as_dict()
    settings.pop("config", None)
    return settings


def _dashed(parser: ArgumentParser, argv: list[str]) -> list[str]:
    """``--batch_size`` read as ``--batch-size``: a setting's field name works as its flag."""
    flags = {flag for action in parser._actions for flag in action.option_strings}
    out = []
    for item in argv:
        name, sep, value = item.partition("=")
        dashed = name.replace("_", "-")
        known = name.startswith("--") and name not in flags and dashed in flags
        out.append(dashed + sep + value if known else item)
    return out


def _take_config(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--config FILE`` (or ``--config=FILE``) out of ``argv``: the file is read here, below
    the flags."""
    rest, path = [], None
    items = iter(argv)
    for item in items:
        if item == "--config":
            path = next(items, None)
            if path is None:
                raise UserError("--config needs a file (see --help)")
        elif item.startswith("--config="):
            path = item.split("=", 1)[1]
        else:
            rest.append(item)
    return path, rest


def read_settings(path: str | Path, *, what: str = "config file") -> dict[str, Any]:
    """A YAML (or JSON) mapping of settings, or a one-line ``UserError`` saying why not."""
    path = Path(path)
    try:
        values = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise UserError(f"{what} {path} does not exist") from None
    except UnicodeDecodeError as err:
        raise UserError(f"{what} {path} is not UTF-8 text (byte {err.start})") from None
    except (OSError, yaml.YAMLError, RecursionError) as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise UserError(f"{what} {path} cannot be read: {first}") from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise UserError(f"{what} {path} must hold a mapping of setting: value")
    return values


def _keys_of(
    parser: OneLineParser,
    values: Mapping[Any, Any],
    dests: set[str],
    elsewhere: frozenset[str],
    path: str,
) -> dict[str, Any]:
    """The file's settings under their field names: an alias key (``lr``) is its field's; a
    setting of another command is left out; anything else is an unknown setting."""
    alias = {
        flag.lstrip("-").replace("-", "_"): action.dest
        for action in parser._actions
        for flag in action.option_strings
    }
    out = {}
    for key, value in values.items():
        name = alias.get(str(key).replace("-", "_"))
        if name in dests:
            out[name] = value
        elif key not in elsewhere and key != "config":
            known = sorted(dests | set(alias))
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "; see --help for the settings"
            raise UserError(f"config file {path}: unknown setting {key!r}{hint}")
    return out
