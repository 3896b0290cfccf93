from .. import clock
from ..db import UTCDateTime
from ..extensions import db

ROLES = ("member", "observer", "captain", "admin")


class Company(db.Model):
    """The company-named account that owns sales orders (R-ACC-1)."""

    __tablename__ = "companies"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    country = db.Column(db.String(2), nullable=False)
    locale = db.Column(db.String(16), nullable=False, default="en_US")
    captain_approval_required = db.Column(db.Boolean, nullable=False, default=False)
    statement_recipients = db.Column(db.JSON, nullable=False, default=list)
    created_at = db.Column(UTCDateTime(), nullable=False, default=lambda: clock.now())
    # Hash of the company's newest ledger entry: the head of its tamper-evident chain (R-LED-2).
    ledger_head = db.Column(db.String(64), nullable=True)

    def __repr__(self):
        return f"<Company {self.id} {self.name!r}>"


class User(db.Model):
    __tablename__ = "users"
    __table_args__ = (
        db.CheckConstraint("role IN ('member', 'observer', 'captain', 'admin')", name="role"),
        db.CheckConstraint("(role = 'admin') = (company_id IS NULL)", name="company_unless_admin"),
    )

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), nullable=False, unique=True)
    email = db.Column(db.String(254), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(16), nullable=False)
    company_id = db.Column(db.Integer, db.ForeignKey("companies.id"), nullable=True, index=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    terms_accepted_at = db.Column(UTCDateTime(), nullable=True)
    created_at = db.Column(UTCDateTime(), nullable=False, default=lambda: clock.now())
    # Bumped on logout and password change: browser sessions carrying an older value die.
    session_epoch = db.Column(db.Integer, nullable=False, default=0)

    # Loaded when asked for: the API and pages work from company_id, and every request
    # loads its user (a join here would cost each of them).
    company = db.relationship(Company)

    @property
    def is_admin(self):
        return self.role == "admin"

    def __repr__(self):
        return f"<User {self.username} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime(), nullable=False)
    expires_at = db.Column(UTCDateTime(), nullable=False)
    revoked_at = db.Column(UTCDateTime(), nullable=True)

    user = db.relationship(User, lazy="joined")


class RateLimitCounter(db.Model):
    """One fixed-window counter of failed sign-ins (accounts.throttle), shared by every process."""

    __tablename__ = "rate_limit_counters"

    name = db.Column(db.String(255), primary_key=True)
    hits = db.Column(db.Integer, nullable=False)
    expires_at = db.Column(db.Float, nullable=False)  # seconds since the epoch (UTC)
