"""The first-run guide: shown once over the plot, dismissible, reopened from the Help menu."""

from __future__ import annotations

from playground.core.config import TrainConfig
from playground.gui.main_window import MainWindow
from playground.gui.settings import Settings, load_settings


def _window(qtbot, settings: Settings) -> MainWindow:
    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_the_guide_is_shown_on_the_first_start_over_the_plot_and_says_what_to_do(qtbot):
    w = _window(qtbot, Settings())
    guide = w.intro
    assert guide.isVisible() and guide.accessibleName() == "Introduction"
    assert guide.parentWidget() is w.plot
    text = guide.body.text()
    assert "noise" in text and "F5" in text and "learning rate" in text and "mistake" in text
    inside = w.plot.rect()
    assert inside.contains(guide.geometry())  # on the plot, not cut off


def test_dismissing_is_remembered_and_help_brings_it_back(qtbot):
    w = _window(qtbot, Settings())
    w.intro.close_button.click()
    assert not w.intro.isVisible()
    w.close()
    assert load_settings().intro_seen is True
    again = _window(qtbot, load_settings())
    assert not again.intro.isVisible()
    titles = [a.text() for a in again.help_menu.actions()]
    assert "Show the introduction" in titles
    again.act_intro.trigger()
    assert again.intro.isVisible()


def test_starting_a_run_puts_the_guide_away(qtbot):
    w = _window(qtbot, Settings(config=TrainConfig(N=8, D_in=10, H=4, D_out=2, steps=5)))
    assert w.intro.isVisible()
    w.start_new()
    assert not w.intro.isVisible() and w.settings.intro_seen
    qtbot.waitUntil(lambda: w.controller.state == "finished", timeout=5000)
    w.controller.shutdown(3000)
