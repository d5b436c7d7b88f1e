"""Hostile input: every configuration and every file either trains or is refused naming the field.

Property-based (hypothesis) over :class:`TrainConfig` arguments, ``TrainConfig.from_dict``
and the JSON loaders (``load_config_file``, ``load_experiment``): a refusal is a
:class:`ConfigError` (the API) or an :class:`ExperimentError` (a file) whose
message names the culprit; anything else (another exception, a hang, a crash)
fails.  Accepted configurations that are small train a few steps and end with a
reason, never an exception.  Nothing is ever unpickled or executed.
"""

from __future__ import annotations

import ast
import json
import math
import os
import pickle
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import playground
from playground.cli import EXIT_DIVERGED, EXIT_INVALID
from playground.cli import main as cli_main
from playground.core import config as config_mod
from playground.core.config import (
    ACTIVATIONS,
    DEVICES,
    DTYPES,
    LOSSES,
    MISTAKES,
    OPTIMIZERS,
    STYLES,
    ConfigError,
    TrainConfig,
    estimated_bytes,
)
from playground.core.loop import Trainer
from playground.core.persistence import (
    FORMAT,
    Experiment,
    ExperimentError,
    RecordedRun,
    experiment_to_dict,
    load_config_file,
    load_experiment,
)

FIELDS = [f for f in TrainConfig().to_dict()]
CHOICES = {"style": STYLES, "optimizer": OPTIMIZERS, "device": DEVICES, "dtype": DTYPES, "loss": LOSSES,
           "activation": ACTIVATIONS, "mistake": MISTAKES}
SMALL_BUDGET = 64 << 20  # the memory guard's budget in these tests: what it accepts trains in milliseconds

#: Values a file or a careless caller might put anywhere.
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.integers(min_value=10**300, max_value=10**305),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 2**20, 2**20 + 1, 2**40, 2**40 + 1, 1e-320, -0.0, 0.5, 1e400]),
    st.text(max_size=8),
    st.sampled_from([c for cs in CHOICES.values() for c in cs] + ["", "TENSORS", "cpu ", "float16"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def plausible(name: str) -> st.SearchStrategy:
    """Values of the right kind for ``name``, edges included."""
    if name in CHOICES:
        return st.sampled_from(CHOICES[name])
    if name == "lr":
        return st.one_of(st.floats(1e-12, 10.0), st.sampled_from([1.0, 1e-6, 1e-4, 0.0, -1.0, math.nan, math.inf]))
    if name == "bias":
        return st.booleans()
    if name == "steps":
        return st.integers(-2, 2**41)
    if name == "seed":
        return st.integers(-2, 2**64)
    return st.one_of(st.integers(-2, 40), st.integers(1, 2**21))  # N, D_in, H, D_out


def config_kwargs() -> st.SearchStrategy:
    """Any subset of the fields, each hostile or of the right kind (twice as likely)."""
    return st.fixed_dictionaries(
        {}, optional={name: st.one_of(HOSTILE, plausible(name), plausible(name)) for name in FIELDS})


@pytest.fixture
def small_budget(monkeypatch):
    """The memory guard with a small budget, so every accepted configuration is quick to train."""
    monkeypatch.setattr(config_mod, "memory_budget", lambda device: SMALL_BUDGET)


def assert_names_field(exc: ConfigError, given: dict) -> None:
    assert str(exc).startswith(f"{exc.field}: ")
    if exc.field == "size":  # the memory guard names every size
        assert all(f"{k}=" in str(exc) for k in ("N", "D_in", "H", "D_out"))
    else:
        assert exc.field in given, f"{exc.field!r} refused but not given: {given}"


def train_briefly(cfg: TrainConfig) -> None:
    """Build and train at most 3 steps; the run must end with a reason, never an exception."""
    try:
        trainer = Trainer(cfg.replace(steps=min(cfg.steps, 3)))
    except ConfigError as exc:
        assert exc.field == "device" and cfg.device in ("cuda", "mps")
        return
    batches = list(trainer.batches(batch_seconds=0.05))
    last = batches[-1] if batches else None
    assert last is not None and last.done
    assert last.reason in ("completed", "diverged", "error")
    if last.reason == "error":
        assert cfg.mistake == "update-outside-no-grad" and last.error
    if last.reason == "diverged":
        assert last.divergence.message.startswith(f"diverged at step {last.divergence.step}")


# -- TrainConfig ------------------------------------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kwargs=config_kwargs())
@example(kwargs={"lr": math.nan})
@example(kwargs={"lr": math.inf})
@example(kwargs={"lr": -math.inf})
@example(kwargs={"lr": 10**400})
@example(kwargs={"N": 0})
@example(kwargs={"H": -5})
@example(kwargs={"D_in": 2**20, "H": 2**20})
@example(kwargs={"N": "64"})
@example(kwargs={"bias": "yes"})
@example(kwargs={"style": "numpy", "optimizer": "adam"})
@example(kwargs={"mistake": "update-outside-no-grad"})
@example(kwargs={"lr": 1.0})
def test_any_arguments_train_or_are_refused_naming_the_field(small_budget, kwargs):
    try:
        cfg = TrainConfig(**kwargs)
    except ConfigError as exc:
        assert_names_field(exc, kwargs)
        return
    assert estimated_bytes(cfg) <= SMALL_BUDGET
    train_briefly(cfg)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(1, 2**20), min_size=4, max_size=4), dtype=st.sampled_from(DTYPES))
@example(sizes=[2**20] * 4, dtype="float64")
@example(sizes=[1, 2**20, 2**20, 1], dtype="float32")
def test_the_memory_guard_refuses_huge_sizes_before_anything_is_allocated(monkeypatch, sizes, dtype):
    import playground.core.models as models

    def no_allocation(*a, **k):
        raise AssertionError("a refused configuration must not reach the data draw")

    monkeypatch.setattr(models, "draw_data", no_allocation)
    kwargs = dict(zip(("N", "D_in", "H", "D_out"), sizes, strict=True), dtype=dtype)
    budget = config_mod.memory_budget("cpu")
    try:
        cfg = TrainConfig(**kwargs)
    except ConfigError as exc:
        assert exc.field == "size" and "GiB" in str(exc)
        assert estimated_bytes(TrainConfig(**kwargs, check_memory=False)) > budget
        with pytest.raises(ConfigError):  # and the same through a file's dictionary
            TrainConfig.from_dict(kwargs)
        return
    assert estimated_bytes(cfg) <= budget


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.one_of(st.sampled_from(FIELDS + ["check_memory"]), st.text(max_size=6)),
                            st.one_of(HOSTILE, st.sampled_from(["tensors", "adam", 1e-3, 8])), max_size=8))
@example(data={"check_memory": False, "N": 2**20, "D_in": 2**20, "H": 2**20})
@example(data={"unknown": 1, "lr": "1e-3"})
def test_from_dict_ignores_unknown_keys_and_refuses_bad_values_naming_them(small_budget, data):
    try:
        cfg = TrainConfig.from_dict(data)
    except ConfigError as exc:
        assert_names_field(exc, data)
        return
    assert cfg.check_memory, "a file must not switch the memory guard off"
    assert estimated_bytes(cfg) <= SMALL_BUDGET


@pytest.mark.parametrize("data", [None, [], "tensors", 3, 2.5, True])
def test_from_dict_refuses_what_is_not_an_object(data):
    with pytest.raises(ConfigError) as err:
        TrainConfig.from_dict(data)
    assert err.value.field == "config"


# -- files --------------------------------------------------------------------------
def valid_experiment_dict() -> dict:
    cfg = TrainConfig(N=8, D_in=12, H=6, D_out=3, steps=4)
    run = RecordedRun("run 1", cfg, __import__("numpy").arange(4), __import__("numpy").array([4.0, 3.0, 2.0, 1.0]),
                      ((2, 1e-3),), "a note")
    return experiment_to_dict(Experiment(cfg, (run,)))


def load_or_refuse(path: Path) -> object:
    """Both loaders on ``path``: a result or ExperimentError, and the same verdict from both."""
    outcomes = []
    for loader in (load_experiment, load_config_file):
        try:
            outcomes.append(loader(path))
        except ExperimentError as exc:
            assert str(exc)
            outcomes.append(exc)
    return outcomes


def json_values() -> st.SearchStrategy:
    return st.recursive(
        st.one_of(HOSTILE.filter(lambda v: not isinstance(v, (list, dict))), st.just(FORMAT)),
        lambda children: st.one_of(st.lists(children, max_size=4),
                                   st.dictionaries(st.text(max_size=8), children, max_size=4)),
        max_leaves=12,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=st.one_of(HOSTILE, json_values()), where=st.sampled_from(["config", "run"]))
def test_a_hostile_config_value_in_a_file_is_refused_naming_the_field(tmp_path, small_budget, field, value, where):
    data = valid_experiment_dict()
    target = data["config"] if where == "config" else data["runs"][0]["config"]
    target[field] = value
    path = tmp_path / "e.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # NaN/Infinity tokens as Python writes them
    for outcome in load_or_refuse(path):
        if isinstance(outcome, ExperimentError):
            prefix = "config: " if where == "config" else "runs[0].config: "
            assert str(outcome).startswith(prefix), outcome
            assert f": {field}: " in str(outcome) or ": size: " in str(outcome), outcome
        else:
            cfg = outcome if isinstance(outcome, TrainConfig) else outcome.config
            assert cfg.check_memory


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["steps", "losses", "lr_changes", "name", "note", "config", "extra"]),
       value=st.one_of(HOSTILE, json_values()))
@example(key="lr_changes", value=[[math.inf, 0.1]])
@example(key="lr_changes", value=[[math.nan, 0.1]])
@example(key="lr_changes", value=[[1, 10**400]])
@example(key="losses", value=[10**400, 1.0, 1.0, 1.0])
@example(key="steps", value=[1e300, 1, 2, 3])
@example(key="steps", value=[0.5, 1, 2, 3])
def test_a_hostile_run_in_a_file_is_refused_naming_where(tmp_path, small_budget, key, value):
    data = valid_experiment_dict()
    data["runs"][0][key] = value
    path = tmp_path / "e.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for outcome in load_or_refuse(path):
        if isinstance(outcome, ExperimentError):
            assert str(outcome).startswith("runs[0]"), outcome


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=json_values())
def test_any_json_document_is_read_or_refused(tmp_path, small_budget, doc):
    path = tmp_path / "any.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    load_or_refuse(path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1))
def test_a_truncated_file_is_refused_as_truncated(tmp_path, cut):
    text = json.dumps(valid_experiment_dict(), indent=1)
    end = int(len(text) * cut)
    path = tmp_path / "cut.json"
    path.write_text(text[:end], encoding="utf-8")
    for outcome in load_or_refuse(path):
        if end < len(text.rstrip()):
            assert isinstance(outcome, ExperimentError)
            assert "not valid JSON" in str(outcome) and "truncated" in str(outcome)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
@example(raw=b"\xef\xbb\xbf{}")
@example(raw=b"\x00" * 64)
@example(raw=("1" * 5000).encode())
@example(raw=b"[" * 100_000)
def test_binary_files_are_refused(tmp_path, raw):
    path = tmp_path / "blob.json"
    path.write_bytes(raw)
    for outcome in load_or_refuse(path):
        assert isinstance(outcome, ExperimentError) or isinstance(outcome, (Experiment, TrainConfig))


def _in_thread(fn, timeout: float = 20.0):
    """Run ``fn`` in a thread: a hang shows as a failure, not as a stuck test run."""
    box: list = []
    t = threading.Thread(target=lambda: box.append(_outcome(fn)), daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "reading the file hung"
    return box[0]


def _outcome(fn):
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - returned to the test to judge
        return exc


@pytest.mark.parametrize("make", ["fifo", "dev_zero", "dev_null", "sparse_huge", "folder", "missing"])
def test_special_files_are_refused_without_reading_forever(tmp_path, make):
    path = tmp_path / "special.json"
    if make == "fifo":
        os.mkfifo(path)
    elif make == "dev_zero":
        path = Path("/dev/zero")
    elif make == "dev_null":
        path = Path("/dev/null")
    elif make == "sparse_huge":
        with open(path, "wb") as fh:
            fh.truncate(600 << 20)  # 600 MiB of nothing, no disk used
    elif make == "folder":
        path.mkdir()
    for loader in (load_experiment, load_config_file):
        outcome = _in_thread(lambda loader=loader: loader(path))
        assert isinstance(outcome, ExperimentError), repr(outcome)


# -- nothing is unpickled or executed -----------------------------------------------------
class _Payload:
    """Unpickling this creates the marker file: proof that something unpickled it."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_a_pickle_is_refused_as_not_an_experiment_and_never_unpickled(tmp_path, capsys, protocol):
    marker = tmp_path / "unpickled"
    path = tmp_path / "experiment.json"
    path.write_bytes(pickle.dumps({"format": FORMAT, "config": _Payload(str(marker))}, protocol=protocol))
    for loader in (load_experiment, load_config_file):
        with pytest.raises(ExperimentError) as err:
            loader(path)
        assert "not a text file" in str(err.value) or "not valid JSON" in str(err.value)
    assert cli_main(["train", "--config", str(path), "--steps", "1"]) == EXIT_INVALID
    assert cli_main(["open", str(path)]) == EXIT_INVALID
    assert "experiment" in capsys.readouterr().err
    assert not marker.exists()


def test_no_module_can_unpickle_or_execute_data():
    """The package never imports pickle-like loaders nor calls eval/exec; torch.load only weights-only."""
    banned_modules = {"pickle", "cPickle", "dill", "marshal", "shelve", "joblib", "cloudpickle"}
    problems = []
    for file in Path(playground.__file__).parent.rglob("*.py"):
        tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                problems += [f"{file.name}: import {a.name}" for a in node.names if a.name.split(".")[0] in banned_modules]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in banned_modules:
                problems.append(f"{file.name}: from {node.module} import")
            elif isinstance(node, ast.Call):
                f = node.func
                if isinstance(f, ast.Name) and f.id in ("eval", "exec", "__import__"):
                    problems.append(f"{file.name}:{node.lineno}: {f.id}()")
                if (isinstance(f, ast.Attribute) and f.attr == "load" and isinstance(f.value, ast.Name)
                        and f.value.id == "torch"):
                    weights_only = [k for k in node.keywords if k.arg == "weights_only"]
                    if not (weights_only and isinstance(weights_only[0].value, ast.Constant)
                            and weights_only[0].value.value is True):
                        problems.append(f"{file.name}:{node.lineno}: torch.load without weights_only=True")
    assert problems == []


# -- the command line ---------------------------------------------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(option=st.sampled_from(["--N", "--D-in", "--H", "--D-out", "--steps", "--seed", "--lr"]),
       text=st.one_of(st.text(max_size=12), st.sampled_from(["0", "-1", "nan", "inf", "1e400", "99999999999999",
                                                             "1" * 400, "0x10", "1_000"])))
def test_cli_refuses_bad_option_values_with_exit_2_naming_the_option(small_budget, capsys, option, text):
    assume(not text.startswith("-") or text.lstrip("-").replace(".", "").isdigit())
    try:
        code = cli_main(["train", option, text, "--steps", "2"] if option != "--steps" else ["train", option, text])
    except SystemExit as exc:  # argparse: not a number at all
        code = exc.code
    err = capsys.readouterr().err
    assert code in (0, EXIT_INVALID, EXIT_DIVERGED), err  # a valid but large lr may diverge
    if code == EXIT_INVALID:
        name = option.lstrip("-").replace("-", "_")
        assert name in err or option in err or "size" in err, err
