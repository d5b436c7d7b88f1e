"""A student's CSV file: read whole or refused with one line naming the problem and its place."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import cli
from playground.core import csvdata
from playground.core.config import ConfigError, TrainConfig
from playground.core.csvdata import CsvError, load_table


def write(tmp_path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_features_and_a_word_target_make_a_classification(tmp_path):
    path = write(tmp_path, "a,b,kind\n1,2.5,dog\n-3,4e-1,cat\n\n0.5,6,dog\n")
    t = load_table(path)
    assert t.features == ("a", "b") and t.target == "kind"
    assert t.task == "classification"
    assert t.classes == ("cat", "dog")  # sorted
    np.testing.assert_array_equal(t.x, [[1, 2.5], [-3, 0.4], [0.5, 6]])  # the blank line skipped
    np.testing.assert_array_equal(t.y, [1, 0, 1])
    assert t.d_out == 2 and t.rows == 3


def test_few_whole_numbers_are_classes_sorted_as_numbers_and_other_numbers_a_regression(tmp_path):
    classes = load_table(write(tmp_path, "x,label\n1,10\n2,9\n3,10\n4,2\n"))
    assert classes.task == "classification"
    assert classes.classes == ("2", "9", "10")  # numeric order, not "10" < "2"
    np.testing.assert_array_equal(classes.y, [2, 1, 2, 0])
    values = load_table(write(tmp_path, "x,price\n1,10.5\n2,9.25\n3,1\n", "r.csv"))
    assert values.task == "regression" and values.d_out == 1
    np.testing.assert_array_equal(values.y, [10.5, 9.25, 1.0])


def test_target_and_task_can_be_chosen(tmp_path):
    path = write(tmp_path, "y,a,b\n1,2,3\n0,5,6\n1,8,9\n")
    t = load_table(path, target="y")
    assert t.features == ("a", "b") and t.task == "classification"
    r = load_table(path, target="y", task="regression")
    assert r.task == "regression"
    np.testing.assert_array_equal(r.y, [1.0, 0.0, 1.0])


def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffa,t\n1,0\n2,1\n".encode())
    assert load_table(str(path)).features == ("a",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("\n\n", "the file is empty"),
        ("a,b,t\n", "line 1 is a header but no data rows follow"),
        ("a,b,t\n1,2,0\n3,4\n", "line 3 has 2 values, the header has 3 (ragged rows)"),
        ("a,b,t\n1,2,0\n3,x4,1\n", "line 3, column 2 (b): 'x4' is not a finite number; feature columns must be numeric"),
        ("a,b,t\n1,,0\n", "line 2, column 2 (b): is empty"),
        ("a,b,t\n1,nan,0\n", "line 2, column 2 (b): 'nan' is not a finite number"),
        ("a,b,t\n1,2,yes\n3,4,yes\n", "the target has one class only ('yes')"),
        ("a,b,t\n1,2,\n", "line 2, column 3 (t): the target is empty"),
        ("t\n1\n", "line 1 has 1 column"),
        ("a,a,t\n1,2,3\n", "names the column 'a' twice"),
    ],
)
def test_each_bad_file_gets_one_line_naming_the_problem_and_place(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(CsvError) as err:
        load_table(path)
    message = str(err.value)
    assert expected in message
    assert "\n" not in message and message.startswith(path)


def test_unknown_target_and_words_for_a_regression_are_refused(tmp_path):
    path = write(tmp_path, "a,b,t\n1,2,up\n3,4,down\n")
    with pytest.raises(CsvError, match="no column named 'z'"):
        load_table(path, target="z")
    with pytest.raises(CsvError, match=r"line 2, column 3 \(t\): 'up' is not a number; a regression"):
        load_table(path, task="regression")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(CsvError, match="no such file"):
        load_table(str(tmp_path / "nope.csv"))
    with pytest.raises(CsvError, match="is a folder"):
        load_table(str(tmp_path))


def test_more_rows_than_the_limit_need_a_confirmation(tmp_path, monkeypatch):
    monkeypatch.setattr(csvdata, "MAX_ROWS", 5)
    path = write(tmp_path, "a,t\n" + "".join(f"{i},{i % 2}\n" for i in range(8)))
    with pytest.raises(CsvError, match="more than 5 data rows; confirm"):
        load_table(path)
    assert load_table(path, allow_large=True).rows == 8


def test_the_configuration_takes_its_sizes_from_the_file(tmp_path):
    path = write(tmp_path, "a,b,c,t\n" + "".join(f"{i},{i * 2},{-i},{'ab'[i % 2]}\n" for i in range(20)))
    cfg = TrainConfig(data_file=path)
    assert cfg.dataset == "file"
    assert (cfg.N, cfg.D_in, cfg.D_out) == (20, 3, 2)
    assert cfg.loss == "cross-entropy" and cfg.test_fraction == 0.2
    with pytest.raises(ConfigError) as err:
        TrainConfig(data_file=write(tmp_path, "a,t\n1,2\n3\n", "bad.csv"))
    assert err.value.field == "data_file" and "line 3" in str(err.value)


def test_train_refuses_a_bad_file_with_exit_2_and_the_line(tmp_path, capsys):
    path = write(tmp_path, "a,b,t\n1,2,0\n3,oops,1\n")
    assert cli.main(["train", "--data-file", path, "--steps", "2"]) == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert "line 3, column 2 (b): 'oops' is not a finite number" in err
    assert err.count("\n") == 1


def test_train_learns_a_students_file(tmp_path, capsys):
    rng = np.random.default_rng(3)
    pts = rng.normal(size=(300, 2))
    rows = "".join(f"{x:.5f},{y:.5f},{'in' if x * x + y * y < 1 else 'out'}\n" for x, y in pts)
    path = write(tmp_path, "x,y,where\n" + rows)
    assert cli.main(["train", "--data-file", path, "--json"]) == cli.EXIT_OK
    import json

    summary = json.loads(capsys.readouterr().out)
    assert summary["config"]["D_in"] == 2 and summary["config"]["loss"] == "cross-entropy"
    assert summary["test_accuracy"] >= 0.9


def test_an_experiment_keeps_the_files_path_and_hash_and_warns_when_it_changed(tmp_path):
    from playground.core.csvdata import file_sha256
    from playground.core.persistence import Experiment, load_experiment, save_experiment

    path = write(tmp_path, "a,t\n" + "".join(f"{i},{i % 2}\n" for i in range(10)))
    exp_path = tmp_path / "exp.bpexp.json"
    save_experiment(exp_path, Experiment(TrainConfig(data_file=path)))
    import json

    saved = json.loads(exp_path.read_text(encoding="utf-8"))["data_file"]
    assert saved == {"path": path, "sha256": file_sha256(path)}
    assert load_experiment(exp_path).data_warning is None
    write(tmp_path, "a,t\n" + "".join(f"{i},{(i + 1) % 2}\n" for i in range(10)))
    warning = load_experiment(exp_path).data_warning
    assert warning is not None and path in warning and "changed" in warning


def test_train_loads_a_large_file_only_when_allowed(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(csvdata, "MAX_ROWS", 20)
    monkeypatch.setattr(csvdata, "_CONFIRMED", set())
    path = write(tmp_path, "a,t\n" + "".join(f"{i},{i % 2}\n" for i in range(30)))
    assert cli.main(["train", "--data-file", path, "--steps", "2"]) == cli.EXIT_INVALID
    assert "--allow-large-file" in capsys.readouterr().err
    assert cli.main(["train", "--data-file", path, "--steps", "2", "--allow-large-file"]) == cli.EXIT_OK


def test_a_regression_of_large_numbers_learns_in_units_of_the_targets_std(tmp_path, capsys):
    import json

    rng = np.random.default_rng(4)
    area, rooms = rng.uniform(30, 200, size=300), rng.integers(1, 7, size=300)
    price = 3000 * area + 15000 * rooms + 50000 + rng.normal(0, 5000, size=300)
    path = write(tmp_path, "area,rooms,price\n" + "".join(
        f"{a:.1f},{r},{p:.0f}\n" for a, r, p in zip(area, rooms, price, strict=True)))
    assert cli.main(["train", "--data-file", path, "--json"]) == cli.EXIT_OK
    summary = json.loads(capsys.readouterr().out)
    assert summary["config"]["loss"] == "mean" and summary["test_accuracy"] is None
    # 1 would be no better than predicting the mean price; the noise alone leaves about 0.0014
    assert summary["test_loss"] < 0.05


def test_the_target_of_a_regression_file_is_standardised_with_the_training_split(tmp_path):
    import torch

    from playground.core.datasets import make_data

    path = write(tmp_path, "x,v\n" + "".join(f"{i},{1000 + 10 * i * i}\n" for i in range(40)))
    d = make_data(TrainConfig(data_file=path))
    table = load_table(path)
    raw_train = table.y[np.isin(table.x[:, 0], d.raw_x[:, 0].double().numpy())]
    assert len(raw_train) == len(d.y) == 32
    mean, std = raw_train.mean(), raw_train.std(ddof=1)
    assert float(d.y_mean[0]) == pytest.approx(mean, rel=1e-6)
    assert float(d.y_std[0]) == pytest.approx(std, rel=1e-6)
    np.testing.assert_allclose(np.sort(d.y[:, 0].double().numpy()), np.sort((raw_train - mean) / std), atol=1e-5)
    assert torch.isfinite(d.y_test).all()


_CELLS = st.sampled_from(["", "1", "-2.5", "3e4", "x", "nan", "inf", "cat", " 7 ", '"a,b"', "0", '"a\nb"'])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELLS, min_size=0, max_size=4), min_size=0, max_size=8),
       noise=st.binary(max_size=12))
def test_any_file_is_read_whole_or_refused_with_one_line(tmp_path, rows, noise):
    path = tmp_path / "fuzz.csv"
    path.write_bytes("\n".join(",".join(r) for r in rows).encode() + noise)
    try:
        t = load_table(str(path))
    except CsvError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))
        return
    assert t.x.shape == (t.rows, len(t.features)) and np.isfinite(t.x).all()
    assert len(t.y) == t.rows and (t.task == "regression" or len(t.classes) >= 2)


def test_line_numbers_count_the_lines_of_the_file_when_a_value_spans_two(tmp_path):
    path = write(tmp_path, 'a,b,t\n1,2,"two\nlines"\n3,oops,x\n')
    with pytest.raises(CsvError, match=r"line 4, column 2 \(b\): 'oops'"):
        load_table(path)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="FIFOs are a POSIX matter")
def test_a_fifo_or_a_device_is_refused_unopened_and_never_blocks(tmp_path, capsys):
    import os

    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    with pytest.raises(CsvError, match="FIFO"):
        load_table(str(fifo))
    with pytest.raises(CsvError, match="device"):
        load_table("/dev/zero")  # never ends
    assert cli.main(["train", "--dataset", "file", "--data-file", "/dev/zero"]) == 2
    assert "/dev/zero: it is a device, not a regular file" in capsys.readouterr().err
