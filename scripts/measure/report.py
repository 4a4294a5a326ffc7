"""The report of ``measure_tolerances``: per row of the tolerance table, how many comparisons,
the one inside that used the most of its tolerance (the headroom), and every one outside."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from scratch.comparisons import Comparison


class Measured:
    """Per row of the table: how many comparisons, the one inside the tolerance that used the
    most of it, and every one outside it; and the passes set apart, where no bound relative to
    the array can hold (``set_apart``), by why."""

    def __init__(self) -> None:
        self.count: Counter[tuple[str, str]] = Counter()
        self.worst: dict[tuple[str, str], tuple[Comparison, str]] = {}
        self.outside: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
        self.apart: Counter[str] = Counter()

    def add(self, comparisons: Iterable[Comparison], where: str, *, parted: bool = False) -> None:
        """``parted``: all of them count as outside (a training run whose curve parted)."""
        for result in comparisons:
            row = (result.dtype, result.kind)
            self.count[row] += 1
            if parted or not result.ok:
                self.outside[row].append(f"{where}: {result.message()}")
            elif row not in self.worst or result.used > self.worst[row][0].used:
                self.worst[row] = (result, where)

    def set_apart(self, comparisons: Iterable[Comparison], where: str, reason: str) -> None:
        """A pass that no row bounds (``reason``): none of its comparisons counts; those
        outside their rows are listed, with the reason."""
        self.apart[reason] += 1
        for result in comparisons:
            if not result.ok:
                self.outside[(result.dtype, result.kind)].append(
                    f"{where} ({reason}): {result.message()}"
                )

    def report(self) -> None:
        for row in sorted(self.count):
            outside = len(self.outside.get(row, ()))
            counts = f"{' '.join(row):<27} {self.count[row]:>6} compared, {outside} outside"
            if row not in self.worst:
                print(f"  {counts}, none inside")
                continue
            result, where = self.worst[row]
            headroom = f"{1 / result.used:.0f}x" if result.used else "unbounded"
            gap = abs(result.values[0] - result.values[1])
            print(
                f"  {counts}; inside, at most {result.used:.3g} of {result.tolerance} "
                f"({headroom} headroom) at {result.where} (|difference| {gap:.1e}) of {where}"
            )
        for reason, passes in sorted(self.apart.items()):
            print(f"  set apart, not counted: {passes} pass(es) where {reason}")
        for row, lines in sorted(self.outside.items()):
            print(f"outside the {' '.join(row)} tolerance:")
            print("\n".join(f"  {line}" for line in lines))
