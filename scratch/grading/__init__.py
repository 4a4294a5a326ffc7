"""Judging a learner's own course functions, NumPy only: the cases each runs on (``cases``),
the calls per assignment (``logistic_regression``, ``planar``, ``deep``, ``optimization``), the
reading of a return value in the course's layout (``layout``), each quantity through the referee
(``trial``), the verdicts and findings (``findings``) with their likely causes (``causes``), and a
week's functions bottom-up (``weeks``). What a learner's code did arrives as plain data
(``outcomes``); what it should have done comes from a ``Truth`` (nn-check's: ``torch_impl.course``,
autograd)."""
