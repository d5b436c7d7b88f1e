"""Refresh the interface translations: lupdate over the sources, then lrelease.

    python packaging/update_translations.py          # update the .ts files, compile the .qm files
    python packaging/update_translations.py --check  # report untranslated texts, exit 1 if any

Two catalogues per language, both in ``resources/``:

* ``backprop_playground_<lang>.ts``: every text in ``playground/`` passed to
  ``tr()`` / ``QCoreApplication.translate`` / ``QT_TRANSLATE_NOOP``.
* ``pyqtgraph_<lang>.ts``: the texts of pyqtgraph's plot menus and export
  dialog (right-click on a plot), which pyqtgraph itself ships in English only.
  Read from the installed pyqtgraph, so run this again after upgrading it.

lupdate merges the texts in (new ones marked unfinished, vanished ones
dropped).  Translate the unfinished entries (Qt Linguist, or by hand in the
XML, then delete ``type="unfinished"``), run this again, and commit the .ts
and the .qm files that ``pyside6-lrelease`` compiles from them.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
SOURCES = ROOT / "playground"
LANGUAGES = ("zh_CN",)
APP = "backprop_playground"
PYQTGRAPH = "pyqtgraph"
CATALOGS = (APP, PYQTGRAPH)
# The parts of pyqtgraph whose texts the app shows: plot and axis menus, the export dialog.
PYQTGRAPH_PARTS = ("graphicsItems/ViewBox", "graphicsItems/PlotItem", "GraphicsScene", "exporters")
# pyqtgraph texts that lupdate cannot see (built in f-strings or read from class attributes).
PYQTGRAPH_EXTRA = (("ViewBox", "axis"), ("Exporter", "Scalable Vector Graphics"))


def ts_path(language: str, catalog: str = APP) -> Path:
    return RESOURCES / f"{catalog}_{language}.ts"


def qm_path(language: str, catalog: str = APP) -> Path:
    return RESOURCES / f"{catalog}_{language}.qm"


def tool(name: str) -> str:
    """A PySide6 tool: beside this Python first (a virtual environment), then on PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (pip install PySide6-Essentials)")
    return found


def source_files() -> list[Path]:
    return sorted(p for p in SOURCES.rglob("*.py") if "__pycache__" not in p.parts)


def pyqtgraph_files() -> list[Path]:
    import importlib.util

    spec = importlib.util.find_spec("pyqtgraph")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pyqtgraph is not installed")
    base = Path(next(iter(spec.submodule_search_locations)))
    return sorted(p for part in PYQTGRAPH_PARTS for p in (base / part).glob("*.py"))


def pyqtgraph_extra_source(files: list[Path]) -> str:
    """Python text marking what lupdate cannot find in pyqtgraph: exporter names and PYQTGRAPH_EXTRA."""
    texts = list(PYQTGRAPH_EXTRA)
    for path in files:
        if path.parent.name == "exporters":
            texts += [("Exporter", name) for name in re.findall(r'^    Name = "([^"]+)"', path.read_text("utf-8"), re.M)]
    return "".join(f"QT_TRANSLATE_NOOP({ctx!r}, {text!r})\n" for ctx, text in texts)


def lupdate(ts: Path, language: str, files: list[Path] | None = None, catalog: str = APP) -> None:
    """Merge the texts of ``files`` (default: the catalogue's sources) into ``ts`` (created when missing)."""
    options = ["-no-obsolete", "-source-language", "en", "-target-language", language, "-silent"]
    if catalog == APP:
        files = source_files() if files is None else files
        subprocess.run([tool("pyside6-lupdate"), *map(str, files), "-ts", str(ts), "-locations", "relative",
                        *options], check=True)
        return
    files = pyqtgraph_files() if files is None else files
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp) / "pyqtgraph_extra.py"
        extra.write_text(pyqtgraph_extra_source(files), encoding="utf-8")
        # Paths into site-packages differ between machines: no locations in this catalogue.
        subprocess.run([tool("pyside6-lupdate"), *map(str, files), str(extra), "-ts", str(ts),
                        "-locations", "none", "-tr-function-alias", "translate+=_translate", *options], check=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm), "-silent"], check=True)


def messages(ts: Path) -> list[tuple[str, ET.Element]]:
    """(context name, message element) for every message in a .ts file."""
    root = ET.parse(ts).getroot()
    return [(ctx.findtext("name") or "", msg) for ctx in root.iter("context") for msg in ctx.iter("message")]


def untranslated(ts: Path) -> list[str]:
    """'context: source' for each message marked unfinished or with an empty translation."""
    bad = []
    for context, msg in messages(ts):
        tr = msg.find("translation")
        forms = [f.text for f in tr.iter("numerusform")] if msg.get("numerus") == "yes" else [tr.text]
        if tr.get("type") in ("unfinished", "obsolete", "vanished") or not all(f and f.strip() for f in forms):
            bad.append(f"{context}: {msg.findtext('source')!r}")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report the untranslated texts of the .ts files as they are (exit 1 if any)")
    parser.add_argument("--no-update", action="store_true", help="do not run lupdate (compile only)")
    args = parser.parse_args(argv)
    status = 0
    for language in LANGUAGES:
        for catalog in CATALOGS:
            ts = ts_path(language, catalog)
            if not args.no_update and not args.check:
                lupdate(ts, language, catalog=catalog)
            missing = untranslated(ts)
            print(f"{ts.relative_to(ROOT)}: {len(messages(ts))} texts, {len(missing)} untranslated")
            for line in missing:
                print("  " + line)
            if missing:
                status = 1
            if not args.check:
                lrelease(ts, qm_path(language, catalog))
                print(f"{qm_path(language, catalog).relative_to(ROOT)} compiled")
    return status if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
