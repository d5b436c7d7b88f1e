"""The machine a bench ran on, recorded beside its figures: they mean little without it."""

from __future__ import annotations

import os
import platform
from typing import Any


def machine_info() -> dict[str, Any]:
    import numpy as np
    import torch

    from ..core.config import DEFAULT_THREADS
    from ..core.threads import cpu_count

    model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        from PySide6 import __version__ as pyside_version
    except ImportError:  # pragma: no cover - the window is a dependency
        pyside_version = None
    try:
        import pyqtgraph

        pg_version = pyqtgraph.__version__
    except ImportError:  # pragma: no cover
        pg_version = None
    info: dict[str, Any] = {
        "nproc": cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pyside6": pyside_version,
        "pyqtgraph": pg_version,
        "torch_default_threads": torch.get_num_threads(),
        "gui_threads": DEFAULT_THREADS,
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    try:
        info["loadavg_start"] = list(os.getloadavg())
    except OSError:
        pass
    return info
