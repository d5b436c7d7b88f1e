"""``backprop-playground --self-test``: passes on a working install, fails loudly otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground import selftest
from playground.selftest import Check, CheckFailed, SelfTest

STYLES = ("numpy", "tensors", "sequential", "module")


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    """The self-test as a user runs it: the installed command, in its own process."""
    folder = tmp_path_factory.mktemp("selftest")
    report = folder / "report.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BACKPROP_PLAYGROUND_CONFIG_DIR=str(folder / "cfg"))
    proc = subprocess.run(
        [sys.executable, "-m", "playground", "--self-test", "--report", str(report)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    return proc, report


def test_self_test_passes_on_this_install_and_says_so_in_one_line(real_run):
    proc, report = real_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("self-test passed:") and str(report) in lines[0]


def test_report_lists_every_style_and_the_versions(real_run):
    _proc, report = real_run
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["ok"] is True and data["frozen"] is False
    assert data["qt_platform"] == "offscreen"
    for key in ("python", "torch", "numpy", "qt", "pyside6", "pyqtgraph"):
        assert data["versions"][key]
    status = {c["name"]: c["status"] for c in data["checks"]}
    for style in STYLES:
        assert status[f"train-{style}-lesson"] == "passed"
        assert status[f"train-{style}-small-float64"] == "passed"
    assert status["numpy-agrees-with-tensors"] == "passed"
    assert status["qt-drawing"] == "passed"
    assert status["main-window"] == "passed"
    assert data["counts"]["failed"] == 0
    window = next(c for c in data["checks"] if c["name"] == "main-window")
    assert window["detail"]["window_title"]


def test_lesson_runs_in_report_lost_most_of_their_loss(real_run):
    _proc, report = real_run
    data = json.loads(report.read_text(encoding="utf-8"))
    for check in data["checks"]:
        if check["name"].startswith("train-"):
            d = check["detail"]
            assert d["steps"] == selftest.STEPS
            assert d["last_loss"] < 0.9 * d["first_loss"]


# -- failures are reported, not hidden ---------------------------------------------
def _fake_run_all(*checks):
    def run_all(self):
        for name, fn in checks:
            self.run(name, fn)

    return run_all


def _passes(check):
    check.detail["fine"] = True


def _fails(check):
    raise CheckFailed("the loss did not fall")


def _crashes(check):
    raise RuntimeError("boom")


def test_a_failed_check_gives_exit_1_a_named_line_and_the_reason_in_the_report(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(SelfTest, "run_all", _fake_run_all(("good", _passes), ("bad", _fails), ("worse", _crashes)))
    report = tmp_path / "r.json"
    assert selftest.main(["--report", str(report)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("self-test FAILED: bad, worse")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["ok"] is False
    by_name = {c["name"]: c for c in data["checks"]}
    assert by_name["good"]["status"] == "passed"
    assert by_name["bad"]["error"] == "the loss did not fall"
    assert by_name["worse"]["error"] == "RuntimeError: boom"
    assert "Traceback" in by_name["worse"]["detail"]["traceback"]


def test_all_passing_checks_give_exit_0(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(SelfTest, "run_all", _fake_run_all(("good", _passes)))
    assert selftest.main(["--report", str(tmp_path / "r.json")]) == 0
    assert capsys.readouterr().out.startswith("self-test passed: 1 checks")


def test_a_report_that_cannot_be_written_fails_the_self_test(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(SelfTest, "run_all", _fake_run_all(("good", _passes)))
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert selftest.main(["--report", str(blocker / "r.json")]) == 1
    assert "report NOT written" in capsys.readouterr().err


def test_self_test_leaves_the_settings_folder_variable_as_it_found_it(tmp_path, monkeypatch):
    monkeypatch.setattr(SelfTest, "run_all", _fake_run_all(("good", _passes)))
    monkeypatch.delenv("BACKPROP_PLAYGROUND_CONFIG_DIR", raising=False)
    selftest.main(["--report", str(tmp_path / "r.json")])
    assert "BACKPROP_PLAYGROUND_CONFIG_DIR" not in os.environ


@pytest.mark.parametrize(
    "losses, message",
    [
        (np.full(selftest.STEPS, 5.0), "did not fall"),
        (np.r_[np.geomspace(10, 1, selftest.STEPS - 1), np.nan], "not finite"),
        (np.geomspace(10, 1, selftest.STEPS - 3), "losses for"),
        (np.r_[100.0, np.tile([50.0, 60.0], selftest.STEPS // 2)][: selftest.STEPS], "rose"),
    ],
)
def test_training_check_rejects_bad_loss_curves(monkeypatch, losses, message):
    import playground.core.loop as loop

    class Last:
        reason = "completed"
        error = None
        divergence = None
        steps_per_s = 1.0

    monkeypatch.setattr(loop, "train", lambda cfg: (np.asarray(losses, dtype=float), Last()))
    test = SelfTest(require_gui=False)
    check = test.run("train", lambda c: test.check_training(c, "tensors", small=True))
    assert check.status == "failed"
    assert message in check.error


def test_training_check_rejects_a_run_that_did_not_complete(monkeypatch):
    import playground.core.loop as loop

    class Last:
        reason = "diverged"
        error = None
        divergence = "diverged at step 3"
        steps_per_s = 1.0

    monkeypatch.setattr(loop, "train", lambda cfg: (np.geomspace(10, 1, selftest.STEPS), Last()))
    test = SelfTest(require_gui=False)
    check = test.run("t", lambda c: test.check_training(c, "numpy", small=False))
    assert check.status == "failed" and "diverged" in check.error


def test_missing_window_module_is_skipped_or_failed_as_asked(monkeypatch):
    monkeypatch.setattr(selftest, "GUI_MODULE", "playground.gui.no_such_window")
    lenient = SelfTest(require_gui=False)
    assert lenient.run("w", lenient.check_main_window).status == "skipped"
    strict = SelfTest(require_gui=True)
    check = strict.run("w", strict.check_main_window)
    assert check.status == "failed" and "missing" in check.error


def test_max_rel_reports_shape_mismatch_and_relative_difference():
    assert selftest._max_rel([1.0, 2.0], [1.0]) == float("inf")
    assert selftest._max_rel([1.0, 2.2], [1.0, 2.0]) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "plat, env, expected",
    [
        ("win32", {"LOCALAPPDATA": "/x/Local"}, Path("/x/Local/BackpropPlayground/self-test.json")),
        ("linux", {"XDG_STATE_HOME": "/x/state"}, Path("/x/state/backprop-playground/self-test.json")),
    ],
)
def test_default_report_path_is_a_per_user_folder(monkeypatch, plat, env, expected):
    monkeypatch.setattr(sys, "platform", plat)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert selftest.default_report_path() == expected


def test_default_report_path_on_macos_is_under_library_logs(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    assert selftest.default_report_path() == tmp_path / "Library/Logs/BackpropPlayground/self-test.json"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_seconds_since_process_start_is_the_age_of_this_process():
    import time

    first = selftest.seconds_since_process_start()
    assert first is not None and 0 < first < 7 * 24 * 3600
    time.sleep(0.05)
    assert selftest.seconds_since_process_start() > first


def test_check_to_dict_holds_only_what_was_set():
    assert Check("x").to_dict() == {"name": "x", "status": "passed", "seconds": 0.0}
