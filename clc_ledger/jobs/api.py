"""POST /api/v1/jobs/{name}/run: run a job now, as of the clock's "now" (admin)."""
from flask.views import MethodView
from marshmallow import Schema, fields

from ..apikit import Blueprint, roles
from ..notifications import models as _outbox_models  # noqa: F401  (the outbox tables, for every app)
from . import models as _job_models  # noqa: F401  (job_runs, job_leases)
from . import run_job

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Scheduled jobs, run on demand")


class JobRunOut(Schema):
    job = fields.String()
    result = fields.Dict()


@blp.route("/<name>/run")
class JobRun(MethodView):
    @roles("admin")
    @blp.response(200, JobRunOut)
    def post(self, name):
        """Run a job now: expire-credits, expiry-reminders, age-pending-debits, monthly-statements, deliver-outbox,
        lapse-planned-claims, learning-reminders."""
        return {"job": name, "result": run_job(name)}
