"""The declared config schema: file, environment, command line, and the errors that name the culprit."""

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "hall.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_put_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    cfg = load_config(data_dir=tmp_path, environ={})
    assert cfg.database_url == f"sqlite:///{tmp_path.resolve() / 'hall.db'}"
    assert cfg.key_path == tmp_path.resolve() / "keys" / "pii.key"
    assert cfg.kiosk.idle_timeout_seconds == 60
    assert cfg.security.pin_max_failures == 2 and cfg.security.lockout_seconds == 300


def test_file_then_environment_then_options(tmp_path: Path) -> None:
    p = write(tmp_path, 'data_dir = "/srv/a"\n[site]\nterminal_id = "K-9"\n[kiosk]\nidle_timeout_seconds = 90\n[database]\nurl = "sqlite:///x.db"\n')
    cfg = load_config(p, environ={"HALL_KIOSK__KIOSK__IDLE_TIMEOUT_SECONDS": "45"})
    assert cfg.site.terminal_id == "K-9"
    assert cfg.kiosk.idle_timeout_seconds == 45  # environment beats the file
    assert str(cfg.data_dir) == "/srv/a"
    cfg = load_config(p, data_dir=tmp_path / "b", db_url="postgresql://h/db", environ={})
    assert cfg.data_dir == (tmp_path / "b").resolve()
    assert cfg.database_url == "postgresql://h/db"


def test_unknown_key_is_named_with_its_file(tmp_path: Path) -> None:
    p = write(tmp_path, "[kiosk]\nidle_timout_seconds = 30\n")
    with pytest.raises(ConfigError) as err:
        load_config(p, environ={})
    assert str(p) in str(err.value) and "idle_timout_seconds" in str(err.value)


def test_unknown_section_and_wrong_type_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key 'kisok'"):
        load_config(write(tmp_path, "[kisok]\nfullscreen = true\n"), environ={})
    with pytest.raises(ConfigError, match=r"\[kiosk\].idle_timeout_seconds: expected int"):
        load_config(write(tmp_path, '[kiosk]\nidle_timeout_seconds = "soon"\n'), environ={})
    with pytest.raises(ConfigError, match="HALL_KIOSK__NOPE"):
        load_config(environ={"HALL_KIOSK__NOPE": "1"})


def test_broken_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[site\n"), environ={})
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.toml", environ={})


def test_environment_booleans(tmp_path: Path) -> None:
    assert load_config(data_dir=tmp_path, environ={"HALL_KIOSK__KIOSK__FULLSCREEN": "yes"}).kiosk.fullscreen is True
    with pytest.raises(ConfigError):
        load_config(data_dir=tmp_path, environ={"HALL_KIOSK__KIOSK__FULLSCREEN": "perhaps"})
