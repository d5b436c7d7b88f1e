"""The headless command line: CSV, JSON summary and exit codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from playground.cli import EXIT_DIVERGED, EXIT_INVALID, EXIT_OK, main
from playground.core.config import TrainConfig
from playground.core.loop import train

from .seed_lesson import run_script, script_style, training_scripts


def test_train_writes_every_step_at_full_precision(tmp_path, capsys):
    path = tmp_path / "l.csv"
    assert main(["train", "--steps", "50", "--csv", str(path)]) == EXIT_OK
    with path.open() as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["step", "loss"]
        rows = list(reader)
    assert [int(r[0]) for r in rows] == list(range(50))
    expected, _ = train(TrainConfig(steps=50))
    assert [float(r[1]) for r in rows] == list(expected)
    assert all(r[1] == repr(float(v)) for r, v in zip(rows, expected, strict=True))
    out = capsys.readouterr().out
    assert "steps/s" in out and "final loss" in out


def test_csv_equals_the_seed_script_run_raw(tmp_path):
    source = next(s for s in training_scripts() if script_style(s) == "sequential")
    expected = run_script(source, 5)
    path = tmp_path / "s.csv"
    assert main(["train", "--style", "sequential", "--seed", "5", "--csv", str(path)]) == EXIT_OK
    with path.open() as fh:
        got = [float(r["loss"]) for r in csv.DictReader(fh)]
    np.testing.assert_array_equal(np.float32(got), np.float32(expected))


def test_json_summary_has_the_promised_fields(capsys):
    assert main(["train", "--style", "module", "--steps", "30", "--json"]) == EXIT_OK
    s = json.loads(capsys.readouterr().out)
    for key in ("final_loss", "steps", "steps_per_s", "device", "diverged", "params"):
        assert key in s
    assert s["steps"] == 30 and s["diverged"] is False and s["device"] == "cpu"
    names = [p["name"] for p in s["params"]]
    assert names == ["linear1.weight", "linear2.weight"]
    for p in s["params"]:
        assert set(p) >= {"name", "shape", "weight_norm", "grad_norm", "update_ratio"}
        assert p["step"] == 29 and p["grad_norm"] > 0
    assert s["params"][0]["shape"] == [100, 1000]


@pytest.mark.parametrize("args, field", [
    (["--lr", "0"], "lr"), (["--lr", "abc"], "lr"), (["--N", "0"], "N"),
    (["--style", "numpy", "--optimizer", "adam"], "optimizer"),
    (["--H", "1048576", "--D-in", "1048576", "--N", "1048576"], "size"),
])
def test_invalid_configuration_exits_2_naming_the_field(args, field, capsys):
    assert main(["train", *args]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert f"{field}:" in err


def test_divergence_exits_3_naming_step_and_tensor(capsys):
    assert main(["train", "--lr", "1", "--json"]) == EXIT_DIVERGED
    captured = capsys.readouterr()

    def refuse(name: str):
        raise ValueError(f"bare {name} is not JSON")

    s = json.loads(captured.out, parse_constant=refuse)  # strict: a diverged loss is "inf"
    assert s["final_loss"] in ("inf", "nan")
    assert s["diverged"] and s["divergence"]["tensor"] and s["divergence"]["step"] >= 0
    assert "diverged at step" in captured.err


def test_config_file_is_read_and_flags_override_it(tmp_path, capsys):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"style": "module", "steps": 7, "H": 20, "extra": 1}))
    assert main(["train", "--config", str(path), "--H", "30", "--json"]) == EXIT_OK
    s = json.loads(capsys.readouterr().out)
    assert s["steps"] == 7 and s["config"]["H"] == 30 and s["config"]["style"] == "module"
    path.write_text("{broken")
    assert main(["train", "--config", str(path)]) == EXIT_INVALID


def test_module_entry_point_runs_as_a_process(tmp_path):
    out = subprocess.run([sys.executable, "-m", "playground", "train", "--steps", "5", "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["steps"] == 5


def test_csv_to_standard_output_with_a_dash(capsys):
    assert main(["train", "--steps", "4", "--N", "8", "--D-in", "10", "--H", "4", "--D-out", "2",
                 "--csv", "-"]) == 0
    out, err = capsys.readouterr()
    rows = out.splitlines()
    assert rows[0] == "step,loss" and [r.split(",")[0] for r in rows[1:]] == ["0", "1", "2", "3"]
    assert "final loss" in err  # the summary keeps out of the CSV
    assert main(["train", "--steps", "1", "--csv", "-", "--json"]) == EXIT_INVALID
    assert "choose one" in capsys.readouterr().err
