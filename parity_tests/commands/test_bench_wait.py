"""bench wait (scripts/benchmarks/wait.py and its child, stopwatch.py): a command's wall time
split into parts that add up, each moment counted once, for the innermost phase or import under
way; every case a user waits for has a row, and every phase names a function its command has.
Speed itself is measured by running the benchmark, never asserted here."""

from __future__ import annotations

import importlib
import sys
import types

import pytest

from scripts.benchmarks import stopwatch, wait


def test_each_moment_counts_once_for_the_innermost_part():
    watch = stopwatch.Stopwatch()
    with watch.part("training"):
        with watch.part("imports"):
            pass
        with watch.part("plots"):
            pass
    watch.part_ends()
    assert set(watch.seconds) == {"other", "training", "imports", "plots"}
    assert all(seconds >= 0 for seconds in watch.seconds.values())


def test_a_phase_is_clocked_under_every_name_a_module_holds_it_by(monkeypatch):
    home = types.ModuleType("scripts._demo_home")
    user = types.ModuleType("scripts._demo_user")

    def load() -> str:
        return "loaded"

    home.load = load
    user.load_problem = load  # as ``from home import load as load_problem``
    for module in (home, user):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    watch = stopwatch.Stopwatch()
    stopwatch.clock_phases(watch, {"data": ["scripts._demo_home:load"]})
    assert home.load is user.load_problem is not load
    assert user.load_problem() == "loaded" and "data" in watch.seconds


def test_every_case_a_user_waits_for_has_its_phases():
    assert list(wait.CASES) == ["train", "check", "first"]
    assert [case.first_run for case in wait.CASES.values()] == [False, False, True]
    for case in wait.CASES.values():
        phases = wait.PHASES[case.phases]
        assert set(phases) <= set(wait.PARTS)
    assert {"data", "training", "files", "plots"} <= set(wait.PHASES["train"])


def test_every_phase_names_a_function_its_command_has():
    for phases in wait.PHASES.values():
        for paths in phases.values():
            for path in paths:
                module, _, name = path.partition(":")
                owner = importlib.import_module(module)
                for part in name.split("."):
                    assert hasattr(owner, part), f"{path}: {owner!r} has no {part}"
                    owner = getattr(owner, part)
                assert callable(owner), path


@pytest.mark.slow  # a command in a process of its own
def test_a_commands_parts_add_up_to_its_wall_time(tmp_path, monkeypatch):
    monkeypatch.setitem(wait.PHASES, "gradcheck", {"data": ["scripts.inputs.problem:load_problem"]})
    case = wait.Case("gradcheck", "nn-gradcheck", "scripts.gradcheck", (), "gradcheck")
    timing = wait.run_case(case, wait.ROOT, tmp_path)
    parts = timing.parts
    assert {"start", "imports", "data", "other", "exit"} <= set(parts)
    assert parts["imports"] > 0 and parts["data"] > 0
    assert sum(parts.values()) == pytest.approx(timing.wall_s, abs=1e-3)  # two clocks
    table = wait.format_table([case], {"gradcheck": timing}, (1.0, 1.0))
    _, header, row = table.splitlines()
    assert header.split() == [*[p for p in wait.PARTS if p in parts], "total"]
    assert row.startswith("nn-gradcheck") and float(row.split()[-1]) == pytest.approx(
        timing.wall_s, abs=0.01
    )
