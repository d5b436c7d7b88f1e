"""Sections 1 and 2: steps/s of (a) the seed's loop, (b) the core and (c) the whole window, side by side,
and how late a 10 ms timer in the GUI thread comes while (c) trains.

:class:`WindowHarness` drives the real main window, offscreen, through its own controls.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

from .common import GOALS, STYLES, Clock, median, percentile, run_rotated, torch_threads
from .loops import core_loop, seed_loop

#: Shortest run section 1 times (seconds): six of the window's 50 ms batches.
MIN_WINDOW_S = 0.3


class LagProbe:
    """A precise 10 ms timer in the GUI thread; each tick later than 10 ms after the one before
    says how long the event loop was busy, which a person feels as a stutter."""

    INTERVAL_MS = 10

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, Qt, QTimer

        self.ticks: list[float] = []
        self._clock = QElapsedTimer()
        self._clock.start()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks.append(self._clock.nsecsElapsed() / 1e6)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def lags_ms(self) -> list[float]:
        return [b - a - self.INTERVAL_MS for a, b in zip(self.ticks, self.ticks[1:], strict=False)]


# -- (c) the window --------------------------------------------------------------------
class WindowHarness:
    """The real main window, offscreen, driven through its own controls and actions."""

    def __init__(self, config_dir: str) -> None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        os.environ["BACKPROP_PLAYGROUND_CONFIG_DIR"] = config_dir
        from ..gui.app import create_app

        self.app, self.window = create_app(["backprop-playground-bench"], exec_app=False)
        from ..gui.speed import FULL_SPEED

        # The window's default pace is for watching (100 steps a second); (c) measures full speed.
        self.window.speed.setCurrentIndex(self.window.speed.findData(FULL_SPEED))
        self.window.resize(1280, 780)
        self._settle(0.3)

    def _settle(self, seconds: float) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    def run(self, cfg: Any, steps: int, timeout_s: float = 120.0, inspector: bool = True) -> dict[str, Any]:
        """Train ``cfg`` for ``steps`` in the window; steps/s and the GUI timer's lags.

        With ``inspector`` False the gradient inspector is collapsed in its splitter, as a
        user closes it: it still takes the statistics but paints nothing.
        """
        w = self.window
        sizes = w.training_splitter.sizes()
        if not inspector:
            w.training_splitter.setSizes([sum(sizes), 0])
        try:
            return self._run(cfg, steps, timeout_s)
        finally:
            w.training_splitter.setSizes(sizes)

    def _run(self, cfg: Any, steps: int, timeout_s: float) -> dict[str, Any]:
        from PySide6.QtCore import QEventLoop, QTimer

        w = self.window
        c = w.controller
        w.plot.clear_runs()
        w.controls.set_config(cfg.replace(steps=steps))
        arrivals: list[tuple[float, float, float, int]] = []
        ended: list[Any] = []
        loop = QEventLoop()

        def on_batch(batch: Any) -> None:
            arrivals.append((time.perf_counter(), time.process_time(), time.thread_time(), batch.step))

        def on_end(batch: Any) -> None:
            ended.append(batch)
            loop.quit()

        probe = LagProbe()
        c.batchReady.connect(on_batch)
        c.runEnded.connect(on_end)
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)
        try:
            probe.start()
            guard.start(int(timeout_s * 1000))
            if not w.start_new():
                raise RuntimeError(f"the window refused the configuration: {w.banner.label.text()}")
            loop.exec()
        finally:
            probe.stop()
            guard.stop()
            c.batchReady.disconnect(on_batch)
            c.runEnded.disconnect(on_end)
        while c.busy:  # let the worker finish before the next measurement
            self._settle(0.01)
        if not ended or ended[-1].reason != "completed":
            why = ended[-1].error or ended[-1].reason if ended else "timed out"
            raise RuntimeError(f"the window's run did not complete: {why}")
        if len(arrivals) < 3:
            raise RuntimeError("the window's run was too short to measure: give it more steps")
        # From the first batch's arrival to the last's: the run's set-up is not counted, as in (a).
        (w0, p0, g0, s0), (w1, p1, g1, s1) = arrivals[0], arrivals[-1]
        return {"steps_per_s": (s1 - s0) / (w1 - w0), "steps_per_cpu_s": (s1 - s0) / max(p1 - p0, 1e-9),
                "gui_cpu_share": (g1 - g0) / (w1 - w0),
                "other_cpu_share": ((p1 - p0) - (g1 - g0)) / (w1 - w0),
                "lags_ms": probe.lags_ms(), "batches": len(arrivals)}

    def idle_lags(self, seconds: float) -> list[float]:
        """The 10 ms timer's lags with the window shown and idle: what the machine itself adds."""
        probe = LagProbe()
        probe.start()
        self._settle(seconds)
        probe.stop()
        return probe.lags_ms()

    def close(self) -> None:
        self.window.close()
        self._settle(0.05)


# -- sections 1 and 2 -------------------------------------------------------------------
def _bench_style(style: str, harness: WindowHarness, repeats: int, window_s: float, app_threads: int,
                 default_threads: int, out: Callable[[str], None]) -> tuple[dict[str, Any], list[float]]:
    """Section 1 for one style: (a), (b), (c) and (a) with torch's threads, ``repeats`` times."""
    import numpy as np

    from ..core.config import TrainConfig

    cfg = TrainConfig(device="cpu", threads=app_threads).with_style(style)
    with torch_threads(app_threads):
        seed_loop(cfg, 5)  # warm-up: first calls allocate
        n = 10
        while True:  # calibrate: steps that take about window_s
            clock, _ = seed_loop(cfg, n)
            if clock.wall >= 0.25 or n >= 100_000:
                break
            n *= 2
    # The window hands batches over every 50 ms and its figure needs at least 3 of them: a run
    # shorter than MIN_WINDOW_S would leave that to chance on a busy machine.
    steps = int(min(100_000, max(100, n * max(window_s, MIN_WINDOW_S) / clock.wall)))
    names = ("raw", "core", "window", "window_closed", "raw_default")
    wall: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    extra: dict[str, list[float]] = {"gui_cpu_share": [], "other_cpu_share": []}
    lags: list[float] = []
    state: dict[str, Any] = {"same_losses": True}
    out(f"  {style}: {steps} steps per run, {repeats} repeats")

    def record(name: str, count: int, clock: Clock) -> None:
        wall[name].append(count / clock.wall)
        cpu[name].append(count / max(clock.cpu, 1e-9))

    def run_raw() -> None:
        with torch_threads(app_threads):
            clock, state["raw_losses"] = seed_loop(cfg, steps)
        record("raw", steps, clock)

    def run_core() -> None:
        with torch_threads(app_threads):
            clock, state["core_losses"] = core_loop(cfg, steps)
        record("core", len(state["core_losses"]), clock)

    def run_window() -> None:
        r = harness.run(cfg, steps)
        wall["window"].append(r["steps_per_s"])
        cpu["window"].append(r["steps_per_cpu_s"])
        extra["gui_cpu_share"].append(r["gui_cpu_share"])
        extra["other_cpu_share"].append(r["other_cpu_share"])
        lags.extend(r["lags_ms"])

    def run_window_closed() -> None:
        r = harness.run(cfg, steps, inspector=False)
        wall["window_closed"].append(r["steps_per_s"])
        cpu["window_closed"].append(r["steps_per_cpu_s"])

    def run_raw_default() -> None:
        with torch_threads(default_threads):
            clock, _ = seed_loop(cfg, steps)
        record("raw_default", steps, clock)

    def compare_losses() -> None:  # (a) and (b) of the round just run trained the same numbers
        raw = np.asarray(state["raw_losses"], dtype=np.float64)
        core = np.asarray(state["core_losses"], dtype=np.float64)
        tol = 1e-5 if style == "numpy" else 0.0
        state["same_losses"] = state["same_losses"] and len(raw) == len(core) and bool(
            np.allclose(raw, core, rtol=tol, atol=0.0, equal_nan=True))

    run_rotated([run_raw, run_core, run_window, run_window_closed, run_raw_default], repeats,
                after_repeat=compare_losses)

    def ratios(rows: dict[str, list[float]], name: str) -> list[float]:
        return [b / a for a, b in zip(rows["raw"], rows[name], strict=True)]

    result: dict[str, Any] = {"steps_per_run": steps, "same_losses": state["same_losses"]}
    for name in names:
        result[f"{name}_steps_per_s"] = median(wall[name])
        result[f"{name}_steps_per_cpu_s"] = median(cpu[name])
    for name in ("core", "window", "window_closed", "raw_default"):
        result[f"{name}_vs_raw"] = median(ratios(wall, name))
        result[f"{name}_vs_raw_cpu"] = median(ratios(cpu, name))
    # The inspector's cost: the window with it open over the window with it collapsed.
    inspector_ratios = [a / b for a, b in zip(wall["window"], wall["window_closed"], strict=True)]
    result["inspector_open_vs_closed"] = median(inspector_ratios)
    result.update({k: median(v) for k, v in extra.items()})
    result["per_repeat"] = {"steps_per_s": wall, "steps_per_cpu_s": cpu, **extra,
                            "inspector_open_vs_closed": inspector_ratios,
                            **{f"{n}_vs_raw": ratios(wall, n) for n in ("core", "window", "window_closed",
                                                                        "raw_default")}}
    return result, lags


def bench_throughput(repeats: int, window_s: float, out: Callable[[str], None],
                     styles: tuple[str, ...] = STYLES,
                     threads: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    import torch

    from ..core.config import DEFAULT_THREADS

    default_threads = torch.get_num_threads()
    app_threads = DEFAULT_THREADS if threads is None else threads
    results: dict[str, Any] = {"app_threads": app_threads, "default_threads": default_threads,
                               "window_s": window_s, "styles": {}}
    lag_all: list[float] = []
    lag_by_style: dict[str, list[float]] = {}
    idle: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bpp-bench-") as config_dir:
        harness = WindowHarness(config_dir)
        try:
            idle.extend(harness.idle_lags(min(3.0, 2 * window_s)))
            for style in styles:
                results["styles"][style], lags = _bench_style(style, harness, repeats, window_s, app_threads,
                                                              default_threads, out)
                lag_by_style[style] = lags
                lag_all.extend(lags)
        finally:
            harness.close()
    ok_core = all(s["core_vs_raw"] >= GOALS["core_vs_raw"] for s in results["styles"].values())
    ok_win = all(s["window_vs_raw"] >= GOALS["window_vs_raw"] for s in results["styles"].values())
    ok_insp = all(s["inspector_open_vs_closed"] >= GOALS["inspector_open_vs_closed"]
                  for s in results["styles"].values())
    results["goals"] = {k: GOALS[k] for k in ("core_vs_raw", "window_vs_raw", "inspector_open_vs_closed")}
    results["met"] = {"core_vs_raw": ok_core, "window_vs_raw": ok_win, "inspector_open_vs_closed": ok_insp}

    def lag_stats(v: list[float]) -> dict[str, float]:
        return {"ticks": len(v), "p50_ms": percentile(v, 50), "p99_ms": percentile(v, 99),
                "max_ms": max(v) if v else float("nan")}

    resp = {"timer_ms": LagProbe.INTERVAL_MS, **lag_stats(lag_all),
            "by_style": {s: lag_stats(v) for s, v in lag_by_style.items()}, "idle": lag_stats(idle),
            "goal_p99_ms": GOALS["lag_p99_ms"]}
    resp["met"] = bool(resp["p99_ms"] <= GOALS["lag_p99_ms"])
    return results, resp

