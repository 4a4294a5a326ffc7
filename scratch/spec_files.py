"""No torch twin (both sides read the same files): a ``NetworkSpec`` read from and written to
JSON or YAML, atomically."""

from __future__ import annotations

from pathlib import Path

from scratch._atomic import atomic_write_bytes
from scratch.spec import NetworkSpec, SpecError


def load_spec(path: str | Path) -> NetworkSpec:
    """Read a spec file (``.json``, or ``.yaml``/``.yml``), validating every field."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise SpecError(f"spec file {str(path)!r}: {err.strerror or err}") from None
    if path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            return NetworkSpec.from_dict(yaml.safe_load(text))
        except yaml.YAMLError as err:
            raise SpecError(f"spec file {str(path)!r}: not valid YAML ({err})") from None
    return NetworkSpec.from_json(text)


def save_spec(spec: NetworkSpec, path: str | Path) -> None:
    """Write a spec file atomically; YAML for ``.yaml``/``.yml``, JSON otherwise."""
    path = Path(path)
    if path.suffix in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(spec.to_dict(), sort_keys=False)
    else:
        text = spec.to_json() + "\n"
    atomic_write_bytes(path, text.encode())
