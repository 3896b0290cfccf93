"""Settings that are unsafe in production, and the configuration doctor (`clc-ledger check`).

`serve` and `scheduler` refuse to start on any unsafe setting unless the test clock is on
(CLC_TESTING=1, or TESTING in the configuration), which is for tests and demos only.
`check` reports every setting the program depends on, one line each: OK, or what to fix.
"""
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config import DEVELOPMENT_SECRET_KEY
from .notifications.outbox import ServerUnavailable, SmtpTransport

MIN_SECRET_KEY_LENGTH = 32
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
NEW_KEY_COMMAND = """python3 -c 'import secrets; print(secrets.token_hex(32))'"""


def redacted(uri):
    """`uri` without the credentials before its host: safe to print."""
    scheme, separator, rest = uri.partition("://")
    return f"{scheme}://…@{rest.rsplit('@', 1)[1]}" if separator and "@" in rest else uri


class ConfigError(Exception):
    """A setting that keeps the app from being built at all; the message says the fix."""


@dataclass
class Finding:
    """One line of the doctor: `status` is "OK", "FAIL" (a problem: exit 1) or "WARN"."""

    status: str
    name: str
    text: str

    def __str__(self):
        return f"{self.status:<4} {self.name}: {self.text}"


def testing(config):
    return bool(config.get("TESTING") or config.get("CLC_TESTING"))


def unsafe_settings(app):
    """The settings that must not reach production, as FAIL findings (empty when all is well).

    - the secret key: unset (the public development key) or shorter than 32 characters;
    - CLC_PASSWORD_PROFILE = "CHEAPEST" (the tests' cheap password hashing);
    - WTF_CSRF_ENABLED = False (forms without CSRF protection);
    - DEBUG = True (internal errors shown to whoever caused them).
    """
    config = app.config
    config_file = Path(app.instance_path) / "config.py"
    found = []
    key = config.get("SECRET_KEY") or ""
    if not key or key == DEVELOPMENT_SECRET_KEY:
        found.append(Finding("FAIL", "secret key",
                             "CLC_SECRET_KEY is not set, so sessions would be signed with the public "
                             f'development key. Set it to a random value: export CLC_SECRET_KEY="$({NEW_KEY_COMMAND})" '
                             f"(or SECRET_KEY = \"...\" in {config_file})"))
    elif len(key) < MIN_SECRET_KEY_LENGTH:
        found.append(Finding("FAIL", "secret key",
                             f"CLC_SECRET_KEY has {len(key)} characters; use at least {MIN_SECRET_KEY_LENGTH} "
                             f'random ones: export CLC_SECRET_KEY="$({NEW_KEY_COMMAND})"'))
    if config.get("CLC_PASSWORD_PROFILE") == "CHEAPEST":
        found.append(Finding("FAIL", "password hashing",
                             f"CLC_PASSWORD_PROFILE is CHEAPEST (for tests only): remove it from {config_file}"))
    if config.get("WTF_CSRF_ENABLED") is False:
        found.append(Finding("FAIL", "CSRF protection",
                             f"WTF_CSRF_ENABLED is False (for tests only): remove it from {config_file}"))
    if config.get("DEBUG"):
        found.append(Finding("FAIL", "debug mode",
                             f"DEBUG is on (shows internals on errors): remove it from {config_file} and FLASK_DEBUG"))
    return found


def refusal(app, command):
    """The message `command` stops with when a setting is unsafe, or None to go ahead."""
    if testing(app.config):
        return None
    problems = unsafe_settings(app)
    if not problems:
        return None
    lines = [f"Refusing to start {command}: a setting is unsafe outside testing."]
    lines += [f"  {problem.name}: {problem.text}" for problem in problems]
    lines.append("  (CLC_TESTING=1 allows these, for tests and demos only; `clc-ledger check` checks everything.)")
    return "\n".join(lines)


# --- the doctor ------------------------------------------------------------------------------

def run_checks(app):
    """Every finding of `clc-ledger check`, in the order they are printed."""
    findings = _database(app)
    problems = unsafe_settings(app)
    if testing(app.config):
        findings.append(Finding("WARN", "testing", "CLC_TESTING is on: the test clock can be set over the API, "
                                                   "and unsafe settings are allowed. Never in production."))
        findings += [Finding("WARN", problem.name, problem.text) for problem in problems]
    else:
        findings += problems
        if not any(problem.name == "secret key" for problem in problems):
            findings.append(Finding("OK", "secret key", "set"))
    findings.append(_mail(app))
    findings.append(_time_zone(app))
    findings.append(_catalogs(app))
    findings.append(_rate_limit_storage(app))
    findings.append(_base_url(app))
    return findings


def _database(app):
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).exists():
        return [Finding("FAIL", "database", f"{url.database} does not exist: run `clc-ledger init-db`")]
    connect_args = {"connect_timeout": 5} if url.get_backend_name() == "postgresql" else {}
    engine = create_engine(url, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # any driver's "cannot connect"
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return [Finding("FAIL", "database", f"cannot reach {shown}: {reason}. Check CLC_DATABASE_URL "
                                            "and that the database server is running")]
    finally:
        engine.dispose()
    directory = app.extensions["migrate"].directory
    heads = set(ScriptDirectory(directory).get_heads())
    if current != heads:
        at = ", ".join(sorted(current)) or "no schema"
        return [Finding("OK", "database", f"{shown} reachable"),
                Finding("FAIL", "schema", f"at {at}, the newest is {', '.join(sorted(heads))}: "
                                          "run `clc-ledger init-db`")]
    return [Finding("OK", "database", f"{shown} reachable"),
            Finding("OK", "schema", f"at the newest revision ({', '.join(sorted(heads))})")]


def _mail(app):
    url = app.config.get("CLC_MAIL_URL")
    if not url:
        directory = Path(app.config.get("CLC_MAIL_DIR") or Path(app.instance_path) / "mail")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return Finding("FAIL", "mail", f"no CLC_MAIL_URL, and .eml files cannot be written to {directory}: "
                                           f"{error.strerror}. Set CLC_MAIL_URL=smtp://host:port or CLC_MAIL_DIR")
        if not os.access(directory, os.W_OK):
            return Finding("FAIL", "mail", f"no CLC_MAIL_URL, and {directory} is not writable for .eml files")
        return Finding("OK", "mail", f"no mail server: each mail becomes an .eml file in {directory} "
                                     "(set CLC_MAIL_URL=smtp://host:port to send)")
    try:
        transport = SmtpTransport(url, envelope_from="")
    except ValueError as error:
        return Finding("FAIL", "mail", str(error))
    try:
        transport._connect()
    except ServerUnavailable as error:
        return Finding("FAIL", "mail", f"{error}: check CLC_MAIL_URL and that the mail server is running")
    finally:
        transport.close()
    return Finding("OK", "mail", f"the mail server {transport.host}:{transport.port} answers")


def _time_zone(app):
    name = app.config.get("CLC_TIMEZONE")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return Finding("FAIL", "time zone", f"CLC_TIMEZONE={name!r} is not a time zone: use an IANA name "
                                            "such as America/Los_Angeles or Europe/Berlin")
    return Finding("OK", "time zone", name)


def _catalogs(app):
    directories = [Path(path) for path in app.extensions["babel"].translation_directories]
    missing, stale = [], []
    for locale in app.config["CLC_SUPPORTED_LOCALES"]:
        if locale == "en":  # the texts themselves are English
            continue
        for domain in ("messages", "mail"):
            mo = [d / locale / "LC_MESSAGES" / f"{domain}.mo" for d in directories]
            found = [path for path in mo if path.exists()]
            if not found:
                missing.append(f"{locale}/{domain}")
            elif any(_stale(path) for path in found):
                stale.append(f"{locale}/{domain}")
    fix = "reinstall clc-ledger (its build compiles them), or run `make translations` in a checkout"
    if missing:
        return Finding("FAIL", "translations", f"compiled catalogs missing ({', '.join(missing)}): {fix}")
    if stale:
        return Finding("FAIL", "translations", f"compiled catalogs older than their sources ({', '.join(stale)}): {fix}")
    return Finding("OK", "translations", ", ".join(app.config["CLC_SUPPORTED_LOCALES"]))


def _stale(mo):
    """Whether the .po beside `mo` has a translation that `mo` lacks (an edit not compiled).
    Compared by content: an installed package's files all have the time they were unpacked."""
    import gettext

    from babel.messages.pofile import read_po

    po = mo.with_suffix(".po")
    if not po.exists() or po.stat().st_mtime <= mo.stat().st_mtime:
        return False
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    with po.open("rb") as handle:
        source = read_po(handle)
    for message in source:
        if not message.id or message.fuzzy or not all(message.string if isinstance(message.string, tuple)
                                                      else [message.string]):
            continue  # not compiled: an untranslated text shows in English
        prefix = f"{message.context}\x04" if message.context else ""
        if isinstance(message.id, tuple):
            if compiled.get((prefix + message.id[0], 0)) != message.string[0]:
                return True
        elif compiled.get(prefix + message.id) != message.string:
            return True
    return False


def _rate_limit_storage(app):
    from limits.storage import storage_from_string

    uri = app.config.get("CLC_RATELIMIT_STORAGE_URI")
    if not uri:
        return Finding("OK", "sign-in rate limits", "counted in this database, shared by every worker and process")
    try:
        reachable = storage_from_string(uri).check()
    except Exception as error:
        reachable, error_text = False, str(error)
    else:
        error_text = "no answer"
    if not reachable:
        return Finding("FAIL", "sign-in rate limits", f"cannot reach {redacted(uri)}: {error_text}. "
                                                      "Check CLC_RATELIMIT_STORAGE_URI and that the server runs")
    return Finding("OK", "sign-in rate limits", f"{redacted(uri)} answers")


def _base_url(app):
    url = app.config.get("CLC_BASE_URL")
    if url == DEFAULT_BASE_URL:
        return Finding("WARN", "base URL", f"CLC_BASE_URL is the default {url}: links in mail point there; "
                                           "set it to the address people open")
    return Finding("OK", "base URL", url)
