"""The clc-ledger command line (API.md): init-db, create-admin, demo, and the console script's
own behaviour: unsafe settings refused, --version, --help."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select

from clc_ledger import create_app
from clc_ledger.cli import cli
from clc_ledger.accounts.models import User
from clc_ledger.extensions import db
from clc_ledger.ledger.models import SalesOrder


def test_init_db_create_admin_and_demo_on_a_new_database(tmp_path, monkeypatch):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.sqlite3'}",
                      "CLC_PASSWORD_PROFILE": "CHEAPEST"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-admin", "--username", "root", "--email", "r@example.com",
                                 "--password", "long-enough-1"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["create-admin", "--username", "root", "--email", "r@example.com",
                                "--password", "long-enough-1"])
    assert again.exit_code != 0 and "taken" in again.output
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "alice" in result.output and "demo-password" in result.output
    with app.app_context():
        assert "ledger_entries" in inspect(db.engine).get_table_names()
        assert db.session.scalar(select(User).where(User.username == "root")).role == "admin"
        assert db.session.scalars(select(SalesOrder.status)).all().count("active") >= 3
        db.engine.dispose()


def test_the_console_script_is_a_flask_group(tmp_path):
    from clc_ledger.cli import main  # noqa: F401  (importable entry point)

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    names = set(app.cli.list_commands(None))
    assert {"init-db", "create-admin", "serve", "demo"} <= names


# --- the console script: refusing unsafe settings, --version, --help --------------------------

UNSAFE_OUTSIDE_TESTING = {"CLC_SECRET_KEY": None, "CLC_TESTING": None}


@pytest.fixture
def data_directory(tmp_path):
    return {"CLC_INSTANCE_PATH": str(tmp_path / "instance"),
            "CLC_DATABASE_URL": f"sqlite:///{tmp_path / 'clc.sqlite3'}"}


@pytest.mark.parametrize("command", ["serve", "scheduler"])
def test_serve_and_scheduler_refuse_to_start_without_a_secret_key(command, data_directory):
    result = CliRunner().invoke(cli(), [command], env={**data_directory, **UNSAFE_OUTSIDE_TESTING})
    assert result.exit_code == 1
    assert f"Refusing to start `{command}`" in result.output
    assert "export CLC_SECRET_KEY=" in result.output  # says how to set one


def test_the_installed_serve_command_exits_non_zero_with_the_message(data_directory):
    script = Path(sys.executable).with_name("clc-ledger")
    environment = {key: value for key, value in os.environ.items() if key not in UNSAFE_OUTSIDE_TESTING}
    finished = subprocess.run([str(script), "serve", "--port", "1"], env={**environment, **data_directory},
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode != 0
    assert "CLC_SECRET_KEY is not set" in finished.stderr and "token_hex" in finished.stderr


def test_serve_refuses_the_tests_password_hashing_too(data_directory, tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text('CLC_PASSWORD_PROFILE = "CHEAPEST"\n')
    result = CliRunner().invoke(cli(), ["serve"], env={**data_directory, "CLC_SECRET_KEY": "s" * 40,
                                                       "CLC_TESTING": None})
    assert result.exit_code == 1 and "CHEAPEST" in result.output and "secret key" not in result.output


def test_version():
    from importlib.metadata import version

    result = CliRunner().invoke(cli(), ["--version"])
    assert result.exit_code == 0 and result.output == f"clc-ledger {version('clc-ledger')}\n"


def test_help_lists_the_products_commands_first_and_says_what_flasks_own_are(data_directory):
    result = CliRunner().invoke(cli(), ["--help"], env=data_directory)
    assert result.exit_code == 0, result.output
    text_ = result.output
    positions = [text_.index(f"  {name} ") for name in
                 ("init-db", "create-admin", "serve", "scheduler", "check", "demo", "verify-ledger")]
    assert positions == sorted(positions)
    assert positions[-1] < text_.index("Flask's and its extensions' own commands") < text_.index("  run ")
    assert "development server" in text_[text_.index("  run "):]
    assert "--env-file" not in text_ and "--app" not in text_


def test_a_setting_that_stops_the_app_is_said_plainly(data_directory):
    result = CliRunner().invoke(cli(), ["init-db"], env={**data_directory, "CLC_RATELIMIT_STORAGE_URI": "redis://h:1"})
    try:
        import redis  # noqa: F401
    except ImportError:
        assert result.exit_code == 1 and "pip install 'clc-ledger[redis]'" in result.output
        assert "Traceback" not in result.output and "No such command" not in result.output
    else:
        pytest.skip("the Redis client is installed")


# --- demo beside real data --------------------------------------------------------------------

def _app(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite3'}",
                      "CLC_PASSWORD_PROFILE": "CHEAPEST"})
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    return app


def _logins_work(app, output):
    from clc_ledger.accounts.services import authenticate

    rows = [line.split() for line in output.splitlines() if line.startswith("  ")]
    assert rows
    with app.app_context():
        for username, password, *_rest in rows:
            assert authenticate(username, password) is not None, username


def test_demo_loads_beside_existing_users_and_its_logins_work(tmp_path):
    app = _app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["create-admin", "--username", "root", "--email", "r@example.com", "--password", "long-enough-1"])
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "Demo data loaded." in result.output
    _logins_work(app, result.output)
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "loaded before; nothing added" in again.output
    _logins_work(app, again.output)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(User.id))) == 7
        db.engine.dispose()


def test_demo_does_nothing_when_its_admin_name_is_taken(tmp_path):
    app = _app(tmp_path)
    runner = app.test_cli_runner()
    runner.invoke(args=["create-admin", "--username", "admin", "--email", "a@example.com", "--password", "long-enough-1"])
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "Did nothing" in result.output and "admin" in result.output and "demo-password" not in result.output
    with app.app_context():
        assert db.session.scalars(select(User.username)).all() == ["admin"]
        assert db.session.scalar(select(db.func.count(SalesOrder.id))) == 0
        db.engine.dispose()


# --- the data directory -----------------------------------------------------------------------

def test_the_data_directory_of_an_installed_package_is_outside_it(tmp_path, monkeypatch):
    from clc_ledger.app import _instance_path

    site_packages = tmp_path / "venv" / "lib" / "site-packages" / "clc_ledger"
    site_packages.mkdir(parents=True)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert _instance_path({}, site_packages) == str(tmp_path / "data" / "clc-ledger")
    assert _instance_path({"CLC_INSTANCE_PATH": "relative/dir"}, site_packages) == os.path.abspath("relative/dir")
    checkout = tmp_path / "clone"
    (checkout / "clc_ledger").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    assert _instance_path({}, checkout / "clc_ledger") == str(checkout / "instance")


def test_scheduler_under_testing_starts_but_warns(data_directory):
    runner = CliRunner()
    assert runner.invoke(cli(), ["init-db"], env=data_directory).exit_code == 0
    result = runner.invoke(cli(), ["scheduler", "--once"], env={**data_directory, "CLC_SECRET_KEY": None,
                                                                 "CLC_TESTING": "1"})
    assert result.exit_code == 0, result.output
    assert "Warning: CLC_TESTING is on" in result.output and "Refusing" not in result.output
