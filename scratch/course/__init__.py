"""The course's assignments in their own signatures and layouts, NumPy only: each module one
assignment (``logistic_regression``, ``planar``, ``deep``, ``optimization``), the catalogue of
the functions nn-check knows (``catalogue``), the learners' known mistakes as the values they give
(``mistakes``), and stand-ins for the course's helper modules (``helpers``). The twin is
``torch_impl.course``: what these functions must return, from autograd and ``torch.optim``."""
