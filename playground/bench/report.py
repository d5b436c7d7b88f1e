"""The bench's figures as the table it prints (``--json`` writes them all, per repeat too)."""

from __future__ import annotations

from typing import Any

from .common import GOALS, fmt


def table(result: dict[str, Any]) -> str:
    """The figures of every section in ``result`` that ran, a paragraph each, after the machine."""
    lines = [_machine(result.get("machine", {}))]
    if result.get("throughput"):
        lines += ["", *_throughput(result["throughput"], result["settings"]["repeats"])]
    for key, paragraph in (("responsiveness", _responsiveness), ("plot", _plot), ("startup", _startup),
                           ("gpu", _gpu), ("inspector", _inspector), ("processes", _processes),
                           ("dataset", _dataset)):
        if result.get(key):
            lines += ["", *paragraph(result[key])]
    return "\n".join(lines)


def _machine(m: dict[str, Any]) -> str:
    return (f"Machine: {m.get('nproc')} CPUs ({m.get('cpu_model')}), torch {m.get('torch')}, "
            f"PySide6 {m.get('pyside6')}, pyqtgraph {m.get('pyqtgraph')}; torch threads: "
            f"window {m.get('gui_threads')}, default {m.get('torch_default_threads')}; "
            f"load average {', '.join(f'{x:.1f}' for x in m.get('loadavg_start', []))} at start")


def _throughput(tp: dict[str, Any], repeats: int) -> list[str]:
    """1. steps/s of (a), (b), (c) per style, their ratios and the goals."""
    lines: list[str] = []
    lines.append(f"1. Throughput, seed default config, CPU: steps/s (median of {repeats} "
                 "runs each); ratios: medians of per-repeat ratios, wall clock [per process CPU second; "
                 "none for c/a, whose training runs in another process]")
    lines.append(f"   {'style':<11}{'(a) raw':>8}{'(b) core':>9}{'(c) window':>11}{'b/a':>13}{'c/a':>13}"
                 f"{'c/d':>6}{'GUI thread':>11}{'(a), ' + str(tp['default_threads']) + ' threads':>15}"
                 "  same losses")
    for style, s in tp["styles"].items():
        lines.append(
            f"   {style:<11}{fmt(s['raw_steps_per_s'], ',.0f'):>8}{fmt(s['core_steps_per_s'], ',.0f'):>9}"
            f"{fmt(s['window_steps_per_s'], ',.0f'):>11}"
            f"{fmt(s['core_vs_raw']) + ' [' + fmt(s['core_vs_raw_cpu']) + ']':>13}"
            # (c)'s CPU seconds would count the window's process only: its training is elsewhere
            f"{fmt(s['window_vs_raw']):>13}"
            f"{fmt(s.get('inspector_open_vs_closed')):>6}"
            f"{fmt(100 * s['gui_cpu_share'], '.0f') + '% CPU':>11}"
            f"{fmt(s['raw_default_steps_per_s'], ',.0f'):>15}  {'yes' if s['same_losses'] else 'NO'}")
    lines.append(f"   goals (wall clock): b/a >= {GOALS['core_vs_raw']} "
                 f"({'met' if tp['met']['core_vs_raw'] else 'missed'}), c/a >= {GOALS['window_vs_raw']} "
                 f"({'met' if tp['met']['window_vs_raw'] else 'missed'}), c/d >= "
                 f"{GOALS['inspector_open_vs_closed']} "
                 f"({'met' if tp['met'].get('inspector_open_vs_closed') else 'missed'}), where (d) is the "
                 f"window with the gradient inspector collapsed; all train with "
                 f"{tp['app_threads']} torch thread(s), as the window does")
    return lines


def _responsiveness(rs: dict[str, Any]) -> list[str]:
    """2. the GUI timer's lags while the window trains, and with it idle."""
    lines: list[str] = []
    lines.append(f"2. GUI responsiveness while the window trains: lag of a 10 ms timer over {rs['ticks']} "
                 "ticks: "
                 f"p50 {fmt(rs['p50_ms'], '.1f')} ms, p99 {fmt(rs['p99_ms'], '.1f')} ms, "
                 f"max {fmt(rs['max_ms'], '.1f')} ms (goal p99 <= {GOALS['lag_p99_ms']:.0f} ms: "
                 f"{'met' if rs['met'] else 'missed'})")
    for style, s in [*rs["by_style"].items(), ("(idle)", rs.get("idle"))]:
        if s:
            lines.append(f"   {style:<11} p50 {fmt(s['p50_ms'], '.1f')} ms, "
                         f"p99 {fmt(s['p99_ms'], '.1f')} ms, max {fmt(s['max_ms'], '.1f')} ms")
    return lines


def _plot(pl: dict[str, Any]) -> list[str]:
    """3. one live plot update per history length."""
    lines: list[str] = []
    lines.append(f"3. Plot: one live update (append 50 steps, redraw, paint) at {pl['widget_px'][0]}x"
                 f"{pl['widget_px'][1]} px, median")
    lines.append(f"   {'steps':>12}{'redraw ms':>11}{'paint ms':>10}{'total ms':>10}{'points':>8}"
                 f"{'B/step':>8}")
    for r in pl["sizes"]:
        lines.append(f"   {r['steps']:>12,}{fmt(r['redraw_ms']):>11}{fmt(r['paint_ms']):>10}"
                     f"{fmt(r['total_ms']):>10}{r['points_drawn']:>8}{fmt(r['bytes_per_step']):>8}")
    lines.append(f"   largest/smallest: {fmt(pl['flatness'])}x; goals: <= {GOALS['plot_ms_at_1e7']:.0f} ms "
                 f"at the largest ({'met' if pl['met']['ms_at_largest'] else 'missed'}), <= "
                 f"{GOALS['bytes_per_step']:.0f} B/step "
                 f"({'met' if pl['met']['bytes_per_step'] else 'missed'})")
    return lines


def _startup(st: dict[str, Any]) -> list[str]:
    """4. seconds to the first paints against python and import torch."""
    lines: list[str] = []
    lines.append(f"4. Cold start (s, median): python -c pass {fmt(st['python_bare_s'])}, "
                 f"python -c 'import torch' {fmt(st['import_torch_s'])}, main window painted "
                 f"{fmt(st['window_shown_s'])} (x{fmt(st['window_vs_import_torch'])} of import torch), "
                 f"its training worker ready {fmt(st['worker_ready_s'])}, run and quit "
                 f"{fmt(st['app_run_and_quit_s'])} (exit codes {sorted(set(st['app_exit_codes']))}); "
                 f"goal: main window before torch is imported: {'met' if st['met'] else 'missed'}")
    return lines


def _gpu(gpu: dict[str, Any]) -> list[str]:
    """5. steps/s on CUDA: the seed script, the core, fast mode."""
    lines: list[str] = []
    if "skipped" in gpu:
        lines.append(f"5. GPU: skipped ({gpu['skipped']})")
    else:
        lines.append(f"5. GPU ({gpu['device']}), steps/s, median")
        lines.append(f"   {'config':<15}{'seed script':>12}{'core':>10}{'fast':>10}{'core/seed':>11}"
                     f"{'fast/core':>11}")
        for name, r in gpu["configs"].items():
            lines.append(f"   {name:<15}{fmt(r.get('seed_steps_per_s'), ',.0f'):>12}"
                         f"{fmt(r.get('core_steps_per_s'), ',.0f'):>10}"
                         f"{fmt(r.get('fast_steps_per_s'), ',.0f'):>10}"
                         f"{fmt(r.get('core_vs_seed')):>11}{fmt(r.get('fast_vs_core')):>11}"
                         + (f"  (fast mode: {r['fast_mode']})" if r.get("fast_mode") != "on" else ""))
    return lines


def _inspector(ins: dict[str, Any]) -> list[str]:
    """6. one show_stats call of the gradient inspector, per style."""
    lines = [f"6. Inspector: one GradientInspector.show_stats call, statistics of a {ins['steps']}-step run, "
             "panel not shown (the call, not the repaint), ms",
             f"   {'style':<11}{'median':>8}{'p90':>8}{'calls':>7}"]
    for style, r in ins["styles"].items():
        lines.append(f"   {style:<11}{fmt(r['median_ms']):>8}{fmt(r['p90_ms']):>8}{r['calls']:>7}")
    return lines


def _processes(pr: dict[str, Any]) -> list[str]:
    """7. the bare loop, the bare script, train and the window, per style, size and thread count."""
    lines = ["7. Training as processes, CPU: loop steps/s (median); train/script: loop speeds and whole "
             "processes (start-up included); window/raw: the window (offscreen, full speed) over the bare "
             "loop in one process",
             f"   {'case':<22}{'(a) raw':>9}{'script':>9}{'train':>9}{'window':>9}{'train/script':>13}"
             f"{'whole':>7}{'window/raw':>11}{'GUI p99':>9}  same loss"]
    for name, c in pr["cases"].items():
        lines.append(f"   {name:<22}{fmt(c['raw'], ',.0f'):>9}{fmt(c['script'], ',.0f'):>9}"
                     f"{fmt(c['train'], ',.0f'):>9}{fmt(c['window'], ',.0f'):>9}{fmt(c['train_vs_script']):>13}"
                     f"{fmt(c['train_vs_script_whole']):>7}{fmt(c['window_vs_raw']):>11}"
                     f"{fmt(c['lag_p99_ms'], '.0f') + ' ms':>9}  {'yes' if c['same_final_loss'] else 'NO'}")
    lines.append("   against each at its fastest thread count:")
    for name, s in pr["summary"].items():
        lines.append(f"   {name:<22}window {fmt(s['window_best'], ',.0f')} ({s['window_best_threads']} thr) / "
                     f"raw {fmt(s['raw_best'], ',.0f')} ({s['raw_best_threads']} thr) = "
                     f"{fmt(s['window_vs_raw_best'])}; train/script {fmt(s['train_vs_script_best'])}; "
                     f"GUI p99 {fmt(s['lag_p99_ms'], '.0f')} ms")
    return lines


def _dataset(ds: dict[str, Any]) -> list[str]:
    """8. one data set: the core with and without its test set, and the window."""
    return [f"8. Data set {ds['dataset']} (its lesson defaults, {ds['threads']} thread(s), {ds['steps']:,} steps a "
            f"run): core {fmt(ds['core'], ',.0f')} steps/s, without the test set's evaluation "
            f"{fmt(ds['core_no_eval'], ',.0f')} (the test loss costs {fmt(100 * ds['eval_cost'], '.1f')}%), window "
            f"{fmt(ds['window'], ',.0f')} (x{fmt(ds['window_vs_core'])} of the core)"]
