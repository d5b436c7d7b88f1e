"""Names and identifiers shared by the spec, the installers and their checks: one place to change them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APP_NAME = "Backprop Playground"
#: The executable, the Debian package, the launcher and the bundle folder.
SLUG = "backprop-playground"
#: Reverse-DNS id: the AppStream component, the .desktop file, the macOS bundle id.
#: It follows the project's GitHub address; change it here only together with HOMEPAGE.
APP_ID = "io.github.backprop_playground.BackpropPlayground"
HOMEPAGE = "https://github.com/backprop-playground/backprop-playground"
SUMMARY = "Watch a two-layer network learn by back-propagation"
PUBLISHER = "Backprop Playground developers"
LICENSE = "MIT"
#: Where the .deb puts the bundle.
LINUX_PREFIX = "/opt/backprop-playground"


def version() -> str:
    """The app's version, read from ``playground/__init__.py`` without importing it."""
    text = (ROOT / "playground" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not match:
        raise RuntimeError("playground/__init__.py has no __version__")
    return match.group(1)
