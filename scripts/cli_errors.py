"""The parser's mistakes as one line each: jsonargparse's message (several lines for a typed
value) becomes ``<setting> must be <what it means>, got <value>``, and a misspelled flag gets
the nearest one."""

from __future__ import annotations

import difflib
import json
import re
import typing
from typing import Any

from jsonargparse import ArgumentParser

from scripts.errors import UserError

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
