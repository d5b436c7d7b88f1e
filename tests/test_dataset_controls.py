"""The Dataset control: each set loads its lesson defaults and greys the sizes it fixes."""

from __future__ import annotations

import pytest

from playground.core.config import TrainConfig
from playground.gui.controls import ControlPanel


@pytest.fixture
def panel(qtbot):
    w = ControlPanel(TrainConfig())
    qtbot.addWidget(w)
    return w


def _choose(panel: ControlPanel, name: str) -> None:
    panel.dataset.setCurrentIndex(panel.dataset.findData(name))


def test_the_lesson_default_is_random_with_no_test_set(panel):
    assert panel.dataset.accessibleName() == "Dataset"
    assert panel.dataset.currentData() == "random"
    assert panel.config() == TrainConfig()
    assert panel.sizes["D_in"].isEnabled() and not panel.noise.isEnabled()


@pytest.mark.parametrize("name", ["circles", "sine", "digits"])
def test_choosing_a_set_loads_its_defaults_and_greys_the_fixed_sizes(panel, qtbot, name):
    with qtbot.waitSignal(panel.configChanged) as sig:
        _choose(panel, name)
    cfg = sig.args[0]
    assert cfg == TrainConfig(dataset=name)  # every field the set's own default
    assert panel.config() == cfg
    assert panel.sizes["D_in"].value() == cfg.D_in and not panel.sizes["D_in"].isEnabled()
    assert not panel.sizes["D_out"].isEnabled()
    assert "Fixed by" in panel.sizes["D_in"].toolTip()
    assert panel.sizes["H"].isEnabled()
    assert panel.sizes["N"].isEnabled() == (name != "digits")
    assert panel.noise.isEnabled() == (name != "digits")
    assert panel.loss.currentData() == cfg.loss
    # only the losses that fit the task can be chosen
    enabled = {panel.loss.itemData(i) for i in range(panel.loss.count())
               if panel.loss.model().item(i).isEnabled()}
    assert enabled == ({"cross-entropy"} if cfg.loss == "cross-entropy" else {"sum", "mean"})


def test_back_to_random_restores_the_lesson(panel):
    _choose(panel, "spiral")
    _choose(panel, "random")
    assert panel.config() == TrainConfig()
    assert panel.sizes["D_in"].isEnabled()


def test_a_csv_file_is_offered_once_loaded_and_a_bad_one_is_refused(panel, tmp_path):
    file_item = panel.dataset.model().item(panel.dataset.findData("file"))
    assert not file_item.isEnabled()
    bad = tmp_path / "bad.csv"
    bad.write_text("a,t\n1,0\n2\n", encoding="utf-8")
    message = panel.set_data_file(str(bad))
    assert message is not None and "line 3" in message
    assert panel.config() == TrainConfig()  # nothing half-loaded
    good = tmp_path / "good.csv"
    good.write_text("a,b,t\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(30)), encoding="utf-8")
    assert panel.set_data_file(str(good)) is None
    cfg = panel.config()
    assert (cfg.dataset, cfg.data_file, cfg.N, cfg.D_in, cfg.D_out) == ("file", str(good), 30, 2, 2)
    assert file_item.isEnabled() and not panel.sizes["N"].isEnabled()


def test_a_test_fraction_on_random_data_is_kept(panel):
    panel.test_fraction.setValue(0.25)
    assert panel.config() == TrainConfig(test_fraction=0.25)


def test_the_target_column_and_task_of_a_csv_file_can_be_chosen(panel, tmp_path):
    assert panel.target_box.isHidden() and panel.task_box.isHidden()
    path = tmp_path / "pets.csv"
    path.write_text("weight,height,kind\n" + "".join(
        f"{3 + i % 7},{20 + (i * 3) % 11},{'cat' if i % 2 else 'dog'}\n" for i in range(30)), encoding="utf-8")
    assert panel.set_data_file(str(path)) is None
    assert not panel.target_box.isHidden()
    assert [panel.target_box.itemText(i) for i in range(panel.target_box.count())] == ["weight", "height", "kind"]
    assert panel.target_box.currentData() == "kind"
    # predict the height from the weight and the kind?  A word column cannot be an input:
    panel.target_box.setCurrentIndex(1)
    panel.target_box.activated.emit(1)
    assert "'dog' is not a finite number" in panel.message.text() and not panel.message.isHidden()
    assert panel.valid  # what the controls show still trains
    assert panel.target_box.currentData() == "kind"  # the choice that failed is undone
    assert panel.last_valid_config().target == ""
    # The weight as a class of its own (7 whole numbers) from a file without words:
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("weight,height\n" + "".join(f"{3 + i % 7},{20 + (i * 3) % 11}\n" for i in range(30)),
                       encoding="utf-8")
    assert panel.set_data_file(str(numbers)) is None
    panel.target_box.setCurrentIndex(0)
    panel.target_box.activated.emit(0)
    cfg = panel.config()
    assert (cfg.target, cfg.loss, cfg.D_in, cfg.D_out) == ("weight", "cross-entropy", 1, 7)
    panel.task_box.setCurrentIndex(panel.task_box.findData("regression"))
    panel.task_box.activated.emit(panel.task_box.currentIndex())
    cfg = panel.config()
    assert (cfg.target, cfg.task, cfg.loss, cfg.D_out) == ("weight", "regression", "mean", 1)
