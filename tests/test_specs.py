"""One table per optimizer and per activation (core/specs.py): the runners and the script read it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from playground.core.codegen import generate_script
from playground.core.config import TrainConfig
from playground.core.models import build_runner
from playground.core.specs import OPTIMIZER_SPECS

SMALL = dict(N=8, D_in=12, H=6, D_out=3, steps=6, device="cpu")


@pytest.mark.parametrize("style", ["tensors", "module"])
@pytest.mark.parametrize("name", list(OPTIMIZER_SPECS))
def test_the_script_builds_the_optimizer_the_runner_trains_with(name, style):
    cfg = TrainConfig(style=style, optimizer=name, lr=1e-3, **SMALL)
    runner = build_runner(cfg)
    line = next(line for line in generate_script(cfg).splitlines() if line.startswith("optimizer = "))
    params = [p for _, p in runner.named_params()]
    names = {"torch": torch, "lr": cfg.lr, "model": getattr(runner, "model", None),
             **dict(runner.named_params())}
    scripted = eval(line.removeprefix("optimizer = "), names)  # noqa: S307 - the app's own script
    assert type(scripted) is type(runner.optimizer)
    assert scripted.defaults == runner.optimizer.defaults  # lr, momentum and every default alike
    assert [p for group in scripted.param_groups for p in group["params"]] == params


# A new optimizer and a new activation, each added as one entry of its table and nowhere
# else; in a fresh process, because the configuration reads the tables when first imported.
ADD_ONE_OF_EACH = r"""
import contextlib, io, json, re
import playground.core.specs as S

S.OPTIMIZER_SPECS["nadam"] = S.OptimizerSpec("NAdam", "NAdam: Adam with Nesterov momentum", counts_steps=True)
S.ACTIVATION_SPECS["selu"] = S.ActivationSpec("selu", "SELU", "SELU")

from playground.core import fastmode
from playground.core.codegen import generate_script
from playground.core.config import TrainConfig
from playground.core.loop import train

out = {"fast": list(fastmode.FAST_OPTIMIZERS)}
for style in ("tensors", "sequential", "module"):
    cfg = TrainConfig(style=style, optimizer="nadam", activation="selu", lr=1e-3, steps=6, device="cpu",
                      N=8, D_in=12, H=6, D_out=3)
    losses, last = train(cfg)
    script = generate_script(cfg)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(script, style, "exec"), {"__name__": "__main__"})
    out[style] = {"reason": last.reason, "core": losses.tolist(),
                  "script": [float(v) for v in re.findall(r"loss=(\S+)", printed.getvalue())],
                  "calls": "torch.optim.NAdam(" in script and "selu" in script.lower()}
print(json.dumps(out))
"""


def test_one_table_entry_adds_an_optimizer_and_an_activation_to_runs_and_script():
    proc = subprocess.run([sys.executable, "-c", ADD_ONE_OF_EACH], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "nadam" not in out.pop("fast")  # a step count without a capturable form: not recordable
    for style, run in out.items():
        assert run["reason"] == "completed", style
        assert run["calls"], style
        assert run["script"] == run["core"], style  # the same loss at every step, exactly
        assert run["core"][-1] != run["core"][0], style
