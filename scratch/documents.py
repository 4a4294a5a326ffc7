"""No torch twin (both sides read the same files): JSON and YAML documents parsed with one-line
errors, and one nesting rule for both, so that what is refused does not hang on Python's
recursion limit (which other libraries, torch's compiler among them, raise at import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_DEPTH = 64
"""The deepest nesting of lists and mappings a document may have; a spec needs 4."""


def read_document(path: str | Path, label: str, purpose: str, *, yaml: bool) -> Any:
    """The JSON (or YAML, which JSON is part of) document in the file at ``path``. A file that
    is missing, unreadable, not UTF-8, malformed or nested deeper than ``MAX_DEPTH`` is a
    ``ValueError`` of one line starting with ``label``; ``purpose`` names what it should be
    (``"a spec"``)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{label} does not exist") from None
    except OSError as err:
        raise ValueError(f"{label} cannot be read: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        byte = raw[err.start]
        raise ValueError(f"{label} is not UTF-8 text (byte {err.start} is 0x{byte:02x})") from None
    return parse_yaml(text, label, purpose) if yaml else parse_json(text, label, purpose)


def parse_json(text: str, label: str, purpose: str) -> Any:
    """The JSON document ``text``, or a one-line ``ValueError`` starting with ``label``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{label}: not valid JSON ({err})") from None
    except RecursionError:
        raise _too_deep(label, purpose) from None
    return _shallow(data, label, purpose)


def parse_yaml(text: str, label: str, purpose: str) -> Any:
    """The YAML document ``text``, or a one-line ``ValueError`` starting with ``label``."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        problem = getattr(err, "problem", None) or (str(err).strip().splitlines() or ["?"])[0]
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"{label} cannot be read: {problem}{where}") from None
    except RecursionError:
        raise _too_deep(label, purpose) from None
    except (ValueError, TypeError) as err:  # a tag whose value does not convert
        raise ValueError(f"{label} cannot be read: {err}") from None
    return _shallow(data, label, purpose)


def _shallow(data: Any, label: str, purpose: str) -> Any:
    """``data`` itself, checked (level by level, without recursing) to nest no deeper than
    ``MAX_DEPTH`` lists and mappings."""
    level = [data] if isinstance(data, (list, dict)) else []
    for _ in range(MAX_DEPTH):
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, (list, dict))
        ]
        if not level:
            return data
    raise _too_deep(label, purpose)


def _too_deep(label: str, purpose: str) -> ValueError:
    return ValueError(f"{label} is nested too deeply to be {purpose}")
