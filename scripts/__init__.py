"""The commands a user runs, each a file that also works as ``python -m scripts.<name>``:

- ``train.py``: train either implementation or both from the same weights; a run folder per run;
- ``compare.py``: one forward and backward pass on each side, compared layer by layer;
- ``gradcheck.py``: the scratch gradients against centred differences;
- ``check.py``: a learner's own course functions against autograd (its ``check_*`` modules);
- ``measure_tolerances.py`` and ``bench.py``: for maintainers, the tolerance table and timings.

What they share: ``cli`` (settings dataclasses made flags by jsonargparse; with ``cli_types``,
``cli_errors`` and ``config_file``), ``settings`` (every command's settings), ``network_spec``
(the spec the settings describe), ``data`` (the data sources), ``problem`` (data, spec and
weights checked against each other), ``errors`` (one-line failures and exit codes), ``cores``
(one side's turn at the cores); for ``train``: ``training``, ``costs``, ``plots``,
``run_folder`` and ``run_files``; for ``bench``, its ``bench_*`` modules; for
``measure_tolerances``, ``measure_report``.
"""
