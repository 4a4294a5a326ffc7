"""The commands a user runs, each a file that also works as ``python -m scripts.<name>``:

- ``train.py``: train either implementation or both from the same weights; a run folder per run;
- ``compare.py``: one forward and backward pass on each side, compared layer by layer;
- ``gradcheck.py``: the scratch gradients against centred differences.

What they share: ``config`` (every flag, config files, the spec they describe), ``data`` (the
data sources), ``problem`` (data, spec and weights checked against each other), ``errors``
(one-line failures and exit codes); for ``train``: ``training``, ``costs``, ``plots``,
``run_folder`` and ``run_files``; for ``compare``: ``explain``.
"""
