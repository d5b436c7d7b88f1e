"""Faults planted inside the training worker process, through ``TrainingController.worker_setup``.

Each is a module-level function (the worker is a fresh interpreter: what it runs must be
importable by name), given its arguments with functools.partial.  Each fault happens
once per worker process, so a window's next run after the fault trains normally.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def fail_step(after: int, kind: str) -> None:
    """The step after ``after`` forward passes raises an out-of-memory error of ``kind``."""
    import torch

    from playground.core import models

    original = models.TensorsRunner.forward_backward
    count = [0]

    def forward_backward(self):
        count[0] += 1
        if count[0] == after + 1:
            if kind == "device":
                raise torch.OutOfMemoryError(
                    "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total capacity)")
            raise MemoryError()
        return original(self)

    models.TensorsRunner.forward_backward = forward_backward


def fail_build() -> None:
    """The first model built runs out of memory."""
    import torch

    from playground.core import loop

    original = loop.build_runner
    count = [0]

    def build_runner(cfg, device=None):
        count[0] += 1
        if count[0] == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 9.00 GiB")
        return original(cfg, device)

    loop.build_runner = build_runner


def fail_snapshot() -> None:
    """The first batch's snapshot runs out of memory."""
    import torch

    from playground.core import models

    original = models.TensorsRunner.snapshot
    count = [0]

    def snapshot(self):
        count[0] += 1
        if count[0] == 1:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 64.00 MiB")
        return original(self)

    models.TensorsRunner.snapshot = snapshot


def block_step(nth: int, folder: str) -> None:
    """The ``nth`` forward pass of the first worker to get there writes ``folder``/entered
    (with its pid) and then blocks until ``folder``/release exists: a step no stop can cut
    short.  Workers started after that one train normally."""
    from playground.core import models

    original = models.TensorsRunner.forward_backward
    count = [0]
    entered, release = Path(folder) / "entered", Path(folder) / "release"

    def forward_backward(self):
        count[0] += 1
        if count[0] == nth and not entered.exists():
            entered.write_text(str(os.getpid()))
            deadline = time.monotonic() + 60
            while not release.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return original(self)

    models.TensorsRunner.forward_backward = forward_backward


def crash_step(nth: int) -> None:
    """The ``nth`` forward pass of this worker kills its process, as a segfault in a kernel would."""
    import signal

    from playground.core import models

    original = models.TensorsRunner.forward_backward
    count = [0]

    def forward_backward(self):
        count[0] += 1
        if count[0] == nth:
            os.kill(os.getpid(), signal.SIGSEGV)
        return original(self)

    models.TensorsRunner.forward_backward = forward_backward


def fail_with(trainer, text: str) -> None:
    """A question for the worker that fails (``TrainingController.call_in_worker``)."""
    import torch

    raise torch.OutOfMemoryError(text)
