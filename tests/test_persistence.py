"""Experiment files: round trip, atomic writes, and defensive reading."""

from __future__ import annotations

import json
import os
import pickle

import numpy as np
import pytest

from playground.core.config import TrainConfig
from playground.core.persistence import (
    Experiment,
    ExperimentError,
    RecordedRun,
    atomic_write_text,
    load_config_file,
    load_experiment,
    save_experiment,
)


def make_experiment() -> Experiment:
    cfg = TrainConfig(style="module", lr=3e-4)
    losses = np.array([10.0, 5.0, np.inf, np.nan])
    return Experiment(cfg, (RecordedRun("run 1", cfg, np.arange(4), losses, ((2, 1e-3),), "note"),))


def test_round_trip_keeps_config_runs_and_non_finite_losses(tmp_path):
    path = tmp_path / "e.json"
    save_experiment(path, make_experiment())
    exp = load_experiment(path)
    assert exp.config == TrainConfig(style="module", lr=3e-4)
    run = exp.runs[0]
    assert run.name == "run 1" and run.lr_changes == ((2, 1e-3),) and run.note == "note"
    np.testing.assert_array_equal(run.losses, [10.0, 5.0, np.inf, np.nan])
    json.loads(path.read_text())  # strict JSON: no bare NaN/Infinity tokens
    assert "NaN" not in path.read_text()


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "e.json"
    path.write_text("old")

    def fail(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["e.json"]


@pytest.mark.parametrize("content, words", [
    (b"", "not valid JSON"),
    (b"\xff\xfe\x00binary", "not a text file"),
    (pickle.dumps({"config": {}}), "not a text file"),
    (b"[]", "not an experiment"),
    (b'{"format": "other"}', "not a Backprop Playground experiment"),
    (b'{"format": "backprop-playground-experiment", "format_version": 99, "config": {}}', "format_version"),
    (b'{"format": "backprop-playground-experiment", "format_version": 1, "config": {"lr": -1}}', "lr"),
    (b'{"format": "backprop-playground-experiment", "format_version": 1, "config": {},'
     b' "runs": [{"config": {}, "steps": [0, 1], "losses": [1.0]}]}', "2 steps but 1 losses"),
    (b'{"format": "backprop-playground-experiment", "format_version": 1, "config": {},'
     b' "runs": [{"config": {}, "steps": [0], "losses": ["x"]}]}', r"losses\[0\] must be a number"),
    (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ExperimentError, match=words):
        load_experiment(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ExperimentError, match="cannot read"):
        load_experiment(tmp_path / "nope.json")
    with pytest.raises(ExperimentError, match="folder"):
        load_experiment(tmp_path)


def test_config_file_accepts_bare_configs_and_experiments(tmp_path):
    bare = tmp_path / "c.json"
    bare.write_text('{"style": "numpy", "N": 4}')
    assert load_config_file(bare) == TrainConfig(style="numpy", N=4)
    exp = tmp_path / "e.json"
    save_experiment(exp, make_experiment(), include_history=False)
    assert "runs" not in json.loads(exp.read_text())
    assert load_config_file(exp).style == "module"


def test_atomic_write_gives_a_new_file_the_usual_mode(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "shared.json"
        atomic_write_text(path, "x")
        assert path.stat().st_mode & 0o777 == 0o644
        path.chmod(0o600)
        atomic_write_text(path, "y")
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
