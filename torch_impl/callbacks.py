"""No scratch twin: the Lightning callbacks of ``torch_impl.train``, the per-step
``callback(t, cost)`` of ``scratch.train`` and a progress bar that shows the cost."""

from __future__ import annotations

import math
import sys
import time
from typing import Any

import lightning
from lightning.pytorch.callbacks import TQDMProgressBar
from lightning.pytorch.callbacks.progress.tqdm_progress import Tqdm, convert_inf

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
    network's step itself, and leaves a "Training: 0/?" line before the first epoch."""

    def __init__(self, interval: float = 0.1):
        super().__init__()
        self.interval, self._drawn_at = interval, -math.inf

    def init_train_tqdm(self) -> Tqdm:
        return Tqdm(
            desc=f"Epoch {self.trainer.current_epoch}",
            total=convert_inf(self.total_train_batches),
            position=2 * self.process_position,
            disable=self.is_disabled,
            leave=True,
            dynamic_ncols=True,
            file=sys.stderr,
            smoothing=0,
            bar_format=self.BAR_FORMAT,
        )

    def on_train_epoch_start(self, trainer, *_: Any) -> None:
        """The epoch's bar drawn once, with its total (Lightning's draws "Training: 0/?" first)."""
        bar = self.train_progress_bar
        bar.set_description(f"Epoch {trainer.current_epoch}", refresh=False)
        bar.reset(total=convert_inf(self.total_train_batches))

    def on_exception(self, trainer, pl_module, exception: BaseException) -> None:
        """The bar closed where it stopped, before the caller says why (not at exit, after it)."""
        if self.train_progress_bar is not None:
            self.train_progress_bar.close()

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
