"""Window geometry and the last configuration, kept between launches.

Stored as a small JSON file in the user's config folder (QStandardPaths; the
environment variable ``BACKPROP_PLAYGROUND_CONFIG_DIR`` overrides it, which the
tests use).  Reading never blocks start-up: an unreadable or corrupt file, an
unknown key or an invalid field is dropped with a warning and the defaults are
used instead.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths

from ..core.config import ConfigError, TrainConfig
from ..core.persistence import atomic_write_text
from .speed import DEFAULT_SPEED, SPEEDS

log = logging.getLogger(__name__)
FILE_NAME = "settings.json"


def config_dir() -> Path:
    env = os.environ.get("BACKPROP_PLAYGROUND_CONFIG_DIR")
    if env:
        return Path(env)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(base or Path.home() / ".config" / "backprop-playground")


@dataclass
class Settings:
    config: TrainConfig = field(default_factory=TrainConfig)
    geometry: bytes = b""
    window_state: bytes = b""
    log_y: bool = True
    smoothing: float = 0.0
    language: str = "auto"
    #: Training pace in steps a second; 0 is full speed (see gui/speed.py).
    speed: float = DEFAULT_SPEED
    #: The first-run guide was shown (it then opens only from the Help menu).
    intro_seen: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return config_dir() / FILE_NAME


def _b64(data: Any) -> bytes:
    if not isinstance(data, str):
        raise ValueError("not text")
    return base64.b64decode(data.encode("ascii"), validate=True)


def load_settings() -> Settings:
    """The saved settings, or the defaults for whatever cannot be read."""
    s = Settings()
    path = s.path
    if not path.exists():
        return s
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        msg = f"settings file {path} could not be read ({exc}); using defaults"
        log.warning(msg)
        s.warnings.append(msg)
        return s
    if "config" in data:
        try:
            s.config = TrainConfig.from_dict(data["config"])
        except (ConfigError, TypeError) as exc:
            msg = f"saved configuration ignored: {exc}"
            log.warning(msg)
            s.warnings.append(msg)
    for key, conv in (("geometry", _b64), ("window_state", _b64), ("log_y", bool), ("language", str)):
        if key in data:
            try:
                value = data[key]
                if conv is bool and not isinstance(value, bool):
                    raise ValueError("not true/false")
                if conv is str and not isinstance(value, str):
                    raise ValueError("not text")
                setattr(s, key, conv(value))
            except (ValueError, TypeError) as exc:
                msg = f"saved setting {key!r} ignored: {exc}"
                log.warning(msg)
                s.warnings.append(msg)
    smoothing = data.get("smoothing", 0.0)
    if isinstance(smoothing, (int, float)) and not isinstance(smoothing, bool) and 0 <= smoothing <= 1:
        s.smoothing = float(smoothing)
    speed = data.get("speed", DEFAULT_SPEED)
    if isinstance(speed, (int, float)) and not isinstance(speed, bool) and speed in SPEEDS:
        s.speed = float(speed)
    if isinstance(data.get("intro_seen"), bool):
        s.intro_seen = data["intro_seen"]
    return s


def save_settings(s: Settings) -> bool:
    """Write the settings atomically; False (and a log line) when the folder is not writable."""
    data = {
        "config": s.config.to_dict(),
        "geometry": base64.b64encode(s.geometry).decode("ascii"),
        "window_state": base64.b64encode(s.window_state).decode("ascii"),
        "log_y": s.log_y,
        "smoothing": s.smoothing,
        "language": s.language,
        "speed": s.speed,
        "intro_seen": s.intro_seen,
    }
    try:
        s.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(s.path, json.dumps(data, indent=1))
        return True
    except OSError as exc:
        log.warning("settings not saved to %s: %s", s.path, exc)
        return False
