"""The interface's translations: complete, consistent with the sources, compiled, and shown."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel

from playground.core import config as C
from playground.gui import i18n
from playground.gui.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "backprop_playground_zh_CN.ts"
QM = ROOT / "resources" / "backprop_playground_zh_CN.qm"
# pyqtgraph's plot menus and export dialog, translated for the app.
PG_TS = ROOT / "resources" / "pyqtgraph_zh_CN.ts"
PG_QM = ROOT / "resources" / "pyqtgraph_zh_CN.qm"
CATALOGS = pytest.mark.parametrize(("ts", "catalog"), [(TS, "backprop_playground"), (PG_TS, "pyqtgraph")],
                                   ids=["app", "pyqtgraph"])

# Texts that are code or symbols and read the same in Chinese.
SAME_IN_CHINESE = {
    "x =", "y = x + 2", "z = y * y * 3", "out = z.mean()", "v =", "retain_graph=True",
    "‖w‖", "‖∇‖", "max |∇|", "  [{0}]  {1}  vs  {2}",
    "PyQtGraph", "%", "0", "x", "dy/dx",
}
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|%L?\d")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # ideographs, CJK and full-width punctuation


def _load_update_script():
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "packaging" / "update_translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _messages(path: Path) -> list[tuple[str, ET.Element]]:
    root = ET.parse(path).getroot()
    return [(ctx.findtext("name"), m) for ctx in root.iter("context") for m in ctx.iter("message")]


def _forms(message: ET.Element) -> list[str]:
    tr = message.find("translation")
    if message.get("numerus") == "yes":
        return [f.text or "" for f in tr.iter("numerusform")]
    return [tr.text or ""]


def _keys(path: Path) -> set[tuple[str, str, str]]:
    return {(ctx, m.findtext("source"), m.findtext("comment") or "") for ctx, m in _messages(path)}


@pytest.fixture
def chinese(qapp):
    """The interface in Simplified Chinese for one test, English again afterwards."""
    assert i18n.install_translator(qapp, "zh_CN") == "zh_CN"
    yield qapp
    i18n.install_translator(qapp, "en")


# -- the .ts file ----------------------------------------------------------------------------
@CATALOGS
def test_ts_has_no_unfinished_or_empty_translation(ts, catalog):
    messages = _messages(ts)
    assert len(messages) > 50
    bad = [
        f"{ctx}: {m.findtext('source')!r}"
        for ctx, m in messages
        if m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")
        or not all(form.strip() for form in _forms(m))
    ]
    assert bad == [], "untranslated texts (run packaging/update_translations.py and translate them):\n" + "\n".join(bad)


@CATALOGS
def test_translations_keep_placeholders_markup_and_accelerators(ts, catalog):
    for ctx, m in _messages(ts):
        source = m.findtext("source")
        for form in _forms(m):
            where = f"{ctx}: {source!r} -> {form!r}"
            assert sorted(PLACEHOLDER.findall(form)) == sorted(PLACEHOLDER.findall(source)), where
            assert sorted(TAG.findall(form)) == sorted(TAG.findall(source)), where
            assert ("&" in source.replace("&&", "")) == bool(re.search(r"&[^&\s]", form)), where


@CATALOGS
def test_translations_are_chinese_except_code(ts, catalog):
    for ctx, m in _messages(ts):
        source = m.findtext("source")
        for form in _forms(m):
            if source in SAME_IN_CHINESE:
                assert form == source, f"{ctx}: {source!r}"
            else:
                assert CJK.search(form), f"{ctx}: {source!r} has no Chinese translation: {form!r}"


@CATALOGS
def test_every_text_in_the_sources_is_in_the_ts(tmp_path, ts, catalog):
    """lupdate over today's sources finds nothing the committed .ts lacks (new texts need a translation).

    For pyqtgraph the sources are the installed pyqtgraph's: an upgrade may bring new texts.
    """
    script = _load_update_script()
    if not shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent)) and not shutil.which(
        "pyside6-lupdate"
    ):
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh_zh_CN.ts"
    script.lupdate(fresh, "zh_CN", catalog=catalog)
    missing = _keys(fresh) - _keys(ts)
    assert len(_keys(fresh)) > 50
    assert not missing, "texts missing from the .ts (run packaging/update_translations.py):\n" + "\n".join(
        f"{ctx}: {src!r}" for ctx, src, _ in sorted(missing)
    )


def test_update_script_reports_untranslated_texts(tmp_path):
    script = _load_update_script()
    ts = tmp_path / "x.ts"
    ts.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN">'
        "<context><name>A</name>"
        "<message><source>done</source><translation>完成</translation></message>"
        '<message><source>new</source><translation type="unfinished"></translation></message>'
        "<message><source>empty</source><translation></translation></message>"
        "</context></TS>",
        encoding="utf-8",
    )
    assert script.untranslated(ts) == ["A: 'new'", "A: 'empty'"]
    assert script.untranslated(TS) == []


# -- the compiled .qm -------------------------------------------------------------------------
@pytest.mark.parametrize(("ts", "qm"), [(TS, QM), (PG_TS, PG_QM)], ids=["app", "pyqtgraph"])
def test_qm_is_compiled_from_the_current_ts(qapp, ts, qm):
    """Every translation in the .ts is what the committed .qm gives (re-run lrelease otherwise)."""
    translator = QTranslator()
    data = qm.read_bytes()  # QTranslator reads these bytes in place: keep them alive
    assert translator.load(data)
    stale = []
    for ctx, m in _messages(ts):
        source = m.findtext("source")
        comment = m.findtext("comment")
        n = 2 if m.get("numerus") == "yes" else -1
        if translator.translate(ctx, source, comment, n) != _forms(m)[0]:
            stale.append(f"{ctx}: {source!r}")
    assert stale == [], "the .qm is older than the .ts (run packaging/update_translations.py):\n" + "\n".join(stale)


# -- choosing the language --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ui_languages", "expected"),
    [
        (["zh-CN", "en-US"], "zh_CN"),
        (["zh-Hans-SG"], "zh_CN"),
        (["de-DE", "zh-CN"], "zh_CN"),  # the first preference the interface has
        (["en-GB", "zh-CN"], "en"),
        (["zh-TW"], "en"),  # Traditional script: no translation
        (["fr-FR"], "en"),
        (["C"], "en"),
        ([], "en"),
    ],
)
def test_system_language_is_the_first_preference_available(ui_languages, expected):
    assert i18n.system_language(ui_languages) == expected


def test_install_translator_follows_the_system_for_auto_and_unknown(qapp, monkeypatch):
    monkeypatch.setattr(i18n, "system_language", lambda ui_languages=None: "zh_CN")
    try:
        assert i18n.install_translator(qapp, "auto") == "zh_CN"
        assert QCoreApplication.translate("MainWindow", "Start") == "开始"
        assert i18n.install_translator(qapp, "xx_YY") == "zh_CN"
        assert i18n.install_translator(qapp, "en") == "en"
        assert QCoreApplication.translate("MainWindow", "Start") == "Start"
        assert i18n.current_language() == "en"
    finally:
        i18n.install_translator(qapp, "en")


def test_available_languages():
    assert i18n.available_languages() == ["en", "zh_CN"]


def test_missing_qm_leaves_english(qapp, monkeypatch):
    monkeypatch.setattr(i18n, "_read_qm", lambda language, catalog="": None)
    try:
        assert i18n.install_translator(qapp, "zh_CN") == "en"
        assert QCoreApplication.translate("MainWindow", "Start") == "Start"
    finally:
        i18n.install_translator(qapp, "en")


def test_qt_standard_buttons_follow_the_language(chinese):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    if box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancel":
        pytest.skip("this Qt build ships no qtbase_zh_CN.qm")
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


# -- the window in Chinese --------------------------------------------------------------------
def _form_labels(widget) -> set[str]:
    labels = set()
    for form in widget.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            # A row's label, or a label heading a full-width row (the learning rate's).
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.SpanningRole):
                item = form.itemAt(row, role)
                if item is not None and isinstance(item.widget(), QLabel):
                    labels.add(item.widget().text())
    return labels


def test_main_window_in_chinese(chinese, qtbot):
    from playground.gui.main_window import MainWindow

    w = MainWindow(Settings())
    qtbot.addWidget(w)
    assert w.act_start.text() in ("开始（正在加载 PyTorch…）", "开始")  # until the worker has loaded torch
    qtbot.waitUntil(lambda: w.act_start.text() == "开始", timeout=60_000)
    assert w.act_pause.text() == "暂停"
    assert {"训练", "运行记录", "自动求导实验室", "代码"} <= {w.tabs.tabText(i) for i in range(w.tabs.count())}
    assert [a.text() for a in w.menuBar().actions()][:3] == ["文件(&F)", "运行(&R)", "视图(&V)"]
    assert w.language_menu.title() == "语言(&L)"
    assert {"写法", "学习率", "优化器", "损失", "激活函数", "步数", "随机种子", "设备", "精度"} <= _form_labels(w.controls)
    styles = [w.controls.style.itemText(i) for i in range(w.controls.style.count())]
    assert styles == ["NumPy 手写", "原始张量 + 自动求导", "nn.Sequential + 优化器", "nn.Module 子类"]
    assert len(styles) == len(C.STYLES)
    model = w.run_history.table.model()
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers[:2] == ["名称", "写法"] and "最终损失" in headers
    assert w.status_labels["state"].text() == "就绪"
    # pyqtgraph's right-click menus on the plots
    assert w.plot.plot_item.ctrlMenu.title() == "绘图选项"
    assert w.plot.plot_item.vb.menu.viewAll.text() == "显示全部"


def test_every_text_the_window_asks_for_is_translated(qapp, qtbot):
    """A recording translator sees each (context, text) the window translates while it is built.

    Catches texts lupdate files under another context than the one used at run
    time (``obj.tr`` on another object, a subclass) and dynamic ``tr(variable)``.
    """
    from playground.gui.main_window import MainWindow

    asked: set[tuple[str, str]] = set()

    class Recorder(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ARG002
            asked.add((context, source))
            return ""

    recorder = Recorder()
    qapp.installTranslator(recorder)
    try:
        w = MainWindow(Settings())
        qtbot.addWidget(w)
        for i in range(w.controls.style.count()):
            w.controls.style.setCurrentIndex(i)
    finally:
        qapp.removeTranslator(recorder)
    ours = {ctx for ctx, _ in _messages(TS) + _messages(PG_TS)}
    known = {(ctx, src) for ctx, src, _ in _keys(TS) | _keys(PG_TS)}
    missing = sorted((ctx, src) for ctx, src in asked if ctx in ours and (ctx, src) not in known)
    assert len([1 for ctx, _ in asked if ctx in ours]) > 150
    assert missing == []


# -- the Language menu ------------------------------------------------------------------------
def _choose(window, code: str) -> None:
    action = next(a for a in window.language_menu.actions() if a.data() == code)
    action.trigger()


def test_language_menu_switches_the_window_and_saves_the_choice(qapp, qtbot, monkeypatch):
    from playground.gui.main_window import MainWindow

    monkeypatch.setattr(i18n, "_window", None)
    i18n.install_translator(qapp, "en")
    settings = load_settings()
    old = MainWindow(settings)
    qtbot.addWidget(old)
    old.show()
    old.plot.add_recorded_run(C.TrainConfig(), [3.0, 2.0, 1.0], "kept run", [])
    assert [a.data() for a in old.language_menu.actions()] == ["auto", "en", "zh_CN"]
    assert [a.isChecked() for a in old.language_menu.actions()] == [True, False, False]
    try:
        _choose(old, "zh_CN")
        new = i18n.current_window()
        assert new is not None and new is not old
        qtbot.addWidget(new)
        assert not old.isVisible() and new.isVisible()
        qtbot.waitUntil(lambda: new.act_start.text() == "开始", timeout=60_000)
        assert [r.name for r in new.plot.runs] == ["kept run"]
        assert load_settings().language == "zh_CN"
        assert [a.isChecked() for a in new.language_menu.actions()] == [False, False, True]
        assert qapp.quitOnLastWindowClosed()

        _choose(new, "en")
        back = i18n.current_window()
        qtbot.addWidget(back)
        assert back is not new
        qtbot.waitUntil(lambda: back.act_start.text() == "Start", timeout=60_000)
        assert load_settings().language == "en"
    finally:
        i18n.install_translator(qapp, "en")


def test_choosing_system_when_it_is_english_keeps_the_window(qapp, qtbot, monkeypatch):
    from playground.gui.main_window import MainWindow

    monkeypatch.setattr(i18n, "system_language", lambda ui_languages=None: "en")
    i18n.install_translator(qapp, "en")
    settings = load_settings()
    settings.language = "en"
    w = MainWindow(settings)
    qtbot.addWidget(w)
    assert i18n.switch_language(w, settings, "auto") is w
    assert load_settings().language == "auto"
