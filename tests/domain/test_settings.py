"""kamdash.settings: every KAMDASH_ variable read in one place, booleans parsed one way, a value
that does not parse named with what it accepts."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from kamdash import settings
from kamdash.settings import Settings, SettingsError

KAMDASH_DIR = Path(settings.__file__).resolve().parent
DEFAULT_URL = f"sqlite:///{settings.DEFAULT_DB_PATH}"


def test_nothing_set_gives_the_documented_defaults():
    assert settings.load({}) == Settings(database_url=DEFAULT_URL, read_only=False, demo=True,
                                         fixed_today=None)


@pytest.mark.parametrize("word, expected", [
    *[(w, True) for w in ("1", "true", "yes", "on", "y", "TRUE", "Yes", "ON", "Y", " on ")],
    *[(w, False) for w in ("0", "false", "no", "off", "n", "FALSE", "No", "OFF", "N", " off ")],
    ("", None), ("   ", None),  # blank: the variable's default
])
@pytest.mark.parametrize("variable, field, default", [
    ("KAMDASH_READ_ONLY", "read_only", False),
    ("KAMDASH_DEMO", "demo", True),
])
def test_every_boolean_accepts_the_same_words_in_any_case(variable, field, default, word,
                                                          expected):
    loaded = settings.load({variable: word})
    assert getattr(loaded, field) is (default if expected is None else expected)


@pytest.mark.parametrize("variable", ["KAMDASH_READ_ONLY", "KAMDASH_DEMO"])
@pytest.mark.parametrize("word", ["maybe", "2", "enabled", "t", "nein"])
def test_a_boolean_that_is_no_known_word_names_the_variable_and_the_words(variable, word):
    with pytest.raises(SettingsError) as caught:
        settings.load({variable: word})
    assert str(caught.value) == (
        f"{variable}={word!r} is neither on nor off: write 1, true, yes, on or y for on, "
        "0, false, no, off or n for off, or leave it unset")


@pytest.mark.parametrize("value, expected", [
    ("2025-06-30", date(2025, 6, 30)),
    (" 2024-02-29 ", date(2024, 2, 29)),
    ("", None),
])
def test_kamdash_today_is_a_fixed_day_or_none(value, expected):
    assert settings.load({"KAMDASH_TODAY": value}).fixed_today == expected


@pytest.mark.parametrize("value", ["31/03/2025", "2025-13-01", "2025-02-30", "today"])
def test_a_kamdash_today_that_is_not_a_date_is_reported_not_ignored(value):
    with pytest.raises(SettingsError) as caught:
        settings.load({"KAMDASH_TODAY": value})
    assert str(caught.value) == (f"KAMDASH_TODAY={value!r} is not a date: write YYYY-MM-DD "
                                 "(e.g. 2025-06-30), or leave it unset for the real date")


@pytest.mark.parametrize("value, expected", [
    ("postgresql+psycopg://kam@db/kam", "postgresql+psycopg://kam@db/kam"),
    (" sqlite:////tmp/k.db ", "sqlite:////tmp/k.db"),
    ("", DEFAULT_URL),
])
def test_the_database_url_is_taken_as_given_blank_means_the_data_folder(value, expected):
    assert settings.load({"KAMDASH_DATABASE_URL": value}).database_url == expected


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.load({}).read_only = True


def test_current_follows_every_change_of_the_environment(monkeypatch):
    monkeypatch.setenv("KAMDASH_TODAY", "2025-01-31")
    monkeypatch.setenv("KAMDASH_DEMO", "off")
    assert settings.today() == date(2025, 1, 31)
    assert settings.demo_on_first_start() is False
    monkeypatch.setenv("KAMDASH_TODAY", "2025-02-28")
    monkeypatch.setenv("KAMDASH_DEMO", "on")
    assert settings.today() == date(2025, 2, 28)
    assert settings.demo_on_first_start() is True
    monkeypatch.delenv("KAMDASH_TODAY")
    assert settings.today() == date.today()


def test_problem_is_the_message_of_a_bad_value_and_none_when_all_parse(monkeypatch):
    assert settings.problem() is None
    monkeypatch.setenv("KAMDASH_READ_ONLY", "sometimes")
    assert settings.problem().startswith("KAMDASH_READ_ONLY='sometimes' is neither on nor off")
    with pytest.raises(SettingsError):
        settings.today()  # any use of the settings says so, not only the app's start


def test_every_variable_load_reads_is_listed_and_nothing_else_reads_the_environment():
    source = (KAMDASH_DIR / "settings.py").read_text()
    load_body = source[source.index("def load("):source.index("def _load_cached")]
    assert set(re.findall(r'"(KAMDASH_[A-Z_]+)"', load_body)) == set(settings.VARIABLES)
    readers = sorted(str(path.relative_to(KAMDASH_DIR)) for path in KAMDASH_DIR.rglob("*.py")
                     if re.search(r"os\.environ|getenv", path.read_text()))
    # bench points its own AppTest runs at its databases (sets the variable, then restores it);
    # the browser bench hands its servers an environment without the caller's KAMDASH_ values
    # and, like the tests, finds Chromium through the test-only KAMDASH_CHROMIUM
    assert readers == ["bench.py", "bench_browser.py", "settings.py"]


def test_readme_documents_every_variable_and_every_word():
    readme = (KAMDASH_DIR.parent / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("Only for the tests:", 1)[0]
    assert re.findall(r"^\| `(KAMDASH_\w+)` \|", section, re.MULTILINE) == list(settings.VARIABLES)
    for words, meaning in ((settings.TRUE_WORDS, "on"), (settings.FALSE_WORDS, "off")):
        assert ", ".join(f"`{w}`" for w in words) + f" for {meaning}" in section.replace("\n", " ")
