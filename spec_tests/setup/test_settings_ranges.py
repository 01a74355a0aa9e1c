"""Every number a setting takes is bounded (config.LIMITS): a mistyped value is refused
at start, not served."""

import dataclasses

import pytest

from reference_as.config import LIMITS, ConfigError, Settings, load_settings


def test_every_number_setting_has_a_range():
    assert {field.name for field in dataclasses.fields(Settings) if field.type is int} == set(LIMITS)


def test_the_defaults_start_with_no_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert all(low <= getattr(settings, name) <= high for name, (low, high) in LIMITS.items())


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_a_number_just_outside_its_range_is_refused_naming_the_setting(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    low, high = LIMITS[name]
    for value in (low - 1, high + 1):
        with pytest.raises(ConfigError, match=name):
            load_settings(environ={f"REFERENCE_AS_{name.upper()}": str(value)})
