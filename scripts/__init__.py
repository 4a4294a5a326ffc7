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
"""
