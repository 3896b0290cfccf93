"""`clc-ledger check`, the configuration doctor: one line per setting, OK or the fix, and
exit 1 on any problem. One test per broken setting, each against a configuration that passes."""
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from clc_ledger.cli import cli

from .smtp import free_port

GOOD_KEY = "k" * 40
TRANSLATIONS = Path(__file__).resolve().parents[1] / "clc_ledger" / "translations"


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """A SQLite file migrated to the newest revision by `clc-ledger init-db`."""
    folder = tmp_path_factory.mktemp("migrated")
    path = folder / "migrated.sqlite3"
    result = CliRunner().invoke(cli(), ["init-db"], env={"CLC_INSTANCE_PATH": str(folder / "instance"),
                                                          "CLC_DATABASE_URL": f"sqlite:///{path}"})
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(path)) as connection:  # the WAL into the file, so a copy has it all
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def settings(tmp_path, migrated_database, smtp_server):
    """A configuration that passes every check: a copy of the migrated database, a real SMTP
    server, a long secret key, a valid time zone and the base URL set."""
    database = tmp_path / "clc.sqlite3"
    shutil.copyfile(migrated_database, database)
    return {"CLC_INSTANCE_PATH": str(tmp_path / "instance"), "CLC_DATABASE_URL": f"sqlite:///{database}",
            "CLC_SECRET_KEY": GOOD_KEY, "CLC_MAIL_URL": smtp_server.url, "CLC_TIMEZONE": "Europe/Berlin",
            "CLC_BASE_URL": "https://clc.example.com", "CLC_TESTING": None, "CLC_MAIL_DIR": None,
            "CLC_RATELIMIT_STORAGE_URI": None}


def check(settings, **changes):
    """(exit code, {check name: (status, text)}) of `clc-ledger check` with these settings."""
    result = CliRunner().invoke(cli(), ["check"], env={**settings, **changes})
    lines = {}
    for line in result.output.splitlines():
        status, _, rest = line.partition(" ")
        if status in ("OK", "FAIL", "WARN"):
            name, _, said = rest.strip().partition(": ")
            lines[name] = (status, said)
    return result.exit_code, lines, result.output


def failing(settings, name, **changes):
    code, lines, output = check(settings, **changes)
    assert code == 1, output
    assert lines[name][0] == "FAIL", output
    assert [other for other, (status, _) in lines.items() if status == "FAIL"] == [name], output
    return lines[name][1]


def write_config(settings, text_):
    instance = Path(settings["CLC_INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(text_)


def test_a_good_configuration_passes_every_check(settings):
    code, lines, output = check(settings)
    assert code == 0, output
    assert {name for name, (status, _) in lines.items() if status != "OK"} == set(), output
    assert {"database", "schema", "secret key", "mail", "time zone", "translations", "base URL"} <= set(lines)
    assert "No problems found." in output


def test_an_unreachable_database_server(settings):
    said = failing(settings, "database", CLC_DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/clc")
    assert "cannot reach" in said and "CLC_DATABASE_URL" in said


def test_a_sqlite_database_never_created(settings, tmp_path):
    said = failing(settings, "database", CLC_DATABASE_URL=f"sqlite:///{tmp_path / 'absent.sqlite3'}")
    assert "does not exist" in said and "clc-ledger init-db" in said


def test_a_database_built_without_the_migrations(settings, database_url):
    """The test database (SQLite or PostgreSQL) has the tables but no Alembic revision."""
    said = failing(settings, "schema", CLC_DATABASE_URL=database_url)
    assert "no schema" in said and "clc-ledger init-db" in said


def test_a_database_behind_the_newest_migration(settings):
    engine = create_engine(settings["CLC_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'edddf1136042'"))
    engine.dispose()
    said = failing(settings, "schema")
    assert "at edddf1136042" in said and "clc-ledger init-db" in said


def test_no_secret_key(settings):
    said = failing(settings, "secret key", CLC_SECRET_KEY=None)
    assert "CLC_SECRET_KEY is not set" in said and "secrets.token_hex" in said


def test_a_short_secret_key(settings):
    said = failing(settings, "secret key", CLC_SECRET_KEY="changeme")
    assert "8 characters" in said and "at least 32" in said


def test_the_tests_cheap_password_hashing(settings):
    write_config(settings, 'CLC_PASSWORD_PROFILE = "CHEAPEST"\n')
    assert "CHEAPEST" in failing(settings, "password hashing")


def test_forms_without_csrf_protection(settings):
    write_config(settings, "WTF_CSRF_ENABLED = False\n")
    assert "WTF_CSRF_ENABLED" in failing(settings, "CSRF protection")


def test_an_unreachable_mail_server(settings):
    said = failing(settings, "mail", CLC_MAIL_URL=f"smtp://127.0.0.1:{free_port()}")
    assert "cannot reach" in said and "CLC_MAIL_URL" in said


def test_a_mail_url_that_is_not_smtp(settings):
    assert "must start with smtp://" in failing(settings, "mail", CLC_MAIL_URL="http://mail.example.com")


def test_no_mail_server_writes_eml_files_and_says_where(settings, tmp_path):
    code, lines, output = check(settings, CLC_MAIL_URL=None, CLC_MAIL_DIR=str(tmp_path / "outbox"))
    assert code == 0, output
    assert lines["mail"][0] == "OK" and str(tmp_path / "outbox") in lines["mail"][1]


def test_an_unknown_time_zone(settings):
    said = failing(settings, "time zone", CLC_TIMEZONE="Europe/Atlantis")
    assert "'Europe/Atlantis' is not a time zone" in said


def test_translations_without_compiled_catalogs(settings, tmp_path):
    sources = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, sources, ignore=shutil.ignore_patterns("*.mo"))
    write_config(settings, f"BABEL_TRANSLATION_DIRECTORIES = {str(sources)!r}\n")
    said = failing(settings, "translations")
    assert "de/messages" in said and "de/mail" in said and "make translations" in said


def test_a_rate_limit_store_that_cannot_be_used(settings):
    code, lines, output = check(settings, CLC_RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}")
    assert code == 1, output
    try:
        import redis  # noqa: F401
    except ImportError:  # the extra is not installed: the app cannot even be built
        assert lines["configuration"][0] == "FAIL" and "pip install 'clc-ledger[redis]'" in output
    else:
        assert lines["sign-in rate limits"][0] == "FAIL" and "cannot reach" in output


def test_testing_allows_the_development_key_but_says_so(settings):
    code, lines, output = check(settings, CLC_SECRET_KEY=None, CLC_TESTING="1")
    assert code == 0, output
    assert lines["testing"][0] == "WARN" and lines["secret key"][0] == "WARN"


def test_translations_edited_but_not_compiled(settings, tmp_path):
    sources = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, sources)
    po = sources / "de" / "LC_MESSAGES" / "mail.po"
    po.write_text(po.read_text().replace('msgstr "Anfangssaldo"', 'msgstr "Saldo am Anfang"'))
    os.utime(po, (po.stat().st_mtime + 10, po.stat().st_mtime + 10))
    write_config(settings, f"BABEL_TRANSLATION_DIRECTORIES = {str(sources)!r}\n")
    said = failing(settings, "translations")
    assert "older than their sources (de/mail)" in said


def test_catalogs_unpacked_after_their_sources_are_not_stale(settings, tmp_path):
    """pip gives every installed file the time it was unpacked: a .po may look newer."""
    sources = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, sources)
    for po in sources.glob("*/LC_MESSAGES/*.po"):
        os.utime(po, (po.stat().st_mtime + 10, po.with_suffix(".mo").stat().st_mtime + 10))
    write_config(settings, f"BABEL_TRANSLATION_DIRECTORIES = {str(sources)!r}\n")
    code, lines, output = check(settings)
    assert code == 0 and lines["translations"][0] == "OK", output


def test_a_password_in_the_rate_limit_store_address_is_never_printed(settings):
    code, lines, output = check(settings, CLC_RATELIMIT_STORAGE_URI=f"redis://:hunter2@127.0.0.1:{free_port()}")
    assert code == 1 and "hunter2" not in output and "redis://…@127.0.0.1" in output
