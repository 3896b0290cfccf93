"""The product's commands (`clc-ledger init-db`, `serve`, ...), registered on every app's
Flask CLI by create_app, so `flask --app clc_ledger ...` has them too. The `clc-ledger` group
itself, which builds the app, is cli.py."""
import copy
import functools
import sys

import click
from flask import current_app
from flask.cli import NoAppException, ScriptInfo, pass_script_info, with_appcontext
from flask_migrate import upgrade

from .accounts import services
from .demo import DemoNotLoaded, load_demo
from .doctor import Finding, refusal, run_checks, testing
from .errors import ClcError
from .jobs.scheduler import scheduler_command
from .ledger.verify import ledger_problems


def refusing_unsafe_settings(command):
    """A copy of `command` that refuses to start on a setting unsafe outside testing (see
    doctor.unsafe_settings), before it does anything else."""
    guarded = copy.copy(command)
    callback = command.callback

    @functools.wraps(callback)
    def run(*args, **kwargs):
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        message = refusal(app, f"`{command.name}`")
        if message:
            raise click.ClickException(message)
        if testing(app.config):
            click.echo("Warning: CLC_TESTING is on: the test clock can be moved over the API and unsafe "
                       "settings are allowed. Never in production.", err=True)
        return callback(*args, **kwargs)

    guarded.callback = run
    return guarded


def register(app):
    for command in (init_db, create_admin, demo, verify_ledger, check):
        app.cli.add_command(command)
    for command in (serve, scheduler_command):
        app.cli.add_command(refusing_unsafe_settings(command))


@click.command("check")
@pass_script_info
def check(info):
    """Check the configuration: one line per setting, OK or the fix; exit 1 on any problem."""
    try:
        app = info.load_app()
    except NoAppException as error:
        click.echo(str(Finding("FAIL", "configuration", error.format_message())))
        sys.exit(1)
    with app.app_context():
        findings = run_checks(app)
    for finding in findings:
        click.echo(str(finding))
    problems = sum(finding.status == "FAIL" for finding in findings)
    click.echo(f"{problems} problem(s) found." if problems else "No problems found.")
    sys.exit(1 if problems else 0)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or migrate the database to the newest schema."""
    upgrade()
    click.echo(f"Database ready: {current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")


@click.command("create-admin")
@click.option("--username", required=True)
@click.option("--email", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin(username, email, password):
    """Create a back-office administrator."""
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
    from gunicorn.app.base import BaseApplication  # only this command needs gunicorn

    # Each worker builds its own app (its own database connections) as this command line
    # built its: with the `clc-ledger` group's factory, or from `flask --app`.
    info = click.get_current_context().ensure_object(ScriptInfo)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn 25+ opens a control socket at one path per user ($HOME/.gunicorn):
                # a second server on the host would take it over. Nothing here uses it.
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return ScriptInfo(app_import_path=info.app_import_path, create_app=info.create_app,
                              set_debug_flag=False).load_app()

    Server().run()


@click.command("demo")
@with_appcontext
def demo():
    """Load demo data (companies, people, sales orders) and print the logins."""
    try:
        logins, added = load_demo()
    except DemoNotLoaded as reason:
        click.echo(f"Did nothing: the demo needs names that this database already uses ({reason}). "
                   "Load it into an empty database (another CLC_DATABASE_URL).")
        return
    click.echo("Demo data loaded." if added else "The demo was loaded before; nothing added.")
    click.echo("Demo logins (username / password):")
    for username, password, role, company in logins:
        click.echo(f"  {username:<14} {password:<18} {role:<9} {company}")
    sys.stdout.flush()


@click.command("verify-ledger")
@with_appcontext
def verify_ledger():
    """Rebuild every balance from the ledger and check the hash chain; exit 1 on any mismatch."""
    problems = ledger_problems()
    for problem in problems:
        click.echo(f"LEDGER MISMATCH: {problem.message}", err=True)
    if problems:
        sys.exit(1)
    click.echo("Ledger verified: every chain is intact and every balance equals its entries.")
