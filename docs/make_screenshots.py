"""Take the README's screenshots of the real window under an X server (Xvfb).

Usage (Debian: apt-get install xvfb xdotool imagemagick fonts-noto-cjk):

    Xvfb :99 -screen 0 1400x900x24 &
    DISPLAY=:99 python docs/make_screenshots.py [--language zh_CN]

The run is started with the F5 key sent by xdotool, as a person would; the
screenshots are taken by ImageMagick's ``import`` from the X server.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent / "screenshots"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--language", default="en")
    parser.add_argument("--size", default="1366x700",
                        help="window size (default: a 1366 x 768 laptop's screen below its panel)")
    parser.add_argument("--out", default=str(HERE), help="folder for the PNGs (default: docs/screenshots)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    out_dir = Path(args.out)
    os.environ.setdefault("BACKPROP_PLAYGROUND_CONFIG_DIR", tempfile.mkdtemp())
    os.environ["QT_QPA_PLATFORM"] = "xcb"

    from PySide6.QtCore import QTimer

    from playground.core.config import TrainConfig
    from playground.gui.app import create_app
    from playground.gui.settings import Settings, save_settings

    save_settings(Settings(language=args.language))  # a first start: the guide shows
    app, window = create_app(exec_app=False)
    window.resize(width, height)
    window.move(0, 0)
    suffix = "" if args.language == "en" else f"-{args.language}"
    wid = str(int(window.winId()))

    def shot(name: str) -> None:
        subprocess.run(["import", "-window", wid, str(out_dir / f"{name}{suffix}.png")], check=True)

    def press_f5() -> None:
        subprocess.run(["xdotool", "windowfocus", "--sync", wid], check=True)
        subprocess.run(["xdotool", "key", "F5"], check=True)

    def lab() -> None:
        window.tabs.setCurrentWidget(window.lab_tab)
        window.lab.scalar_backward_button.click()
        window.lab.vjp_backward_button.click()

    def diverge() -> None:
        """The classic mistake switched on, at full speed: the diagnosis names it."""
        window.tabs.setCurrentWidget(window.training_tab)
        window.speed.setCurrentIndex(window.speed.findData(0.0))
        window.controls.set_config(window.controls.config().replace(steps=500, mistake="no-zero-grad",
                                                                    lr=1e-6))
        window.start_new()

    def expand_divergence() -> None:
        if not window.inspector.divergence_toggle.isChecked():
            window.inspector.divergence_toggle.click()

    def step_through() -> None:
        """The Step-through tab at the small sizes, on the backward pass's grad_w1."""
        view = window.step_through
        window.tabs.setCurrentWidget(view)
        view.small_button.setChecked(True)
        view.recompute()  # worked out in the training worker: the stages arrive a moment later

    def step_to_grad_w1() -> None:
        view = window.step_through
        while view.current_stage() is not None and view.current_stage().name != "grad_w1":
            view.next()

    def network() -> None:
        """The Network panel beside the plot while a tanh network trains."""
        window.tabs.setCurrentWidget(window.training_tab)
        window.side_tabs.setCurrentWidget(window.network)
        window.speed.setCurrentIndex(window.speed.findData(100.0))
        window.controls.set_config(window.controls.config().replace(steps=2_000_000, mistake="none",
                                                                    activation="tanh", H=20))
        window.start_new()

    def sweep() -> None:
        """The Sweep tab: lr from 1e-7 to 1e-4 against H 10, 100, 1000, 300 steps each."""
        window.stop()
        tab = window.sweep_tab
        window.tabs.setCurrentWidget(tab)
        window.controls.set_config(TrainConfig(steps=300))
        tab.axis1.set_field("lr")
        tab.axis1.set_lr_range("1e-7", "1e-4", 4)
        tab.axis2.set_field("H")
        tab.axis2.set_values("10, 100, 1000")
        tab.run()

    def time_travel_run() -> None:
        """The lesson's run at 100 steps a second, to be scrubbed back once it ends."""
        window.tabs.setCurrentWidget(window.training_tab)
        window.speed.setCurrentIndex(window.speed.findData(100.0))
        window.controls.set_config(TrainConfig(steps=300))
        window.start_new()

    def prediction_run() -> None:
        """The spiral at full speed: the Prediction tab paints the decision boundary as it learns."""
        window.tabs.setCurrentWidget(window.training_tab)
        window.speed.setCurrentIndex(window.speed.findData(0.0))
        window.controls.set_config(TrainConfig().with_dataset("spiral"))
        window.start_new()

    cfg = window.controls.config().replace(steps=2_000_000)
    window.controls.set_config(cfg)
    steps = [
        (1200, lambda: shot("first-run")),
        (1500, press_f5),  # at the default pace, 100 steps a second
        (4500, lambda: window.controls.lr.setValue(1.5e-6)),
        (7000, lambda: shot("training")),
        (7200, lab),
        (8500, lambda: shot("autograd-lab")),
        (8700, lambda: window.tabs.setCurrentWidget(window.code_view)),
        (9500, lambda: shot("code")),
        (9700, diverge),
        (12000, expand_divergence),
        (12800, lambda: shot("diagnosis")),
        (13000, step_through),
        (13600, step_to_grad_w1),
        (13800, lambda: shot("step-through")),
        (14000, network),
        (17000, lambda: shot("network")),
        (17200, sweep),
        (32000, lambda: shot("sweep")),  # the cells' worker processes first load PyTorch
        (32200, time_travel_run),
        (36500, lambda: window.time_travel.travel_to(40)),
        (37000, lambda: shot("time-travel")),
        (37200, prediction_run),
        (45000, lambda: shot("prediction")),
        (45200, window.close),
    ]
    # One step after the other, each its gap after the one before: a step that holds the GUI
    # thread (the lab loads torch when first opened) delays the rest, never reorders them.
    def run_from(i: int) -> None:
        delay, action = steps[i]
        action()
        if i + 1 < len(steps):
            QTimer.singleShot(steps[i + 1][0] - delay, lambda: run_from(i + 1))

    QTimer.singleShot(steps[0][0], lambda: run_from(0))
    app.exec()


if __name__ == "__main__":
    main()
