"""The Debian package: the bundle under /opt, a launcher, a menu entry, icons and AppStream metadata.

``build_deb(bundle, out_dir, work_dir)`` lays out the package tree and runs
``dpkg-deb``.  Its Depends line is worked out from the bundle itself: every
library that a program or library in the bundle needs and that the bundle
does not carry (PyInstaller leaves glibc, OpenGL/EGL, libxcb and the Wayland
client libraries to the system) is looked up with ``dpkg-shlibdeps``, as a
Debian package build does, so it names the packages with the least versions
this bundle needs.  Tools: dpkg-deb and dpkg-shlibdeps (package dpkg-dev) and
objdump (binutils).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import appinfo  # noqa: E402

ROOT = appinfo.ROOT
RESOURCES = ROOT / "resources"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
TOOLS = {"dpkg-deb": "dpkg", "dpkg-shlibdeps": "dpkg-dev", "objdump": "binutils", "readelf": "binutils",
         "strip": "binutils", "dpkg": "dpkg"}
#: The experiment file type (shared MIME-info XML): installed for the MIME database, named in the desktop entry.
EXPERIMENT_MIME_XML = HERE / "experiment-mime.xml"
MIME_NAMESPACE = "{http://www.freedesktop.org/standards/shared-mime-info}"
#: Not found through library links but needed all the same: something to draw text with.
RECOMMENDS = "fonts-dejavu-core | fonts-freefont-ttf | fonts-liberation"


def check_tools() -> None:
    missing = sorted({pkg for tool, pkg in TOOLS.items() if shutil.which(tool) is None})
    if missing:
        raise SystemExit(f"building the .deb needs the Debian packages: {' '.join(missing)}")


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))


def needed(path: Path) -> list[str]:
    """The sonames ``path`` is linked against (its DT_NEEDED entries)."""
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)", out, re.M)


def system_libraries() -> dict[str, str]:
    """Soname -> path of the libraries the dynamic linker finds on this system (64-bit first)."""
    out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    found: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        m = re.match(r"\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)", line)
        if m and ("x86-64" in m.group(2) or "64bit" in m.group(2) or "AArch64" in m.group(2)):
            found.setdefault(m.group(1), m.group(3))
    return found


def library_needs(bundle: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(libraries left to the system, libraries nobody provides), each soname -> files needing it."""
    bundled = {p.name for p in bundle.rglob("*") if p.is_file() or p.is_symlink()}
    system = system_libraries()
    from_system: dict[str, list[str]] = {}
    missing: dict[str, list[str]] = {}
    for elf in elf_files(bundle):
        rel = str(elf.relative_to(bundle))
        for soname in needed(elf):
            if soname in bundled:
                continue
            (from_system if soname in system else missing).setdefault(soname, []).append(rel)
    return from_system, missing


def unresolved_libraries(bundle: Path) -> dict[str, list[str]]:
    """Libraries that files in the bundle need and that neither it nor this system has."""
    return library_needs(bundle)[1]


def owning_package(path: str) -> str | None:
    """The installed Debian package that holds ``path`` (either side of the /usr merge)."""
    candidates = [path, os.path.realpath(path)]
    for p in list(candidates):
        candidates.append(p[4:] if p.startswith("/usr/") else "/usr" + p)
    for p in candidates:
        out = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split(":", 1)[0].strip()
    return None


def _dependency_names(entry: str) -> set[str]:
    return {alt.split("(")[0].split(":")[0].strip() for alt in entry.split("|")}


def shlib_depends(bundle: Path) -> str:
    """The Depends line for the libraries the bundle takes from the system.

    Which packages: the owners of the libraries that the bundle's files need
    and that it does not carry itself.  Their least versions: dpkg-shlibdeps,
    from the packages' symbols files.  (dpkg-shlibdeps alone cannot say which
    libraries the bundle carries: for a bundled library it looks for a system
    copy with the same name, so its answer is kept only for those packages.)
    """
    bundle = bundle.resolve()
    from_system, missing = library_needs(bundle)
    if missing:
        raise SystemExit(f"libraries missing from the bundle and the system: {', '.join(sorted(missing))}")
    system = system_libraries()
    packages: dict[str, list[str]] = {}
    for soname in sorted(from_system):
        package = owning_package(system[soname])
        if package is None:
            raise SystemExit(f"no installed Debian package holds {system[soname]} ({soname})")
        packages.setdefault(package, []).append(soname)
    users = sorted({f for files in from_system.values() for f in files})
    private = sorted({str(p.parent) for p in bundle.rglob("*.so*")})
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "debian").mkdir()
        (Path(tmp) / "debian" / "control").write_text(
            f"Source: {appinfo.SLUG}\n\nPackage: {appinfo.SLUG}\nArchitecture: any\n", encoding="utf-8")
        cmd = ["dpkg-shlibdeps", "-O", "--ignore-missing-info", *(f"-l{d}" for d in private),
               *(str(bundle / f) for f in users)]
        out = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"dpkg-shlibdeps failed:\n{out.stderr[-4000:]}")
    m = re.search(r"^shlibs:Depends=(.*)$", out.stdout, re.M)
    versioned = [e.strip() for e in (m.group(1) if m else "").split(",") if e.strip()]
    depends = [e for e in versioned if _dependency_names(e) & set(packages)]
    covered = set().union(*(_dependency_names(e) for e in depends)) if depends else set()
    depends += [p for p in sorted(packages) if p not in covered]
    return ", ".join(sorted(depends, key=lambda e: e.split()[0]))


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()


# -- files of the package ---------------------------------------------------------
def launcher_script() -> str:
    return (
        "#!/bin/sh\n"
        f"# {appinfo.APP_NAME}: the app lives in {appinfo.LINUX_PREFIX}\n"
        f'exec {appinfo.LINUX_PREFIX}/{appinfo.SLUG} "$@"\n'
    )


def experiment_mime_type() -> str:
    """The experiment files' MIME type, as the shared MIME-info file defines it."""
    root = ElementTree.parse(EXPERIMENT_MIME_XML).getroot()
    return root.find(f"{MIME_NAMESPACE}mime-type").get("type")


def desktop_entry() -> str:
    # Exec's %f: a file manager passes the experiment file to open (`backprop-playground FILE`).
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        f"Name={appinfo.APP_NAME}",
        "GenericName=Neural network trainer",
        f"Comment={appinfo.SUMMARY}",
        f"Exec={appinfo.SLUG} %f",
        f"TryExec={appinfo.SLUG}",
        f"Icon={appinfo.APP_ID}",
        "Terminal=false",
        "Categories=Education;ComputerScience;ArtificialIntelligence;",
        "Keywords=neural;network;backpropagation;gradient;pytorch;machine learning;",
        f"MimeType={experiment_mime_type()};",
        f"StartupWMClass={appinfo.SLUG}",
        "",
    ])


def release_date() -> str:
    """The release's date: SOURCE_DATE_EPOCH when set, else the date of the checked-out commit, else today."""
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date().isoformat()
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=ROOT, capture_output=True, text=True)
        if out.returncode == 0 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", out.stdout.strip()):
            return out.stdout.strip()
    except OSError:
        pass
    return dt.date.today().isoformat()


def metainfo(version: str, date: str) -> str:
    desc = (
        "<p>Backprop Playground takes the classic PyTorch lesson on back-propagation - a "
        "two-layer network trained four ways: NumPy by hand, raw tensors with autograd, "
        "nn.Sequential with an optimizer and an nn.Module subclass - and lets you change the "
        "sizes, the learning rate, the model style and the optimizer while you watch the "
        "loss fall.</p>"
        "<p>With the same seed every style gives the same loss at every step as the lesson's "
        "own script. Classic mistakes can be switched on to see what they do.</p>"
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>{appinfo.APP_ID}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>{appinfo.LICENSE}</project_license>
  <name>{escape(appinfo.APP_NAME)}</name>
  <summary>{escape(appinfo.SUMMARY)}</summary>
  <description>
    {desc}
  </description>
  <developer id="{appinfo.APP_ID.rsplit('.', 1)[0]}">
    <name>{escape(appinfo.PUBLISHER)}</name>
  </developer>
  <launchable type="desktop-id">{appinfo.APP_ID}.desktop</launchable>
  <url type="homepage">{appinfo.HOMEPAGE}</url>
  <url type="bugtracker">{appinfo.HOMEPAGE}/issues</url>
  <categories>
    <category>Education</category>
    <category>ComputerScience</category>
  </categories>
  <content_rating type="oars-1.1"/>
  <provides>
    <binary>{appinfo.SLUG}</binary>
  </provides>
  <releases>
    <release version="{version}" date="{date}"/>
  </releases>
</component>
"""


def copyright_file() -> str:
    return f"""Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: {appinfo.SLUG}
Source: {appinfo.HOMEPAGE}

Files: *
Copyright: {appinfo.PUBLISHER}
License: Expat

Files: {appinfo.LINUX_PREFIX.lstrip('/')}/_internal/*
Copyright: the authors of each bundled component
Comment: The frozen app carries Python and the Python packages it runs on, each
 under its own licence: PyTorch (BSD-3-Clause), NumPy (BSD-3-Clause), Qt and
 PySide6 (LGPL-3), pyqtgraph (Expat), superqt (BSD-3-Clause), Pygments
 (BSD-2-Clause), Python (PSF-2.0).  Their licence files ship inside the bundle
 where the packages carry them.
License: various

License: Expat
 Permission is hereby granted, free of charge, to any person obtaining a copy
 of this software and associated documentation files (the "Software"), to deal
 in the Software without restriction, including without limitation the rights
 to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 copies of the Software, and to permit persons to whom the Software is
 furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in
 all copies or substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 SOFTWARE.
"""


def control_file(version: str, arch: str, depends: str, installed_kib: int) -> str:
    return "\n".join([
        f"Package: {appinfo.SLUG}",
        f"Version: {version}",
        f"Architecture: {arch}",
        f"Maintainer: {appinfo.PUBLISHER} <noreply@users.noreply.github.com>",
        f"Installed-Size: {installed_kib}",
        f"Depends: {depends}",
        f"Recommends: {RECOMMENDS}",
        "Section: education",
        "Priority: optional",
        f"Homepage: {appinfo.HOMEPAGE}",
        f"Description: {appinfo.SUMMARY.lower()[0] + appinfo.SUMMARY[1:]}",
        " Backprop Playground trains the classic PyTorch lesson's two-layer network",
        " four ways (NumPy by hand, raw tensors with autograd, nn.Sequential with an",
        " optimizer, an nn.Module subclass) and shows the loss, the gradients and the",
        " weights as they change.  It ships its own Python, PyTorch (CPU) and Qt.",
        "",
    ])


def _write(path: Path, text: str | bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    path.chmod(mode)


def _link_or_copy(src: str, dst: str) -> None:
    """Hard-link a bundle file into the package tree (600 MB not copied); copy across file systems."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _normalise_modes(root: Path) -> None:
    """Directories 755; files 755 when anyone may run them, else 644 (as dpkg expects)."""
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            p = Path(dirpath) / d
            if not p.is_symlink():
                p.chmod(0o755)
        for f in filenames:
            p = Path(dirpath) / f
            if p.is_symlink():
                continue
            executable = p.stat().st_mode & stat.S_IXUSR
            p.chmod(0o755 if executable else 0o644)
    root.chmod(0o755)


def layout(bundle: Path, root: Path, version: str) -> None:
    """The package's file tree under ``root`` (without DEBIAN/)."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / appinfo.LINUX_PREFIX.lstrip("/"), symlinks=True, copy_function=_link_or_copy)
    usr = root / "usr"
    _write(usr / "bin" / appinfo.SLUG, launcher_script(), 0o755)
    _write(usr / "share" / "applications" / f"{appinfo.APP_ID}.desktop", desktop_entry())
    _write(usr / "share" / "metainfo" / f"{appinfo.APP_ID}.metainfo.xml", metainfo(version, release_date()))
    # dpkg's trigger on usr/share/mime/packages runs update-mime-database on install
    _write(usr / "share" / "mime" / "packages" / f"{appinfo.APP_ID}.xml", EXPERIMENT_MIME_XML.read_bytes())
    icons = usr / "share" / "icons" / "hicolor"
    for size in ICON_SIZES:
        _write(icons / f"{size}x{size}" / "apps" / f"{appinfo.APP_ID}.png",
               (RESOURCES / f"icon-{size}.png").read_bytes())
    _write(icons / "scalable" / "apps" / f"{appinfo.APP_ID}.svg", (RESOURCES / "icon.svg").read_bytes())
    _write(usr / "share" / "doc" / appinfo.SLUG / "copyright", copyright_file())
    _normalise_modes(root)


#: dpkg-deb compressors: xz makes the smallest download (release builds); zstd is many
#: times faster to build at ~15% more size (quick CI builds).  Every system whose glibc
#: can run the bundle (Debian 12, Ubuntu 22.04 and later) reads both.
COMPRESSION = {"xz": ["-Zxz", "-z6"], "zstd": ["-Zzstd", "-z10"]}


def build_deb(bundle: Path, out_dir: Path, work: Path, depends: str | None = None,
              compression: str = "xz") -> Path:
    check_tools()
    version = appinfo.version()
    arch = architecture()
    root = work / "root"
    layout(bundle, root, version)
    (root / "DEBIAN").mkdir()  # dpkg-shlibdeps finds the package root (for $ORIGIN) by it
    if depends is None:
        depends = shlib_depends(root / appinfo.LINUX_PREFIX.lstrip("/"))
    installed_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    _write(root / "DEBIAN" / "control", control_file(version, arch, depends, installed_kib))
    (root / "DEBIAN").chmod(0o755)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{appinfo.SLUG}_{version}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", *COMPRESSION[compression], "--build", str(root), str(deb)],
                   check=True)
    return deb


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(description="make the .deb from a PyInstaller bundle")
    p.add_argument("bundle", type=Path)
    p.add_argument("--out", type=Path, default=ROOT / "dist")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    p.add_argument("--compression", choices=sorted(COMPRESSION), default="xz")
    args = p.parse_args()
    print(build_deb(args.bundle.resolve(), args.out.resolve(), args.work.resolve(), compression=args.compression))
