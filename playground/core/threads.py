"""How many CPU threads torch may use.

On a small machine torch's OpenMP threads spin against the GUI thread: with
every core busy, single training steps stall for 100 ms and more.  The window
therefore trains with one core fewer than the machine has (at least one), which
for the seed-sized network is also the fastest setting: its matrices are too
small to gain from a second thread.  The command line uses every core unless
told otherwise, as a bare script would.
"""

from __future__ import annotations

import os

import torch


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def gui_threads() -> int:
    """Threads for training behind a window: leave one core to the GUI."""
    return max(1, cpu_count() - 1)


def set_threads(count: int | None) -> int:
    """Set torch's intra-op thread count (``None``: leave torch's default); return it."""
    if count is not None and count > 0 and count != torch.get_num_threads():
        torch.set_num_threads(count)
    return torch.get_num_threads()
