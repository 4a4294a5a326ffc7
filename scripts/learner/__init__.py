"""``nn-check``'s side of a learner's file: loaded in a child process of its own (``loading``,
``child``), its functions called there with a time limit (``runner``), what crosses between the
two (``transfer``), and the report as text (``report``). The judging is ``scratch.grading``'s."""
