"""A learner's notebook, or an export of one, as the Python nn-check runs: the code cells of an
``.ipynb`` read with the Jupyter project's own ``nbformat``, and IPython's own syntax made inert,
line for line (so every line number stays the learner's):

- a line magic (``%matplotlib inline``), a shell escape (``!pip install ...``), a help request
  (``np.dot?``) becomes ``pass``; ``files = !ls`` becomes ``files = None``;
- a cell magic whose body is Python (``%%time``, ``%%capture``) keeps its body; any other
  (``%%bash``, ``%%writefile``, ``%%html``) leaves the cell out;
- ``get_ipython()`` (nbconvert's export of a magic, with IPython installed) answers every call
  with ``None`` (``NO_IPYTHON``).

A cell or a file that parses as Python is left as it is: the rewriting applies only where
Python's parser stops.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "memit", "debug"}
MAGIC = re.compile(r"^(\s*)(%|!(?!=))")
ASSIGNED = re.compile(r"^(\s*[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*)(%|!)")
HELP = re.compile(r"^(\s*)(\?\??[\w.]+|[\w.]+\?\??)\s*$")
CELL_MAGIC = re.compile(r"^\s*%%(\w+)")


@dataclass(frozen=True)
class Cell:
    """A code cell: its place in the notebook (1 for the first cell, markdown counted), its
    Python source, and the name its code is compiled under (``nb.ipynb [cell 4]``)."""

    number: int
    source: str
    filename: str


class NotANotebookError(ValueError):
    """A file named ``.ipynb`` that ``nbformat`` cannot read."""


def code_cells(path: Path) -> list[Cell]:
    """The notebook's code cells, in order, as Python (``python_of``); a cell magic's cell
    that is not Python comes back empty."""
    import nbformat  # the child's own import: only a notebook needs it

    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as err:  # nbformat's errors: not JSON, not a notebook, unknown version
        raise NotANotebookError(f"nbformat cannot read it: {str(err)[:120]}") from None
    cells = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            cells.append(Cell(number, python_of(source), f"{path} [cell {number}]"))
    return cells


def python_of(source: str) -> str:
    """``source`` with IPython's syntax made inert, line for line; unchanged if it parses."""
    try:
        ast.parse(source)
        return source
    except (SyntaxError, ValueError):
        pass
    lines = source.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and (magic := CELL_MAGIC.match(lines[first])):
        if magic.group(1) not in PYTHON_CELL_MAGICS:
            return "\n".join("" for _ in lines)
        lines[first] = ""
    return "\n".join(_inert(line) for line in lines)


def _inert(line: str) -> str:
    if assigned := ASSIGNED.match(line):
        return f"{assigned.group(1)}None"
    if (magic := MAGIC.match(line)) or (magic := HELP.match(line)):
        return f"{magic.group(1)}pass"
    return line


class _NoIPython:
    """``get_ipython()`` outside IPython: every method does nothing and returns ``None``."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None


NO_IPYTHON = _NoIPython()


def get_ipython() -> _NoIPython:
    return NO_IPYTHON
