"""The benchmarks' parts: the workloads (``workloads``), how a step, its products, its update
and the matmul rate are timed (``timing``, ``updates``), peak memory (``memory``), the figures
and the report (``figures``, ``report``), the machine (``environment``); and two benchmarks of
their own, beside a busy process (``load``) and the torch side's modes (``modes``). The command
is ``scripts/bench.py``; the figures are in this folder's README."""
