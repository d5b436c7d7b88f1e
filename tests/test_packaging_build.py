"""End to end: build the Linux bundle and .deb, unpack the package, self-test what it installs.

Takes minutes, so a plain test run skips it; .ci/run runs it with
BACKPROP_PLAYGROUND_PACKAGING=1 (and BACKPROP_PLAYGROUND_DIST=dist to keep the
results).  Without BACKPROP_PLAYGROUND_DIST it builds into a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))
sys.path.insert(0, str(PACKAGING / "linux"))

import appinfo  # noqa: E402
import make_deb  # noqa: E402

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(os.environ.get("BACKPROP_PLAYGROUND_PACKAGING") != "1",
                       reason="builds the installer for minutes: set BACKPROP_PLAYGROUND_PACKAGING=1 (.ci/run does)"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the .deb is built on Linux"),
]

STYLES = ("numpy", "tensors", "sequential", "module")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    dist = Path(os.environ.get("BACKPROP_PLAYGROUND_DIST") or tmp_path_factory.mktemp("dist"))
    work = tmp_path_factory.mktemp("build")
    for old in dist.glob(f"{appinfo.SLUG}_*.deb"):
        old.unlink()
    proc = subprocess.run(
        # zstd: several times faster to compress than the release's xz, the same package otherwise
        [sys.executable, str(PACKAGING / "build.py"), "linux", "--dist", str(dist), "--work", str(work),
         "--compression", "zstd"],
        capture_output=True, text=True, timeout=3600, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-8000:]
    summary = json.loads((dist / "build-summary-linux.json").read_text(encoding="utf-8"))
    return dist, work, summary


@pytest.fixture(scope="module")
def deb(built):
    dist, _work, _summary = built
    debs = sorted(dist.glob(f"{appinfo.SLUG}_*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


@pytest.fixture(scope="module")
def unpacked(deb, tmp_path_factory):
    root = tmp_path_factory.mktemp("unpacked")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return root


def frozen_program(root: Path) -> Path:
    return root / appinfo.LINUX_PREFIX.lstrip("/") / appinfo.SLUG


def test_build_summary_reports_sizes_times_and_trimming(built, deb):
    _dist, _work, s = built
    mib = 2**20
    print(f"bundle {s['bundle']['bytes'] / mib:.0f} MiB in {s['bundle']['files']} files; "
          f".deb {s['installer']['bytes'] / mib:.0f} MiB; trimmed {s['trimmed']['bytes'] / mib:.0f} MiB "
          f"in {s['trimmed']['files']} files; seconds {s['seconds']}")
    assert s["installer"]["bytes"] == deb.stat().st_size
    assert s["bundle"]["bytes"] > s["installer"]["bytes"] > 0
    assert s["trimmed"]["bytes"] > 50 * mib  # torch's tests and headers alone are more
    assert s["seconds"]["pyinstaller"] > 0 and s["seconds"]["total"] >= s["seconds"]["pyinstaller"]


def test_self_test_passes_from_the_unpacked_package(unpacked, tmp_path):
    report = tmp_path / "report.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([str(frozen_program(unpacked)), "--self-test", "--report", str(report)],
                          capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    print(proc.stdout.strip())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["ok"] is True and data["frozen"] is True
    assert data["executable"].startswith(str(unpacked))
    status = {c["name"]: c["status"] for c in data["checks"]}
    assert status["main-window"] == "passed"
    assert status["window-worker-trains"] == "passed"  # the frozen program spawns its training worker
    for style in STYLES:
        assert status[f"train-{style}-lesson"] == "passed"
    assert set(status.values()) == {"passed"}


def test_self_test_passes_on_an_x_server_with_the_desktop_platform_plugin(unpacked, tmp_path):
    """Qt's xcb plugin loads with the bundle's libraries and the system's (those the .deb depends on)."""
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        pytest.skip("xvfb-run is not installed (.ci/run installs it)")
    report = tmp_path / "report.json"
    proc = subprocess.run([xvfb_run, "-a", "env", "QT_QPA_PLATFORM=xcb", str(frozen_program(unpacked)),
                           "--self-test", "--report", str(report)],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["ok"] is True and data["qt_platform"] == "xcb"


def test_frozen_command_line_trains_and_prints_json(unpacked, tmp_path):
    proc = subprocess.run([str(frozen_program(unpacked)), "train", "--style", "numpy", "--steps", "5", "--json"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["steps"] == 5 and result["final_loss"] > 0


def test_package_installs_launcher_menu_entry_icon_and_metainfo(unpacked):
    launcher = unpacked / "usr" / "bin" / appinfo.SLUG
    assert os.access(launcher, os.X_OK)
    assert f"{appinfo.LINUX_PREFIX}/{appinfo.SLUG}" in launcher.read_text()
    assert os.access(frozen_program(unpacked), os.X_OK)
    desktop = unpacked / "usr/share/applications" / f"{appinfo.APP_ID}.desktop"
    metainfo = unpacked / "usr/share/metainfo" / f"{appinfo.APP_ID}.metainfo.xml"
    for size in make_deb.ICON_SIZES:
        assert (unpacked / f"usr/share/icons/hicolor/{size}x{size}/apps/{appinfo.APP_ID}.png").is_file()
    assert subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True).returncode == 0
    out = subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_package_depends_on_the_system_libraries_the_bundle_leaves_out(deb):
    depends = subprocess.run(["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True, text=True,
                             check=True).stdout.strip()
    print(f"Depends: {depends}")
    names = {alt.split()[0] for part in depends.split(",") for alt in part.split("|")}
    # glibc, the X connection and OpenGL/EGL are never bundled: Qt's xcb plugin needs them from the system
    assert {"libc6", "libxcb1"} <= names
    assert names & {"libegl1", "libgl1", "libopengl0"}


def test_every_library_in_the_bundle_finds_its_dependencies(built):
    _dist, _work, s = built
    assert make_deb.unresolved_libraries(Path(s["bundle"]["path"])) == {}


def test_bundle_leaves_out_what_was_trimmed(built):
    _dist, _work, s = built
    internal = Path(s["bundle"]["path"]) / "_internal"
    # of torch's programs only the one ``import torch`` looks for
    assert [p.name for p in (internal / "torch" / "bin").iterdir()] == ["torch_shm_manager"]
    assert not (internal / "torch" / "test").exists()
    assert not (internal / "torch" / "include").exists()
    assert not list(internal.rglob("_tkinter*"))
    assert not list(internal.rglob("libqvnc.so"))
    assert (internal / "torch" / "lib" / "libtorch_cpu.so").exists()
    assert (internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so").exists()
    assert (internal / "playground" / "resources" / "icon.svg").exists()
