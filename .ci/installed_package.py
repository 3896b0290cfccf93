"""CI: the package as a user installs it, not the checkout.

Builds the sdist and, from it, the wheel (python -m build); installs the wheel into a fresh
virtual environment outside the repository; then, from an empty folder, against SQLite (in
the default data directory) and against PostgreSQL (a database named after
CLC_TEST_DATABASE_URL's, created and dropped here), with a real SMTP server on loopback:

- `clc-ledger serve` without CLC_SECRET_KEY, outside testing, exits non-zero saying how to set it;
- `init-db`, `create-admin`, `check` (every line OK or a testing warning), `serve`;
- over HTTP: a de_DE company, a member, an SO booked, invoiced and activated, a debit, all in
  June 2026 on the test clock (CLC_TESTING=1); the clock then set to 1 July;
- `scheduler`: its catch-up runs the monthly statements and delivers the outbox; the
  statement mail must arrive in German with its CSV (and PDF) attached;
- both processes stop cleanly on SIGTERM.

Run from the repository's virtualenv (it has aiosmtpd and psycopg):
    CLC_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python .ci/installed_package.py
Without CLC_TEST_DATABASE_URL only SQLite is tried. Exit 1 on any failure.
"""
import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.smtp import SmtpServer, free_port  # noqa: E402  (aiosmtpd on loopback)

SECRET_KEY = "ci-installed-package-" + "7" * 40
ADMIN_PASSWORD = "Installed-Package-Check-42"
COMPANY = "Rheinland Systeme GmbH"
# What must be German in the statement mail: its subject and text, and the CSV's headers (read
# as a German spreadsheet reads them: ";" between cells, decimal commas).
SUBJECT = f"Ihr Kontoauszug Cisco Learning Credits für Juni 2026 – {COMPANY}"
BODY_GERMAN = ("Kontoauszug Cisco Learning Credits", "Anfangssaldo",
               "Der vollständige Kontoauszug liegt als PDF und CSV bei.")
CSV_HEADERS = ["Datum", "Art", "Kundenauftrag", "Beschreibung", "Betrag (CLC)", "Saldo (CLC)",
               "Betrag (USD)", "Saldo (USD)"]
REDIS_URL = "redis://127.0.0.1:6379/9"  # .ci/run starts a Redis server when the machine has one


def redis_answers():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def log(message):
    print(f"[installed] {message}", flush=True)


def run(command, **kwargs):
    """Run a command; raise with its output if it fails."""
    finished = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if finished.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} exited {finished.returncode}:\n"
                             f"{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}")
    return finished


# --- build and install ---------------------------------------------------------------------

def build_and_install(work):
    source = work / "source"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    assert not list(source.rglob("*.mo")), "compiled catalogs are tracked; they must be build output"
    started = time.monotonic()
    run([sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(source)])
    [sdist] = (work / "dist").glob("*.tar.gz")
    [wheel] = (work / "dist").glob("*.whl")
    import tarfile
    import zipfile

    with tarfile.open(sdist) as archive:
        in_sdist = [name for name in archive.getnames() if name.endswith(".mo")]
    in_wheel = [name for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".mo")]
    catalogs = len(list((source / "clc_ledger" / "translations").rglob("*.po")))  # languages x domains
    for names in (in_sdist, in_wheel):
        assert catalogs >= 6 and len(names) == catalogs, (catalogs, names)
    assert any(name.startswith("clc_ledger/migrations/versions/") for name in zipfile.ZipFile(wheel).namelist())
    log(f"built {sdist.name} and {wheel.name} with compiled catalogs in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    run([sys.executable, "-m", "venv", str(work / "venv")])
    run([str(work / "venv" / "bin" / "pip"), "install", "--quiet", f"{wheel}[redis]"])
    log(f"installed into a fresh virtualenv in {time.monotonic() - started:.0f} s")
    return work / "venv" / "bin" / "clc-ledger"


# --- one database --------------------------------------------------------------------------

class Http:
    def __init__(self, base):
        self.base, self.token = base, None

    def call(self, method, path, body=None, token=None, expect=(200, 201)):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if token or self.token:
            request.add_header("Authorization", f"Bearer {token or self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        answer = json.loads(payload) if payload else None
        assert status in expect, f"{method} {path} -> {status}: {answer}"
        return answer


def wait_for(predicate, what, timeout, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {process.returncode}")
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"{what}: not within {timeout} s")


def health(base):
    def answers():
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False
    return answers


def stop(process, name):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"{name} did not stop within 60 s of SIGTERM") from None
    return process.returncode


def scenario(kind, script, work, database_url, smtp):
    folder = work / f"run-{kind}"
    folder.mkdir()  # the empty folder every command runs from
    data_home = work / f"data-{kind}"
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("CLC_", "FLASK_", "VIRTUAL_ENV", "PYTHON"))}
    environment["XDG_DATA_HOME"] = str(data_home)  # the default data directory, kept out of $HOME
    if database_url:
        environment["CLC_DATABASE_URL"] = database_url
    redis = kind == "postgresql" and redis_answers()
    if redis:  # the set-up of several web workers: sign-in rate limits counted in Redis ([redis] extra)
        environment["CLC_RATELIMIT_STORAGE_URI"] = REDIS_URL

    refused = subprocess.run([str(script), "serve", "--port", str(free_port())], cwd=folder, env=environment,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0, "serve started without CLC_SECRET_KEY outside testing"
    assert "CLC_SECRET_KEY is not set" in refused.stderr and "export CLC_SECRET_KEY=" in refused.stderr, refused.stderr
    log(f"{kind}: serve without CLC_SECRET_KEY refused (exit {refused.returncode})")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment.update(CLC_SECRET_KEY=SECRET_KEY, CLC_TESTING="1", CLC_MAIL_URL=smtp.url, CLC_BASE_URL=base,
                       CLC_MAIL_FROM="CLC Ledger <clc@example.com>")

    def cli(*arguments):
        return run([str(script), *arguments], cwd=folder, env=environment, timeout=300)

    cli("init-db")
    cli("create-admin", "--username", "admin", "--email", "admin@example.com", "--password", ADMIN_PASSWORD)
    checked = subprocess.run([str(script), "check"], cwd=folder, env=environment, capture_output=True, text=True,
                             timeout=120)
    assert checked.returncode == 0 and "FAIL" not in checked.stdout, checked.stdout + checked.stderr
    assert "OK   translations" in checked.stdout, checked.stdout
    if redis:
        assert f"OK   sign-in rate limits: {REDIS_URL} answers" in checked.stdout, checked.stdout
    if not database_url:
        data = data_home / "clc-ledger" / "clc_ledger.sqlite3"
        assert data.exists(), f"the SQLite database is not in the default data directory {data.parent}"
    assert list(folder.iterdir()) == [], f"commands wrote into the working folder: {list(folder.iterdir())}"
    log(f"{kind}: init-db, create-admin and check passed"
        + (f" (sign-in rate limits in {REDIS_URL})" if redis else ""))

    logs = {name: open(work / f"{kind}-{name}.log", "w") for name in ("serve", "scheduler")}
    server = subprocess.Popen([str(script), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                              cwd=folder, env=environment, stdout=logs["serve"], stderr=subprocess.STDOUT)
    scheduler = None
    try:
        wait_for(health(base), "serve answering /api/v1/health", 120, server)
        http = Http(base)
        http.token = http.call("POST", "/api/v1/auth/tokens", {"username": "admin", "password": ADMIN_PASSWORD})["token"]
        http.call("POST", "/api/v1/me/terms-acceptance")
        http.call("PUT", "/api/v1/testing/clock", {"now": "2026-06-10T17:00:00+00:00"})
        company = http.call("POST", "/api/v1/companies", {
            "name": COMPANY, "country": "DE", "locale": "de_DE", "captain_approval_required": False,
            "statement_recipients": ["finanzen@rheinland.example"]})
        http.call("POST", "/api/v1/users", {"username": "greta", "email": "greta@rheinland.example",
                                            "password": ADMIN_PASSWORD, "role": "member",
                                            "company_id": company["id"]})
        http.call("POST", "/api/v1/sales-orders", {"so_number": "SO-770001", "company_id": company["id"],
                                                   "credits": "120.00", "booked_on": "2026-06-01"})
        http.call("POST", "/api/v1/sales-orders/SO-770001/invoice", {"invoice_date": "2026-06-03"})
        activated = http.call("POST", "/api/v1/sales-orders/SO-770001/activate")
        assert activated["status"] == "active", activated
        member = http.call("POST", "/api/v1/auth/tokens", {"username": "greta", "password": ADMIN_PASSWORD})["token"]
        http.call("POST", "/api/v1/me/terms-acceptance", token=member)
        debit = http.call("POST", "/api/v1/debits", {"amount": "2.50", "category": "exam_voucher",
                                                     "description": "Prüfungsgutschein CCNA"}, token=member)
        assert debit["status"] == "posted", debit
        http.call("PUT", "/api/v1/testing/clock", {"now": "2026-07-01T17:00:00+00:00"})
        log(f"{kind}: over HTTP: de_DE company, SO booked, invoiced, activated, a debit posted; clock at 1 July")

        scheduler = subprocess.Popen([str(script), "scheduler"], cwd=folder, env=environment,
                                     stdout=logs["scheduler"], stderr=subprocess.STDOUT)

        def statement():
            return next((message for message in smtp.messages
                         if any((part.get_filename() or "").endswith(".csv") for part in message.iter_attachments())),
                        None)

        mail = wait_for(statement, "the statement mail from the scheduler's catch-up", 180, scheduler)
        check_statement(mail, company["id"])
        log(f"{kind}: the scheduler delivered the statement over SMTP, in German, with its CSV and PDF")
    finally:
        codes = {"scheduler": stop(scheduler, "scheduler") if scheduler else None, "serve": stop(server, "serve")}
        for handle in logs.values():
            handle.close()
    assert codes == {"scheduler": 0, "serve": 0}, f"exit codes after SIGTERM: {codes}"
    log(f"{kind}: serve and scheduler stopped cleanly on SIGTERM")


def check_statement(mail, company_id):
    assert mail["Subject"] == SUBJECT, mail["Subject"]
    assert mail["To"].lower() == "finanzen@rheinland.example", mail["To"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    for words in BODY_GERMAN:
        assert words in text, (words, text)
    assert "Kontoauszug" in html and 'lang="de' in html, html[:500]
    attachments = {part.get_filename(): part for part in mail.iter_attachments()}
    csv_part = attachments[f"clc-statement-{company_id}-2026-06.csv"]
    assert csv_part.get_content_type() == "text/csv" and csv_part.get_content_charset() == "utf-8", csv_part
    content = csv_part.get_payload(decode=True).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0] == CSV_HEADERS, rows[0]
    assert len(rows) >= 3 and any("SO-770001" in row for row in rows[1:]), rows
    assert any("," in row[4] for row in rows[1:]), rows  # decimal commas
    assert attachments[f"clc-statement-{company_id}-2026-06.pdf"].get_content_type() == "application/pdf"


# --- PostgreSQL: a database beside the test one ----------------------------------------------

def postgresql_database(test_url):
    """(url, drop) of a new database named `<test database>_installed` on the same server."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(test_url.replace("postgresql+psycopg://", "postgresql://"))
    name = f"{base.database}_installed"
    admin = base.set(database="postgres").render_as_string(hide_password=False)

    def execute(statement):
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as connection:
            connection.execute(statement)

    execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    execute(f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False), \
        lambda: execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="clc-installed-"))
    passed, failed = 0, 0
    smtp = SmtpServer()
    smtp.start()
    try:
        script = build_and_install(work)
        kinds = [("sqlite", None)]
        if os.environ.get("CLC_TEST_DATABASE_URL"):
            kinds.append(("postgresql", os.environ["CLC_TEST_DATABASE_URL"]))
        for kind, test_url in kinds:
            smtp.messages.clear()
            drop = None
            try:
                url, drop = postgresql_database(test_url) if test_url else (None, None)
                scenario(kind, script, work, url, smtp)
                passed += 1
            except Exception:
                failed += 1
                log(f"{kind}: FAILED")
                traceback.print_exc()
                for name in ("serve", "scheduler"):
                    path = work / f"{kind}-{name}.log"
                    if path.exists():
                        print(f"--- last lines of {name} ({kind}) ---\n" + "".join(path.read_text().splitlines(True)[-40:]))
            finally:
                if drop:
                    drop()
    except Exception:
        failed += 1
        traceback.print_exc()
    finally:
        smtp.stop()
        shutil.rmtree(work, ignore_errors=True)
    log(f"took {time.monotonic() - started:.0f} s")
    print(f"installed: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
