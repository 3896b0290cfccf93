"""What the jobs leave behind: a row per run, and the lease that keeps two scheduler
processes from running the same job at the same time."""
from ..db import UTCDateTime
from ..extensions import db

RUN_STATUSES = ("running", "ok", "error")

BigId = db.BigInteger().with_variant(db.Integer(), "sqlite")


class JobRun(db.Model):
    """One run of a job (from the scheduler or the API). Timestamps are real time; `as_of` is
    the clock's "now" the job acted on (the test clock, when one is set)."""

    __tablename__ = "job_runs"
    __table_args__ = (
        db.CheckConstraint("status IN ('running', 'ok', 'error')", name="status"),
        db.Index("ix_job_runs_name_started_at", "name", "started_at"),
    )

    id = db.Column(BigId, primary_key=True)
    name = db.Column(db.String(64), nullable=False)
    trigger = db.Column(db.String(16), nullable=False, default="api")  # api | scheduler | cli
    as_of = db.Column(UTCDateTime(), nullable=False)
    started_at = db.Column(UTCDateTime(), nullable=False)
    finished_at = db.Column(UTCDateTime(), nullable=True)
    status = db.Column(db.String(16), nullable=False, default="running")
    result = db.Column(db.JSON, nullable=True)
    error = db.Column(db.Text, nullable=True)
    holder = db.Column(db.String(200), nullable=True)  # who ran it (host:pid:...)

    def __repr__(self):
        return f"<JobRun {self.name} {self.status} {self.started_at:%Y-%m-%d %H:%M:%S}>"


class JobLease(db.Model):
    """Held by whoever runs the job `name` until `expires_at` (real time)."""

    __tablename__ = "job_leases"

    name = db.Column(db.String(64), primary_key=True)
    holder = db.Column(db.String(200), nullable=False)
    expires_at = db.Column(UTCDateTime(), nullable=False)
