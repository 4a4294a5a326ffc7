"""The commands a user runs, one module each, each also ``python scripts/<name>.py`` and
``python -m scripts.<name>``:

- ``train`` (``nn-train``): train either side or both from the same weights, a run folder each;
- ``compare`` (``nn-compare``): one forward and backward pass on each side, layer by layer;
- ``gradcheck`` (``nn-gradcheck``): the scratch gradients against centred differences;
- ``check`` (``nn-check``): a learner's own course functions against autograd;
- ``bench`` and ``measure_tolerances``: for maintainers, the timings and the tolerance table.

Each parses, calls and prints. What they share sits in sub-packages named by job: ``cli`` (the
parser, the settings, config files, errors and exit codes), ``inputs`` (data, spec and weights),
``runs`` (a training run and its folder), ``learner`` (a learner's file in a process of its own),
``benchmarks`` and ``measure`` (the parts of ``bench`` and ``measure_tolerances``). The library
code they call is ``scratch``'s and ``torch_impl``'s: nothing here computes a formula.

Ctrl-C at any moment of a command is one line, ``<prog>: interrupted``, and exit code 130, with
nothing written: while the command starts (its imports: torch's and Lightning's take seconds)
by the handler this package installs as its first instruction, when the process was started as
one of the commands (``nn-train``, ``python scripts/train.py``, ``python -m scripts.train``);
from ``main`` on by ``scripts.cli.errors.reports_user_errors``, which lets the run folder's
clean-up run first.
"""

import itertools
import os
import signal
import sys

# each command's module, and the name its one-line messages start with
PROGS = {
    "train": "train",
    "compare": "compare",
    "gradcheck": "gradcheck",
    "check": "nn-check",
    "bench": "bench",
    "measure_tolerances": "measure_tolerances",
}
CONSOLE = {"nn-train": "train", "nn-compare": "compare", "nn-gradcheck": "gradcheck"}
CONSOLE |= {"nn-check": "check"}  # pyproject.toml's [project.scripts]


def started_as() -> str | None:
    """The command this process was started as (its module's name), or ``None``: another
    program (a test, a notebook) importing this package."""
    argv = getattr(sys, "orig_argv", sys.argv)
    for flag, module in itertools.pairwise(argv):
        if flag == "-m" and module.startswith("scripts.") and module[8:] in PROGS:
            return module[8:]
    path = os.path.realpath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    name, extension = os.path.splitext(os.path.basename(path))
    here = os.path.dirname(os.path.realpath(__file__))
    if extension == ".py" and name in PROGS and os.path.dirname(path) == here:
        return name
    return CONSOLE.get(os.path.basename(sys.argv[0]) if sys.argv else "")


def _interrupted_while_starting(signum: int, frame: object) -> None:
    """Ctrl-C before ``main``: nothing is written yet, so leave at once."""
    os.write(2, f"{PROGS[_COMMAND]}: interrupted\n".encode())
    os._exit(130)


_COMMAND = started_as()
if _COMMAND is not None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
