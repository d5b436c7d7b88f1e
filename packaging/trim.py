"""What the frozen app leaves out: files PyInstaller's hooks collect that the app never uses.

The spec filters the Analysis' binaries and data files through :func:`trim`
and records what it removed in ``build/trim-report.json`` (``build.py`` adds
the totals to its summary).  Rules match the path a file will have inside the
bundle, with ``/`` separators on every OS, by :func:`fnmatch.fnmatch`.
Everything removed here must stay unused: the self-test runs on the result.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: Python modules never imported by the app (PyInstaller's ``excludes``).
EXCLUDED_MODULES = (
    # no Tk anywhere
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib",
    # Qt modules nothing imports (pyqtgraph does import QtOpenGL, QtOpenGLWidgets and QtTest)
    "PySide6.QtNetwork",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtDBus",
    "PySide6.QtPrintSupport", "PySide6.QtSql", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.QtUiTools", "PySide6.QtXml", "PySide6.QtConcurrent",
    # torch extras with optional imports: board logging and ONNX export
    "torch.utils.tensorboard", "tensorboard", "onnx", "onnxruntime", "onnxscript",
    # other Qt bindings pulled in by qtpy's or pyqtgraph's fallbacks
    "PyQt5", "PyQt6", "PySide2",
    # test tools and interactive shells that torch or numpy import only if present
    "pytest", "_pytest", "hypothesis", "IPython", "matplotlib", "readline", "curses", "_curses",
    # stdlib parts no code path of the app reaches
    "sqlite3", "_sqlite3", "lib2to3", "ensurepip", "idlelib", "pydoc_data",
    # build tools found through optional imports
    "setuptools", "pkg_resources", "pip", "distutils",
)


@dataclass(frozen=True)
class Rule:
    """Drop bundle paths matching ``pattern``; ``why`` goes into the report."""

    pattern: str
    why: str


RULES: tuple[Rule, ...] = (
    # -- torch ------------------------------------------------------------------
    Rule("torch/bin/*", "torch's C++ test programs and protoc"),
    Rule("torch/test/*", "torch's C++ test programs"),
    Rule("torch/include/*", "C++ headers for building extensions"),
    Rule("torch/share/*", "CMake files for building against libtorch"),
    Rule("torch/lib/libjitbackend_test.*", "a test library"),
    Rule("torch/lib/libbackend_with_compiler.*", "a test library"),
    Rule("torch/lib/libaoti_custom_ops.*", "a test library"),
    Rule("torch/lib/*.a", "static libraries"),
    Rule("torch/lib/*.lib", "import libraries for linking"),
    Rule("torch/testing/_internal/*", "torch's own test-suite data"),
    Rule("torch/_inductor/*.cpp", "compiler sources for torch.compile"),
    Rule("torch/_inductor/*.h", "compiler headers for torch.compile"),
    Rule("torchgen/packaged/*", "code-generation templates"),
    # -- every package ----------------------------------------------------------
    Rule("*.pyi", "type stubs"),
    Rule("*/py.typed", "type-checker markers"),
    Rule("*.h", "C headers"),
    Rule("*.hpp", "C++ headers"),
    Rule("numpy/_core/include/*", "numpy's C headers"),
    Rule("numpy/_core/lib/*", "numpy's static library for building extensions"),
    Rule("numpy/*/tests/*", "numpy's test data"),
    # -- Qt plugins that no desktop student machine loads ------------------------
    Rule("PySide6/Qt/plugins/platforms/libqvnc.*", "VNC server platform"),
    Rule("PySide6/Qt/plugins/platforms/libqlinuxfb.*", "Linux framebuffer platform"),
    Rule("PySide6/Qt/plugins/platforms/libqeglfs.*", "EGL full-screen (embedded) platform"),
    Rule("PySide6/Qt/plugins/platforms/libqminimalegl.*", "EGL test platform"),
    Rule("PySide6/Qt/plugins/platforms/libqvkkhrdisplay.*", "Vulkan display (embedded) platform"),
    Rule("PySide6/Qt/plugins/egldeviceintegrations/*", "embedded EGL devices"),
    Rule("PySide6/Qt/plugins/generic/*", "evdev/tuio input for embedded devices"),
    Rule("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.*", "on-screen keyboard"),
    Rule("PySide6/Qt/plugins/platformthemes/libqgtk3.*", "GTK theme bridge: would need GTK 3 installed"),
    Rule("PySide6/Qt/plugins/wayland-graphics-integration-server/*", "for Wayland compositors only"),
    Rule("PySide6/Qt/plugins/imageformats/libqpdf.*", "PDF images: pulls in the whole PDF engine"),
    Rule("PySide6/Qt/plugins/imageformats/libqtiff.*", "TIFF images"),
    Rule("PySide6/Qt/plugins/imageformats/libqwebp.*", "WebP images"),
    Rule("PySide6/Qt/plugins/imageformats/libqtga.*", "TGA images"),
    Rule("PySide6/Qt/plugins/imageformats/libqwbmp.*", "WBMP images"),
    Rule("PySide6/Qt/plugins/imageformats/libqicns.*", "macOS icon images"),
    Rule("PySide6/Qt/plugins/networkinformation/*", "network-state backends"),
    Rule("PySide6/Qt/plugins/tls/*", "TLS backends: the app makes no connections"),
    Rule("PySide6/Qt/lib/libQt6Pdf.*", "the PDF engine (only the dropped PDF image plugin uses it)"),
    Rule("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.*", "EGL full-screen support"),
    Rule("PySide6/Qt/lib/libQt6EglFsKms*", "EGL full-screen support"),
    Rule("PySide6/Qt/lib/libQt6VirtualKeyboard*", "on-screen keyboard"),
    Rule("PySide6/Qt/lib/libQt6Quick*", "Qt Quick: only the on-screen keyboard needed it"),
    Rule("PySide6/Qt/lib/libQt6Qml*", "QML: only the on-screen keyboard needed it"),
    Rule("PySide6/Qt/lib/libQt6WaylandCompositor*", "for Wayland compositors only"),
    Rule("PySide6/Qt/translations/qtwebengine*", "browser-engine translations"),
    # -- Windows and macOS equivalents of the Qt rules --------------------------
    Rule("PySide6/plugins/platforms/qdirect2d.dll", "Direct2D platform (experimental)"),
    Rule("PySide6/plugins/imageformats/qpdf.dll", "PDF images: pulls in the whole PDF engine"),
    Rule("PySide6/plugins/imageformats/qtiff.dll", "TIFF images"),
    Rule("PySide6/plugins/imageformats/qwebp.dll", "WebP images"),
    Rule("PySide6/plugins/imageformats/qtga.dll", "TGA images"),
    Rule("PySide6/plugins/imageformats/qwbmp.dll", "WBMP images"),
    Rule("PySide6/plugins/imageformats/qicns.dll", "macOS icon images"),
    Rule("PySide6/plugins/platforminputcontexts/qtvirtualkeyboardplugin.dll", "on-screen keyboard"),
    Rule("PySide6/plugins/networkinformation/*", "network-state backends"),
    Rule("PySide6/plugins/tls/*", "TLS backends: the app makes no connections"),
    Rule("PySide6/Qt6Pdf.dll", "the PDF engine"),
    Rule("PySide6/Qt6VirtualKeyboard*.dll", "on-screen keyboard"),
    Rule("PySide6/Qt6Quick*.dll", "Qt Quick: only the on-screen keyboard needed it"),
    Rule("PySide6/Qt6Qml*.dll", "QML: only the on-screen keyboard needed it"),
    Rule("PySide6/opengl32sw.dll", "software OpenGL fallback: the app draws without OpenGL"),
    Rule("PySide6/Qt/plugins/imageformats/libqpdf.dylib", "PDF images"),
    Rule("PySide6/Qt/lib/QtPdf.framework/*", "the PDF engine"),
    Rule("PySide6/Qt/lib/QtVirtualKeyboard*", "on-screen keyboard"),
    Rule("PySide6/Qt/lib/QtQuick*", "Qt Quick: only the on-screen keyboard needed it"),
    Rule("PySide6/Qt/lib/QtQml*", "QML: only the on-screen keyboard needed it"),
)


#: Linux: the desktop's X11/keyboard/font libraries and the C++ runtime come from the
#: system, not the bundle: their sonames stay compatible for years, the system's copies
#: match the system's configuration (fontconfig) and graphics drivers (libstdc++), and
#: the .deb depends on their packages.  Matched against libraries PyInstaller took from
#: the system's library folders; what only they needed then goes too (prune_orphans).
SYSTEM_LIBRARIES = (
    "libX*.so*", "libxcb*.so*", "libxkbcommon*.so*", "libfontconfig.so*", "libfreetype.so*",
    "libstdc++.so*", "libgcc_s.so*",
)
SYSTEM_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")

#: Kept although a rule matches: ``import torch`` checks that this program exists.
KEEP = ("torch/bin/torch_shm_manager",)


def normalise(dest: str) -> str:
    return dest.replace(os.sep, "/").replace("\\", "/").lstrip("./")


def matching_rule(dest: str, rules: Iterable[Rule] = RULES) -> Rule | None:
    """The first rule that drops the bundle path ``dest``, or None to keep it."""
    path = normalise(dest)
    if path in KEEP:
        return None
    for rule in rules:
        if fnmatch.fnmatchcase(path, rule.pattern):
            return rule
    return None


def _size(src: str | None) -> int:
    try:
        return os.path.getsize(src) if src else 0
    except OSError:
        return 0


def trim(toc: Iterable[tuple], removed: list[dict]) -> list[tuple]:
    """Entries of a PyInstaller TOC ``(dest, src, kind)`` that no rule drops.

    Each dropped entry is appended to ``removed`` as ``{path, bytes, why}``.
    """
    kept = []
    for entry in toc:
        dest, src = entry[0], entry[1]
        rule = matching_rule(dest)
        if rule is None:
            kept.append(entry)
        else:
            removed.append({"path": normalise(dest), "bytes": _size(src), "why": rule.why})
    return kept


def leave_to_system(binaries: Iterable[tuple], removed: list[dict]) -> list[tuple]:
    """Binaries minus the system libraries of :data:`SYSTEM_LIBRARIES` (recorded with kind "system")."""
    kept = []
    for entry in binaries:
        dest, src = normalise(entry[0]), str(entry[1]).replace(os.sep, "/")
        if ("/" not in dest and src.startswith(SYSTEM_DIRS)
                and any(fnmatch.fnmatchcase(dest, p) for p in SYSTEM_LIBRARIES)):
            removed.append({"path": dest, "bytes": _size(entry[1]), "kind": "system",
                            "why": "left to the system: the package depends on it"})
        else:
            kept.append(entry)
    return kept


def _is_shared_library(dest: str) -> bool:
    name = dest.rsplit("/", 1)[-1]
    return ".so" in name and not name.startswith("libpython")


def _is_dependency_slot(dest: str) -> bool:
    """Where PyInstaller puts libraries it collected because something needed them."""
    return _is_shared_library(dest) and ("/" not in dest or dest.startswith("PySide6/Qt/lib/"))


def prune_orphans(binaries: list[tuple], datas: list[tuple], removed: list[dict],
                  needed: Callable[[str], list[str]]) -> tuple[list[tuple], list[tuple]]:
    """Drop the libraries that only files trimmed away needed, and links to dropped files (ELF systems).

    PyInstaller collects a plugin's libraries before :func:`trim` drops the
    plugin, so they would stay behind (the GTK theme plugin alone brings Cairo,
    Pango and GIO).  Starting from every binary that is not such a dependency
    (extension modules, Qt plugins, torch's libraries), follow the libraries
    each one needs (``needed(path)`` gives its DT_NEEDED sonames); a dependency
    that nothing reaches is dropped.
    """
    by_name: dict[str, tuple] = {}
    for entry in binaries:
        by_name.setdefault(entry[0].rsplit("/", 1)[-1], entry)
    for dest, target, kind in datas:  # top-level links PyInstaller makes to package libraries
        if kind == "SYMLINK" and target.rsplit("/", 1)[-1] in by_name:
            by_name.setdefault(dest, by_name[target.rsplit("/", 1)[-1]])
    reached: set[str] = set()
    todo = [e for e in binaries if not _is_dependency_slot(e[0])]
    seen: set[str] = set()
    while todo:
        dest, src = todo.pop()[:2]
        if src in seen:
            continue
        seen.add(src)
        for soname in needed(src):
            entry = by_name.get(soname)
            if entry is not None and entry[0] not in reached:
                reached.add(entry[0])
                todo.append(entry)
    kept_binaries = []
    for entry in binaries:
        if _is_dependency_slot(entry[0]) and entry[0] not in reached:
            removed.append({"path": normalise(entry[0]), "bytes": _size(entry[1]),
                            "why": "libraries only the trimmed files needed"})
        else:
            kept_binaries.append(entry)
    kept = {e[0] for e in kept_binaries} | {e[0] for e in datas if e[2] != "SYMLINK"}
    kept_datas = []
    for entry in datas:
        if entry[2] == "SYMLINK" and normalise(entry[1]) not in kept:
            removed.append({"path": normalise(entry[0]), "bytes": 0, "why": "links to files trimmed away"})
        else:
            kept_datas.append(entry)
    return kept_binaries, kept_datas


def summarise(removed: list[dict]) -> dict:
    """Totals per reason, largest first, for the build report."""
    by_why: dict[str, dict] = {}
    for item in removed:
        slot = by_why.setdefault(item["why"], {"why": item["why"], "files": 0, "bytes": 0})
        slot["files"] += 1
        slot["bytes"] += item["bytes"]
    groups = sorted(by_why.values(), key=lambda g: -g["bytes"])
    unused = [i for i in removed if i.get("kind", "unused") == "unused"]
    system = [i for i in removed if i.get("kind") == "system"]
    return {
        # never used by the app (what trimming saves); libraries the system provides instead
        "files": len(unused),
        "bytes": sum(i["bytes"] for i in unused),
        "system_files": len(system),
        "system_bytes": sum(i["bytes"] for i in system),
        "by_reason": groups,
        "removed": sorted(removed, key=lambda i: -i["bytes"]),
    }
