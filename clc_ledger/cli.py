"""The clc-ledger command line (a Flask CLI group: `flask --app clc_ledger ...` works too); its
commands are commands.py's, which create_app registers on the app."""
import copy

import click
from flask.cli import FlaskGroup, NoAppException, ScriptInfo

from .app import create_app
from .commands import check
from .doctor import ConfigError

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
