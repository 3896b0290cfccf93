"""Companies, people, terms and API tokens: the only code that changes them."""
import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from babel import Locale, UnknownLocaleError
from flask import current_app
from marshmallow import ValidationError, validate
from sqlalchemy import bindparam, func, select

from .. import clock
from ..db import transactional, utcnow_real
from ..errors import Conflict, Country, N_, NotFound, RuleViolation
from ..grammar import EMAIL_MAX, text_problem
from ..extensions import db
from .models import ROLES, ApiToken, Company, User
from .password_policy import require_good_password

_HASHERS = {}


def _hasher():
    """Argon2id with RFC 9106's low-memory profile; tests may pick the cheapest one."""
    name = current_app.config["CLC_PASSWORD_PROFILE"]
    if name not in _HASHERS:
        hasher = PasswordHasher.from_parameters(getattr(profiles, name))
        # Verified against when the username is unknown, so timing does not reveal it.
        _HASHERS[name] = (hasher, hasher.hash("not-a-real-password"))
    return _HASHERS[name]


def hash_password(password):
    return _hasher()[0].hash(password)


def check_password(user, password):
    try:
        return _hasher()[0].verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- countries and locales ---------------------------------------------------------

def cleared_countries():
    return set(current_app.config["CLC_COUNTRIES"])


def require_cleared_country(country):
    """R-CTY-1: refuse business in a country that is not cleared, naming it."""
    if country not in cleared_countries():
        raise RuleViolation(
            "country_not_cleared", N_("Cisco Learning Credits are not available in %(country)s."),
            {"country": [N_("%(country)s is not a country of operation.")]}, country=Country(country))


def _check_country_code(country):
    if country not in Locale("en").territories or not country.isalpha() or len(country) != 2:
        raise RuleViolation("unknown_country", N_("%(country)s is not an ISO 3166 alpha-2 country code."),
                            {"country": [N_("Not an ISO 3166 alpha-2 country code.")]}, country=country)


def _check_locale(locale):
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise RuleViolation("unknown_locale", N_("%(locale)s is not a known locale."),
                            {"locale": [N_("Unknown locale.")]}, locale=str(locale)) from None


_EMAIL = validate.Email()
MAX_RECIPIENTS = 20


def _check_recipients(recipients):
    """Statement recipients: at most 20 email addresses of at most 254 characters (R-TXT-2), so
    one bad address can never make a statement mail fail for the others."""
    if len(recipients) > MAX_RECIPIENTS:
        raise RuleViolation(f"At most {MAX_RECIPIENTS} statement recipients.",
                            {"statement_recipients": [f"At most {MAX_RECIPIENTS}."]})
    for address in recipients:
        try:
            if len(address) > EMAIL_MAX or text_problem(address) is not None:
                raise ValidationError("")
            _EMAIL(address)
        except ValidationError:
            shown = address if len(address) <= 60 else address[:57] + "..."
            raise RuleViolation(f"{shown!r} is not an email address of at most {EMAIL_MAX} characters.",
                                {"statement_recipients": ["Email addresses of at most 254 characters."]}) from None


# --- companies -----------------------------------------------------------------------

@transactional
def create_company(*, name, country, locale="en_US", captain_approval_required=False, statement_recipients=()):
    country = country.upper()
    _check_country_code(country)
    require_cleared_country(country)
    _check_locale(locale)
    _check_recipients(statement_recipients)
    company = Company(
        name=name.strip(),
        country=country,
        locale=locale,
        captain_approval_required=bool(captain_approval_required),
        statement_recipients=list(statement_recipients),
    )
    db.session.add(company)
    db.session.flush()
    return company


def visible_to(viewer, record, owner_id, error, message, **values):
    """`record` if the viewer may see it: admins see everything, everyone else their own
    company's. Another company's record answers exactly like an absent one (R-ACC-4)."""
    if record is None or (not viewer.is_admin and owner_id != viewer.company_id):
        raise NotFound(error, message, **values)
    return record


def get_company(company_id, *, viewer):
    company = db.session.get(Company, company_id)
    return visible_to(viewer, company, company and company.id, "company_not_found", N_("No such company."))


_LOCK_COMPANY = (select(Company).where(Company.id == bindparam("company_id")).with_for_update()
                 .execution_options(populate_existing=True))


def lock_company(company_id):
    """Serialize every change to one company's credits (its SOs and its ledger chain).

    On PostgreSQL a row lock; on SQLite the write transaction already holds the database lock.
    """
    company = db.session.execute(_LOCK_COMPANY, {"company_id": company_id}).scalar_one_or_none()
    if company is None:
        raise NotFound("company_not_found", N_("No such company."))
    return company


_USER_AND_LOCKED_COMPANY = (select(User, Company).join(Company, User.company_id == Company.id)
                            .where(User.id == bindparam("user_id"))
                            .with_for_update(of=Company).execution_options(populate_existing=True))


def lock_company_of(user_id):
    """(user, their company locked as by lock_company) in one round trip, for the hot path of
    a debit; (None, None) when there is no such user or they belong to no company."""
    row = db.session.execute(_USER_AND_LOCKED_COMPANY, {"user_id": user_id}).one_or_none()
    return tuple(row) if row else (None, None)


# --- users ---------------------------------------------------------------------------

def _check_role(role):
    if role not in ROLES:
        raise RuleViolation("unknown_role", N_("Unknown role %(role)s."), {"role": [N_("One of: %(allowed)s.")]},
                            role=role, allowed=", ".join(ROLES))


@transactional
def create_user(*, username, email, password, role, company_id=None):
    _check_role(role)
    if role == "admin":
        if company_id is not None:
            raise RuleViolation("admin_without_company", N_("Admins belong to no company."),
                                {"company_id": [N_("Must be empty for admins.")]})
    else:
        if company_id is None:
            raise RuleViolation("company_required", N_("Everyone but admins belongs to a company."),
                                {"company_id": [N_("Required.")]})
        if db.session.get(Company, company_id) is None:
            raise RuleViolation("unknown_company", N_("Company %(company_id)s does not exist."),
                                {"company_id": [N_("No such company.")]}, company_id=company_id)
    username = username.strip()
    require_good_password(password, username=username, email=email)
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise Conflict("username_taken", N_("The username %(username)s is taken."), username=username)
    user = User(username=username, email=email, password_hash=hash_password(password), role=role,
                company_id=company_id)
    db.session.add(user)
    db.session.flush()
    return user


def get_user(user_id, *, viewer):
    user = db.session.get(User, user_id)
    return visible_to(viewer, user, user and user.company_id, "user_not_found", N_("No such user."))


def list_users(*, viewer, company_id=None):
    query = select(User).order_by(User.id)
    if not viewer.is_admin:
        if company_id is not None and company_id != viewer.company_id:
            raise NotFound("company_not_found", N_("No such company."))
        company_id = viewer.company_id
    if company_id is not None:
        query = query.where(User.company_id == company_id)
    return db.session.scalars(query).all()


@transactional
def update_user(user_id, *, role=None, active=None, email=None):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user_not_found", N_("No such user."))
    if role is not None:
        _check_role(role)
        if (role == "admin") != (user.role == "admin"):
            raise RuleViolation("role_change_across",
                                N_("A company user cannot become an admin, nor an admin a company user."),
                                {"role": [N_("Cannot move between admin and company roles.")]})
    if user.company_id is not None:
        lock_company(user.company_id)
        loses_captaincy = user.role == "captain" and user.active and (
            (role is not None and role != "captain") or active is False)
        if loses_captaincy and _active_captains(user.company_id) <= 1:
            raise Conflict("last_captain", N_("A company must keep at least one active captain."))
    if role is not None:
        user.role = role
    if active is not None:
        if user.active and not active:
            user.session_epoch += 1
            _revoke_tokens_of(user.id)
        user.active = bool(active)
    if email is not None:
        user.email = email
    return user


def _active_captains(company_id):
    return db.session.scalar(
        select(func.count(User.id)).where(User.company_id == company_id, User.role == "captain", User.active)
    )


def active_captain_count(company_id):
    """How many active captains the company has: with one, nobody can approve that captain's
    own debits (R-ACC-5), which the pages say."""
    return _active_captains(company_id)


@transactional
def accept_terms(user_id):
    """R-ACC-3: accepted once; accepting again keeps the first date."""
    user = db.session.get(User, user_id)
    if user.terms_accepted_at is None:
        user.terms_accepted_at = clock.now()
    return user


@transactional
def change_password(user_id, new_password):
    user = db.session.get(User, user_id)
    require_good_password(new_password, username=user.username, email=user.email, field="new")
    user.password_hash = hash_password(new_password)
    user.session_epoch += 1
    _revoke_tokens_of(user.id)
    return user


@transactional
def sign_out(user_id):
    """End every browser session of this person: a session cookie copied before sign-out
    carries the old epoch and is refused from now on."""
    user = db.session.get(User, user_id)
    if user is not None:
        user.session_epoch += 1
    return user


# --- authentication and tokens -------------------------------------------------------

def authenticate(username, password):
    """The active user with these credentials, or None.

    One argon2 verification whatever the account: absent, deactivated or active, so the time
    of the answer does not tell which (R-SEC-1)."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == (username or "").strip().lower()))
    if user is None:
        hasher, dummy = _hasher()
        try:
            hasher.verify(dummy, password or "")
        except (VerificationError, InvalidHashError):
            pass
        return None
    matches = check_password(user, password or "")
    return user if matches and user.active else None


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transactional
def issue_token(user_id):
    """A new bearer token; returned once in clear, stored only as a hash."""
    token = secrets.token_urlsafe(32)
    # Tokens live in real time, not the test clock: moving "now" a year ahead in a demo
    # must not log everybody out.
    issued = utcnow_real()
    ttl = timedelta(hours=current_app.config["CLC_TOKEN_TTL_HOURS"])
    record = ApiToken(user_id=user_id, token_hash=_digest(token), created_at=issued, expires_at=issued + ttl)
    db.session.add(record)
    return token, record


# Every API request asks, so the whole test is one prebuilt statement loading one object.
_USER_OF_LIVE_TOKEN = (select(User).join(ApiToken, ApiToken.user_id == User.id)
                       .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
                              ApiToken.expires_at > bindparam("now"), User.active))


def user_for_token(token):
    """The active user holding this unrevoked, unexpired token; None otherwise."""
    return db.session.scalar(_USER_OF_LIVE_TOKEN, {"token_hash": _digest(token), "now": utcnow_real()})


@transactional
def revoke_token(token):
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow_real()


def _revoke_tokens_of(user_id):
    now = utcnow_real()
    for record in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))):
        record.revoked_at = now
