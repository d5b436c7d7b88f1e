"""Configuration validation: every bad value is refused with the field named."""

from __future__ import annotations

import json
import logging
import math

import pytest

from playground.core import config as C
from playground.core.config import ConfigError, TrainConfig


def test_defaults_are_the_lessons():
    cfg = TrainConfig()
    assert (cfg.N, cfg.D_in, cfg.H, cfg.D_out, cfg.steps) == (64, 1000, 100, 10, 500)
    assert (cfg.style, cfg.optimizer, cfg.lr, cfg.loss, cfg.activation, cfg.bias) == (
        "tensors", "sgd-manual", 1e-6, "sum", "none", False)
    assert TrainConfig(style="numpy").lr == 1e-6
    seq = TrainConfig(style="sequential")
    assert (seq.optimizer, seq.lr, seq.bias) == ("adam", 1e-4, True)
    mod = TrainConfig(style="module")
    assert (mod.optimizer, mod.lr, mod.bias) == ("adam", 1e-4, False)


@pytest.mark.parametrize("field, value, words", [
    ("N", 0, "from 1"), ("D_in", -3, "from 1"), ("H", 2.5, "whole number"), ("D_out", "10", "whole number"),
    ("N", True, "whole number"), ("steps", 0, "from 1"), ("seed", -1, "from 0"),
    ("lr", 0.0, "greater than 0"), ("lr", -1e-3, "greater than 0"), ("lr", math.nan, "finite"),
    ("lr", math.inf, "finite"), ("lr", "fast", "number"), ("style", "keras", "one of"),
    ("optimizer", "lbfgs", "one of"), ("device", "tpu", "one of"), ("dtype", "float16", "one of"),
    ("loss", "l1", "one of"), ("activation", "gelu", "one of"), ("bias", "yes", "true or false"),
    ("mistake", "typo", "one of"),
])
def test_bad_values_name_the_field_and_the_allowed_range(field, value, words):
    with pytest.raises(ConfigError) as err:
        TrainConfig(**{field: value})
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}:") and words in str(err.value)


def test_every_allowed_style_optimizer_pair_builds_and_every_other_is_refused():
    for style in C.STYLES:
        for opt in C.OPTIMIZERS:
            if opt in C.allowed_optimizers(style):
                assert TrainConfig(style=style, optimizer=opt).optimizer == opt
            else:
                with pytest.raises(ConfigError, match="optimizer: the numpy style has no autograd"):
                    TrainConfig(style=style, optimizer=opt)


def test_numpy_refuses_a_gpu_and_mistakes_need_their_update():
    with pytest.raises(ConfigError, match="device: the numpy style runs on the CPU"):
        TrainConfig(style="numpy", device="cuda")
    with pytest.raises(ConfigError, match="mistake"):
        TrainConfig(style="sequential", mistake="update-outside-no-grad")
    assert TrainConfig(style="sequential", optimizer="sgd-manual", mistake="update-outside-no-grad")


def test_memory_guard_refuses_before_allocating():
    with pytest.raises(ConfigError) as err:
        TrainConfig(N=1 << 20, D_in=1 << 20, H=1 << 20)
    assert err.value.field == "size" and "GiB" in str(err.value) and "smaller" in str(err.value)


def test_json_round_trip_and_unknown_keys_are_ignored_with_a_warning(caplog):
    cfg = TrainConfig(style="module", activation="relu", lr=3e-4, seed=9)
    assert TrainConfig.from_json(cfg.to_json()) == cfg
    data = json.loads(cfg.to_json()) | {"colour": "blue"}
    with caplog.at_level(logging.WARNING):
        assert TrainConfig.from_dict(data) == cfg
    assert "colour" in caplog.text
    with pytest.raises(ConfigError, match="not valid JSON"):
        TrainConfig.from_json("{")
    with pytest.raises(ConfigError, match="JSON object"):
        TrainConfig.from_dict([1, 2])


def test_with_style_loads_that_styles_seed_defaults():
    cfg = TrainConfig(lr=0.5).with_style("sequential")
    assert (cfg.style, cfg.optimizer, cfg.lr, cfg.bias) == ("sequential", "adam", 1e-4, True)


def test_parse_lr():
    assert C.parse_lr(" 1e-4 ") == 1e-4
    for bad in ("", "abc", "0", "-1", "nan", "inf"):
        with pytest.raises(ConfigError, match="^lr:"):
            C.parse_lr(bad)
