"""The window's data-set views: the Prediction tab, the dashed test loss, File > Open data….

:class:`DatasetViews` attaches them to a :class:`~playground.gui.main_window.MainWindow`
in one call, so the window keeps one line for them: the Prediction panel beside the
loss plot (a tab beside the gradient inspector), fed by every batch; the test loss on
the loss plot; the "Open data…" action in the File menu; training on points drawn on
the Prediction panel (written to a CSV file in the user's data folder); and the
warning when a reopened experiment's data file changed.
"""

from __future__ import annotations

import os
import tempfile

from PySide6.QtCore import QObject, QStandardPaths, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ..core.config import TrainConfig
from .prediction import PredictionPanel


class DatasetViews(QObject):
    """See the module docstring; ``window`` is the main window."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.prediction = PredictionPanel(window)
        window.side_tabs.addTab(self.prediction, self.tr("Prediction"))
        self.act_open_data = window._action(self.tr("Open data…"), None,
                                            self.tr("Train on a CSV file of your own (a header row, numeric "
                                                    "features, the target last or chosen)"),
                                            self.open_data_dialog)
        actions = window.file_menu.actions()
        after = actions.index(window.act_open) + 1 if window.act_open in actions else 0
        window.file_menu.insertAction(actions[after] if after < len(actions) else None, self.act_open_data)
        c = window.controller
        c.batchReady.connect(self._on_batch)
        c.runStarted.connect(self._on_run_started)
        window.act_reset.triggered.connect(self._on_reset)
        self.prediction.trainDrawnRequested.connect(self.train_on_drawn)

    @Slot(object)
    def _on_batch(self, batch) -> None:  # a core Batch (plain data, from the worker)
        self.prediction.show_batch(batch)
        if len(batch.eval_steps):
            self.window.plot.append_test(batch.eval_steps, batch.test_losses)

    @Slot(object)
    def _on_run_started(self, cfg: TrainConfig) -> None:
        self.window.plot.clear_test()
        self.prediction.clear()
        if cfg.dataset != "random":  # something to see: show it
            self.window.side_tabs.setCurrentWidget(self.prediction)

    @Slot()
    def _on_reset(self) -> None:
        self.window.plot.clear_test()
        self.prediction.clear()

    # -- the student's data ---------------------------------------------------------
    @Slot()
    def open_data_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open data"), "",
                                              self.tr("CSV files (*.csv);;All files (*)"))
        if path:
            self.open_data(path)

    def open_data(self, path: str, target: str = "", task: str = "auto") -> bool:
        """Train on ``path`` from the next run; a bad file is refused with its one-line reason."""
        problem = self.window.controls.set_data_file(path, target, task)
        if problem is not None and "confirm to load" in problem:
            answer = QMessageBox.question(self.window, self.tr("A large file"), self.tr(
                "{0}\n\nLoad it anyway? Reading and training on it may take long.").format(problem))
            if answer != QMessageBox.StandardButton.Yes:
                return False
            from ..core.csvdata import confirm_large

            confirm_large(path)
            problem = self.window.controls.set_data_file(path, target, task)
        if problem is not None:
            QMessageBox.warning(self.window, self.tr("Could not use the data"), problem)
            return False
        self.window.statusBar().showMessage(self.tr("Data: {0}").format(path), 5000)
        return True

    @Slot()
    def train_on_drawn(self, folder: str | None = None) -> bool:
        """Write the drawn points to a CSV file (in the user's data folder) and train on it."""
        folder = folder or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation) \
            or tempfile.gettempdir()
        try:
            os.makedirs(folder, exist_ok=True)
            fd, path = tempfile.mkstemp(prefix="drawn-points-", suffix=".csv", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(self.prediction.drawn_csv())
        except OSError as exc:
            QMessageBox.warning(self.window, self.tr("Could not save the drawn points"), str(exc))
            return False
        return self.open_data(path)

    def warn_if_data_changed(self, warning: str | None) -> None:
        """Show a reopened experiment's data warning (its CSV file changed since it was saved)."""
        if warning:
            self.window.banner.show_message(warning, "warning")
