"""The settings file: `workstation config`, the order flag > environment > file > default,
one clear line for a mistake, and the values put to work (database, calling hours, attempt
cap, untouched threshold, phone region), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import stat

import pytest

from tests.cli.test_cli import run
from workstation.config import Settings
from workstation.settings_file import HEADER, SettingsError, save_theme


def _config(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "config", "--json")
    assert code == 0, err
    return json.loads(out)


def test_config_shows_the_file_and_the_defaults(capsys, tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    monkeypatch.setenv("WORKSTATION_CONFIG", str(path))
    shown = _config(capsys)
    assert shown["path"] == str(path) and shown["exists"] is False
    assert {s["source"] for s in shown["settings"].values()} == {"default"}
    assert shown["settings"]["attempt_cap"]["value"] == 6
    assert shown["settings"]["calling_hours"]["value"] == "08:00-21:00"
    code, out, _ = run(capsys, "config")
    assert code == 0 and out.startswith(f"Settings file: {path} (none there")
    assert re.search(r"^attempt_cap +6 ", out, re.MULTILINE)


def test_caps_by_lead_source_are_settings(capsys, tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    path.write_text(
        'attempt_cap_floor = 2\nattempt_cap_ceiling = 9\n\n[sources."Trade Show"]\n'
        "attempt_cap = 8\nretry_hours = 2\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("WORKSTATION_CONFIG", str(path))
    shown = _config(capsys)["settings"]
    assert shown["attempt_cap_floor"] == {"value": 2, "source": "file"}
    assert shown["attempt_cap_ceiling"] == {"value": 9, "source": "file"}
    assert shown["sources"] == {
        "value": {"Trade Show": {"attempt_cap": 8, "retry_hours": 2.0}},
        "source": "file",
    }
    code, out, _ = run(capsys, "config")
    assert code == 0 and re.search(r"^sources\.Trade Show +attempt_cap=8 retry_hours=2 ", out, re.M)
    path.write_text('[sources."Web"]\nattempt_cap = 0\n', encoding="utf-8")
    code, _, err = run(capsys, "config")
    assert code == 1
    assert "sources.Web.attempt_cap: input should be greater than or equal to 1, not 0" in err


def test_a_flag_beats_the_environment_which_beats_the_file(capsys, tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    path.write_text(
        f'database_url = "sqlite:///{tmp_path}/file.db"\nrep = "File Rep"\nattempt_cap = 4\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("WORKSTATION_CONFIG", str(path))
    shown = _config(capsys)["settings"]
    assert shown["database_url"] == {"value": f"sqlite:///{tmp_path}/file.db", "source": "file"}
    assert shown["attempt_cap"] == {"value": 4, "source": "file"}
    monkeypatch.setenv("WORKSTATION_DB", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("WORKSTATION_ATTEMPT_CAP", "3")
    shown = _config(capsys)["settings"]
    env_db = f"sqlite:///{tmp_path}/env.db"
    assert shown["database_url"] == {"value": env_db, "source": "environment"}
    assert shown["attempt_cap"] == {"value": 3, "source": "environment"}
    assert shown["rep"] == {"value": "File Rep", "source": "file"}
    shown = _config(capsys, "--db", f"sqlite:///{tmp_path}/flag.db", "--as", "Flag Rep")["settings"]
    assert shown["database_url"] == {"value": f"sqlite:///{tmp_path}/flag.db", "source": "flag"}
    assert shown["rep"] == {"value": "Flag Rep", "source": "flag"}


def test_the_recycling_settings_come_from_the_file_and_the_environment(
    capsys, tmp_path, monkeypatch
):
    shown = _config(capsys)["settings"]
    assert shown["name_threshold"] == {"value": 50, "source": "default"}
    assert shown["ignored_days"] == {"value": 14, "source": "default"}
    path = tmp_path / "settings.toml"
    path.write_text("name_threshold = 65\nignored_days = 7\n", encoding="utf-8")
    monkeypatch.setenv("WORKSTATION_CONFIG", str(path))
    monkeypatch.setenv("WORKSTATION_IGNORED_DAYS", "21")
    shown = _config(capsys)["settings"]
    assert shown["name_threshold"] == {"value": 65, "source": "file"}
    assert shown["ignored_days"] == {"value": 21, "source": "environment"}


def test_a_password_in_the_database_url_is_not_shown(capsys, monkeypatch):
    monkeypatch.setenv("WORKSTATION_DB", "postgresql://dana:s3cret-pw@db.internal/crm")
    for argv in (("config",), ("config", "--json")):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and "s3cret-pw" not in out and "db.internal/crm" in out


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("attempt_cap = 0\n", "attempt_cap: input should be greater than or equal to 1, not 0"),
        ('attempt_cap = "six"\n', "attempt_cap: input should be a valid integer"),
        ('calling_hours = "21:00-08:00"\n', "calling_hours: the calling hours must open before"),
        ('calling_hours = "9 to 5"\n', "calling_hours: '9 to 5' is not two times such as"),
        ('theme = "neon"\n', "theme: no theme 'neon' (the themes: textual-dark"),
        ('phone_region = "XX"\n', "phone_region: 'XX' is not a country code"),
        ("untouched_hours = -1\n", "untouched_hours: input should be greater than or equal to 0"),
        ("atempt_cap = 3\n", "atempt_cap: no such setting (the settings: database_url"),
        ("name_threshold = -5\n", "name_threshold: input should be greater than or equal to 0"),
        ("ignored_days = 0\n", "ignored_days: input should be greater than or equal to 1"),
        ('[keys]\n"queue next" = "n"\n', "keys: 'queue next' is not a binding id"),
        ('[keys]\n"queue.next_lead" = "n,,m"\n', "keys: queue.next_lead: 'n,,m' is not a key"),
        ('dial_command = "softphone \'dial"\n', 'dial_command: "softphone \'dial" cannot be read'),
        ("attempt_cap = \n", "not TOML: Invalid value (at line 1, column 15)"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_file_and_the_key(
    capsys, tmp_path, monkeypatch, text, says
):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("WORKSTATION_CONFIG", str(path))
    code, out, err = run(capsys, "config")
    assert code == 1 and out == ""
    assert err.startswith(f"workstation: settings file {path}: {says}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_bad_variable_is_named(capsys, monkeypatch):
    monkeypatch.setenv("WORKSTATION_CALLING_HOURS", "8-21")
    code, _, err = run(capsys, "config", "--json")
    assert code == 1
    said = json.loads(err)["error"]
    assert said == "WORKSTATION_CALLING_HOURS: '8' is not a time of day such as 08:00"


def test_the_settings_are_put_to_work(capsys, db_url, tmp_path, monkeypatch):
    """No --db: the database comes from the file, and so do the figures the commands use."""
    path = tmp_path / "settings.toml"
    path.write_text(
        f"{HEADER}\n"
        f'database_url = "{db_url}"\n'
        'calling_hours = "03:00-04:00"\n'  # 15:00 UTC is outside it everywhere in America
        "untouched_hours = 0.5\n"
        'phone_region = "GB"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("WORKSTATION_CONFIG", str(path))
    assert run(capsys, "demo", "--leads", "300")[0] == 0
    reps = json.loads(run(capsys, "reps", "--json")[1])
    rep = next(r["Name"] for r in reps if r["Role"] == "rep" and r["Active"])
    code, out, err = run(capsys, "next", "--as", rep, "--json")
    assert code == 0, err
    reasons = [skip["reason"] for skip in json.loads(out)["skipped"]]
    assert any("call 03:00–04:00" in reason for reason in reasons), reasons
    code, out, _ = run(capsys, "untouched", "--format", "json")
    assert code == 0 and json.loads(out)["ThresholdHours"] == 0.5
    code, out, _ = run(capsys, "untouched", "--format", "json", "--hours", "48")
    assert json.loads(out)["ThresholdHours"] == 48  # the flag wins
    source = tmp_path / "leads.csv"
    source.write_text("LastName,Company,Phone\nLovelace,Engines,020 7946 0000\n", encoding="utf-8")
    assert run(capsys, "import", str(source), "--json")[0] == 0
    leads = json.loads(run(capsys, "export", "leads", "--format", "json")[1])
    assert [lead["Phone"] for lead in leads if lead["LastName"] == "Lovelace"] == ["+442079460000"]


def test_the_theme_is_written_into_the_settings_file_and_nothing_else_changes(tmp_path):
    path = tmp_path / "config" / "settings.toml"
    save_theme(path, "nord")  # no file yet: made, private, with the header
    assert path.read_text(encoding="utf-8") == f'{HEADER}\ntheme = "nord"\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    mine = '# mine\nattempt_cap = 4 # four\n\n[keys]\n"app.quit" = "ctrl+q"\n'
    path.write_text(mine, encoding="utf-8")
    save_theme(path, "dracula")
    assert path.read_text(encoding="utf-8") == mine.replace("four\n", 'four\ntheme = "dracula"\n')
    save_theme(path, "gruvbox")
    assert 'theme = "gruvbox"\n\n[keys]' in path.read_text(encoding="utf-8")
    env = {"WORKSTATION_CONFIG": str(path)}
    assert Settings.resolve(environ=env).theme == "gruvbox"


def test_the_theme_is_not_written_over_a_file_that_is_not_settings(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("this is not TOML\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="not TOML"):
        save_theme(path, "nord")
    assert path.read_text(encoding="utf-8") == "this is not TOML\n"
    target = tmp_path / "elsewhere.toml"
    target.write_text('theme = "nord"\n', encoding="utf-8")
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    with pytest.raises(Exception, match="symbolic link"):
        save_theme(link, "dracula")
    assert target.read_text(encoding="utf-8") == 'theme = "nord"\n'


def test_config_keys_lists_every_binding_with_the_keys_in_effect(capsys, tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    path.write_text('[keys]\n"queue.next_lead" = "j,f2"\n', encoding="utf-8")
    monkeypatch.setenv("WORKSTATION_CONFIG", str(path))
    code, out, _ = run(capsys, "config", "--keys", "--json")
    bindings = {b["id"]: b for b in json.loads(out)["bindings"]}
    assert code == 0 and bindings["queue.next_lead"] == {
        "id": "queue.next_lead",
        "keys": "j,f2",
        "description": "Next",
    }
    assert bindings["app.quit"]["keys"] == "q"
    code, out, _ = run(capsys, "config", "--keys")
    lines = [line.split() for line in out.splitlines()]
    assert ["keys.queue.next_lead", "j,f2", "file"] in lines
    assert ["queue.next_lead", "j,f2", "Next"] in lines
