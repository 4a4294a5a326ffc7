"""nn-check's report as text: one line per function, and under a wrong one, in a few lines,
where it parts from autograd (the case, the layer, the quantity, the worst entry, both values)
and the likely cause."""

from __future__ import annotations

import re

from scratch.grading.findings import Finding, Verdict
from scratch.grading.weeks import Report

INDENT = " " * 6
WIDTH = 100


def render(report: Report) -> str:
    checked = report.checked
    bad = [verdict.name for verdict in checked if verdict.status != "ok"]
    verdict = f"{len(bad)} not right: {', '.join(bad)}" if bad else "all right"
    lines = [
        f"nn-check {report.solution}: {report.title}, "
        f"{len(checked)} function{'s' * (len(checked) != 1)} checked, {verdict}"
    ]
    lines += [f"note: {note}" for note in report.notes]
    missing = [v.name for v in report.verdicts if v.reason == "not defined"]
    shown = [v for v in report.verdicts if v.reason != "not defined"]
    width = max(len(verdict.name) for verdict in shown)
    for verdict in shown:
        lines += _verdict_lines(verdict, width)
    if missing:
        lines.append(f"  {'not checked':<13}(not defined) {', '.join(missing)}")
    return "\n".join(lines)


def _verdict_lines(verdict: Verdict, width: int) -> list[str]:
    head = f"  {verdict.status:<13}{verdict.name:<{width}}"
    if verdict.status == "not checked":
        return [f"{head}  ({verdict.reason})"]
    if verdict.substituted:
        theirs = ", ".join(
            f"{name}, {verdict.substituted_why[name]}" for name in verdict.substituted
        )
        head += f"  (with nn-check's own in place of yours: {theirs})"
    lines = [head.rstrip()]
    if verdict.failure is not None:
        lines += _finding_lines(verdict.failure)
    if verdict.also is not None:
        lines.append(f"{INDENT}where the shapes fit, it is wrong too:")
        lines += _finding_lines(verdict.also)
    for note in verdict.notes:
        lines += _wrapped(f"note: {note}")
    return lines


def _finding_lines(finding: Finding) -> list[str]:
    where = f"in case {finding.case!r} ({finding.about})"
    if finding.layer is not None:
        where = f"layer {finding.layer}, {finding.label}, {where}"
    elif finding.quantity:
        where = f"{finding.label}, {where}"
    lines = _wrapped(where) + _wrapped(finding.message)
    if finding.cause:
        label = "hint" if finding.status == "error" else "likely cause"
        lines += _wrapped(f"{label}: {finding.cause}")
    return lines


def _wrapped(text: str) -> list[str]:
    """``text`` indented, a long one on several lines broken after its "; " and ". " (never
    inside a formula)."""
    lines = [INDENT]
    for part in re.split(r"(?<=[;.]) ", text):
        if len(lines[-1]) + len(part) > WIDTH and lines[-1].strip():
            lines.append(INDENT + "  ")
        lines[-1] += part if not lines[-1].strip() else f" {part}"
    return [line.rstrip() for line in lines]
