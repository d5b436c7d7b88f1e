"""What this machine offers for training: read from torch in the worker, told to the window.

The window's process does not load torch; the worker reads these facts once torch
has loaded and sends them (:class:`MachineFacts`), and the window offers the
devices and explains a missing GPU from them.  Until then it knows the CPU only.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import TrainConfig
from .specs import OPTIMIZER_SPECS

#: The optimizers fast mode can record (the plain step, and those with a recordable form).
FAST_OPTIMIZERS = ("sgd-manual", *(name for name, spec in OPTIMIZER_SPECS.items() if spec.recordable))


@dataclass(frozen=True)
class MachineFacts:
    """The devices torch can use here (the CPU first), and why no GPU is offered, if none is."""

    torch_version: str
    devices: tuple[tuple[str, str], ...]
    gpu_note: str | None

    @property
    def cuda(self) -> bool:
        return any(device == "cuda" for device, _ in self.devices)

    def resolve(self, cfg: TrainConfig) -> str:
        """The device ``cfg`` trains on here (what ``auto`` stands for), as
        :meth:`TrainConfig.resolved_device` says, without loading torch."""
        if cfg.device != "auto":
            return cfg.device
        if cfg.style == "numpy":
            return "cpu"
        found = {device for device, _ in self.devices}
        return "cuda" if "cuda" in found else "mps" if "mps" in found else "cpu"


#: What the window assumes until the worker has told: the CPU, nothing more.
CPU_ONLY = MachineFacts("", (("cpu", "CPU"),), None)


def read_facts() -> MachineFacts:
    """Ask torch (loading it): the worker does this once it has started."""
    import torch

    from .config import available_devices, missing_gpu_reason

    # str(): torch.__version__ is torch's own str subclass, and unpickling it loads torch
    return MachineFacts(str(torch.__version__), tuple(available_devices()), missing_gpu_reason())


def fast_mode_support(cfg: TrainConfig, cuda: bool | None = None) -> str | None:
    """None when fast mode can train ``cfg`` on this machine, else why not (one sentence).

    ``cuda``: whether a CUDA device is present, as :class:`MachineFacts` says (None: ask
    torch, which loads it).
    """
    if cfg.style == "numpy":
        return "the NumPy style runs on the CPU, without kernels to record"
    if cfg.optimizer not in FAST_OPTIMIZERS:
        return f"{cfg.optimizer} cannot be recorded in a CUDA graph (no capturable form)"
    if cfg.mistake != "none":
        return "a classic mistake is shown as the eager code runs it"
    if cfg.dataset != "random":
        return "a data set's test loss, accuracy and predictions are evaluated by the eager code"
    if cuda is None:
        import torch

        cuda = torch.cuda.is_available()
    device = cfg.device if cfg.device != "auto" else ("cuda" if cuda else "cpu")
    if device != "cuda" or not cuda:
        return "fast mode needs a CUDA device"
    return None
