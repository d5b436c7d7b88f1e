"""Refresh the interface translations: lupdate over the sources, then lrelease.

    python packaging/update_translations.py          # update the .ts, compile the .qm
    python packaging/update_translations.py --check  # report untranslated texts, exit 1 if any

``pyside6-lupdate`` reads every Python file under ``playground/`` and merges the
texts passed to ``tr()`` / ``QCoreApplication.translate`` / ``QT_TRANSLATE_NOOP``
into ``resources/backprop_playground_<lang>.ts`` (new ones marked unfinished,
vanished ones dropped).  Translate the unfinished entries (Qt Linguist, or by
hand in the XML, then delete ``type="unfinished"``), run this again, and
commit both the .ts and the .qm that ``pyside6-lrelease`` compiles from it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
SOURCES = ROOT / "playground"
LANGUAGES = ("zh_CN",)


def ts_path(language: str) -> Path:
    return RESOURCES / f"backprop_playground_{language}.ts"


def qm_path(language: str) -> Path:
    return RESOURCES / f"backprop_playground_{language}.qm"


def tool(name: str) -> str:
    """A PySide6 tool: beside this Python first (a virtual environment), then on PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (pip install PySide6-Essentials)")
    return found


def source_files() -> list[Path]:
    return sorted(p for p in SOURCES.rglob("*.py") if "__pycache__" not in p.parts)


def lupdate(ts: Path, language: str, files: list[Path] | None = None) -> None:
    """Merge the sources' texts into ``ts`` (created when missing)."""
    files = source_files() if files is None else files
    subprocess.run(
        [tool("pyside6-lupdate"), *map(str, files), "-ts", str(ts), "-no-obsolete", "-locations", "relative",
         "-source-language", "en", "-target-language", language, "-silent"],
        check=True,
    )


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
                        help="only report the untranslated texts of the .ts as it is (exit 1 if any)")
    parser.add_argument("--no-update", action="store_true", help="do not run lupdate (compile only)")
    args = parser.parse_args(argv)
    status = 0
    for language in LANGUAGES:
        ts = ts_path(language)
        if not args.no_update and not args.check:
            lupdate(ts, language)
        missing = untranslated(ts)
        total = len(messages(ts))
        print(f"{ts.relative_to(ROOT)}: {total} texts, {len(missing)} untranslated")
        for line in missing:
            print("  " + line)
        if missing:
            status = 1
        if not args.check:
            lrelease(ts, qm_path(language))
            print(f"{qm_path(language).relative_to(ROOT)} compiled")
    return status if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
