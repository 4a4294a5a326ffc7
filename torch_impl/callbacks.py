"""No scratch twin: the Lightning callbacks of ``torch_impl.train``, the per-step
``callback(t, cost)`` of ``scratch.train`` and a progress bar that shows the cost."""

from __future__ import annotations

import math
import sys
import time
from typing import Any

import lightning
from lightning.pytorch.callbacks import TQDMProgressBar
from lightning.pytorch.callbacks.progress.tqdm_progress import Tqdm

from scratch.training import Callback


class ReportCost(lightning.Callback):
    """Calls ``callback(t, cost)`` after each step's update, as ``scratch.train`` does."""

    def __init__(self, callback: Callback):
        self.callback = callback

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        record = pl_module.record
        if record.diverged_cost is None:
            self.callback(record.start_iteration + len(record.costs) - 1, record.costs[-1])


class CostProgressBar(TQDMProgressBar):
    """Lightning's progress bar with the cost of the last step, read from the module's record
    (so the cost need not be logged), redrawn at most every ``interval`` seconds and at the end
    of an epoch, on stderr like the scratch side's (Lightning's own writes to stdout). Lightning's
    bar redraws after every step, which with the logging it needs cost as much as a small
    network's step itself."""

    def __init__(self, interval: float = 0.1):
        super().__init__()
        self.interval, self._drawn_at = interval, -math.inf

    def init_train_tqdm(self) -> Tqdm:
        return Tqdm(
            desc=self.train_description,
            position=2 * self.process_position,
            disable=self.is_disabled,
            leave=True,
            dynamic_ncols=True,
            file=sys.stderr,
            smoothing=0,
            bar_format=self.BAR_FORMAT,
        )

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        bar, done, now = self.train_progress_bar, batch_idx + 1, time.monotonic()
        if bar is None or bar.disable:
            return
        if done != bar.total and now - self._drawn_at < self.interval:
            return
        self._drawn_at, bar.n = now, done
        bar.set_postfix(self.get_metrics(trainer, pl_module))  # redraws the bar

    def get_metrics(self, trainer, pl_module) -> dict[str, Any]:
        metrics = super().get_metrics(trainer, pl_module)
        if pl_module.record is not None and pl_module.record.costs:
            metrics["cost"] = f"{pl_module.record.costs[-1]:.6f}"
        return metrics
