"""Configuration: defaults, then instance/config.py, then CLC_* environment variables."""
import os

# Where Cisco Learning Credits may be sold, bought and redeemed (R-CTY-1). Operators
# override it with CLC_COUNTRIES="US,DE,...". Sanctioned territories are absent on purpose.
DEFAULT_COUNTRIES = (
    "AE AR AT AU BE BG BR CA CH CL CO CR CY CZ DE DK EE EG ES FI FR GB GR HK HR HU ID IE "
    "IL IN IS IT JP KE KR KW LT LU LV MA MT MX MY NG NL NO NZ OM PA PE PH PK PL PT QA RO "
    "RS SA SE SG SI SK TH TR TW UA US UY VN ZA"
).split()

# Public, so `serve` and `scheduler` refuse it outside testing (doctor.unsafe_settings).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-secret-key"

DEFAULTS = {
    "SECRET_KEY": DEVELOPMENT_SECRET_KEY,
    "CLC_TIMEZONE": "America/Los_Angeles",
    "CLC_COUNTRIES": DEFAULT_COUNTRIES,
    "CLC_MAIL_URL": None,  # smtp://host:port, smtp+tls://..., smtps://...; None writes .eml files
    "CLC_MAIL_DIR": None,  # where .eml files go without a mail server (default instance/mail/)
    "CLC_MAIL_MAX_ATTEMPTS": 30,  # delivery tries (capped exponential backoff) before a mail is failed
    # A running job's lease: renewed every third of it while the job runs, so a killed
    # scheduler blocks the job for at most this long (R-JOB-1).
    "CLC_JOB_LEASE_SECONDS": 60,
    "CLC_SCHEDULER_TICK_SECONDS": 20,  # how often the scheduler looks for due jobs
    "CLC_JOB_RETRY_SECONDS": 300,  # a run that ended partial or error is run again after this
    "CLC_MAIL_FROM": "CLC Ledger <no-reply@clc-ledger.example>",
    "CLC_BASE_URL": "http://127.0.0.1:5000",
    "CLC_TESTING": False,
    "CLC_TOKEN_TTL_HOURS": 12,
    # argon2.profiles name; tests use CHEAPEST so a suite of thousands of logins stays fast.
    "CLC_PASSWORD_PROFILE": "RFC_9106_LOW_MEMORY",
    # R-SEC-1: larger request bodies are refused with 413 before anything reads them
    # (evidence uploads, when they come, get their own 10 MB limit on their route).
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
    "CLC_SUPPORTED_LOCALES": ["en", "de", "ja", "fr"],
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Failed sign-ins (pages and POST /api/v1/auth/tokens) allowed per window, R-SEC-1; see
    # accounts/throttle.py. The counts live in this database, shared by every worker and
    # process, unless CLC_RATELIMIT_STORAGE_URI names a `limits` storage (redis://host:6379).
    "CLC_SIGN_IN_LIMIT_ACCOUNT_ADDRESS": "10 per 15 minutes",
    "CLC_SIGN_IN_LIMIT_ACCOUNT": "50 per 15 minutes",
    "CLC_SIGN_IN_LIMIT_ADDRESS": "100 per 15 minutes",
    "CLC_RATELIMIT_STORAGE_URI": None,
    # Session cookies are Secure unless testing, debugging or served over plain http
    # (CLC_BASE_URL); None means decide so, True/False forces it.
    "CLC_SECURE_COOKIES": None,
    # flask-smorest
    "API_TITLE": "CLC Ledger API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs-assets/",
}

# Environment variable -> config key. Booleans accept 1/true/yes.
ENVIRONMENT = {
    "CLC_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "CLC_SECRET_KEY": "SECRET_KEY",
    "CLC_TIMEZONE": "CLC_TIMEZONE",
    "CLC_MAIL_URL": "CLC_MAIL_URL",
    "CLC_MAIL_FROM": "CLC_MAIL_FROM",
    "CLC_BASE_URL": "CLC_BASE_URL",
    "CLC_TESTING": "CLC_TESTING",
    "CLC_COUNTRIES": "CLC_COUNTRIES",
    "CLC_MAIL_DIR": "CLC_MAIL_DIR",
    "CLC_RATELIMIT_STORAGE_URI": "CLC_RATELIMIT_STORAGE_URI",
    "CLC_SIGN_IN_LIMIT_ACCOUNT_ADDRESS": "CLC_SIGN_IN_LIMIT_ACCOUNT_ADDRESS",
    "CLC_SIGN_IN_LIMIT_ACCOUNT": "CLC_SIGN_IN_LIMIT_ACCOUNT",
    "CLC_SIGN_IN_LIMIT_ADDRESS": "CLC_SIGN_IN_LIMIT_ADDRESS",
    "CLC_JOB_LEASE_SECONDS": "CLC_JOB_LEASE_SECONDS",
    "CLC_SCHEDULER_TICK_SECONDS": "CLC_SCHEDULER_TICK_SECONDS",
    "CLC_JOB_RETRY_SECONDS": "CLC_JOB_RETRY_SECONDS",
    "CLC_BADGE_ISSUER_KEY": "CLC_BADGE_ISSUER_KEY",  # PEM private key: Open Badges are signed (learning)
}
_BOOLEAN = {"CLC_TESTING"}
_LISTS = {"CLC_COUNTRIES"}


def from_environment(environ=None):
    environ = os.environ if environ is None else environ
    found = {}
    for variable, key in ENVIRONMENT.items():
        if variable not in environ or environ[variable] == "":
            continue
        value = environ[variable]
        if variable in _BOOLEAN:
            value = value.strip().lower() in {"1", "true", "yes", "on"}
        elif variable in _LISTS:
            value = [part.strip().upper() for part in value.replace(" ", ",").split(",") if part.strip()]
        found[key] = value
    return found


def normalize_database_url(url):
    """psycopg 3 is the PostgreSQL driver: accept the plain postgres:// spellings too."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
