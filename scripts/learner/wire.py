"""The format nn-check's two processes speak (``scripts.learner.runner`` and ``child``): plain
data that cannot carry code, read with limits. The learner's process is untrusted: whatever it
writes to its socket, nn-check's process only ever parses JSON and copies array bytes, and a
message that breaks a rule is refused as a ``WireError`` (nn-check's side then ends that process).

One message is a frame: two lengths (``!QQ``: the JSON header's, the body's), the header, the
body. The header is one tagged tree::

    ["n"] None            ["b", true]       ["i", 3]        ["f", "0.5"] (repr: nan, inf too)
    ["c", "1.0", "2.0"]   ["s", "text"]     ["l", [...]]    ["t", [...]] (a tuple)
    ["fs", [...]]         ["d", [[key, value], ...]]
    ["a", "<f8", [2, 3], offset, nbytes]    an array: its bytes are body[offset:offset + nbytes]
    ["g", "<f8", offset, nbytes]            a NumPy scalar, the same way
    ["r", "Failure", {"kind": ..., ...}]    one of the record types named to ``decode``

Limits: ``MAX_HEADER`` and ``MAX_BODY`` bytes, ``MAX_DEPTH`` levels, ``MAX_NODES`` nodes;
numeric dtypes only (``biufc``), at most 32 dimensions, sizes that match their bytes; a record's
fields by name and type (its dataclass's annotations).
"""

from __future__ import annotations

import dataclasses
import json
import re
import select
import socket
import struct
import time
import types
import typing
from typing import Any

import numpy as np

FRAME = struct.Struct("!QQ")
MAX_HEADER = 16 << 20
MAX_BODY = 256 << 20
MAX_DEPTH = 32
MAX_NODES = 200_000
DTYPE = re.compile(r"[<>|=]?[biufc]\d{1,2}")
CHUNK = 1 << 20


class WireError(Exception):
    """A message that breaks the format's rules, or one that did not come in time."""


# Writing


def encode(value: Any) -> bytes:
    """``value`` (plain data: None, bool, int, float, complex, str, NumPy arrays and scalars of
    numbers, lists, tuples, frozensets, dicts, dataclass records of them) as one frame."""
    body: list[bytes] = []
    offset = [0]

    def node(item: Any) -> Any:
        kind = type(item)
        if item is None:
            return ["n"]
        if kind is bool:
            return ["b", item]
        if kind is int:
            return ["i", item]
        if kind is float:
            return ["f", repr(item)]
        if kind is complex:
            return ["c", repr(item.real), repr(item.imag)]
        if kind is str:
            return ["s", item]
        if kind is list or kind is tuple or kind is frozenset:
            return [{list: "l", tuple: "t", frozenset: "fs"}[kind], [node(i) for i in item]]
        if kind is dict:
            return ["d", [[node(k), node(v)] for k, v in item.items()]]
        if isinstance(item, np.ndarray | np.generic):
            array = np.asarray(item)
            if array.dtype.kind not in "biufc":
                raise TypeError(f"an array of dtype {array.dtype} does not travel")
            data = array.tobytes()  # C order
            where = [offset[0], len(data)]
            body.append(data)
            offset[0] += len(data)
            if isinstance(item, np.generic):
                return ["g", array.dtype.str, *where]
            return ["a", array.dtype.str, list(array.shape), *where]
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            fields = {f.name: node(getattr(item, f.name)) for f in dataclasses.fields(item)}
            return ["r", kind.__name__, fields]
        raise TypeError(f"a {kind.__name__} does not travel")

    header = json.dumps(node(value), separators=(",", ":")).encode()
    return FRAME.pack(len(header), offset[0]) + header + b"".join(body)


def send(sock: socket.socket, value: Any, timeout: float | None = None) -> None:
    """Send ``value``'s frame, all of it within ``timeout`` seconds (``None``: no limit); a
    ``WireError`` when the other side does not take it in time or has gone."""
    data = encode(value)
    sock.settimeout(timeout)
    try:
        sock.sendall(data)
    except (OSError, ValueError) as err:  # a timeout, a closed socket
        raise WireError(f"could not send: {err}") from None


# Reading


def receive(sock: socket.socket, deadline: float | None, records: dict[str, type]) -> Any:
    """The next frame's value, read by ``deadline`` (``time.monotonic()``; ``None``: no limit)
    and decoded (``decode``); ``EOFError`` when the other side closed before a frame began,
    ``WireError`` for anything else that is not a well-formed frame in time."""
    head = _read(sock, FRAME.size, deadline, at_start=True)
    header_size, body_size = FRAME.unpack(head)
    if header_size > MAX_HEADER or body_size > MAX_BODY:
        raise WireError(f"a message of {header_size + body_size} bytes, over the limit")
    header = _read(sock, header_size, deadline)
    body = _read(sock, body_size, deadline)
    return decode(header, body, records)


def _read(sock: socket.socket, size: int, deadline: float | None, at_start: bool = False) -> bytes:
    data = bytearray()
    while len(data) < size:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise WireError("no answer in time")
        try:
            ready, _, _ = select.select([sock], [], [], left)
            chunk = sock.recv(min(CHUNK, size - len(data))) if ready else None
        except (OSError, ValueError) as err:
            raise WireError(f"the connection failed: {err}") from None
        if chunk is None:
            continue
        if not chunk:
            if at_start and not data:
                raise EOFError
            raise WireError("the message ended early")
        data += chunk
    return bytes(data)


def decode(header: bytes, body: bytes, records: dict[str, type]) -> Any:
    """The value a frame's ``header`` and ``body`` hold; ``records``: the dataclasses a
    ``["r", name, fields]`` node may name. ``WireError`` for anything outside the format."""
    try:
        tree = json.loads(header.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise WireError(f"a header that is not JSON: {str(err)[:80]}") from None
    return _Reader(body, records).value(tree, 0)


class _Reader:
    """One message's tree, checked node by node against the format's rules and limits."""

    def __init__(self, body: bytes, records: dict[str, type]):
        self.body, self.records, self.nodes = body, records, 0

    def value(self, tree: Any, depth: int) -> Any:
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise WireError("a message nested too deeply or too large")
        if not isinstance(tree, list) or not tree or not isinstance(tree[0], str):
            raise WireError("a node that is not a tagged list")
        tag, rest = tree[0], tree[1:]
        try:
            return self._node(tag, rest, depth + 1)
        except (TypeError, ValueError, OverflowError) as err:
            raise WireError(f"a malformed {tag[:10]!r} node: {str(err)[:80]}") from None

    def _node(self, tag: str, rest: list, depth: int) -> Any:
        if tag == "n" and not rest:
            return None
        if tag in PLAIN and len(rest) == 1 and type(rest[0]) is PLAIN[tag]:
            return rest[0]
        if tag == "f" and len(rest) == 1:
            return _float(rest[0])
        if tag == "c" and len(rest) == 2:
            return complex(_float(rest[0]), _float(rest[1]))
        if tag in ("l", "t", "fs") and len(rest) == 1 and isinstance(rest[0], list):
            items = [self.value(item, depth) for item in rest[0]]
            if tag == "l":
                return items
            return tuple(items) if tag == "t" else frozenset(_hashable(items))
        if tag == "d" and len(rest) == 1 and isinstance(rest[0], list):
            pairs = [self._pair(pair, depth) for pair in rest[0]]
            return dict(zip(_hashable([k for k, _ in pairs]), (v for _, v in pairs), strict=True))
        if tag == "a" and len(rest) == 4:
            return self._array(*rest)
        if tag == "g" and len(rest) == 3:
            kind, data = self._bytes(*rest)
            if kind.itemsize != len(data):
                raise ValueError("a scalar's size does not match its bytes")
            return np.frombuffer(data, dtype=kind)[0]
        if tag == "r" and len(rest) == 2:
            return self._record(*rest, depth)
        raise TypeError(f"not a node of the format (tag {tag[:10]!r}, {len(rest)} parts)")

    def _pair(self, pair: Any, depth: int) -> tuple[Any, Any]:
        if not isinstance(pair, list) or len(pair) != 2:
            raise TypeError("not a key-value pair")
        return self.value(pair[0], depth), self.value(pair[1], depth)

    def _bytes(self, dtype: Any, offset: Any, nbytes: Any) -> tuple[np.dtype, bytes]:
        if type(dtype) is not str or not DTYPE.fullmatch(dtype):
            raise TypeError(f"dtype {str(dtype)[:20]!r} is not a number type")
        for number in (offset, nbytes):
            if type(number) is not int or number < 0:
                raise TypeError("an offset or size that is not a count")
        if offset + nbytes > len(self.body):
            raise ValueError("bytes past the end of the message")
        return np.dtype(dtype), self.body[offset : offset + nbytes]

    def _array(self, dtype: Any, shape: Any, offset: Any, nbytes: Any) -> np.ndarray:
        kind, data = self._bytes(dtype, offset, nbytes)
        if (
            not isinstance(shape, list)
            or len(shape) > 32
            or any(type(n) is not int or n < 0 for n in shape)
        ):
            raise TypeError("a shape that is not a list of counts")
        if kind.itemsize * int(np.prod(shape, dtype=object)) != len(data):
            raise ValueError("a shape that does not match its bytes")
        return np.frombuffer(data, dtype=kind).reshape(shape).copy()

    def _record(self, name: Any, fields: Any, depth: int) -> Any:
        cls = self.records.get(name) if isinstance(name, str) else None
        if cls is None or not isinstance(fields, dict):
            raise TypeError(f"not a record nn-check knows: {str(name)[:20]!r}")
        hints = typing.get_type_hints(cls)
        names = {field.name for field in dataclasses.fields(cls)}
        if set(fields) - names:
            raise TypeError(f"{name} has no field {sorted(set(fields) - names)[0][:20]!r}")
        values = {key: self.value(item, depth) for key, item in fields.items()}
        for key, item in values.items():
            if not fits(item, hints[key]):
                raise TypeError(f"{name}.{key} is not a {hints[key]}")
        return cls(**values)


PLAIN = {"b": bool, "i": int, "s": str}


def _float(text: Any) -> float:
    if type(text) is not str or len(text) > 40:
        raise TypeError("not a float's repr")
    return float(text)


def _hashable(items: list) -> list:
    if any(isinstance(item, list | dict | np.ndarray) for item in items):
        raise TypeError("an unhashable key or member")
    return items


def fits(value: Any, hint: Any) -> bool:
    """``value`` is of the annotated type ``hint`` (``str | None``, ``tuple[int, ...]``,
    ``list[str]``, ``dict[str, ...]``, a record class; ``Any`` takes anything)."""
    if hint is Any:
        return True
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, arg) for arg in args)
    if hint is type(None):
        return value is None
    if hint is float:
        return type(value) in (float, int)
    if origin is None:
        return isinstance(value, hint) and not (hint is int and isinstance(value, bool))
    if not isinstance(value, origin):
        return False
    if origin in (list, frozenset, set):
        return all(fits(item, args[0]) for item in value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return all(fits(item, args[0]) for item in value)
        return len(value) == len(args) and all(map(fits, value, args))
    if origin is dict:
        return all(fits(k, args[0]) and fits(v, args[1]) for k, v in value.items())
    return True
