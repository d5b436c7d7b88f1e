"""How many CPU threads torch may use.

The count is a field of the configuration (``TrainConfig.threads``, default 1) and
the :class:`~playground.core.loop.Trainer` applies it, so the window, ``train``,
``bench`` and the exported script (which pins it with ``torch.set_num_threads``)
all add up their matrix products in the same order and print the same digits.
One thread is also what a window wants on a small machine: torch's OpenMP threads
spin against the GUI thread, and with every core busy single steps stall for
100 ms and more; the lesson's matrices are too small to gain from a second one.
"""

from __future__ import annotations

import torch

from .config import cpu_count  # noqa: F401 - re-exported: bench and the self-test read it here


def set_threads(count: int | None) -> int:
    """Set torch's intra-op thread count (``None``: leave torch's default); return it."""
    if count is not None and count > 0 and count != torch.get_num_threads():
        torch.set_num_threads(count)
    return torch.get_num_threads()
