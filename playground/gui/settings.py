"""Window geometry and the last configuration, kept between launches.

Stored as a small JSON file in the user's config folder (QStandardPaths; the
environment variable ``BACKPROP_PLAYGROUND_CONFIG_DIR`` overrides it, which the
tests use).  Reading never blocks start-up: an unreadable or corrupt file, an
unknown key or an invalid field is dropped with a warning and the defaults are
used instead.  Only a regular file of at most 1 MB is read (a FIFO would block start-up
and /dev/zero would never end), and JSON nested too deep for the parser is refused
like any other corrupt file.
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
from ..core.persistence import FileTooLargeError, NotRegularFileError, atomic_write_text, read_regular_file
from .speed import DEFAULT_SPEED, SPEEDS

log = logging.getLogger(__name__)
FILE_NAME = "settings.json"
#: Far more than the settings take (geometry and window state are a few KB): a larger
#: file is not ours, and reading it would delay start-up.
MAX_SETTINGS_BYTES = 1024 * 1024


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


def _one_line(text: str, limit: int = 300) -> str:
    """A warning for the status bar: one line, of a length a status bar can show."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _warn(s: Settings, msg: str) -> None:
    msg = _one_line(msg)
    log.warning(msg)
    s.warnings.append(msg)


def _read_settings_file(path: Path) -> Any:
    """The parsed JSON object in ``path``; OSError or ValueError (the reason) for anything else."""
    try:
        raw = read_regular_file(path, MAX_SETTINGS_BYTES)
    except NotRegularFileError as exc:
        raise ValueError(exc.strerror) from None
    except FileTooLargeError:
        raise ValueError(f"larger than {MAX_SETTINGS_BYTES // 1024} KB: not a settings file") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:  # 200,000 nested brackets: Python's parser recurses
        raise ValueError("nested too deeply: not a settings file") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def load_settings() -> Settings:
    """The saved settings, or the defaults for whatever cannot be read."""
    s = Settings()
    path = s.path
    try:
        data = _read_settings_file(path)
    except FileNotFoundError:
        return s  # the first start
    except OSError as exc:
        _warn(s, f"settings file {path} could not be read ({exc.strerror or exc}); using defaults")
        return s
    except ValueError as exc:  # UnicodeDecodeError and json.JSONDecodeError are ValueErrors
        _warn(s, f"settings file {path} could not be read ({exc}); using defaults")
        return s
    if "config" in data:
        try:
            s.config = TrainConfig.from_dict(data["config"])
        except (ConfigError, TypeError) as exc:
            _warn(s, f"saved configuration ignored: {exc}")
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
                _warn(s, f"saved setting {key!r} ignored: {exc}")
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
    path = None
    try:
        path = s.path
        path.parent.mkdir(parents=True, exist_ok=True)
        # A link (settings kept with one's dotfiles) is followed and kept; a FIFO or device is refused.
        atomic_write_text(path, json.dumps(data, indent=1))
        return True
    except OSError as exc:
        log.warning("settings not saved to %s: %s", path, exc)
        return False
