"""``import scratch`` and the referee stand on NumPy alone: neither imports torch."""

from __future__ import annotations

import subprocess
import sys


def test_importing_scratch_never_imports_torch():
    code = "import scratch, sys; assert 'torch' not in sys.modules, 'scratch imported torch'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_referee_imports_without_torch():
    """The comparison and its tolerance table serve a NumPy-only user too."""
    code = (
        "import scratch.parity, scratch.tolerances, sys; "
        "assert 'torch' not in sys.modules, 'the referee imported torch'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
