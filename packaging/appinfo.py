"""Names and identifiers shared by the spec, the installers and their checks: one place to change them."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APP_NAME = "Backprop Playground"
#: The executable, the Debian package, the launcher and the bundle folder.
SLUG = "backprop-playground"
HOMEPAGE = "https://github.com/backprop-playground/backprop-playground"
SUMMARY = "Watch a two-layer network learn by back-propagation"
PUBLISHER = "Backprop Playground developers"
LICENSE = "MIT"
#: Where the .deb puts the bundle.
LINUX_PREFIX = "/opt/backprop-playground"


def _package_constant(name: str) -> str:
    """A string constant of ``playground/__init__.py``, read without importing the package."""
    text = (ROOT / "playground" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(rf'^{name}\s*=\s*["\']([^"\']+)["\']', text, re.M)
    if not match:
        raise RuntimeError(f"playground/__init__.py has no {name}")
    return match.group(1)


def version() -> str:
    """The app's version."""
    return _package_constant("__version__")


#: Reverse-DNS id: the AppStream component, the .desktop file, the macOS bundle id (the
#: window names its .desktop file by it too).  Change it together with HOMEPAGE.
APP_ID = _package_constant("APP_ID")
