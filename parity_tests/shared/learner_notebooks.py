"""The learner files nn-check's tests run (``LEARNERS``: ``parity_tests/learners/``), and
learners' notebooks written with ``nbformat`` as Jupyter writes them: a learner file cut into
cells (its imports and functions, one a cell), between the course's own header cell (its helper
and test imports, magics) and the test cell the course puts after each exercise."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from nbformat import v4

LEARNERS = Path(__file__).resolve().parents[1] / "learners"


def learner_functions(name: str, text: str | None = None) -> list[str]:
    """The top-level blocks (imports, functions) of ``learners/<name>.py`` (or of ``text``),
    one per cell."""
    text = (LEARNERS / f"{name}.py").read_text() if text is None else text
    blocks = re.split(r"\n(?=def |import |from )", text.split('"""', 2)[-1])
    return [block.strip() for block in blocks if block.strip()]


def notebook(path: Path, cells: list) -> Path:
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = cells
    nbformat.write(nb, str(path))
    return path


def code(source: str, output: str | None = None):
    cell = v4.new_code_cell(source)
    if output is not None:
        cell.outputs = [v4.new_output("stream", name="stdout", text=output)]
        cell.execution_count = 1
    return cell


def exercise_cells(blocks: list[str]) -> list:
    """Each of ``blocks`` in a cell followed, where it defines a function, by the course's test
    cell of it (``name_test(name)``, with the output it printed), which needs the course's test
    files."""
    cells = []
    for block in blocks:
        cells.append(code(block))
        name = re.match(r"def (\w+)", block)
        if name:
            cells.append(code(f"{name.group(1)}_test({name.group(1)})", output="All tests passed"))
    return cells


def course_notebook(path: Path, header: str, blocks: list[str], after: str = "") -> Path:
    """A notebook of the course's ``header`` cell, then ``exercise_cells(blocks)``, then
    ``after`` (the notebook's own runs and plots)."""
    cells = [v4.new_markdown_cell(f"# {path.stem}"), code(header), *exercise_cells(blocks)]
    if after:
        cells.append(code(after))
    return notebook(path, cells)


def changed_notebook(
    path: Path,
    name: str,
    header: str,
    after: str,
    changes: list[tuple[str, str]] = (),
    *,
    everywhere: bool = False,
) -> Path:
    """``learners/<name>.py`` with each of ``changes`` (old, new) made as a course notebook
    (``course_notebook``) at ``path``: each ``old`` there once, or at every place it is with
    ``everywhere``."""
    text = (LEARNERS / f"{name}.py").read_text()
    for old, new in changes:
        assert old in text if everywhere else text.count(old) == 1, old
        text = text.replace(old, new)
    return course_notebook(path, header, learner_functions(name, text), after)


def check_assignment(
    capsys,
    folder: Path,
    assignment: str,
    header: str,
    after: str,
    changes: list[tuple[str, str]] = (),
    *flags: str,
    everywhere: bool = False,
) -> tuple[int, dict]:
    """nn-check's exit code and JSON report of ``learners/<assignment>_correct.py`` with
    ``changes`` made (``changed_notebook``), as a course notebook in ``folder``."""
    from scripts.check import main

    path = changed_notebook(
        folder / f"{assignment}.ipynb",
        f"{assignment}_correct",
        header,
        after,
        changes,
        everywhere=everywhere,
    )
    code = main([str(path), "--json", *flags])
    return code, json.loads(capsys.readouterr().out)
