"""No torch twin (both sides read the same files): a ``NetworkSpec`` read from and written to
JSON or YAML, atomically, and the reading of any such document with one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scratch._atomic import atomic_write_bytes
from scratch.spec import NetworkSpec, SpecError

YAML_SUFFIXES = (".yaml", ".yml")


def load_spec(path: str | Path) -> NetworkSpec:
    """Read a spec file (``.json``, or ``.yaml``/``.yml``), validating every field."""
    path = Path(path)
    label = f"spec file {str(path)!r}"
    try:
        data = read_document(path, label, "a spec", yaml=path.suffix in YAML_SUFFIXES)
    except ValueError as err:
        raise SpecError(str(err)) from None
    try:
        return NetworkSpec.from_dict(data)
    except SpecError as err:
        raise SpecError(f"{label}: {err}") from None


def read_document(path: str | Path, label: str, purpose: str, *, yaml: bool) -> Any:
    """The JSON (or YAML, which JSON is part of) document in the file at ``path``. A file that
    is missing, unreadable, not UTF-8, malformed or nested too deeply for Python's parsers is
    a ``ValueError`` of one line starting with ``label``; ``purpose`` names what it should be
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
    try:
        return _parse_yaml(text, label) if yaml else _parse_json(text, label)
    except RecursionError:
        raise ValueError(f"{label} is nested too deeply to be {purpose}") from None


def _parse_json(text: str, label: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{label}: not valid JSON ({err})") from None


def _parse_yaml(text: str, label: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        problem = getattr(err, "problem", None) or (str(err).strip().splitlines() or ["?"])[0]
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"{label} cannot be read: {problem}{where}") from None
    except (ValueError, TypeError) as err:  # a tag whose value does not convert
        raise ValueError(f"{label} cannot be read: {err}") from None


def save_spec(spec: NetworkSpec, path: str | Path) -> None:
    """Write a spec file atomically; YAML for ``.yaml``/``.yml``, JSON otherwise."""
    path = Path(path)
    if path.suffix in YAML_SUFFIXES:
        import yaml

        text = yaml.safe_dump(spec.to_dict(), sort_keys=False)
    else:
        text = spec.to_json() + "\n"
    atomic_write_bytes(path, text.encode())
