"""The clc-ledger command line (a Flask CLI group: `flask --app clc_ledger ...` works too)."""
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext


def main():
    from . import create_app

    group = FlaskGroup(create_app=create_app, add_version_option=False, help="CLC Ledger administration.")
    group.main(prog_name="clc-ledger")


def register(app):
    for command in (init_db, create_admin, serve, demo, verify_ledger):
        app.cli.add_command(command)
    from .jobs.scheduler import scheduler_command

    app.cli.add_command(scheduler_command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or migrate the database to the newest schema."""
    from flask_migrate import upgrade

    upgrade()
    click.echo(f"Database ready: {current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")


@click.command("create-admin")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin(username, email, password):
    """Create a back-office administrator."""
    from .accounts import services
    from .errors import ClcError

    try:
        user = services.create_user(username=username, email=email, password=password, role="admin")
    except ClcError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Admin {user.username} created.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--workers", default=2, type=int, show_default=True)
@click.option("--threads", type=int, default=1, show_default=True,
              help="Threads per worker. More threads let a request run while another waits on the "
                   "database, but on few cores they cost more in contention than they save: a debit "
                   "under load (bench measure 2) was fastest with 1, on SQLite and on PostgreSQL.")
def serve(host, port, workers, threads):
    """Serve the app with gunicorn (a production WSGI server)."""
    from gunicorn.app.base import BaseApplication

    from . import create_app

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)

        def load(self):
            return create_app()

    Server().run()


@click.command("demo")
@with_appcontext
def demo():
    """Load demo data (companies, people, sales orders) and print the logins."""
    from .demo import load_demo

    logins = load_demo()
    click.echo("Demo logins (username / password):")
    for username, password, role, company in logins:
        click.echo(f"  {username:<14} {password:<18} {role:<9} {company}")
    sys.stdout.flush()


@click.command("verify-ledger")
@with_appcontext
def verify_ledger():
    """Rebuild every balance from the ledger and check the hash chain; exit 1 on any mismatch."""
    from .ledger.verify import verify_ledger as verify

    problem = verify()
    if problem is not None:
        click.echo(f"LEDGER MISMATCH: {problem.message}", err=True)
        sys.exit(1)
    click.echo("Ledger verified: every chain is intact and every balance equals its entries.")
