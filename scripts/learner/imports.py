"""What a learner's file imports that is not here, in nn-check's child process: a course helper
module that is not beside the file is nn-check's stand-in (``scratch.course.helpers``); a package
that is not installed, imported by the learner's own code, is let through as an ``Absent``
placeholder that raises only where it is used, naming the package to install (``INSTALL``:
``scikit-learn`` for ``sklearn``). So a notebook whose functions never touch scipy is checked
without it, and one whose function needs it says ``pip install scipy`` at that function.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Callable
from typing import Any

from scratch.course.helpers import MODULES

# an import name -> its package on PyPI, where they differ or where a learner's notebook is
# known to use it; a name not here is not a package nn-check can name
INSTALL = {
    "sklearn": "scikit-learn",
    "PIL": "pillow",
    "cv2": "opencv-python",
    "skimage": "scikit-image",
    "yaml": "pyyaml",
    "bs4": "beautifulsoup4",
    "IPython": "ipython",
    **{
        name: name
        for name in (
            "scipy",
            "h5py",
            "pandas",
            "seaborn",
            "tensorflow",
            "keras",
            "imageio",
            "tqdm",
            "matplotlib",
            "plotly",
            "sympy",
            "statsmodels",
            "nbformat",
        )
    },
}


def install_name(module: str) -> str | None:
    """The PyPI package of the import ``module`` (``sklearn.datasets``: ``scikit-learn``), or
    ``None`` for a name that is not a package nn-check knows (a course file, the learner's own
    module)."""
    return INSTALL.get(module.split(".")[0])


def missing_text(module: str) -> str:
    """Why ``module`` is not here, and what would bring it."""
    top = module.split(".")[0]
    package = install_name(top)
    if package is not None:
        return f"{top} is not installed (pip install {package})"
    return f"{top} is neither installed nor beside the file"


class Absent:
    """A name taken from a package that is not installed: its attributes are more of the
    same, and using it (calling, indexing, iterating, arithmetic) raises ``ModuleNotFoundError``
    naming the package."""

    def __init__(self, path: str):
        self._path = path

    def __getattr__(self, name: str) -> Absent:
        if name.startswith("__"):
            raise AttributeError(name)
        return Absent(f"{self._path}.{name}")

    def _missing(self, *args: Any, **kwargs: Any) -> Any:
        raise ModuleNotFoundError(
            f"{self._path} is used, and {missing_text(self._path)}", name=self._path.split(".")[0]
        )

    __call__ = __getitem__ = __iter__ = __len__ = __bool__ = _missing
    __add__ = __sub__ = __mul__ = __truediv__ = __matmul__ = __array__ = _missing


class CourseImports(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """A finder placed last on ``sys.meta_path``: it serves the stand-ins ``MODULES`` names
    that no other finder found, and an ``Absent`` module for any other import that the
    learner's own code (``learners(filename)``) makes and nothing can find. ``served`` and
    ``absent`` list what it gave, in order."""

    def __init__(self, learners: Callable[[str], bool]):
        self.learners = learners
        self.served: list[str] = []
        self.absent: list[str] = []

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):
        top = fullname.split(".")[0]
        if fullname in MODULES:
            return importlib.util.spec_from_loader(fullname, self, origin="nn-check stand-in")
        if top in self.absent or self.learners(_importer()):
            spec = importlib.util.spec_from_loader(fullname, self, origin="not installed")
            spec.submodule_search_locations = []
            return spec
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        name = module.__name__
        if module.__spec__.origin == "nn-check stand-in":
            what, provides = MODULES[name]
            module.__doc__ = f"nn-check's stand-in for {what}"
            module.__dict__.update(provides)
            self.served.append(name)
            return
        module.__doc__ = missing_text(name)
        module.__getattr__ = Absent(name).__getattr__
        top = name.split(".")[0]
        if top not in self.absent:
            self.absent.append(top)

    def notes(self) -> list[str]:
        """One line for the stand-ins served, one for the packages let through."""
        out = []
        if self.served:
            out.append(
                f"nn-check's own stand-in for {', '.join(self.served)} (the course's file is "
                "not beside yours)"
            )
        if self.absent:
            installs = " ".join(dict.fromkeys(p for n in self.absent if (p := install_name(n))))
            hint = f" (pip install {installs})" if installs else ""
            out.append(
                f"imports {', '.join(self.absent)}, not here{hint}: let through, and named "
                "where a function uses it"
            )
        return out


def _importer() -> str:
    """The file whose code runs the import being looked up: the first frame outside
    importlib's machinery and this module."""
    frame = sys._getframe(2)
    while frame is not None and (
        frame.f_code.co_filename.startswith("<frozen") or frame.f_code.co_filename == __file__
    ):
        frame = frame.f_back
    return frame.f_code.co_filename if frame is not None else ""
