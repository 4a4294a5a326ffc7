"""No torch twin (both sides read the same files): JSON and YAML documents read within bounds,
with one-line errors. Every document the project reads (specs, config files, a run's
``config.yaml`` and ``results.json``) comes through here:

- the file must be a regular file (``scratch.regular_files``: a FIFO or a device is refused
  before it is opened, so nothing blocks) of at most ``MAX_BYTES``;
- it may hold at most ``MAX_VALUES`` values (every mapping, list and scalar), counted with its
  YAML aliases expanded, so an alias bomb ("billion laughs": a few lines that expand to 10^9
  values) is refused before anything walks it, and an alias may not hold itself;
- it may nest at most ``MAX_DEPTH`` lists and mappings, by one rule for both formats that does
  not hang on Python's recursion limit (which other libraries, torch's compiler among them,
  raise at import);
- a key may appear once in a mapping: a second ``lr:`` would otherwise replace the first
  without a word.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from scratch.regular_files import read_regular

MAX_DEPTH = 64
"""The deepest nesting of lists and mappings a document may have; a spec needs 4."""
MAX_BYTES = 2**20
"""The largest document, 1 MiB; a spec of a thousand layers takes 57 KiB of JSON."""
MAX_VALUES = 100_000
"""The most values (mappings, lists and scalars) a document may hold with its aliases expanded;
a spec of a thousand layers holds 5,015."""
MERGE = "tag:yaml.org,2002:merge"  # YAML's ``<<: *base``, whose keys a mapping may override


class _DuplicateKeyError(Exception):
    def __init__(self, key: Any, where: str = ""):
        super().__init__(key, where)
        self.key, self.where = key, where


def read_document(path: str | Path, label: str, purpose: str, *, yaml: bool) -> Any:
    """The JSON (or YAML, which JSON is part of) document in the file at ``path``. A file that
    is missing, not a regular file, larger than ``MAX_BYTES``, not UTF-8, malformed, holding a
    key twice, more than ``MAX_VALUES`` values or nested deeper than ``MAX_DEPTH`` is a
    ``ValueError`` of one line starting with ``label``; ``purpose`` names what it should be
    (``"a spec"``)."""
    text = read_text(path, label, purpose)
    return parse_yaml(text, label, purpose) if yaml else parse_json(text, label, purpose)


def read_text(path: str | Path, label: str, purpose: str) -> str:
    """The UTF-8 text (a byte-order mark dropped) of the file at ``path``, by the rules of every
    document: a regular file (``scratch.regular_files``: a FIFO or a device is refused before
    it is opened) of at most ``MAX_BYTES``. Anything else is a ``ValueError`` of one line
    starting with ``label``; ``purpose`` names what it should be (``"a text corpus"``)."""
    try:
        raw = read_regular(
            path, label, MAX_BYTES, f"is larger than {purpose} may be ({MAX_BYTES >> 20} MiB)"
        )
    except FileNotFoundError as err:
        raise ValueError(str(err)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        byte = raw[err.start]
        raise ValueError(f"{label} is not UTF-8 text (byte {err.start} is 0x{byte:02x})") from None


def parse_json(text: str, label: str, purpose: str) -> Any:
    """The JSON document ``text``, or a one-line ``ValueError`` starting with ``label``."""
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        raise ValueError(f"{label}: not valid JSON ({err})") from None
    except RecursionError:
        raise _too_deep(label, purpose) from None
    except _DuplicateKeyError as err:
        raise _twice(label, err) from None
    except ValueError as err:  # an integer of more digits than Python converts
        raise ValueError(f"{label}: not valid JSON ({err})") from None
    return _shallow(data, label, purpose)


def parse_yaml(text: str, label: str, purpose: str) -> Any:
    """The YAML document ``text``, or a one-line ``ValueError`` starting with ``label``."""
    loader = _parsed(lambda: _loader()(text), label, purpose)  # refuses unprintable text
    try:
        node = _parsed(loader.get_single_node, label, purpose)
        if node is None:
            return None
        _count_values(node, label, purpose)
        data = _parsed(lambda: loader.construct_document(node), label, purpose)
    finally:
        loader.dispose()
    return _shallow(data, label, purpose)


def _parsed(step: Any, label: str, purpose: str) -> Any:
    """``step()``, one stage of the YAML parser, its errors made one line."""
    import yaml

    try:
        return step()
    except yaml.YAMLError as err:
        problem = getattr(err, "problem", None) or (str(err).strip().splitlines() or ["?"])[0]
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"{label} cannot be read: {problem}{where}") from None
    except RecursionError:
        raise _too_deep(label, purpose) from None
    except _DuplicateKeyError as err:
        raise _twice(label, err) from None
    except (ValueError, TypeError) as err:  # a tag whose value does not convert
        raise ValueError(f"{label} cannot be read: {err}") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


@functools.cache
def _loader() -> type:
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping (a merged ``<<`` key
    may be overridden: that is what merging is for)."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                marks: dict[Any, Any] = {}
                for key_node, _ in node.value:
                    if key_node.tag == MERGE:
                        continue
                    key, mark = self.construct_object(key_node, deep=True), key_node.start_mark
                    try:
                        if key in marks:
                            raise _DuplicateKeyError(key, _where(marks[key], mark))
                        marks[key] = mark
                    except TypeError:  # an unhashable key: the constructor refuses it
                        continue
            return super().construct_mapping(node, deep=deep)

    return Loader


def _count_values(root: Any, label: str, purpose: str) -> None:
    """Refuse a node graph that holds more than ``MAX_VALUES`` values with its aliases expanded
    (an alias is the node it names, shared: its values count every time it is used), or one
    that holds itself. Each node is visited once: the count of a shared node is kept."""
    import yaml

    counts: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node, yaml)
        if done:
            open_nodes.discard(key)
            counts[key] = 1 + sum(counts[id(child)] for child in children)
            continue
        if key in counts:
            continue
        if key in open_nodes:
            raise ValueError(f"{label} holds an alias inside the node it names: it never ends")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in counts)
    total = counts[id(root)]
    if total > MAX_VALUES:
        raise ValueError(
            f"{label} holds {total} values once its aliases are expanded; {purpose} may hold "
            f"at most {MAX_VALUES}"
        )


def _children(node: Any, yaml: Any) -> list[Any]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _where(first: Any, second: Any) -> str:
    """Where two YAML marks are: `` (lines 1 and 3)``, or `` (line 1, columns 2 and 10)``."""
    if first.line != second.line:
        return f" (lines {first.line + 1} and {second.line + 1})"
    return f" (line {first.line + 1}, columns {first.column + 1} and {second.column + 1})"


def _twice(label: str, err: _DuplicateKeyError) -> ValueError:
    return ValueError(f"{label} gives the key {err.key!r} twice in one mapping{err.where}")


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
