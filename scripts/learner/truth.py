"""nn-check's truth (``torch_impl.course``), imported while the learner's process starts and
loads the file: torch takes seconds to import, and the learner's process needs none of it.

A thread of its own imports the module and passes once through a network of one unit (torch's
first module costs its meta-device machinery, sympy among it), so the check finds them done.
Once the week is known, ``warm_optimizers`` makes an optimizer in that thread while the first
functions are checked: its constructor imports ``torch._dynamo``, seconds that the first
``torch.optim`` step would otherwise wait for. The check's own torch calls all come after that
first pass, so the two threads never import the same module at once but for the optimizer's,
which the check then waits for."""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

MODULE = "torch_impl.course"


class Truth:
    """``get()``: the module, once imported and warmed up (its import's exception, raised
    here); ``warm_optimizers()``: the optimizer's machinery, in the background."""

    def __init__(self, name: str = MODULE):
        self._name = name
        self._module: ModuleType | None = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._load, name="nn-check truth", daemon=True).start()

    def _load(self) -> None:
        try:
            self._module = importlib.import_module(self._name)
            self._module.warm_up()
        except BaseException as err:  # raised where the module is asked for
            self._error = err
        finally:
            self._ready.set()

    def get(self) -> ModuleType:
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self._module

    def warm_optimizers(self) -> None:
        module = self.get()
        threading.Thread(
            target=module.warm_up_optimizers, name="nn-check optim", daemon=True
        ).start()
