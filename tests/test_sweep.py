"""Sweeps (core/sweep.py, ``backprop-playground sweep``): every cell is ``train`` with its
configuration, bit for bit; bad grids are refused naming the field; a stop keeps finished cells."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from playground import cli
from playground.core.config import ConfigError, TrainConfig
from playground.core.persistence import Experiment, load_experiment, save_experiment
from playground.core.sweep import (
    CONFIRM_CELLS,
    NOT_RUN,
    CellProgress,
    CellResult,
    GridTooLarge,
    SavedSweep,
    Sweep,
    log_range,
    make_spec,
    parse_values,
)

STEPS = 40


def train_losses(cfg: TrainConfig, tmp_path: Path, name: str) -> tuple[int, np.ndarray]:
    """The losses ``backprop-playground train`` writes for ``cfg`` (its own code path, CSV and all)."""
    conf = tmp_path / f"{name}.json"
    conf.write_text(cfg.to_json())
    out = tmp_path / f"{name}.csv"
    code = cli.main(["train", "--config", str(conf), "--csv", str(out)])
    with out.open() as fh:
        rows = list(csv.reader(fh))[1:]
    assert [int(r[0]) for r in rows] == list(range(len(rows)))
    return code, np.array([float(r[1]) for r in rows])


def assert_same_bits(a: np.ndarray, b: np.ndarray) -> None:
    assert a.dtype == b.dtype == np.float64
    assert a.shape == b.shape
    # Bit for bit: equal floats with equal signs (0.0 and -0.0 told apart); NaN where the other has NaN.
    assert np.array_equal(a, b, equal_nan=True)
    assert np.array_equal(np.signbit(a[~np.isnan(a)]), np.signbit(b[~np.isnan(b)]))


@pytest.mark.parametrize("workers", [2, 0])
def test_every_cell_equals_train_bit_for_bit(tmp_path, workers):
    base = TrainConfig(steps=STEPS)
    # lr 1e-4 blows the raw-tensor lesson up within a few steps: a diverged cell must match too.
    spec = make_spec(base, {"lr": (1e-6, 1e-4), "H": (10, 100)})
    results = Sweep(spec, workers=workers).run()
    assert [r.index for r in results] == [0, 1, 2, 3]
    assert {r.reason for r in results} == {"completed", "diverged"}
    for r in results:
        assert r.config == base.replace(**dict(r.values))
        code, expected = train_losses(r.config, tmp_path, f"cell{r.index}")
        assert code == (cli.EXIT_DIVERGED if r.diverged else cli.EXIT_OK)
        assert_same_bits(r.losses, expected)
        assert list(r.steps) == list(range(len(expected)))


def test_cells_with_their_own_thread_count_and_optimizer_equal_train(tmp_path):
    base = TrainConfig(style="module", steps=25, threads=2)
    spec = make_spec(base, [("optimizer", ("adam", "sgd")), ("activation", ("relu", "tanh"))])
    sweep = Sweep(spec)
    results = sweep.run()
    assert len(results) == 4 and all(r.config.threads == 2 for r in results)
    for r in results:
        _code, expected = train_losses(r.config, tmp_path, f"c{r.index}")
        assert_same_bits(r.losses, expected)


def test_progress_adds_up_to_the_result():
    spec = make_spec(TrainConfig(steps=STEPS), {"lr": (1e-6, 3e-7)})
    seen: dict[int, list[np.ndarray]] = {0: [], 1: []}
    results = {}
    for event in Sweep(spec, workers=2).events():
        if isinstance(event, CellProgress):
            assert event.index not in results  # progress comes before the cell's result
            seen[event.index].append(event.losses)
        else:
            assert isinstance(event, CellResult)
            results[event.index] = event
    for i in (0, 1):
        assert_same_bits(np.concatenate(seen[i]), results[i].losses)


def test_stop_keeps_finished_cells(tmp_path):
    # Cell 0 (H=1) takes milliseconds; cell 1 (H=4096) about a tenth of a second a step here.
    spec = make_spec(TrainConfig(steps=300, lr=1e-9), {"H": (1, 4096, 2)})  # lr small: H=4096 must not diverge
    sweep = Sweep(spec, workers=1)
    for event in sweep.events():
        if isinstance(event, CellProgress) and event.index == 1:  # cell 0 has ended, cell 1 trains
            sweep.request_stop()
    results = {r.index: r for r in sweep.ordered_results()}
    assert set(results) == {0, 1, 2}
    assert results[0].reason == "completed"
    _code, expected = train_losses(results[0].config, tmp_path, "first")
    assert_same_bits(results[0].losses, expected)
    assert results[1].reason == "stopped" and len(results[1].losses) < 300
    assert results[2].reason == NOT_RUN and len(results[2].losses) == 0


def test_log_range_and_lists():
    assert log_range(1e-7, 1e-5, 3) == (1e-7, 1e-6, 1e-5)
    assert parse_values("lr", "1e-7:1e-3:5") == (1e-7, 1e-6, 1e-5, 1e-4, 1e-3)
    assert parse_values("lr", "1e-7, 3e-7") == (1e-7, 3e-7)
    assert parse_values("H", "10,100") == (10, 100)
    assert parse_values("optimizer", "adam,sgd") == ("adam", "sgd")


@pytest.mark.parametrize(("name", "text", "field"), [
    ("lr", "", "lr"),
    ("lr", "1e-7:1e-3:0", "lr"),
    ("lr", "1e-7:-1:3", "lr"),
    ("lr", "fast", "lr"),
    ("H", "10,ten", "H"),
    ("steps", "1,2", "sweep"),
])
def test_bad_values_are_refused_naming_the_field(name, text, field):
    with pytest.raises(ConfigError) as info:
        parse_values(name, text)
    assert info.value.field == field


def test_bad_grids_are_refused_naming_the_field():
    base = TrainConfig(steps=5)
    for axes, field in [({}, "sweep"), ({"lr": ()}, "lr"), ({"H": (10, 0)}, "H"), ({"lr": (1e-6, -1.0)}, "lr"),
                        ({"optimizer": ("adam", "nesterov")}, "optimizer"), ({"H": (10, 10)}, "H"),
                        ({"lr": (1e-6,), "H": (1,), "N": (2,)}, "sweep")]:
        with pytest.raises(ConfigError) as info:
            make_spec(base, axes)
        assert info.value.field == field, axes
    big = {"lr": tuple(float(i + 1) * 1e-7 for i in range(CONFIRM_CELLS + 1))}
    with pytest.raises(GridTooLarge):
        make_spec(base, big)
    assert len(make_spec(base, big, confirmed=True).cells) == CONFIRM_CELLS + 1


def test_cli_json_cells_equal_train(tmp_path, capsys):
    code = cli.main(["sweep", "--lr", "1e-7,1e-6", "--H", "10,100", "--steps", "20", "--json",
                     "--csv", str(tmp_path / "sweep.csv")])
    assert code == cli.EXIT_OK
    cells = json.loads(capsys.readouterr().out)["cells"]
    assert [(c["lr"], c["H"]) for c in cells] == [(1e-7, 10), (1e-7, 100), (1e-6, 10), (1e-6, 100)]
    with (tmp_path / "sweep.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["cell", "lr", "H", "step", "loss"]
    for i, c in enumerate(cells):
        assert c["diverged"] is False and c["steps"] == 20
        _code, expected = train_losses(TrainConfig.from_dict(c["config"]), tmp_path, f"j{i}")
        assert c["final_loss"] == expected[-1]
        mine = np.array([float(r["loss"]) for r in rows if int(r["cell"]) == i])
        assert_same_bits(mine, expected)


@pytest.mark.parametrize(("argv", "words"), [
    (["--steps", "3"], "choose one or two fields"),
    (["--lr", "1e-9:1e-3:70", "--steps", "3"], "--yes"),
    (["--H", "10,0"], "H: must be from 1"),
    (["--lr", "1e-6,oops"], "lr:"),
])
def test_cli_refuses_bad_grids_with_exit_2(capsys, argv, words):
    assert cli.main(["sweep", *argv]) == cli.EXIT_INVALID
    assert words in capsys.readouterr().err


def test_a_saved_sweep_reopens(tmp_path):
    spec = make_spec(TrainConfig(steps=10), {"lr": (1e-6, 1e-4)})
    results = tuple(Sweep(spec, workers=0).run())
    path = tmp_path / "exp.bpexp.json"
    save_experiment(path, Experiment(spec.base, sweep=SavedSweep(spec, results, "best")))
    back = load_experiment(path).sweep
    assert back.spec == spec and back.measure == "best"
    for a, b in zip(results, back.results, strict=True):
        assert (a.index, a.reason, a.diverged_step, a.config) == (b.index, b.reason, b.diverged_step, b.config)
        assert_same_bits(a.losses, b.losses)


def test_files_without_a_sweep_still_read(tmp_path):
    path = tmp_path / "old.json"
    save_experiment(path, Experiment(TrainConfig()))
    data = json.loads(path.read_text())
    assert "sweep" not in data
    assert load_experiment(path).sweep is None


def test_a_data_set_axis_takes_each_sets_defaults_and_equals_train(tmp_path):
    base = TrainConfig(steps=15)
    spec = make_spec(base, {"dataset": ("sine", "xor"), "lr": (1e-3, 1e-2)})
    for cell in spec.cells:
        dataset = dict(cell.values)["dataset"]
        expected_cfg = base.with_dataset(dataset).replace(steps=15, lr=dict(cell.values)["lr"])
        assert cell.config == expected_cfg
    assert spec.cells[2].config.loss != spec.cells[0].config.loss  # xor classifies, sine regresses
    for r in Sweep(spec, workers=0).run():
        _code, expected = train_losses(r.config, tmp_path, f"d{r.index}")
        assert_same_bits(r.losses, expected)


def test_cli_csv_to_standard_output(tmp_path, capsys):
    assert cli.main(["sweep", "--lr", "1e-7,1e-6", "--steps", "12", "--csv", "-", "--workers", "0"]) == cli.EXIT_OK
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert len(rows) == 24
    for i, lr in enumerate((1e-7, 1e-6)):
        _code, expected = train_losses(TrainConfig(lr=lr, steps=12), tmp_path, f"s{i}")
        assert_same_bits(np.array([float(r["loss"]) for r in rows if r["cell"] == str(i)]), expected)
    assert cli.main(["sweep", "--lr", "1e-7,1e-6", "--csv", "-", "--json"]) == cli.EXIT_INVALID


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["sweep"]["cells"][0].update(losses=["x"] * 3), "sweep.cells[0].losses[0]"),
    (lambda d: d["sweep"]["cells"][0].update(index=7), "sweep.cells[0].index"),
    (lambda d: d["sweep"]["axes"][0].update(values=[1e-6, -1.0]), "lr"),
    (lambda d: d["sweep"].update(axes=[]), "one or two fields"),
    (lambda d: d["sweep"]["cells"][0].update(reason="exploded"), "sweep.cells[0].reason"),
])
def test_a_damaged_sweep_in_a_file_is_refused_naming_the_place(tmp_path, change, words):
    from playground.core.persistence import ExperimentError

    spec = make_spec(TrainConfig(steps=3), {"lr": (1e-6, 1e-7)})
    path = tmp_path / "exp.json"
    save_experiment(path, Experiment(spec.base, sweep=SavedSweep(spec, tuple(Sweep(spec, workers=0).run()))))
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    assert words in str(info.value)
