"""No twin: the child process of ``bench wait`` (``scripts.benchmarks.wait``). It puts a clock on
every import and on a command's phase functions, runs the command's ``main``, and writes the
seconds of each part as JSON. The standard library only, so that nothing the command imports is
loaded before the clocks are on.

    python -m scripts.benchmarks.stopwatch OUT.json MODULE PHASES_JSON -- ARGS...

Each moment counts once, for the innermost phase or import under way (``other`` outside every
one), so the parts add up to the run; an import inside a phase counts as an import. An import is
timed at ``importlib``'s ``_find_and_load``, the outermost one only.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Any


class Stopwatch:
    """Seconds per part: each moment counts for the part on top of the stack (``other`` below
    every part)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack, self.last = ["other"], time.perf_counter()

    def part_ends(self) -> None:
        """The time since the last switch goes to the part on top."""
        now = time.perf_counter()
        self.seconds[self.stack[-1]] += now - self.last
        self.last = now

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        self.part_ends()
        self.stack.append(name)
        try:
            yield
        finally:
            self.part_ends()
            self.stack.pop()


def clock_imports(watch: Stopwatch) -> None:
    """Count every outermost import's time as ``imports``."""
    import importlib._bootstrap as bootstrap

    load = bootstrap._find_and_load

    def timed(name: str, import_: Any) -> Any:
        if watch.stack[-1] == "imports":
            return load(name, import_)
        with watch.part("imports"):
            return load(name, import_)

    bootstrap._find_and_load = timed


def clock_phases(watch: Stopwatch, phases: dict[str, list[str]]) -> None:
    """Put each phase's functions on the clock: in their own module or class, and wherever a
    module of the project holds the same function under another name."""
    wrapped = {}
    for part, paths in phases.items():
        for path in paths:
            module_name, _, qualname = path.partition(":")
            owner: Any = import_module(module_name)
            *outer, name = qualname.split(".")
            for attribute in outer:
                owner = getattr(owner, attribute)
            original = getattr(owner, name)
            wrapper = _timed(watch, part, original)
            setattr(owner, name, wrapper)
            wrapped[id(original)] = wrapper
    for module_name, module in list(sys.modules.items()):
        if module_name.split(".")[0] in ("scripts", "scratch", "torch_impl"):
            for key, value in list(vars(module).items()):
                if id(value) in wrapped and callable(value):
                    setattr(module, key, wrapped[id(value)])


def _timed(watch: Stopwatch, part: str, function: Callable) -> Callable:
    def timed(*args: Any, **kwargs: Any) -> Any:
        with watch.part(part):
            return function(*args, **kwargs)

    return timed


def run(out: str, module: str, phases: dict[str, list[str]], argv: Sequence[str]) -> None:
    """The clocks, then the command ``module``'s ``main()`` on the command line ``argv``, as the
    program runs it; writes the seconds per part, and when the run began and ended
    (``time.time()``), to ``out`` as JSON."""
    began, watch = time.time(), Stopwatch()
    clock_imports(watch)
    command = import_module(module)
    clock_phases(watch, phases)
    sys.argv = [module, *argv]
    try:
        command.main()
    finally:
        watch.part_ends()
        record = {"parts": watch.seconds, "began": began, "ended": time.time()}
        Path(out).write_text(json.dumps(record))


def main(argv: Sequence[str] | None = None) -> int:
    """``OUT MODULE PHASES_JSON -- ARGS...``, as ``scripts.benchmarks.wait`` writes it."""
    out, module, phases, _, *rest = sys.argv[1:] if argv is None else argv
    run(out, module, json.loads(phases), rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
