"""Loading a learner's file in nn-check's child process, and what an exception of theirs says:
the exception's one line and the learner's own file and line.

The file is compiled from its source (no ``__pycache__`` beside it) and run as a module named
after it, so ``if __name__ == "__main__":`` blocks stay out; ``--definitions-only`` keeps only
its imports, definitions and literal assignments, which skips a notebook export's test cells.
The learner's folder goes first on ``sys.path``, so their own helper modules import.
"""

from __future__ import annotations

import ast
import dis
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import sys
import sysconfig
import tokenize
import traceback
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import scratch
from scratch.course.catalogue import ALL_NAMES
from scratch.course.helpers import MODULES
from scratch.grading.outcomes import Failure

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
    """What to load: a ``.py`` file, or a module importable from the working folder."""

    target: str
    is_file: bool
    definitions_only: bool = False
    provide_helpers: bool = False

    @property
    def folder(self) -> Path:
        return Path(self.target).resolve().parent if self.is_file else Path.cwd()


def load(source: Source) -> tuple[Any, Failure | None, dict]:
    """``(module, None, functions)``, or ``(None, failure, {})`` when loading raised."""
    sys.path.insert(0, str(source.folder))
    if source.provide_helpers:
        sys.meta_path.append(StandIns())
    try:
        if source.is_file:
            module = _run_file(Path(source.target).resolve(), source.definitions_only)
        else:
            module = importlib.import_module(source.target)
    except (Exception, SystemExit) as err:
        return None, failure_of(err, source.folder), {}
    return module, None, course_functions(module)


def _run_file(path: Path, definitions_only: bool) -> types.ModuleType:
    with tokenize.open(path) as file:
        text = file.read()
    tree = ast.parse(text, filename=str(path))
    if definitions_only:
        tree.body = [node for node in tree.body if _is_definition(node)]
    code = compile(tree, str(path), "exec", dont_inherit=True)
    name = path.stem if path.stem.isidentifier() and path.stem not in sys.modules else "solution"
    module = types.ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module
    exec(code, module.__dict__)
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
    """The course's functions a module defines: name -> (parameter names, the course functions
    its code calls, nested functions included, that are the module's own or missing; one its
    globals take from a helper module of the learner's is that module's business)."""
    found = {}
    for name in ALL_NAMES:
        function = getattr(module, name, None)
        if not callable(function):
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
            if other in ALL_NAMES and scope.get(other) is getattr(module, other, None)
        }
        found[name] = (parameters, frozenset(calls))
    return found


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


def _is_learners(path: Path, folder: Path) -> bool:
    try:
        path = path.resolve()
    except OSError:
        return False
    return path.is_relative_to(folder) and not any(path.is_relative_to(o) for o in OURS)


class StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A finder placed last on ``sys.meta_path``: it serves ``MODULES`` that no other finder
    found."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):
        if fullname not in MODULES:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin="nn-check stand-in")

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        what, provides = MODULES[module.__name__]
        module.__doc__ = f"nn-check's stand-in for {what}"
        module.__dict__.update(provides)
