"""The code panel shows, copies and saves the equivalent script of the configuration."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from playground.core.codegen import generate_script
from playground.core.config import TrainConfig
from playground.gui.code_view import CodeView, is_monospaced

CFG = TrainConfig(style="sequential", activation="relu", steps=40, threads=2)


def script(cfg: TrainConfig) -> str:
    return generate_script(cfg)


@pytest.fixture
def view(qtbot):
    w = CodeView(config=CFG)
    qtbot.addWidget(w)
    w.resize(500, 300)  # shorter than the script: it scrolls
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def message_boxes(monkeypatch):
    """Record QMessageBox.critical calls instead of opening a modal box."""
    calls = []

    def critical(parent, title, text, *args, **kwargs):
        calls.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    return calls


def _answer_save_dialog(monkeypatch, path):
    asked = []

    def get_save_file_name(parent, caption, folder, filters, *args, **kwargs):
        asked.append((caption, folder, filters))
        return (str(path), "Python scripts (*.py)")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save_file_name))
    return asked


def test_shows_the_script_of_the_config_read_only_in_a_monospace_font(view):
    expected = script(CFG)
    assert view.text() == expected
    assert view.editor.toPlainText() == expected
    assert view.editor.isReadOnly()
    assert is_monospaced(view.editor.font())


def test_is_monospaced_tells_a_proportional_font_apart(qtbot):
    assert not is_monospaced(QFont("Sans"))


def test_the_script_is_syntax_highlighted(view, qtbot):
    doc = view.editor.document()
    assert view.highlighter.document() is doc
    block = doc.findBlockByNumber(view.text().splitlines().index("import torch"))
    # pygments colours "import" as a keyword: the highlighter set formats on the line
    qtbot.waitUntil(lambda: len(block.layout().formats()) > 0)
    keyword = block.layout().formats()[0]
    assert keyword.start == 0 and keyword.format.foreground().color().isValid()


def test_set_config_shows_the_new_script_and_keeps_the_scroll_position(view):
    bar = view.editor.verticalScrollBar()
    assert bar.maximum() > 10
    bar.setValue(10)
    new = CFG.replace(lr=0.003, optimizer="rmsprop")
    view.set_config(new)
    assert view.text() == script(new) != script(CFG)
    assert view.editor.toPlainText() == script(new)
    assert "torch.optim.RMSprop(model.parameters(), lr=lr)" in view.editor.toPlainText()
    assert bar.value() == 10
    assert view.config() == new


def test_set_config_with_another_style_changes_the_code(view):
    view.set_config(CFG.with_style("numpy"))
    assert "grad_w1 = x.T.dot(grad_h)" in view.editor.toPlainText()
    assert "torch.nn.Sequential" not in view.editor.toPlainText()


def test_copy_puts_the_script_on_the_clipboard(view, qtbot):
    QGuiApplication.clipboard().setText("something else")
    with qtbot.waitSignal(view.statusMessage) as sig:
        qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == script(CFG)
    assert "clipboard" in sig.args[0]


def test_save_writes_the_file(view, qtbot, tmp_path, monkeypatch, message_boxes):
    target = tmp_path / "my_net.py"
    asked = _answer_save_dialog(monkeypatch, target)
    with qtbot.waitSignal(view.statusMessage) as sig:
        view.save_button.click()
    assert target.read_text(encoding="utf-8") == script(CFG)
    assert message_boxes == []
    assert str(target) in sig.args[0]
    assert asked[0][1].endswith("two_layer_net_sequential.py") and "*.py" in asked[0][2]
    # The next dialog opens in the folder of the last save.
    view.save_button.click()
    assert asked[1][1] == str(tmp_path / "two_layer_net_sequential.py")


def test_save_adds_the_py_suffix_when_the_name_has_none(view, tmp_path, monkeypatch, message_boxes):
    _answer_save_dialog(monkeypatch, tmp_path / "script")
    view.save_button.click()
    assert (tmp_path / "script.py").read_text(encoding="utf-8") == script(CFG)


def test_cancelled_save_writes_nothing(view, tmp_path, monkeypatch, message_boxes):
    _answer_save_dialog(monkeypatch, "")
    view.save_button.click()
    assert list(tmp_path.iterdir()) == [] and message_boxes == []


@pytest.mark.parametrize("where", ["missing folder", "file as folder"])
def test_save_to_an_unwritable_path_shows_an_error_without_raising(
    where, view, tmp_path, monkeypatch, message_boxes, qtbot
):
    if where == "missing folder":
        target = tmp_path / "no-such-folder" / "net.py"
    else:
        (tmp_path / "a-file").write_text("", encoding="utf-8")
        target = tmp_path / "a-file" / "net.py"
    _answer_save_dialog(monkeypatch, target)
    with qtbot.assertNotEmitted(view.statusMessage):
        view.save_button.click()  # an exception here would fail the test (pytest-qt)
    assert len(message_boxes) == 1
    title, text = message_boxes[0]
    assert "Could not save" in title
    assert str(target) in text
    reason = "No such file or directory" if where == "missing folder" else "Not a directory"
    assert reason in text and "Traceback" not in text
    assert not target.exists()


def test_the_script_sets_the_thread_count_of_the_configuration(view, qtbot):
    assert "torch.set_num_threads(2)" in view.text()
    view.set_config(CFG.replace(threads=1))
    assert "torch.set_num_threads(1)" in view.text()
    assert view.text() == generate_script(CFG.replace(threads=1)) == view.editor.toPlainText()


def test_buttons_wait_for_a_config(qtbot):
    w = CodeView()
    qtbot.addWidget(w)
    assert not w.copy_button.isEnabled() and not w.save_button.isEnabled()
    assert w.copy_button.toolTip() and w.save_button.toolTip()
    w.set_config(TrainConfig())
    assert w.copy_button.isEnabled() and w.save_button.isEnabled()


def test_a_hidden_view_highlights_only_when_shown(qtbot):
    """Copy and Save always have the newest script; the costly highlighting waits until it can be seen."""
    w = CodeView(config=CFG)
    qtbot.addWidget(w)
    new = CFG.replace(lr=3e-5)
    w.set_config(new)
    assert w.text() == generate_script(new)
    assert w.editor.toPlainText() == ""  # nothing highlighted while hidden
    w.show()
    qtbot.waitExposed(w)
    assert w.editor.toPlainText() == w.text()
    w.hide()
    w.set_config(CFG)
    assert w.editor.toPlainText() == generate_script(new)  # the old one, still
    w.show()
    assert w.editor.toPlainText() == generate_script(CFG)
