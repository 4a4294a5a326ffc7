"""Config files: ``--config FILE`` taken out of the command line, the file read as a YAML (or
JSON) mapping, and its keys turned into the command's settings.

One file can hold the settings of every command: a key that another command uses is left to
it, an alias (``lr``) or a dashed key (``batch-size``) is the setting it names, and anything
else is an unknown setting, with the nearest known one. Every key counts or is refused: two
keys of one setting (``lr`` and ``learning_rate``), a ``config:`` key (a file naming another)
and a second ``--config`` are each one line naming them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scratch.documents import read_document
from scripts.cli.errors import UserError


def take_config(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--config FILE`` (or ``--config=FILE``) out of ``argv``: the file ranks below the
    flags wherever it stands. One at most: a second would leave one of the two unread."""
    rest, paths = [], []
    items = iter(argv)
    for item in items:
        if item == "--config":
            path = next(items, None)
            if path is None:
                raise UserError("--config needs a file (see --help)")
            paths.append(path)
        elif item.startswith("--config="):
            paths.append(item.split("=", 1)[1])
        else:
            rest.append(item)
    if len(paths) > 1:
        raise UserError(
            f"--config is given {len(paths)} times ({', '.join(paths)}); give one file "
            "(one file can hold every setting)"
        )
    return (paths[0] if paths else None), rest


def read_settings(path: str | Path, *, what: str = "config file") -> dict[str, Any]:
    """A YAML (or JSON) mapping of settings, or a one-line ``UserError`` saying why not."""
    try:
        values = read_document(path, f"{what} {path}", f"a {what}", yaml=True)
    except ValueError as err:
        raise UserError(str(err)) from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise UserError(f"{what} {path} must hold a mapping of setting: value")
    return values


def keys_of(
    values: Mapping[Any, Any],
    names: Mapping[str, str],
    elsewhere: Iterable[str],
    source: str,
) -> dict[str, Any]:
    """``values`` under the settings' field names. ``names`` maps every accepted key (a field
    name, a flag's name, an alias) to its field; a key of ``elsewhere`` (another command's) is
    left out, any other is an unknown setting (the nearest key of any command suggested). Two
    keys of one setting, and a ``config`` key, are refused."""
    out: dict[str, Any] = {}
    written: dict[str, Any] = {}
    for key, value in values.items():
        name = names.get(str(key).replace("-", "_"))
        if name in written:
            raise UserError(
                f"{source}: {written[name]!r} and {key!r} are the same setting ({name}); give one"
            )
        if name is not None:
            out[name], written[name] = value, key
        elif key == "config":
            raise UserError(
                f"{source}: a config file cannot name another (config: {value!r}); put its "
                "settings in this one, or give that file with --config"
            )
        elif key not in elsewhere:
            known = sorted({*names, *elsewhere})
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "; see --help for the settings"
            raise UserError(f"{source}: unknown setting {key!r}{hint}")
    return out
