"""The interface's language: English, or Simplified Chinese through Qt's translators.

Every text the user sees is written in English in the code and goes through
``self.tr()`` (or ``QCoreApplication.translate``).  ``pyside6-lupdate`` collects
them into ``resources/backprop_playground_zh_CN.ts``, where they are translated,
and ``pyside6-lrelease`` compiles that into the ``.qm`` file loaded here.  After
changing texts run ``python packaging/update_translations.py``.

The language is ``Settings.language``: ``"auto"`` (the system's), ``"en"`` or
``"zh_CN"``.  The Language menu saves the choice and rebuilds the window in
the new language at once; the runs and the settings carry over.
"""

from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

log = logging.getLogger(__name__)

# The interface languages, each named in its own language (as language menus do).
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
SOURCE_LANGUAGE = "en"
RESOURCE_PACKAGE = "playground.resources"
APP_CATALOG = "backprop_playground"
# pyqtgraph ships its plot menus and export dialog in English only; this catalogue translates them.
PYQTGRAPH_CATALOG = "pyqtgraph"

# The installed translators and the .qm bytes they read (QTranslator does not copy them).
_translators: list[QTranslator] = []
_qm_data: list[bytes] = []
_language = SOURCE_LANGUAGE
# The window that a language switch built last; the caller's reference is to the old one.
_window: QMainWindow | None = None


def qm_name(language: str, catalog: str = APP_CATALOG) -> str:
    return f"{catalog}_{language}.qm"


def _read_qm(language: str, catalog: str = APP_CATALOG) -> bytes | None:
    try:
        qm = resources.files(RESOURCE_PACKAGE) / qm_name(language, catalog)
        return qm.read_bytes() if qm.is_file() else None
    except (ModuleNotFoundError, OSError):
        return None


def available_languages() -> list[str]:
    """The languages the interface can show: English and every one whose .qm is installed."""
    return [code for code in LANGUAGES if code == SOURCE_LANGUAGE or _read_qm(code) is not None]


def system_language(ui_languages: list[str] | None = None) -> str:
    """The first of the user's preferred languages that the interface has; English otherwise.

    ``ui_languages`` defaults to the system's list, most preferred first (``QLocale.uiLanguages``).
    """
    for name in QLocale.system().uiLanguages() if ui_languages is None else ui_languages:
        locale = QLocale(name)
        if locale.language() == QLocale.Language.English:
            return "en"
        if locale.language() == QLocale.Language.Chinese:
            # Traditional-script readers get English: the translation is Simplified Chinese only.
            if locale.script() == QLocale.Script.SimplifiedHanScript:
                return "zh_CN"
    return SOURCE_LANGUAGE


def resolve_language(language: str) -> str:
    """``"auto"`` (or an unknown code from a settings file) becomes the system's language."""
    if language in LANGUAGES:
        return language
    if language != "auto":
        log.warning("unknown interface language %r; following the system", language)
    return system_language()


def current_language() -> str:
    """The language the installed translators give (``"en"`` when none is installed)."""
    return _language


def install_translator(app: QCoreApplication, language: str = "auto") -> str:
    """Translate the interface into ``language``; returns the language now in effect.

    Replaces whatever this function installed before, so it can switch back and
    forth.  Widgets built earlier keep their texts: build the window afterwards.
    A missing or unreadable .qm leaves the interface in English (with a log line).
    """
    global _language
    wanted = resolve_language(language)
    for translator in _translators:
        app.removeTranslator(translator)
    _translators.clear()
    _qm_data.clear()
    _language = SOURCE_LANGUAGE
    if wanted == SOURCE_LANGUAGE:
        return _language
    data = _read_qm(wanted)
    own = QTranslator(app)
    if data is None or not own.load(data):
        log.warning("no usable %s translation in %s; the interface stays in English",
                    qm_name(wanted), RESOURCE_PACKAGE)
        return _language
    app.installTranslator(own)
    _translators.append(own)
    _qm_data.append(data)
    plots = _read_qm(wanted, PYQTGRAPH_CATALOG)
    plots_translator = QTranslator(app)
    if plots is not None and plots_translator.load(plots):
        app.installTranslator(plots_translator)
        _translators.append(plots_translator)
        _qm_data.append(plots)
    # Qt's own texts (standard buttons, file dialogs), where this Qt build ships them.
    qt_base = QTranslator(app)
    if qt_base.load(f"qtbase_{wanted}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_base)
        _translators.append(qt_base)
    _language = wanted
    return _language


def add_language_menu(window: QMainWindow, settings) -> QMenu:
    """A Language menu on ``window``'s menu bar: System, English, 简体中文.

    ``settings`` is the window's :class:`~playground.gui.settings.Settings`;
    choosing an entry saves it there and switches the window's language.
    """
    menu = window.menuBar().addMenu(QCoreApplication.translate("LanguageMenu", "&Language"))
    menu.setObjectName("languageMenu")
    group = QActionGroup(menu)
    group.setExclusive(True)
    system = LANGUAGES[system_language()]
    entries = [("auto", QCoreApplication.translate("LanguageMenu", "System ({0})").format(system),
                QCoreApplication.translate("LanguageMenu", "Follow the system's language; it is {0} now.")
                .format(system))]
    entries += [(code, LANGUAGES[code], "") for code in available_languages()]
    chosen = settings.language if any(code == settings.language for code, _, _ in entries) else "auto"
    for code, text, tip in entries:
        action = QAction(text, menu)
        action.setCheckable(True)
        action.setChecked(code == chosen)
        action.setData(code)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        group.addAction(action)
        menu.addAction(action)
    group.triggered.connect(lambda action: switch_language(window, settings, action.data()))
    return menu


def switch_language(window: QMainWindow, settings, language: str) -> QMainWindow:
    """Save ``language`` as the choice and show the interface in it; returns the window now shown.

    When the language in effect changes, ``window`` is replaced by a new one of
    the same class built in that language (the old one closes as on quitting:
    any run stops and the settings are saved); its runs move over.
    """
    from .settings import save_settings

    global _window
    if language == settings.language:
        return window
    settings.language = language
    before = current_language()
    now = install_translator(QApplication.instance(), language)
    if now == before:
        save_settings(settings)
        return window
    new = rebuild_window(window)
    text = QCoreApplication.translate("LanguageMenu", "Language: {0}").format(LANGUAGES[now])
    new.statusBar().showMessage(text, 5000)
    _window = new
    return new


def rebuild_window(old: QMainWindow) -> QMainWindow:
    """Close ``old`` and open the same kind of window with its settings and runs.

    Every run moves over (the Runs table's, not only those the plot draws), as a copy
    taken before the old window closes: a run still going moves as far as it got.
    """
    app = QApplication.instance()
    runs = old.runs.saved()
    quit_on_last = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)  # for the moment when neither window is open
    try:
        old.close()  # stops any run and saves the settings (window geometry included)
        new = type(old)(old.settings)
        new.runs.extend(runs)
        new.show()
    finally:
        app.setQuitOnLastWindowClosed(quit_on_last)
    old.deleteLater()
    return new


def current_window() -> QMainWindow | None:
    """The window the last language switch opened, if any."""
    return _window
