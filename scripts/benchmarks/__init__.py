"""The benchmarks' parts: the workloads (``workloads``), how a step, its products, its update
and the matmul rate are timed (``timing``, ``updates``), the NumPy peer beside the sides,
scikit-learn's MLP through the same steps (``peer``), peak memory (``memory``), the figures and
the report (``figures``, ``report``), the machine (``environment``); and three benchmarks of
their own, beside a busy process (``load``), the torch side's modes (``modes``) and what a user
waits for (``wait``, whose child process is ``stopwatch``). The command is
``scripts/bench.py``; the figures are in this folder's README."""
