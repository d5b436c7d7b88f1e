"""Build the frozen app and its installer: ``python packaging/build.py linux|windows|macos``.

Run it with the Python of the environment whose packages are to be frozen (the
project's virtual environment with the CPU build of torch).  Steps:

1. install PyInstaller and its community hooks at the pinned versions of
   ``packaging/requirements-build.txt`` (skip with ``--no-install``);
2. install the project, not editable, into ``build/stage`` so the bundle gets
   the layout of a normal install;
3. run PyInstaller on ``packaging/backprop-playground.spec`` into ``dist/``
   (one folder, trimmed by ``packaging/trim.py``);
4. Linux: check that every library in the bundle finds the libraries it needs,
   then make the .deb (``packaging/linux/make_deb.py``); Windows: the Inno Setup
   installer (``ISCC.exe``); macOS: the .dmg (``packaging/macos/make_dmg.sh``);
5. with ``--self-test``: run the bundled program's ``--self-test``.

Everything comes from PyPI and the system's own packages.  A summary with
sizes and times is written to ``dist/build-summary-<os>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import appinfo  # noqa: E402

TARGETS = {"linux": "linux", "windows": "win32", "macos": "darwin"}


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def tree_size(path: Path) -> tuple[int, int]:
    """Bytes and files under ``path``, symbolic links not followed."""
    total = files = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
            files += 1
    return total, files


def install_build_requirements() -> None:
    run([sys.executable, "-m", "pip", "install", "-q", "-r", HERE / "requirements-build.txt"])


def stage_project(stage: Path) -> None:
    """The project installed (not editable) into ``stage``, without its dependencies."""
    shutil.rmtree(stage, ignore_errors=True)
    run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
         "--target", stage, ROOT])


def freeze(stage: Path, dist: Path, work: Path, trim_report: Path) -> Path:
    env = dict(os.environ, BPP_STAGE=str(stage), BPP_TRIM_REPORT=str(trim_report),
               # the staged copy wins over an editable install of the same project
               PYTHONPATH=os.pathsep.join([str(stage), *filter(None, [os.environ.get("PYTHONPATH")])]))
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", dist, "--workpath", work, HERE / "backprop-playground.spec"], env=env, cwd=ROOT)
    bundle = dist / appinfo.SLUG
    if not bundle.is_dir():
        raise SystemExit(f"PyInstaller made no {bundle}")
    return bundle


def strip_libraries(bundle: Path) -> tuple[int, int]:
    """Remove symbol tables and debug information from the bundle's shared libraries (Linux).

    ``strip --strip-unneeded`` keeps the dynamic symbols that loading needs; the
    program itself is left alone (PyInstaller appends its archive to it), and so
    are libraries that auditwheel patched (``*.libs/``), which strip can break.
    Returns (bytes saved, files stripped).
    """
    import make_deb

    saved = count = 0
    for path in make_deb.elf_files(bundle / "_internal"):
        rel = path.relative_to(bundle).as_posix()
        if ".libs/" in rel:
            continue
        sections = subprocess.run(["readelf", "-S", "-W", str(path)], capture_output=True, text=True).stdout
        if ".symtab" not in sections and ".debug_" not in sections:
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-unneeded", "-p", str(path)], check=True)
        saved += before - path.stat().st_size
        count += 1
    return saved, count


def bundled_program(bundle: Path, target: str, dist: Path) -> Path:
    """The program that runs the command line and --self-test."""
    if target == "windows":
        return bundle / f"{appinfo.SLUG}.exe"
    if target == "macos":
        return dist / f"{appinfo.APP_NAME}.app" / "Contents" / "MacOS" / appinfo.APP_NAME
    return bundle / appinfo.SLUG


def self_test(program: Path, report: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.perf_counter()
    run([program, "--self-test", "--report", report], env=env)
    return time.perf_counter() - start


def build_windows_installer(bundle: Path, dist: Path) -> Path:
    iscc = shutil.which("iscc") or shutil.which("ISCC")
    for guess in (r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe", r"C:\Program Files\Inno Setup 6\ISCC.exe"):
        if not iscc and Path(guess).is_file():
            iscc = guess
    if not iscc:
        raise SystemExit("Inno Setup 6 (ISCC.exe) is needed: https://jrsoftware.org/isinfo.php")
    version = appinfo.version()
    run([iscc, f"/DAppVersion={version}", f"/DBundleDir={bundle}", f"/DOutputDir={dist}",
         f"/DIconFile={ROOT / 'resources' / 'icon.ico'}", HERE / "windows" / "backprop-playground.iss"])
    return dist / f"{appinfo.SLUG}-{version}-windows-x64-setup.exe"


def build_dmg(dist: Path) -> Path:
    app = dist / f"{appinfo.APP_NAME}.app"
    dmg = dist / f"{appinfo.SLUG}-{appinfo.version()}-macos-{platform.machine()}.dmg"
    run(["bash", HERE / "macos" / "make_dmg.sh", app, dmg, appinfo.APP_NAME])
    return dmg


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("target", choices=sorted(TARGETS), help="the OS to build for: the one this runs on")
    p.add_argument("--no-install", action="store_true", help="use the PyInstaller already installed")
    p.add_argument("--no-installer", action="store_true", help="stop after the bundle (no .deb/.exe/.dmg)")
    p.add_argument("--self-test", action="store_true", help="run the bundled program's --self-test at the end")
    p.add_argument("--compression", choices=("xz", "zstd"), default="xz",
                   help="Linux: the .deb's compressor (xz: smallest, for releases; zstd: fast, for CI)")
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    p.add_argument("--work", type=Path, default=ROOT / "build", help="scratch folder (default build/)")
    args = p.parse_args(argv)

    if not sys.platform.startswith(TARGETS[args.target]):
        raise SystemExit(f"build {args.target} on {args.target}: this is {sys.platform}")
    dist, work = args.dist.resolve(), args.work.resolve()
    summary: dict = {"target": args.target, "version": appinfo.version(), "python": platform.python_version(),
                     "machine": platform.machine(), "seconds": {}}
    t_all = time.perf_counter()

    if not args.no_install:
        install_build_requirements()
    import PyInstaller  # noqa: F401 - fail early when missing
    import torch

    summary["pyinstaller"] = PyInstaller.__version__
    summary["torch"] = torch.__version__
    if args.target == "linux":
        sys.path.insert(0, str(HERE / "linux"))
        import make_deb

        make_deb.check_tools()

    t = time.perf_counter()
    stage = work / "stage"
    stage_project(stage)
    summary["seconds"]["stage"] = round(time.perf_counter() - t, 1)

    t = time.perf_counter()
    trim_report = work / "trim-report.json"
    bundle = freeze(stage, dist, work / "pyinstaller", trim_report)
    summary["seconds"]["pyinstaller"] = round(time.perf_counter() - t, 1)
    if args.target == "linux":
        t = time.perf_counter()
        saved, count = strip_libraries(bundle)
        summary["stripped"] = {"bytes": saved, "files": count}
        summary["seconds"]["strip"] = round(time.perf_counter() - t, 1)
        log(f"stripping symbols saved {saved / 2**20:.0f} MiB in {count} libraries")
    size, files = tree_size(bundle)
    trimmed = json.loads(trim_report.read_text(encoding="utf-8"))
    summary["bundle"] = {"path": str(bundle), "bytes": size, "files": files}
    summary["trimmed"] = {"bytes": trimmed["bytes"], "files": trimmed["files"],
                          "by_reason": trimmed["by_reason"][:12]}
    summary["left_to_system"] = {"bytes": trimmed.get("system_bytes", 0), "files": trimmed.get("system_files", 0)}
    log(f"bundle {bundle}: {size / 2**20:.0f} MiB in {files} files; "
        f"trimming saved {trimmed['bytes'] / 2**20:.0f} MiB in {trimmed['files']} files")

    installer = None
    if args.target == "linux":
        t = time.perf_counter()
        missing = make_deb.unresolved_libraries(bundle)
        if missing:
            raise SystemExit("bundle libraries need what neither the bundle nor this system has:\n"
                             + "\n".join(f"  {lib} (needed by {', '.join(by[:3])})" for lib, by in missing.items()))
        if not args.no_installer:
            installer = make_deb.build_deb(bundle, dist, work / "deb", compression=args.compression)
        summary["seconds"]["deb"] = round(time.perf_counter() - t, 1)
    elif not args.no_installer:
        t = time.perf_counter()
        installer = build_windows_installer(bundle, dist) if args.target == "windows" else build_dmg(dist)
        summary["seconds"]["installer"] = round(time.perf_counter() - t, 1)
    if installer is not None:
        summary["installer"] = {"path": str(installer), "bytes": installer.stat().st_size}
        if args.target == "linux":
            summary["installer"]["compression"] = args.compression
        log(f"installer {installer}: {installer.stat().st_size / 2**20:.0f} MiB")

    if args.self_test:
        seconds = self_test(bundled_program(bundle, args.target, dist), work / "self-test-bundle.json")
        summary["seconds"]["self_test"] = round(seconds, 1)
    summary["seconds"]["total"] = round(time.perf_counter() - t_all, 1)
    dist.mkdir(parents=True, exist_ok=True)
    out = dist / f"build-summary-{args.target}.json"
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    log(f"done in {summary['seconds']['total']:.0f} s; summary: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
