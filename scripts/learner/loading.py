"""Loading a learner's file in nn-check's child process, and what an exception of theirs says:
the exception's one line and the learner's own file and line.

A ``.py`` file is compiled from its source (no ``__pycache__`` beside it) and run as a module
named after it, so ``if __name__ == "__main__":`` blocks stay out; ``--definitions-only`` keeps
only its imports, definitions and literal assignments, which skips a notebook export's test
cells. A notebook (``.ipynb``) runs cell by cell in one module, its definitions only unless
``--run-cells`` asks for all (``scripts.learner.notebooks``: IPython's syntax made inert, a cell
that does not parse left out with a note). The learner's folder goes first on ``sys.path``, so
their own helper modules import; a course helper that is not there is nn-check's stand-in, a
package that is not installed a placeholder (``scripts.learner.imports``).
"""

from __future__ import annotations

import ast
import dis
import importlib
import inspect
import linecache
import os
import sys
import sysconfig
import tokenize
import traceback
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import scratch
from scratch.course import helpers
from scratch.course.catalogue import ALL_NAMES
from scratch.course.helpers import MODULES
from scratch.grading.outcomes import Failure
from scripts.learner.imports import CourseImports
from scripts.learner.notebooks import NotANotebookError, code_cells, get_ipython, python_of

# nn-check's, the project's, Python's and the installed packages' folders: never the learner's
OURS = tuple(
    {
        Path(__file__).resolve().parents[1],
        Path(scratch.__file__).resolve().parent,
        *(Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "purelib", "platlib")),
    }
)
DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Source:
    """What to load: a ``.py`` file or a notebook, or a module importable from the working
    folder; ``definitions_only``: its imports and definitions, not its other top-level code."""

    target: str
    is_file: bool
    definitions_only: bool = False

    @property
    def folder(self) -> Path:
        return Path(self.target).resolve().parent if self.is_file else Path.cwd()

    @property
    def is_notebook(self) -> bool:
        return self.is_file and Path(self.target).suffix == ".ipynb"


def load(source: Source, notes: list[str]) -> tuple[Any, Failure | None, dict]:
    """``(module, None, functions)``, or ``(None, failure, {})`` when loading raised; what
    loading took (stand-ins, packages let through, cells left out, a fork) goes to ``notes``."""
    sys.path.insert(0, str(source.folder))
    finder = CourseImports(lambda filename: _is_learners(Path(filename), source.folder))
    sys.meta_path.append(finder)
    forks: list[str] = []
    os.register_at_fork(after_in_parent=lambda: forks.append(_learners_line(source.folder)))
    try:
        if not source.is_file:
            module = importlib.import_module(source.target)
        elif source.is_notebook:
            module = _run_notebook(Path(source.target).resolve(), source.definitions_only, notes)
        else:
            module = _run_file(Path(source.target).resolve(), source.definitions_only)
    except NotANotebookError as err:
        return None, Failure("NotANotebookError", str(err)), {}
    except (Exception, SystemExit) as err:
        return None, failure_of(err, source.folder), {}
    finally:
        notes += finder.notes()
    for where in dict.fromkeys(forks):
        notes.append(
            f"it forks a process while loading (os.fork(){f', {where}' if where else ''}): "
            "nn-check stopped the copy at once"
        )
    return module, None, course_functions(module)


def _new_module(path: Path) -> types.ModuleType:
    name = path.stem if path.stem.isidentifier() and path.stem not in sys.modules else "solution"
    module = types.ModuleType(name)
    module.__file__ = str(path)
    module.get_ipython = get_ipython  # an export's get_ipython().run_line_magic(...) does nothing
    sys.modules[name] = module
    return module


def _run_file(path: Path, definitions_only: bool) -> types.ModuleType:
    with tokenize.open(path) as file:
        text = file.read()
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError:  # an export that kept IPython's magics as text
        tree = ast.parse(python_of(text), filename=str(path))
    if definitions_only:
        tree.body = [node for node in tree.body if _is_definition(node)]
    module = _new_module(path)
    exec(compile(tree, str(path), "exec", dont_inherit=True), module.__dict__)
    return module


def _run_notebook(path: Path, definitions_only: bool, notes: list[str]) -> types.ModuleType:
    module = _new_module(path)
    skipped = []
    for cell in code_cells(path):
        linecache.cache[cell.filename] = (len(cell.source), None, cell.source.splitlines(True), "")
        try:
            tree = ast.parse(cell.source, filename=cell.filename)
        except SyntaxError as err:
            skipped.append(f"cell {cell.number} (line {err.lineno}: {err.msg})")
            continue
        if definitions_only:
            tree.body = [node for node in tree.body if _is_definition(node)]
        exec(compile(tree, cell.filename, "exec", dont_inherit=True), module.__dict__)
    if skipped:
        notes.append(f"left out, as they do not parse: {', '.join(skipped)}")
    return module


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, DEFINITIONS):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return True  # a docstring
    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
        try:
            ast.literal_eval(node.value)
        except ValueError:
            return False
        return True
    return False


def course_functions(module: Any) -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
    """The course's functions a module defines (``_learners_own``): name -> (parameter names,
    the course functions its code calls, nested functions included, that are the module's own
    or missing; one its globals take from a helper module of the learner's is that module's
    business, and one a course helper provides, ``gc_utils``' ``dictionary_to_vector``, the
    course's)."""
    found = {}
    for name in ALL_NAMES:
        function = getattr(module, name, None)
        if not callable(function) or not _learners_own(function, module):
            continue
        try:
            parameters = tuple(inspect.signature(function).parameters)
        except (TypeError, ValueError):
            parameters = ()
        code = getattr(function, "__code__", None)
        scope = getattr(function, "__globals__", {})
        calls = {
            other
            for other in (_names_in(code) if code else ())
            if other in ALL_NAMES
            and scope.get(other) is getattr(module, other, None)
            and not _from_helper(module, other)
        }
        found[name] = (parameters, frozenset(calls))
    return found


def _from_helper(module: Any, name: str) -> bool:
    """The module holds ``name`` from a course helper (the course's file or nn-check's
    stand-in), not as the learner's own."""
    function = getattr(module, name, None)
    return callable(function) and not _learners_own(function, module)


def _learners_own(function: Any, module: Any) -> bool:
    """Defined in the learner's file, or in a module of theirs; not one a course helper
    (the course's file or nn-check's stand-in) provides, as ``opt_utils`` its
    ``forward_propagation``."""
    source = getattr(function, "__module__", None) or ""
    return source == module.__name__ or (
        bool(source) and source.split(".")[0] not in MODULES and source != helpers.__name__
    )


def _names_in(code: types.CodeType) -> set[str]:
    """The global names a function's code loads (attribute names, ``np.dot``'s ``dot``, aside)."""
    names = {
        op.argval for op in dis.get_instructions(code) if op.opname in ("LOAD_GLOBAL", "LOAD_NAME")
    }
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_in(const)
    return names


def folder_of(module: Any) -> Path:
    return Path(getattr(module, "__file__", None) or ".").resolve().parent


def failure_of(err: BaseException, folder: Path) -> Failure:
    """The ``Failure`` of ``err``, placed at the last frame of the learner's (a file under
    ``folder`` that is not nn-check's own or Python's)."""
    kind = type(err).__name__
    missing = err.name if isinstance(err, ModuleNotFoundError) else None
    if isinstance(err, SyntaxError):
        code = (err.text or "").strip()
        return Failure(kind, err.msg, err.filename, err.lineno, code)
    if isinstance(err, KeyError) and err.args:
        message = repr(err.args[0])
    else:
        lines = str(err).strip().splitlines()
        message = lines[0] if lines else ""
    frames = [
        frame
        for frame in traceback.extract_tb(err.__traceback__)
        if _is_learners(Path(frame.filename), folder)
    ]
    if not frames:
        return Failure(kind, message, missing=missing)
    last = frames[-1]
    return Failure(kind, message, last.filename, last.lineno, (last.line or "").strip(), missing)


def _learners_line(folder: Path) -> str:
    """``file line N`` of the learner's innermost frame on the stack, or ``""``."""
    for frame in reversed(traceback.extract_stack()):
        if _is_learners(Path(frame.filename), folder):
            return f"{Path(frame.filename).name} line {frame.lineno}"
    return ""


def _is_learners(path: Path, folder: Path) -> bool:
    try:
        path = path.resolve()
    except OSError:
        return False
    return path.is_relative_to(folder) and not any(path.is_relative_to(o) for o in OURS)
