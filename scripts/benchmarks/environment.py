"""What the benchmark's figures depend on: library versions, BLAS and thread counts, CPU and
load, recorded with every run."""

from __future__ import annotations

import os
import platform
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_info


def environment() -> dict[str, Any]:
    """Library versions, BLAS and thread counts, CPU and load (torch's and scikit-learn's only
    where they are loaded)."""
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": f"{blas['name']} {blas['version']}",
        "blas_pools": [
            f"{Path(pool['filepath']).name} ({pool.get('threading_layer')}, "
            f"{pool['num_threads']} threads)"
            for pool in threadpool_info()
            if pool["user_api"] == "blas"
        ],
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "loadavg_1min": os.getloadavg()[0],
    }
    if "sklearn" in sys.modules:
        import sklearn

        info["sklearn"] = sklearn.__version__
    if "torch" in sys.modules:
        import lightning
        import torch

        blas = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
        info |= {
            "torch": torch.__version__,
            "lightning": lightning.__version__,
            "torch_blas": blas.group(1) if blas else "unknown",
            "torch_threads": torch.get_num_threads(),
            "torch_interop_threads": torch.get_num_interop_threads(),
        }
    return info


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"
