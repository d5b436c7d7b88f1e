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


def make_finished_run(**changes) -> RecordedRun:
    cfg = TrainConfig(style="tensors", lr=1e-6)
    fields = dict(name="hot", config=cfg, steps=np.arange(100, 104), losses=np.array([1.0, 1e10, 1e30, np.inf]),
                  lr_changes=((101, 1e-5),), note="too hot", outcome="diverged", diverged_step=103,
                  colour="#9467bd", steps_per_s=1234.5, elapsed_s=2.5)
    return RecordedRun(**(fields | changes))


def test_round_trip_keeps_steps_outcome_speed_duration_and_colour(tmp_path):
    path = tmp_path / "e.json"
    run = make_finished_run()
    save_experiment(path, Experiment(run.config, (run,)))
    back = load_experiment(path).runs[0]
    np.testing.assert_array_equal(back.steps, [100, 101, 102, 103])
    assert (back.outcome, back.diverged_step, back.colour, back.steps_per_s, back.elapsed_s) == \
        ("diverged", 103, "#9467bd", 1234.5, 2.5)
    assert back.note == "too hot" and back.lr_changes == ((101, 1e-5),)
    assert json.loads(path.read_text())["format_version"] == 1


def test_a_file_from_before_outcomes_reads_with_the_outcome_unknown(tmp_path):
    path = tmp_path / "old.json"
    save_experiment(path, make_experiment())
    data = json.loads(path.read_text())
    for key in ("outcome", "diverged_step", "colour", "steps_per_s", "elapsed_s"):
        del data["runs"][0][key]
    path.write_text(json.dumps(data))
    run = load_experiment(path).runs[0]
    assert (run.outcome, run.diverged_step, run.colour, run.steps_per_s, run.elapsed_s) == \
        ("recorded", None, "", 0.0, 0.0)


@pytest.mark.parametrize("key, value, words", [
    ("outcome", "exploded", "outcome must be one of"),
    ("outcome", 3, "outcome must be one of"),
    ("outcome", "x" * 10_000, "outcome must be one of"),
    ("diverged_step", -1, "diverged_step must be a whole step"),
    ("diverged_step", 2.5, "diverged_step must be a whole step"),
    ("diverged_step", True, "diverged_step must be a whole step"),
    ("colour", "red", "colour must be"),
    ("colour", "#12345g", "colour must be"),
    ("colour", "#1234567", "colour must be"),
    ("colour", ["#123456"], "colour must be"),
    ("steps_per_s", "fast", "steps_per_s must be a number"),
    ("steps_per_s", -1, "steps_per_s must be a number"),
    ("elapsed_s", 10**400, "elapsed_s must be a number"),
    ("elapsed_s", "inf", "elapsed_s must be a number"),
    ("steps", [100, 102, 101, 103], "steps must increase"),
])
def test_bad_outcome_fields_are_refused_naming_where(tmp_path, key, value, words):
    path = tmp_path / "e.json"
    run = make_finished_run()
    save_experiment(path, Experiment(run.config, (run,)))
    data = json.loads(path.read_text())
    data["runs"][0][key] = value
    path.write_text(json.dumps(data))
    with pytest.raises(ExperimentError, match=rf"^runs\[0\]\.{words}"):
        load_experiment(path)


def test_a_divergence_step_needs_a_diverged_outcome(tmp_path):
    path = tmp_path / "e.json"
    run = make_finished_run(outcome="completed", diverged_step=None)
    save_experiment(path, Experiment(run.config, (run,)))
    data = json.loads(path.read_text())
    assert data["runs"][0]["diverged_step"] is None
    data["runs"][0]["diverged_step"] = 3
    path.write_text(json.dumps(data))
    with pytest.raises(ExperimentError, match="not 'diverged'"):
        load_experiment(path)
