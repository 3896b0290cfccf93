"""The clc-ledger command line (API.md): init-db, create-admin, demo."""
from sqlalchemy import inspect, select

from clc_ledger import create_app
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
