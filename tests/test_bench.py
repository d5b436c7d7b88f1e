"""The benchmark's parts work and measure like with like (no timings asserted: bench reports them)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from playground import bench
from playground.cli import main as cli_main
from playground.core.config import STYLES, TrainConfig
from playground.core.loop import train


@pytest.mark.parametrize("style", STYLES)
def test_the_seed_loop_trains_exactly_what_the_core_trains(style):
    """(a) and (b) must do the same work for their ratio to mean anything."""
    cfg = TrainConfig(N=16, D_in=50, H=10, D_out=5, steps=40).with_style(style)
    _, raw = bench.seed_loop(cfg, 40)
    core, _ = train(cfg)
    if style == "numpy":
        np.testing.assert_allclose(raw, core, rtol=1e-5)
    else:
        np.testing.assert_array_equal(np.asarray(raw), core)
    printed = __import__("io").StringIO()
    bench.seed_loop(cfg, 3, sink=printed)  # the lesson's print every step
    assert len(printed.getvalue().splitlines()) == 3


def test_the_seed_loop_refuses_configurations_the_lesson_does_not_have():
    with pytest.raises(ValueError):
        bench.seed_loop(TrainConfig(activation="relu"), 1)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_bench_on_cuda_without_a_device_says_so_and_fails(capsys):
    assert cli_main(["bench", "--device", "cuda"]) == bench.EXIT_ERROR
    assert "no CUDA device" in capsys.readouterr().err


def test_the_gpu_section_code_runs_on_the_cpu_too():
    """Section 5's loop, on the CPU: every variant runs and the row has its figures."""
    cfg = TrainConfig(N=8, D_in=20, H=6, D_out=3)
    row = bench._bench_gpu_case(cfg, repeats=1, window_s=0.01, fast_reason=None)
    assert row["seed_steps_per_s"] > 0 and row["core_steps_per_s"] > 0 and row["fast_steps_per_s"] > 0
    assert "CUDA" in row["fast_mode"]  # asked for, refused here, trained eagerly
    assert row["core_vs_seed"] > 0


def test_throughput_and_plot_sections_produce_every_figure_and_a_table(qapp, tmp_path):
    tp, resp = bench.bench_throughput(1, 0.05, lambda _: None, styles=("tensors",))
    s = tp["styles"]["tensors"]
    for key in ("raw_steps_per_s", "core_steps_per_s", "window_steps_per_s", "window_closed_steps_per_s",
                "raw_default_steps_per_s", "core_vs_raw", "window_vs_raw", "inspector_open_vs_closed",
                "gui_cpu_share"):
        assert s[key] > 0, key
    assert s["same_losses"]
    assert resp["ticks"] > 0 and resp["p99_ms"] >= resp["p50_ms"]
    plot = bench.bench_plot(2, lambda _: None, sizes=(1000, 300_000))
    assert [r["steps"] for r in plot["sizes"]] == [1000, 300_000]
    assert all(r["bytes_per_step"] <= 16 for r in plot["sizes"])
    assert plot["sizes"][-1]["points_drawn"] < 20_000  # decimated, not every step
    result = {"machine": bench.machine_info(), "settings": {"repeats": 1}, "throughput": tp,
              "responsiveness": resp, "plot": plot}
    text = bench.table(result)
    assert "tensors" in text and "p99" in text and "300,000" in text
    json.dumps(result, default=float)  # what --json writes


def test_the_processes_section_compares_train_the_bare_script_and_the_window(qapp):
    pr = bench.bench_processes(1, 0.02, lambda _: None, threads=(1,), styles=("tensors",), sizes=("small",))
    case = pr["cases"]["tensors/small/1"]
    for key in ("raw", "script", "train", "window", "train_vs_script", "train_vs_script_whole", "window_vs_raw"):
        assert case[key] > 0, key
    assert case["same_final_loss"]  # train and the bare script trained the same numbers
    assert pr["summary"]["tensors/small"]["raw_best_threads"] == 1
    text = bench.table({"machine": {}, "settings": {"repeats": 1}, "processes": pr})
    assert "tensors/small/1" in text and "train/script" in text


def test_the_dataset_section_measures_the_set_with_and_without_its_test_set(qapp):
    ds = bench.bench_dataset("xor", 1, 0.02, lambda _: None)
    assert ds["config"]["dataset"] == "xor" and ds["config"]["test_fraction"] > 0
    for key in ("core", "core_no_eval", "window", "window_vs_core"):
        assert ds[key] > 0, key
    assert -1 < ds["eval_cost"] < 1
    text = bench.table({"machine": {}, "settings": {"repeats": 1}, "dataset": ds})
    assert "Data set xor" in text


def test_bench_dataset_file_without_a_file_is_refused(capsys):
    assert cli_main(["bench", "--dataset", "file"]) == 2
    assert "--data-file" in capsys.readouterr().err


def test_the_closed_inspector_run_collapses_the_panel_and_restores_it(qapp, tmp_path):
    harness = bench.WindowHarness(str(tmp_path))
    try:
        inspector = harness.window.inspector
        sizes = harness.window.training_splitter.sizes()
        assert sizes[1] > 0
        painted = inspector.plots.paint_s
        cfg = TrainConfig(N=8, D_in=20, H=6, D_out=3, style="tensors", lr=1e-3, device="cpu")
        r = harness.run(cfg, 20_000, inspector=False)
        assert r["steps_per_s"] > 0
        assert inspector.shown_stats() is not None  # it took the statistics ...
        assert inspector.plots.paint_s == painted  # ... and painted none of them
        assert harness.window.training_splitter.sizes() == sizes
    finally:
        harness.close()


@pytest.mark.paced
def test_the_bench_window_trains_at_full_speed_whatever_the_default_pace(qapp, tmp_path):
    from playground.gui.speed import FULL_SPEED

    harness = bench.WindowHarness(str(tmp_path))
    try:
        assert harness.window.speed.currentData() == FULL_SPEED
        assert harness.window.controller.pace is None
    finally:
        harness.close()
