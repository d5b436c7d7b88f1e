"""The seed lesson's own training scripts, read from ../shared/seed at test time.

The lesson is a web page saved as text: code blocks stand between lines of
Chinese prose.  A code block starts at the line ``N, D_in, H, D_out = ...`` and
ends before the first line that is prose (it starts with a character that
cannot start a line of Python).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def lesson_path() -> Path | None:
    env = os.environ.get("BACKPROP_SEED_DIR")
    candidates = [Path(env)] if env else []
    candidates += [HERE.parent.parent / "shared" / "seed", HERE.parent / "shared" / "seed"]
    for folder in candidates:
        if folder.is_dir():
            for f in sorted(folder.glob("*.txt")):
                if "D_in" in f.read_text(encoding="utf-8"):
                    return f
    return None


def _is_code_line(line: str) -> bool:
    return line.strip() == "" or bool(re.match(r"[A-Za-z_#\s)\]}]", line))


def training_scripts() -> list[str]:
    """Every training script of the lesson, in order, each runnable on its own."""
    path = lesson_path()
    if path is None:
        pytest.skip("the seed lesson (../shared/seed) is not beside this checkout")
    lines = path.read_text(encoding="utf-8").splitlines()
    scripts = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("N, D_in, H, D_out"):
            block = []
            while i < len(lines) and _is_code_line(lines[i]):
                block.append(lines[i])
                i += 1
            scripts.append("\n".join(block))
        else:
            i += 1
    return scripts


def run_script(source: str, seed: int) -> list[float]:
    """Run a lesson script with ``torch.manual_seed(seed)`` first; return its losses.

    The script's own print line is kept but fed the loss at full precision.
    """
    source = re.sub(r"\.format\(it,\s*loss\)", ".format(it, repr(loss.item()))", source)
    source = f"import torch\ntorch.manual_seed({seed})\n" + source
    losses: list[float] = []

    def capture(*args, **kwargs):
        text = " ".join(str(a) for a in args)
        m = re.search(r"loss=(\S+)", text)
        if m:
            losses.append(float(m.group(1)))

    exec(compile(source, "<seed lesson>", "exec"), {"print": capture, "__name__": "__seed__"})
    return losses


def script_style(source: str) -> str:
    if "torch.nn.Sequential" in source:
        return "sequential"
    if "TwoLayerNet" in source:
        return "module"
    return "tensors"
