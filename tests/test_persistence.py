"""Experiment files: round trip, atomic writes, and defensive reading."""

from __future__ import annotations

import json
import os
import pickle

import numpy as np
import pytest

from playground.core.config import TrainConfig
from playground.core.persistence import (
    MAX_NAME_CHARS,
    Experiment,
    ExperimentError,
    RecordedRun,
    _quote,
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


# -- hostile sizes and versions: short messages, clear refusals ------------------------------
def saved_dict(tmp_path) -> dict:
    path = tmp_path / "e.json"
    run = make_finished_run()
    save_experiment(path, Experiment(run.config, (run,)))
    return json.loads(path.read_text())


def write_and_load(tmp_path, data: dict):
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_experiment(path)


def test_quote_shows_at_most_about_80_characters_and_says_how_long_the_value_is():
    assert _quote("short") == "'short'"
    long = _quote("x" * 3_000_000)
    assert len(long) < 110 and "3,000,000 characters" in long and long.startswith("'xxx")
    assert len(_quote(list(range(1_000_000)))) < 110 and "1,000,000 items" in _quote(list(range(1_000_000)))
    assert len(_quote({str(i): "y" * 1000 for i in range(1000)})) < 110
    assert len(_quote([[["z" * 10**6]]])) < 110


BIG = "x" * (3 << 20)  # 3 MB


@pytest.mark.parametrize("where, value", [
    (("runs", 0, "losses"), [BIG, 1.0, 1.0, 1.0]),
    (("runs", 0, "steps"), [0, 1, 2, BIG]),
    (("runs", 0, "lr_changes"), [[BIG, 1e-3]]),
    (("runs", 0, "outcome"), BIG),
    (("runs", 0, "colour"), BIG),
    (("runs", 0, "steps_per_s"), BIG),
    (("runs", 0, "diverged_step"), BIG),
    (("runs", 0, "config", "lr"), BIG),
    (("runs", 0, "config", "style"), BIG),
    (("config", "optimizer"), BIG),
    (("format_version",), BIG),
    (("runs",), BIG),
    (("runs", 0), BIG),
])
def test_a_3_mb_bad_value_is_refused_with_a_short_message(tmp_path, where, value):
    data = saved_dict(tmp_path)
    holder = data
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] = value
    with pytest.raises(ExperimentError) as err:
        write_and_load(tmp_path, data)
    message = str(err.value)
    assert len(message) < 400 and "\n" not in message, message[:500]


def test_a_5_mb_run_name_is_refused_with_a_short_message(tmp_path):
    data = saved_dict(tmp_path)
    data["runs"][0]["name"] = "n" * (5 << 20)
    with pytest.raises(ExperimentError, match=r"^runs\[0\]\.name is 5,242,880 characters long") as err:
        write_and_load(tmp_path, data)
    assert len(str(err.value)) < 300


def test_the_longest_name_a_person_can_type_still_opens(tmp_path):
    data = saved_dict(tmp_path)
    data["runs"][0]["name"] = "n" * MAX_NAME_CHARS
    assert write_and_load(tmp_path, data).runs[0].name == "n" * MAX_NAME_CHARS


@pytest.mark.parametrize("version, words", [
    (2, "made by a newer version of Backprop Playground"),
    (10**6, "made by a newer version of Backprop Playground"),
    (0, "not a version this app knows"),
    (-1, "not a version this app knows"),
    (-(10**30), "not a version this app knows"),
    (1.0, "not a version this app knows"),
    ("1", "not a version this app knows"),
    (True, "not a version this app knows"),
    (None, "not a version this app knows"),
    ([1], "not a version this app knows"),
])
def test_a_format_version_this_app_cannot_read_is_refused_saying_why(tmp_path, version, words):
    data = saved_dict(tmp_path)
    data["format_version"] = version
    with pytest.raises(ExperimentError, match=words):
        write_and_load(tmp_path, data)


def test_a_missing_format_version_is_refused(tmp_path):
    data = saved_dict(tmp_path)
    del data["format_version"]
    with pytest.raises(ExperimentError, match="not a version this app knows"):
        write_and_load(tmp_path, data)


def test_a_path_with_a_nul_is_refused_as_unreadable(tmp_path):
    for loader in (load_experiment, load_config_file):
        with pytest.raises(ExperimentError, match="cannot read"):
            loader(f"{tmp_path}/e\0.json")


def test_numbers_are_checked_with_the_first_bad_one_named(tmp_path):
    data = saved_dict(tmp_path)
    data["runs"][0]["losses"] = [1.0, 2, "inf", True]
    with pytest.raises(ExperimentError, match=r"losses\[3\] must be a number, got True"):
        write_and_load(tmp_path, data)
    data["runs"][0]["losses"] = [1.0, 10**400, 1.0, 1.0]
    with pytest.raises(ExperimentError, match=r"losses\[1\] is too large a number"):
        write_and_load(tmp_path, data)
    data["runs"][0]["losses"] = [1, 2.5, "-inf", "nan"]
    np.testing.assert_array_equal(write_and_load(tmp_path, data).runs[0].losses, [1.0, 2.5, -np.inf, np.nan])


def test_a_large_experiment_round_trips_exactly(tmp_path):
    """500 runs of 1,000 steps (the size the loading time was measured on): every value kept."""
    rng = np.random.default_rng(1)
    cfg = TrainConfig(N=8, D_in=12, H=6, D_out=3, steps=1000)
    losses = rng.random((500, 1000)) * 100
    losses[7, 900:] = np.inf
    runs = tuple(RecordedRun(f"run {i}", cfg, np.arange(i, i + 1000), losses[i]) for i in range(500))
    path = tmp_path / "big.json"
    save_experiment(path, Experiment(cfg, runs))
    back = load_experiment(path)
    assert len(back.runs) == 500
    np.testing.assert_array_equal(np.stack([r.losses for r in back.runs]), losses)
    np.testing.assert_array_equal(back.runs[499].steps, np.arange(499, 1499))
    assert back.runs[0].steps.dtype == np.int64
