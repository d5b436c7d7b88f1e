"""Hostile input: every configuration, file and command line either works or is refused naming why.

Property-based (hypothesis) over :class:`TrainConfig` arguments, ``TrainConfig.from_dict``,
the JSON loaders (``load_config_file``, ``load_experiment``) and the command line: a
refusal is a :class:`ConfigError` (the API), an :class:`ExperimentError` of one short line
(a file) or exit status 2 with one line (the command line) that names the culprit; anything
else (another exception, a traceback, a hang) fails.  Both loaders are held to the same
verdict, what is accepted is checked to be what the file says, and every valid experiment
saves back to the same file.  Accepted configurations that are small train a few steps
and end with a reason, never an exception.  Nothing is ever unpickled or executed.
"""

from __future__ import annotations

import ast
import json
import math
import os
import pickle
import re
import stat
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

import playground
from playground.cli import EXIT_DIVERGED, EXIT_ERROR, EXIT_INVALID, EXIT_OK
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
    parse_lr,
)
from playground.core.loop import Trainer
from playground.core.persistence import (
    FORMAT,
    FORMAT_VERSION,
    OUTCOMES,
    Experiment,
    ExperimentError,
    RecordedRun,
    experiment_to_dict,
    load_config_file,
    load_experiment,
    save_experiment,
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
    run = RecordedRun("run 1", cfg, np.arange(4), np.array([4.0, 3.0, 2.0, 1.0]), ((2, 1e-3),), "a note")
    return experiment_to_dict(Experiment(cfg, (run,)))


def assert_one_short_line(message: str) -> None:
    """A refusal is one line that quotes at most a little of what the file holds."""
    assert message and "\n" not in message and len(message) <= 500, message[:600]


_NOT_JSON = object()


def document(path: Path) -> object:
    """What the file holds, parsed as the loaders parse it, or _NOT_JSON."""
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _NOT_JSON


def load_both(path: Path) -> tuple[Experiment | ExperimentError, TrainConfig | ExperimentError]:
    """``load_experiment`` and ``load_config_file`` on ``path``, checked against each other.

    Each gives a result or an ExperimentError of one short line (any other exception fails
    the test).  A file that is not JSON is refused by both for the same reason; an
    experiment gets the same verdict from both (the configuration loader reads it as an
    experiment); any other JSON is no experiment, and as a configuration it reads exactly
    as ``TrainConfig.from_dict`` reads it.
    """
    outcomes: list = []
    for loader in (load_experiment, load_config_file):
        try:
            outcomes.append(loader(path))
        except ExperimentError as exc:
            assert_one_short_line(str(exc))
            outcomes.append(exc)
    exp, cfg = outcomes
    doc = document(path)
    if doc is _NOT_JSON:
        assert isinstance(exp, ExperimentError) and str(cfg) == str(exp)
        assert any(words in str(exp) for words in ("not a text file", "not valid JSON", "nested too deeply",
                                                  "not a usable JSON file")), exp
    elif isinstance(doc, dict) and doc.get("format") == FORMAT:
        if isinstance(exp, Experiment):
            assert cfg == exp.config
            version = doc.get("format_version")  # only versions this app wrote are read
            assert type(version) is int and 1 <= version <= FORMAT_VERSION, version
        else:
            assert isinstance(cfg, ExperimentError) and str(cfg) == str(exp)
    else:
        assert isinstance(exp, ExperimentError)
        assert "not a Backprop Playground experiment" in str(exp) or "not an experiment" in str(exp), exp
        try:
            expected = TrainConfig.from_dict(doc)
        except ConfigError:
            assert isinstance(cfg, ExperimentError) and str(cfg).startswith(f"{path.name}: "), cfg
        else:
            assert cfg == expected
    return exp, cfg


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
    for outcome in load_both(path):
        if isinstance(outcome, ExperimentError):
            prefix = "config: " if where == "config" else "runs[0].config: "
            assert str(outcome).startswith(prefix), outcome
            assert f": {field}: " in str(outcome) or ": size: " in str(outcome), outcome
        else:
            cfg = outcome if isinstance(outcome, TrainConfig) else outcome.config
            assert cfg.check_memory


def _as_floats(values: list) -> list[float]:
    return [float(v) for v in values]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(["steps", "losses", "lr_changes", "name", "note", "config", "extra"]),
       value=st.one_of(HOSTILE, json_values()))
@example(key="lr_changes", value=[[math.inf, 0.1]])
@example(key="lr_changes", value=[[math.nan, 0.1]])
@example(key="lr_changes", value=[[1, 10**400]])
@example(key="losses", value=[10**400, 1.0, 1.0, 1.0])
@example(key="steps", value=[1e300, 1, 2, 3])
@example(key="steps", value=[0.5, 1, 2, 3])
@example(key="steps", value=[0, 1, 2, 3])
@example(key="losses", value=[1, 2.5, "inf", "nan"])
@example(key="name", value="")
def test_a_hostile_run_in_a_file_is_refused_naming_where_or_read_as_written(tmp_path, small_budget, key, value):
    data = valid_experiment_dict()
    data["runs"][0][key] = value
    path = tmp_path / "e.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    exp, _cfg = load_both(path)
    if key == "extra":  # an unknown key is ignored
        assert isinstance(exp, Experiment), exp
    if key in ("name", "note"):  # any text is a name or a note; nothing else is
        assert isinstance(exp, Experiment) == isinstance(value, str), exp
    if isinstance(exp, ExperimentError):
        assert str(exp).startswith("runs[0]"), exp
        return
    run = exp.runs[0]  # accepted: what the file says, read back exactly
    if key in ("name", "note"):
        assert getattr(run, key) == value
    elif key == "steps":
        assert run.steps.tolist() == value and run.steps.dtype == np.int64
    elif key == "losses":
        np.testing.assert_array_equal(run.losses, _as_floats(value))
    elif key == "lr_changes":
        assert run.lr_changes == tuple((int(s), float(lr)) for s, lr in value)
    elif key == "config":
        assert run.config == TrainConfig.from_dict(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=json_values())
@example(doc={"format": FORMAT})
@example(doc={"style": "numpy", "N": 4})
@example(doc=[])
def test_any_json_document_is_read_or_refused_the_same_way_by_both_loaders(tmp_path, small_budget, doc):
    path = tmp_path / "any.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    load_both(path)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1))
@example(cut=1.0)
def test_a_truncated_file_is_refused_as_truncated(tmp_path, cut):
    text = json.dumps(valid_experiment_dict(), indent=1)
    end = int(len(text) * cut)
    path = tmp_path / "cut.json"
    path.write_text(text[:end], encoding="utf-8")
    for outcome in load_both(path):
        if end < len(text.rstrip()):
            assert isinstance(outcome, ExperimentError)
            assert "not valid JSON" in str(outcome) and "truncated" in str(outcome)
        else:  # the whole document: it reads
            assert isinstance(outcome, (Experiment, TrainConfig)), outcome


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
@example(raw=b"\xef\xbb\xbf{}")
@example(raw=b"\x00" * 64)
@example(raw=("1" * 5000).encode())
@example(raw=b"[" * 100_000)
@example(raw=b"\xff\xfe{}")
def test_binary_files_are_refused_unless_they_are_json(tmp_path, raw):
    path = tmp_path / "blob.json"
    path.write_bytes(raw)
    exp, cfg = load_both(path)
    if document(path) is _NOT_JSON:  # load_both checked that both refuse it for the same reason
        assert isinstance(exp, ExperimentError) and isinstance(cfg, ExperimentError)


# -- experiment files: mutations of a valid one, and the round trip ---------------------------
def _paths(value, prefix=()):
    """Every place in a JSON document: (path to the container, key or index)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix, k
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):  # the first few items stand for the rest
            yield prefix, i
            yield from _paths(v, (*prefix, i))


def _at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


@st.composite
def mutated_experiments(draw) -> dict:
    """A valid experiment with one to three places replaced by something hostile, removed or added to."""
    doc = valid_experiment_dict()
    doc["runs"].append(json.loads(json.dumps(doc["runs"][0])) | {"outcome": "diverged", "diverged_step": 3,
                                                                  "losses": [4.0, 3.0, "inf", "nan"]})
    for _ in range(draw(st.integers(1, 3))):
        places = list(_paths(doc))
        where, key = draw(st.sampled_from(places))
        holder = _at(doc, where)
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            holder[key] = draw(st.one_of(HOSTILE, json_values()))
        elif action == "delete":
            del holder[key]
        elif isinstance(holder, dict):
            holder[draw(st.text(max_size=6))] = draw(HOSTILE)
        else:
            holder.append(draw(HOSTILE))
    return doc


def same_experiment(a: Experiment, b: Experiment) -> bool:
    return experiment_to_dict(a) == experiment_to_dict(b)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=mutated_experiments())
@example(doc=valid_experiment_dict() | {"format_version": -1})
@example(doc=valid_experiment_dict() | {"format_version": 2})
def test_a_damaged_experiment_is_refused_in_one_line_or_reopens_as_it_was_read(tmp_path, small_budget, doc):
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    exp, _cfg = load_both(path)
    event("accepted" if isinstance(exp, Experiment) else "refused")
    if isinstance(exp, Experiment):  # whatever is accepted saves and reopens unchanged
        again = tmp_path / "again.json"
        save_experiment(again, exp)
        assert same_experiment(load_experiment(again), exp)


finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def valid_configs(draw) -> dict:
    kwargs = dict(style=draw(st.sampled_from(STYLES)), N=draw(st.integers(1, 64)), D_in=draw(st.integers(1, 64)),
                  H=draw(st.integers(1, 64)), D_out=draw(st.integers(1, 16)), steps=draw(st.integers(1, 10**6)),
                  seed=draw(st.integers(0, 2**32)), lr=draw(st.floats(1e-12, 10.0)))
    for name in ("optimizer", "activation", "loss", "mistake", "dtype"):
        if draw(st.booleans()):
            kwargs[name] = draw(st.sampled_from(CHOICES[name]))
    try:
        return TrainConfig(**kwargs).to_dict()
    except ConfigError:
        assume(False)


@st.composite
def valid_runs(draw) -> dict:
    steps = sorted(draw(st.sets(st.integers(0, config_mod.MAX_STEPS), max_size=25)))
    losses = draw(st.lists(st.one_of(finite_floats, st.sampled_from(["nan", "inf", "-inf"])),
                           min_size=len(steps), max_size=len(steps)))
    outcome = draw(st.sampled_from(OUTCOMES))
    return {
        "name": draw(st.text(max_size=20)),
        "config": draw(valid_configs()),
        "note": draw(st.text(max_size=40)),
        "lr_changes": draw(st.lists(st.tuples(st.integers(0, config_mod.MAX_STEPS), st.floats(1e-300, 1e300))
                                    .map(list), max_size=4)),
        "steps": steps,
        "losses": losses,
        "outcome": outcome,
        "diverged_step": draw(st.one_of(st.none(), st.integers(0, config_mod.MAX_STEPS)))
        if outcome == "diverged" else None,
        "colour": draw(st.one_of(st.just(""), st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))),
        "steps_per_s": draw(st.floats(0, 1e12)),
        "elapsed_s": draw(st.floats(0, 1e9)),
    }


@st.composite
def valid_experiments(draw) -> dict:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "app_version": draw(st.text(max_size=12)),
            "config": draw(valid_configs()), "runs": draw(st.lists(valid_runs(), max_size=3))}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=valid_experiments())
def test_saving_what_was_opened_gives_the_same_file(tmp_path, doc):
    """save(load(f)) is f: every field (steps, losses, notes, lr changes, outcome, colour, speed) is kept."""
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc, allow_nan=False), encoding="utf-8")
    again = tmp_path / "again.json"
    save_experiment(again, load_experiment(path))
    assert json.loads(again.read_text(encoding="utf-8"), parse_constant=refuse_constant) == doc


def refuse_constant(name: str):
    raise AssertionError(f"{name} is not JSON: strict parsers (jq, JavaScript) refuse it")


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
#: argparse's own test for "a negative number, not an option" (its _negative_number_matcher).
_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")
OPTION_FIELDS = {"--N": "N", "--D-in": "D_in", "--H": "H", "--D-out": "D_out", "--steps": "steps",
                 "--seed": "seed", "--lr": "lr"}


def strict_json(text: str) -> dict:
    """The summary as a strict parser reads it: a bare NaN or Infinity fails."""
    return json.loads(text, parse_constant=refuse_constant)


def expected_verdict(option: str, text: str) -> str:
    """What the command line must do with ``option text``, from the API alone."""
    field = OPTION_FIELDS[option]
    if field == "lr":
        try:
            kwargs = {"lr": parse_lr(text)}
        except ConfigError:
            return "invalid"
    else:
        try:
            kwargs = {field: int(text)}  # argparse's type=int
        except ValueError:
            return "usage"
    if field != "steps":
        kwargs["steps"] = 2
    try:
        cfg = TrainConfig(**kwargs)
    except ConfigError:
        return "invalid"
    return "trains" if cfg.steps <= 1000 else "too long to test"


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Exit status, stdout and stderr; an exception other than SystemExit is a traceback: it fails."""
    try:
        code = cli_main(argv)
    except SystemExit as exc:
        code = exc.code
        assert code == EXIT_INVALID, f"argparse exits 2, not {code!r}"
        out, err = capsys.readouterr()
        lines = err.splitlines()
        assert lines and ": error: " in lines[-1] and sum(": error: " in line for line in lines) == 1, err
        return code, out, "usage"
    out, err = capsys.readouterr()
    return code, out, err


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(option=st.sampled_from(list(OPTION_FIELDS)),
       text=st.one_of(st.text(max_size=12), st.sampled_from(["0", "-1", "nan", "inf", "1e400", "99999999999999",
                                                             "1" * 400, "0x10", "1_000", " 7 ", "3", "1e-3"])))
@example(option="--lr", text="1")  # diverges: exit 3, and the summary is still strict JSON
@example(option="--N", text="0")
@example(option="--steps", text="3")
def test_cli_option_values_train_or_are_refused_with_exit_2_naming_the_option(small_budget, capsys, option, text):
    assume(not text.startswith("-") or _NEGATIVE_NUMBER.match(text))
    verdict = expected_verdict(option, text)
    assume(verdict != "too long to test")
    event(verdict)
    argv = ["train", option, text, "--json"] + (["--steps", "2"] if option != "--steps" else [])
    code, out, err = run_cli(argv, capsys)
    if verdict == "usage":
        assert err == "usage", f"argparse must refuse {text!r} for {option}"
        return
    if verdict == "invalid":
        assert code == EXIT_INVALID and out == "", (code, err)
        assert err.count("\n") == 1 and err.startswith(f"invalid configuration: {OPTION_FIELDS[option]}: "), err
        return
    assert code in (EXIT_OK, EXIT_DIVERGED), (code, err)
    summary = strict_json(out)
    assert summary["diverged"] == (code == EXIT_DIVERGED)
    assert summary["config"][OPTION_FIELDS[option]] == (parse_lr(text) if option == "--lr" else int(text))


def test_a_diverged_run_summary_is_strict_json(capsys):
    assert cli_main(["train", "--lr", "1", "--steps", "60", "--json"]) == EXIT_DIVERGED
    summary = strict_json(capsys.readouterr().out)
    assert summary["diverged"] and summary["divergence"]["step"] >= 0
    assert summary["final_loss"] is None or isinstance(summary["final_loss"], (float, str))


@pytest.fixture(scope="module")
def cli_paths(tmp_path_factory):
    """Places the command line may be told to read or write: ordinary and hostile."""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "exists.csv").write_text("old", encoding="utf-8")
    (folder / "link.csv").symlink_to("exists.csv")
    os.mkfifo(folder / "fifo")
    (folder / "sub").mkdir()
    (folder / "experiment.json").write_text(json.dumps(valid_experiment_dict()), encoding="utf-8")
    (folder / "config.json").write_text(json.dumps({"style": "numpy", "N": 4, "steps": 2}), encoding="utf-8")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (folder / "huge-value.json").write_text(json.dumps({**valid_experiment_dict(), "format_version": "v" * (3 << 20)}),
                                            encoding="utf-8")
    paths = {name: str(folder / name) for name in
             ("exists.csv", "link.csv", "fifo", "sub", "experiment.json", "config.json", "deep.json",
              "huge-value.json")}
    paths |= {"new": str(folder / "new.out"), "missing-folder": str(folder / "nope" / "x"), "nul": f"{folder}/a\0b"}
    # A device like /dev/null, made here: a write that went wrong must never reach the real /dev.
    try:
        os.mknod(folder / "null-device", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        paths["device"] = str(folder / "null-device")
    except PermissionError:  # not root: a FIFO stands for it
        paths["device"] = paths["fifo"]
    return paths


def cli_arguments(paths: dict[str, str]) -> st.SearchStrategy:
    """argv lists for train, export-code and open: options with good and hostile values, in any order."""
    value = st.one_of(st.text(max_size=10), st.sampled_from(["0", "1", "2", "-1", "nan", "1e400", "x", ""]))
    small = {"--N": ["4", "8"], "--D-in": ["5", "12"], "--H": ["3", "6"], "--D-out": ["2", "3"],
             "--steps": ["0", "1", "3"], "--seed": ["0", "7"], "--lr": ["1e-3", "1e-6", "1"],
             "--threads": ["1"]}
    choices = {f"--{k}": list(v) + ["bogus"] for k, v in CHOICES.items()}
    option = st.one_of(
        st.sampled_from(list(small)).flatmap(lambda o: st.tuples(st.just(o), st.one_of(st.sampled_from(small[o]),
                                                                                        value))),
        st.sampled_from(list(choices)).flatmap(lambda o: st.tuples(st.just(o), st.sampled_from(choices[o]))),
        st.tuples(st.just("--config"), st.sampled_from([paths[k] for k in (
            "experiment.json", "config.json", "deep.json", "huge-value.json", "fifo", "sub", "missing-folder",
            "nul", "device", "exists.csv")])),
        st.tuples(st.sampled_from(["--bias", "--no-bias", "--unknown"])),
    )
    out_path = st.sampled_from([paths[k] for k in ("new", "exists.csv", "link.csv", "fifo", "sub",
                                                   "missing-folder", "nul", "device")])
    sizes = ["--N", "4", "--D-in", "5", "--H", "3", "--D-out", "2", "--steps", "2"]

    def argv(command, options, out):
        flat = [part for opt in options for part in opt]
        if command == "train":
            return ["train", *sizes, *flat, "--json"] + (["--csv", out] if out else [])
        if command == "export-code":
            return ["export-code", *flat] + (["-o", out] if out else [])
        return ["open", out or paths["experiment.json"]]

    return st.builds(argv, st.sampled_from(["train", "train", "export-code", "open"]),
                     st.lists(option, max_size=4), st.one_of(st.none(), out_path))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_command_line_ends_with_an_exit_status_never_a_traceback(cli_paths, small_budget, capsys, monkeypatch,
                                                                       data):
    from playground.gui import app

    monkeypatch.setattr(app, "run_app", lambda **k: EXIT_OK)  # `open` with a good file: no window
    argv = data.draw(cli_arguments(cli_paths))
    outcome = _in_thread(lambda: run_cli(argv, capsys))
    if isinstance(outcome, BaseException):
        raise outcome
    code, out, err = outcome
    event(f"{argv[0]}: exit {code}{' (usage)' if err == 'usage' else ''}")  # --hypothesis-show-statistics
    assert code in (EXIT_OK, EXIT_ERROR, EXIT_INVALID, EXIT_DIVERGED), (code, err)
    if err == "usage":
        return
    lines = err.splitlines()
    if code == EXIT_INVALID:  # a refusal: one line saying why
        assert len(lines) == 1 and lines[0].startswith(("invalid configuration: ", "error: ", "cannot open ")), err
        assert len(lines[0]) <= 600, lines[0][:700]
    elif code == EXIT_ERROR and not err.startswith("run failed: "):  # (a run can fail: a classic mistake)
        assert len(lines) == 1 and lines[0].startswith("error: cannot write "), err  # a file not written
    if argv[0] == "train" and code in (EXIT_OK, EXIT_DIVERGED):
        assert strict_json(out)["diverged"] == (code == EXIT_DIVERGED)
    assert stat.S_ISFIFO(os.lstat(cli_paths["fifo"]).st_mode) and os.path.islink(cli_paths["link.csv"])
    assert not stat.S_ISREG(os.lstat(cli_paths["device"]).st_mode)
