"""What the jobs leave behind: a row per run, the lease that keeps two scheduler processes
from running the same job at the same time, and how far each scheduled job has got."""
from ..db import UTCDateTime
from ..extensions import db

# partial: done for some companies or messages, not all (R-JOB-2); died: its process went
# away mid-run (its lease ran out and another run took it over, R-JOB-1).
RUN_STATUSES = ("running", "ok", "partial", "error", "died")

BigId = db.BigInteger().with_variant(db.Integer(), "sqlite")


class JobRun(db.Model):
    """One run of a job (from the scheduler or the API). Timestamps are real time; `as_of` is
    the clock's "now" the job acted on (the test clock, when one is set)."""

    __tablename__ = "job_runs"
    __table_args__ = (
        db.CheckConstraint("status IN ('running', 'ok', 'partial', 'error', 'died')", name="status"),
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


class JobSchedule(db.Model):
    """How far a scheduled job has got (R-JOB-1): `done_through` is the last local due date
    (program time zone) whose run completed `ok`; a run that ended `partial` or `error`
    leaves it where it was and sets `retry_at` (real time), so the job runs again then."""

    __tablename__ = "job_schedule"

    name = db.Column(db.String(64), primary_key=True)
    done_through = db.Column(db.Date, nullable=True)
    retry_at = db.Column(UTCDateTime(), nullable=True)
    updated_at = db.Column(UTCDateTime(), nullable=False)
