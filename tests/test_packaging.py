"""Quick checks of the packaging sources: icons, trimming rules, the .deb's files, installer scripts.

The slow end-to-end build (bundle, .deb, self-test of the unpacked package) is
in test_packaging_build.py.  Tools from Debian packages (desktop-file-validate,
appstreamcli, dpkg-deb, yamllint, shellcheck) are used where installed; .ci/run
installs them.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
RESOURCES = ROOT / "resources"
sys.path.insert(0, str(PACKAGING))
sys.path.insert(0, str(PACKAGING / "linux"))

import appinfo  # noqa: E402
import make_deb  # noqa: E402
import make_icons  # noqa: E402
import trim  # noqa: E402


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it)")
    return path


# -- app information ---------------------------------------------------------------
def test_packaging_version_is_the_apps_version():
    import playground

    assert appinfo.version() == playground.__version__


def test_app_id_is_reverse_dns_and_the_apps_own():
    import playground

    assert re.fullmatch(r"[a-z]+(\.[A-Za-z0-9_]+){2,}", appinfo.APP_ID)
    assert appinfo.APP_ID == playground.APP_ID  # the window's desktop file name is the .desktop file's


# -- icon ------------------------------------------------------------------------------
def _qimage(data: bytes, fmt: str | None = None):
    from PySide6.QtGui import QImage

    image = QImage()
    assert image.loadFromData(data, fmt) if fmt else image.loadFromData(data)
    return image


def test_icon_svg_is_valid_and_square(qapp):
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(RESOURCES / "icon.svg"))
    assert renderer.isValid()
    size = renderer.defaultSize()
    assert size.width() == size.height() == 256


@pytest.mark.parametrize("size", make_icons.PNG_SIZES)
def test_committed_png_has_its_size_and_matches_the_svg(qapp, size):
    """The committed images are the SVG's current rendering (regenerate with make_icons.py)."""
    committed = _qimage((RESOURCES / f"icon-{size}.png").read_bytes())
    assert (committed.width(), committed.height()) == (size, size)
    fresh = _qimage(make_icons.render_png(RESOURCES / "icon.svg", size))
    step = max(1, size // 32)
    diffs = []
    for y in range(0, size, step):
        for x in range(0, size, step):
            a, b = committed.pixelColor(x, y), fresh.pixelColor(x, y)
            diffs.append(abs(a.red() - b.red()) + abs(a.green() - b.green())
                         + abs(a.blue() - b.blue()) + abs(a.alpha() - b.alpha()))
    assert sum(diffs) / len(diffs) < 8, "resources/icon-*.png are stale: run packaging/make_icons.py"


def test_ico_holds_every_size_as_png_and_qt_reads_it(qapp):
    data = (RESOURCES / "icon.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    sizes = []
    for i in range(count):
        w, h, _c, _r, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert (planes, bits) == (1, 32)
        payload = data[offset:offset + length]
        assert payload.startswith(b"\x89PNG")
        image = _qimage(payload, "PNG")
        assert image.width() == (w or 256) == (h or 256)
        sizes.append(image.width())
    assert sizes == sorted(make_icons.ICO_SIZES)
    assert not _qimage(data, "ICO").isNull()


def test_icns_holds_every_element_and_its_length_adds_up(qapp):
    data = (RESOURCES / "icon.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack_from(">I", data, 4)[0] == len(data)
    pos, kinds = 8, {}
    while pos < len(data):
        kind, length = data[pos:pos + 4], struct.unpack_from(">I", data, pos + 4)[0]
        kinds[kind] = _qimage(data[pos + 8:pos + length], "PNG").width()
        pos += length
    assert pos == len(data)
    assert kinds == {k: s for k, s in make_icons.ICNS_TYPES}


def test_make_icons_writes_every_file(qapp, tmp_path):
    written = make_icons.make_icons(tmp_path)
    names = {p.name for p in written}
    assert names == {f"icon-{s}.png" for s in make_icons.PNG_SIZES} | {"icon.ico", "icon.icns"}
    assert all(p.stat().st_size > 100 for p in written)


def test_icon_files_are_installed_with_the_package():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for pattern in ("*.svg", "*.png", "*.ico", "*.icns"):
        assert f'"{pattern}"' in text


# -- trimming rules ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "torch/bin/test_api", "torch/bin/protoc", "torch/test/Dict_test", "torch/include/ATen/ATen.h", "torch/share/cmake/Torch/TorchConfig.cmake",
        "torch/lib/libjitbackend_test.so", "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/imageformats/libqpdf.so",
        "PySide6/Qt/lib/libQt6Pdf.so.6", "numpy/_core/include/numpy/ndarraytypes.h", "PySide6/QtCore.pyi",
        "PySide6\\plugins\\imageformats\\qpdf.dll",
    ],
)
def test_trim_drops_what_the_app_never_uses(path):
    assert trim.matching_rule(path) is not None


@pytest.mark.parametrize(
    "path",
    [
        "torch/bin/torch_shm_manager", "torch/lib/libtorch_cpu.so", "torch/lib/libtorch_python.so", "torch/lib/libc10.so", "torch/lib/libgomp.so.1",
        "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so", "PySide6/Qt/lib/libQt6Svg.so.6",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6", "PySide6/Qt/lib/libQt6WaylandClient.so.6",
        "playground/resources/icon.svg", "pyqtgraph/icons/auto.png", "PySide6/plugins/platforms/qwindows.dll",
        "numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so", "torch/_C.cpython-311-x86_64-linux-gnu.so",
    ],
)
def test_trim_keeps_what_the_app_needs(path):
    assert trim.matching_rule(path) is None


def test_trim_records_what_it_drops_with_sizes(tmp_path):
    big = tmp_path / "test_api"
    big.write_bytes(b"x" * 1000)
    keep = tmp_path / "libc10.so"
    keep.write_bytes(b"y")
    removed: list[dict] = []
    toc = [("torch/bin/test_api", str(big), "BINARY"), ("torch/lib/libc10.so", str(keep), "BINARY")]
    assert trim.trim(toc, removed) == [toc[1]]
    summary = trim.summarise(removed)
    assert summary["files"] == 1 and summary["bytes"] == 1000
    assert summary["by_reason"][0]["why"].startswith("torch's C++ test programs")


def test_system_libraries_are_left_to_the_system_only_when_they_came_from_it():
    removed: list[dict] = []
    toc = [
        ("libxcb-cursor.so.0", "/usr/lib/x86_64-linux-gnu/libxcb-cursor.so.0", "BINARY"),
        ("libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "BINARY"),
        ("libX11.so.6", "/usr/lib/x86_64-linux-gnu/libX11.so.6", "BINARY"),
        ("libssl.so.3", "/usr/lib/x86_64-linux-gnu/libssl.so.3", "BINARY"),  # stays: not desktop stack
        ("libfreetype.so.6", "/opt/venv/lib/libfreetype.so.6", "BINARY"),  # stays: not the system's
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/venv/PySide6/Qt/lib/libQt6XcbQpa.so.6", "BINARY"),
    ]
    kept = trim.leave_to_system(toc, removed)
    assert [e[0] for e in kept] == ["libssl.so.3", "libfreetype.so.6", "PySide6/Qt/lib/libQt6XcbQpa.so.6"]
    assert {r["path"] for r in removed} == {"libxcb-cursor.so.0", "libstdc++.so.6", "libX11.so.6"}
    assert all(r["kind"] == "system" for r in removed)
    summary = trim.summarise(removed)
    assert summary["files"] == 0 and summary["system_files"] == 3


def test_prune_orphans_follows_needed_libraries_and_drops_the_rest():
    needs = {
        "/x/QtGui.abi3.so": ["libQt6Gui.so.6"],
        "/x/libQt6Gui.so.6": ["libpng16.so.16", "libc.so.6"],
        "/x/libpng16.so.16": ["libz.so.1"],
        "/x/libz.so.1": [],
        "/x/libcairo.so.2": ["libpixman-1.so.0"],  # only a trimmed plugin needed it
        "/x/libpixman-1.so.0": [],
        "/x/libQt6Pdf.so.6": [],
    }
    binaries = [
        ("PySide6/QtGui.abi3.so", "/x/QtGui.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/x/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", "/x/libQt6Pdf.so.6", "BINARY"),
        ("libpng16.so.16", "/x/libpng16.so.16", "BINARY"),
        ("libz.so.1", "/x/libz.so.1", "BINARY"),
        ("libcairo.so.2", "/x/libcairo.so.2", "BINARY"),
        ("libpixman-1.so.0", "/x/libpixman-1.so.0", "BINARY"),
    ]
    datas = [
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6Pdf.so.6", "PySide6/Qt/lib/libQt6Pdf.so.6", "SYMLINK"),
        ("pyqtgraph/icons/auto.png", "/x/auto.png", "DATA"),
    ]
    removed: list[dict] = []
    kept_bins, kept_datas = trim.prune_orphans(binaries, datas, removed, needed=lambda src: needs[src])
    assert [e[0] for e in kept_bins] == ["PySide6/QtGui.abi3.so", "PySide6/Qt/lib/libQt6Gui.so.6",
                                         "libpng16.so.16", "libz.so.1"]
    assert [e[0] for e in kept_datas] == ["libQt6Gui.so.6", "pyqtgraph/icons/auto.png"]
    assert {r["path"] for r in removed} == {"PySide6/Qt/lib/libQt6Pdf.so.6", "libcairo.so.2",
                                           "libpixman-1.so.0", "libQt6Pdf.so.6"}


def test_no_excluded_module_is_imported_by_a_self_test_run():
    """Every module the app loads while training, drawing and opening its window stays in the bundle."""
    code = (
        "import json, sys\n"
        "from playground import selftest\n"
        "test = selftest.SelfTest(require_gui=True)\n"
        "test.run_all()\n"
        "print(json.dumps({'failed': [c.name for c in test.checks if c.status != 'passed'],"
        " 'modules': sorted(sys.modules)}))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["failed"] == []
    loaded = set(result["modules"])
    assert "torch" in loaded and "playground.gui.app" in loaded
    excluded = [m for m in loaded for e in trim.EXCLUDED_MODULES if m == e or m.startswith(e + ".")]
    assert excluded == []


def test_trim_excludes_tkinter_and_no_module_the_app_imports():
    assert "tkinter" in trim.EXCLUDED_MODULES
    used = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg", "torch", "numpy",
            "pyqtgraph", "superqt", "pygments", "torch.optim", "torch.nn"}
    assert not used & set(trim.EXCLUDED_MODULES)
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "playground").rglob("*.py"))
    for module in trim.EXCLUDED_MODULES:
        assert not re.search(rf"^\s*(from|import)\s+{re.escape(module)}\b", sources, re.M), module


def test_spec_and_entry_point_compile():
    compile((PACKAGING / "backprop-playground.spec").read_text(encoding="utf-8"), "spec", "exec")
    entry = (PACKAGING / "entry.py").read_text(encoding="utf-8")
    compile(entry, "entry.py", "exec")
    assert "from playground.cli import main" in entry


def test_build_script_refuses_another_os(capsys):
    import build

    other = "windows" if sys.platform.startswith("linux") else "linux"
    with pytest.raises(SystemExit) as exc:
        build.main([other, "--no-install"])
    assert "this is" in str(exc.value)


def test_build_requirements_are_pinned():
    lines = [ln for ln in (PACKAGING / "requirements-build.txt").read_text().splitlines()
             if ln and not ln.startswith("#")]
    assert {ln.split("==")[0] for ln in lines} == {"pyinstaller", "pyinstaller-hooks-contrib"}
    assert all(re.fullmatch(r"[\w-]+==[\w.]+", ln) for ln in lines)


# -- the .deb's files --------------------------------------------------------------------
def test_desktop_entry_validates_and_names_the_launcher_and_icon(tmp_path):
    path = tmp_path / f"{appinfo.APP_ID}.desktop"
    path.write_text(make_deb.desktop_entry(), encoding="utf-8")
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(path)
    d = entry["Desktop Entry"]
    assert d["Exec"].split()[0] == appinfo.SLUG and d["Icon"] == appinfo.APP_ID
    assert d["Terminal"] == "false"
    out = subprocess.run([need_tool("desktop-file-validate"), str(path)], capture_output=True, text=True)
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_desktop_entry_passes_the_file_and_claims_the_experiment_type():
    """A double-clicked experiment reaches `backprop-playground FILE` (%f: one local path)."""
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read_string(make_deb.desktop_entry())
    d = entry["Desktop Entry"]
    assert d["Exec"] == f"{appinfo.SLUG} %f"
    assert d["MimeType"].endswith(";")
    assert [t for t in d["MimeType"].split(";") if t] == ["application/x-backprop-playground-experiment"]
    assert make_deb.experiment_mime_type() == "application/x-backprop-playground-experiment"


def _mime_types() -> list:
    import xml.etree.ElementTree as ET

    root = ET.parse(make_deb.EXPERIMENT_MIME_XML).getroot()
    assert root.tag == f"{make_deb.MIME_NAMESPACE}mime-info"
    return root.findall(f"{make_deb.MIME_NAMESPACE}mime-type")


def test_experiment_mime_file_parses_and_names_the_glob():
    ns = make_deb.MIME_NAMESPACE
    (mime,) = _mime_types()
    assert mime.get("type") == make_deb.experiment_mime_type()
    assert [g.get("pattern") for g in mime.findall(f"{ns}glob")] == ["*.bpexp.json"]
    assert [c.get("type") for c in mime.findall(f"{ns}sub-class-of")] == ["application/json"]
    assert mime.findtext(f"{ns}comment") == f"{appinfo.APP_NAME} experiment"


def test_update_mime_database_reads_the_glob_and_the_parent_type(tmp_path):
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(make_deb.EXPERIMENT_MIME_XML, packages / f"{appinfo.APP_ID}.xml")
    out = subprocess.run([need_tool("update-mime-database"), str(tmp_path / "mime")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    mime_type = make_deb.experiment_mime_type()
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8").splitlines()
    assert f"50:{mime_type}:*.bpexp.json" in globs
    assert f"{mime_type} application/json" in (tmp_path / "mime" / "subclasses").read_text(encoding="utf-8")


def test_the_save_dialog_offers_a_name_the_mime_glob_matches(qtbot, monkeypatch):
    """What the app saves is what a file manager opens with it."""
    import fnmatch

    from playground.gui import main_window
    from playground.gui.settings import Settings

    asked: list[tuple] = []
    monkeypatch.setattr(main_window.QFileDialog, "getSaveFileName", lambda *args: asked.append(args) or ("", ""))
    window = main_window.MainWindow(Settings())
    qtbot.addWidget(window)
    window.save_experiment_dialog()
    (_parent, _title, name, filters), = asked
    (mime,) = _mime_types()
    glob = mime.find(f"{make_deb.MIME_NAMESPACE}glob").get("pattern")
    assert name == "experiment.bpexp.json" and fnmatch.fnmatch(name, glob)
    assert glob in filters


def test_metainfo_validates(tmp_path):
    path = tmp_path / f"{appinfo.APP_ID}.metainfo.xml"
    path.write_text(make_deb.metainfo("1.2.3", "2026-01-31"), encoding="utf-8")
    out = subprocess.run([need_tool("appstreamcli"), "validate", "--no-net", "--explain", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"<launchable type=\"desktop-id\">{appinfo.APP_ID}.desktop</launchable>" in path.read_text()


def test_launcher_is_valid_sh_and_runs_the_bundle(tmp_path):
    script = tmp_path / "launcher"
    script.write_text(make_deb.launcher_script(), encoding="utf-8")
    assert subprocess.run(["sh", "-n", str(script)]).returncode == 0
    assert f'exec {appinfo.LINUX_PREFIX}/{appinfo.SLUG} "$@"' in script.read_text()


def test_control_file_is_well_formed():
    text = make_deb.control_file("0.1.0", "amd64", "libc6 (>= 2.34), libegl1", 123456)
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", text, re.M))
    assert fields["Package"] == appinfo.SLUG and fields["Version"] == "0.1.0"
    assert fields["Depends"] == "libc6 (>= 2.34), libegl1"
    assert fields["Installed-Size"] == "123456" and fields["Section"] == "education"
    description = text.split("Description: ", 1)[1].splitlines()
    assert len(description[0]) < 80 and all(line.startswith(" ") for line in description[1:])


def _fake_bundle(folder: Path) -> Path:
    bundle = folder / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    exe = bundle / appinfo.SLUG
    exe.write_text("#!/bin/sh\necho frozen\n")
    exe.chmod(0o700)
    (bundle / "_internal" / "data.txt").write_text("x")
    (bundle / "_internal" / "link.txt").symlink_to("data.txt")
    return bundle


def test_deb_layout_installs_bundle_launcher_menu_entry_icons_metainfo_and_mime_type(tmp_path):
    need_tool("dpkg-deb")
    deb = make_deb.build_deb(_fake_bundle(tmp_path), tmp_path / "out", tmp_path / "work", depends="libc6")
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    entries = {}
    for line in listing.splitlines():
        parts = line.split()
        entries[parts[5].lstrip(".")] = (parts[0], parts[1])
    prefix = appinfo.LINUX_PREFIX
    assert entries[f"{prefix}/{appinfo.SLUG}"] == ("-rwxr-xr-x", "root/root")
    assert entries[f"{prefix}/_internal/data.txt"][0] == "-rw-r--r--"
    assert entries[f"{prefix}/_internal/link.txt"][0].startswith("l")
    assert entries[f"/usr/bin/{appinfo.SLUG}"][0] == "-rwxr-xr-x"
    for path in (f"/usr/share/applications/{appinfo.APP_ID}.desktop",
                 f"/usr/share/metainfo/{appinfo.APP_ID}.metainfo.xml",
                 f"/usr/share/mime/packages/{appinfo.APP_ID}.xml",
                 f"/usr/share/icons/hicolor/scalable/apps/{appinfo.APP_ID}.svg",
                 f"/usr/share/icons/hicolor/48x48/apps/{appinfo.APP_ID}.png",
                 f"/usr/share/icons/hicolor/256x256/apps/{appinfo.APP_ID}.png",
                 f"/usr/share/doc/{appinfo.SLUG}/copyright"):
        assert path in entries, path
    info = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Depends", "Architecture"],
                          capture_output=True, text=True, check=True).stdout
    assert f"Package: {appinfo.SLUG}" in info and "Depends: libc6" in info


def test_library_needs_sorts_bundled_system_and_missing(tmp_path, monkeypatch):
    bundle = tmp_path / "b"
    (bundle / "lib").mkdir(parents=True)
    for name in ("app", "lib/libown.so.1"):
        (bundle / name).write_bytes(b"\x7fELF fake")
    monkeypatch.setattr(make_deb, "needed", lambda p: ["libown.so.1", "libc.so.6", "libnowhere.so.9"])
    monkeypatch.setattr(make_deb, "system_libraries", lambda: {"libc.so.6": "/lib/libc.so.6"})
    from_system, missing = make_deb.library_needs(bundle)
    assert set(from_system) == {"libc.so.6"} and set(missing) == {"libnowhere.so.9"}
    assert sorted(missing["libnowhere.so.9"]) == ["app", "lib/libown.so.1"]


# -- Windows and macOS scripts -------------------------------------------------------------
def _iss_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[(\w+)\]", line)
        if m:
            current = m.group(1)
            assert current not in sections, f"section [{current}] twice"
            sections[current] = []
        else:
            assert current is not None, f"line outside a section: {line}"
            sections[current].append(line)
    return sections


def test_inno_script_is_per_user_with_shortcuts_and_an_uninstaller():
    text = (PACKAGING / "windows" / "backprop-playground.iss").read_text(encoding="utf-8")
    sections = _iss_sections(text)
    assert set(sections) == {"Setup", "Languages", "Tasks", "InstallDelete", "Files", "Icons", "Run"}
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["OutputBaseFilename"] == "{#AppSlug}-{#AppVersion}-windows-x64-setup"
    assert "Uninstallable" not in setup or setup["Uninstallable"] == "yes"
    assert setup["SetupIconFile"] == "{#IconFile}"
    icons = sections["Icons"]
    assert any(line.startswith('Name: "{autoprograms}') for line in icons)
    desktop = [line for line in icons if line.startswith('Name: "{autodesktop}')]
    assert desktop and "Tasks: desktopicon" in desktop[0]
    assert "Flags: unchecked" in sections["Tasks"][0]
    # every {#Name} used is defined, and every #if has its #endif
    defined = set(re.findall(r"#define\s+(\w+)", text))
    used = set(re.findall(r"\{#(?:StringChange\()?(\w+)", text))
    assert used <= defined, used - defined
    assert text.count("#ifndef") == text.count("#endif")
    for line in sections["Files"] + sections["Icons"] + sections["Run"] + sections["Tasks"]:
        # Inno's "Param: value; Param: value" lines: quotes balanced in each
        assert line.count('"') % 2 == 0, line


def test_inno_script_matches_the_names_the_build_uses():
    import build

    text = (PACKAGING / "windows" / "backprop-playground.iss").read_text(encoding="utf-8")
    assert f'#define AppName "{appinfo.APP_NAME}"' in text
    assert f'#define AppSlug "{appinfo.SLUG}"' in text
    assert f'#define AppExe "{appinfo.APP_NAME}.exe"' in text
    source = Path(build.__file__).read_text(encoding="utf-8")
    assert "-windows-x64-setup.exe" in source


def test_dmg_script_is_valid_bash():
    script = PACKAGING / "macos" / "make_dmg.sh"
    assert os.access(script, os.X_OK)
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    text = script.read_text()
    assert "hdiutil create" in text and "/Applications" in text


def test_dmg_script_passes_shellcheck():
    out = subprocess.run([need_tool("shellcheck"), str(PACKAGING / "macos" / "make_dmg.sh")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_ci_run_is_valid_bash():
    assert subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")]).returncode == 0


# -- release workflow ------------------------------------------------------------------------
def _load_yaml(path: Path):
    try:
        import yaml
    except ImportError:
        system = Path("/usr/bin/python3")
        if not system.exists():
            pytest.skip("no YAML parser")
        code = "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
        out = subprocess.run([str(system), "-c", code, str(path)], capture_output=True, text=True)
        if out.returncode != 0 and "No module named" in out.stderr:
            pytest.skip("no YAML parser (python3-yaml)")
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def test_release_workflow_passes_yamllint():
    config = "{extends: default, rules: {line-length: {max: 140}, document-start: disable, truthy: {check-keys: false}}}"
    out = subprocess.run([need_tool("yamllint"), "-d", config, str(WORKFLOW)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_release_workflow_builds_installs_and_self_tests_on_each_os():
    wf = _load_yaml(WORKFLOW)
    # YAML 1.1 reads the key `on` as true (and JSON then spells it "true")
    trigger = wf.get("on") or wf.get(True) or wf.get("true")
    assert trigger["push"]["tags"] == ["v*"]
    build = wf["jobs"]["build"]
    targets = {m["target"]: m["os"] for m in build["strategy"]["matrix"]["include"]}
    assert targets["linux"] == "ubuntu-22.04"
    assert targets["windows"].startswith("windows") and targets["macos"].startswith("macos")
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert "packaging/build.py ${{ matrix.target }}" in runs
    for installed in ("apt-get install -y -q ./dist/*.deb", "-setup.exe", "hdiutil attach"):
        assert installed in runs
    assert runs.count("--self-test") >= 5
    for step in build["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]
    release = wf["jobs"]["release"]
    assert release["needs"] == "build" and release["permissions"] == {"contents": "write"}
    assert "gh release" in "\n".join(step.get("run", "") for step in release["steps"])


def test_the_application_names_its_desktop_file(qapp, monkeypatch):
    """Wayland matches a window to its .desktop file (icon, name) by the desktop file name."""
    import playground
    from playground.gui import app as app_module
    from playground.gui import i18n

    monkeypatch.setattr(i18n, "install_translator", lambda *_: None)
    app = app_module._application(None)
    assert app is qapp
    assert app.desktopFileName() == playground.APP_ID == appinfo.APP_ID
    assert app.applicationName() == appinfo.APP_NAME
