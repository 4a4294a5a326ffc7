"""No torch twin (both sides read the same files): a ``NetworkSpec`` read from and written to
JSON or YAML, atomically."""

from __future__ import annotations

from pathlib import Path

from scratch._atomic import atomic_write_bytes
from scratch.documents import read_document
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


def save_spec(spec: NetworkSpec, path: str | Path) -> None:
    """Write a spec file atomically; YAML for ``.yaml``/``.yml``, JSON otherwise."""
    path = Path(path)
    if path.suffix in YAML_SUFFIXES:
        import yaml

        text = yaml.safe_dump(spec.to_dict(), sort_keys=False)
    else:
        text = spec.to_json() + "\n"
    atomic_write_bytes(path, text.encode())
