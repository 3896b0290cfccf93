"""The clc-ledger command line (a Flask CLI group: `flask --app clc_ledger ...` works too)."""
import copy
import functools
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, NoAppException, ScriptInfo, pass_script_info, with_appcontext

# The product's commands, in the order an operator meets them; `clc-ledger --help` lists them
# first, then the commands that Flask and its extensions add, each said for what it is.
PRODUCT_COMMANDS = ("init-db", "create-admin", "serve", "scheduler", "check", "demo", "verify-ledger")
OTHER_COMMANDS = {
    "run": "Flask's development server, for debugging only; `serve` is the production server.",
    "shell": "A Python shell with the app loaded (for developers).",
    "routes": "List the app's URL routes (for developers).",
    "db": "Flask-Migrate's low-level commands; `init-db` is all an upgrade needs.",
    "openapi": "flask-smorest's commands: print or write the API's OpenAPI document.",
}
# Flask's group options that mean nothing here: the app is fixed, and --env-file needs
# python-dotenv, which is not installed.
HIDDEN_OPTIONS = {"env_file", "app", "debug"}


def _version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("clc-ledger")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _create_app():
    from . import create_app
    from .doctor import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        raise NoAppException(str(error)) from None


class ClcGroup(FlaskGroup):
    def __init__(self, **extra):
        super().__init__(create_app=_create_app, add_version_option=False, **extra)
        self.params = [self._hidden(param) if param.name in HIDDEN_OPTIONS else param for param in self.params]
        self.params.append(click.Option(
            ["--version"], is_flag=True, expose_value=False, is_eager=True, help="Show the version and exit.",
            callback=lambda ctx, _param, value: value and (click.echo(f"clc-ledger {_version()}"), ctx.exit())))

    @staticmethod
    def _hidden(param):
        param = copy.copy(param)
        param.hidden = True
        return param

    def get_command(self, ctx, name):
        # Flask would print a broken setting and then say "No such command": say only the setting.
        if name in PRODUCT_COMMANDS and name != "check":
            try:
                ctx.ensure_object(ScriptInfo).load_app()
            except NoAppException as error:
                raise click.ClickException(error.format_message()) from None
        return super().get_command(ctx, name)

    def format_commands(self, ctx, formatter):
        names = self.list_commands(ctx)
        ours = [name for name in PRODUCT_COMMANDS if name in names]
        rows = [(name, self.get_command(ctx, name).get_short_help_str(200)) for name in ours]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
        others = [name for name in names if name not in PRODUCT_COMMANDS]
        if others:
            rows = [(name, OTHER_COMMANDS.get(name) or self.get_command(ctx, name).get_short_help_str(200))
                    for name in others]
            with formatter.section("Flask's and its extensions' own commands"):
                formatter.write_dl(rows)


def cli():
    """The `clc-ledger` command group."""
    group = ClcGroup(help="CLC Ledger: the ledger and expiry manager for Cisco Learning Credits.\n\n"
                          "Settings come from CLC_* environment variables or config.py in the data "
                          "directory (CLC_INSTANCE_PATH); `clc-ledger check` reports on each.")
    group.add_command(check)
    return group


def main():
    cli().main(prog_name="clc-ledger")


def refusing_unsafe_settings(command):
    """A copy of `command` that refuses to start on a setting unsafe outside testing (see
    doctor.unsafe_settings), before it does anything else."""
    guarded = copy.copy(command)
    callback = command.callback

    @functools.wraps(callback)
    def run(*args, **kwargs):
        from .doctor import refusal, testing

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
    from .jobs.scheduler import scheduler_command

    for command in (init_db, create_admin, demo, verify_ledger, check):
        app.cli.add_command(command)
    for command in (serve, scheduler_command):
        app.cli.add_command(refusing_unsafe_settings(command))


@click.command("check")
@pass_script_info
def check(info):
    """Check the configuration: one line per setting, OK or the fix; exit 1 on any problem."""
    from .doctor import Finding, run_checks

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
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn 25+ opens a control socket at one path per user ($HOME/.gunicorn):
                # a second server on the host would take it over. Nothing here uses it.
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return create_app()

    Server().run()


@click.command("demo")
@with_appcontext
def demo():
    """Load demo data (companies, people, sales orders) and print the logins."""
    from .demo import DemoNotLoaded, load_demo

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
    from .ledger.verify import ledger_problems

    problems = ledger_problems()
    for problem in problems:
        click.echo(f"LEDGER MISMATCH: {problem.message}", err=True)
    if problems:
        sys.exit(1)
    click.echo("Ledger verified: every chain is intact and every balance equals its entries.")
