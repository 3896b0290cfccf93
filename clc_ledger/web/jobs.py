"""The back office's view of the scheduled jobs: each one's last run and result, the recent
runs, and "Run now" (the same clc_ledger.jobs.run_job as the API and the scheduler)."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import ClcError
from ..jobs import JOBS, run_job
from ..jobs import runs as job_runs
from .common import bp, flash_error, roles_required
from .forms import ActionForm

RECENT = 50


@bp.get("/admin/jobs")
@roles_required("admin")
def admin_jobs():
    name = request.args.get("job")
    if name not in JOBS:
        name = None
    return render_template("web/admin/jobs.html", jobs=list(JOBS), last=job_runs.last_runs(JOBS),
                           recent=job_runs.recent_runs(name=name, limit=RECENT), selected=name,
                           action_form=ActionForm(formdata=None))


@bp.post("/admin/jobs/<name>/run")
@roles_required("admin")
def admin_run_job(name):
    if ActionForm().validate_on_submit():
        try:
            run_job(name, trigger="web")
        except ClcError as error:  # JobBusy (it runs elsewhere right now), or no such job
            flash_error(error)
        except Exception:  # the run is recorded as failed, with its traceback, on this page
            current_app.logger.exception("The job %s failed when run from the back office", name)
            flash(_("The job %(name)s failed; its error is shown below.", name=name), "error")
        else:
            flash(_("The job %(name)s ran; its result is shown below.", name=name), "success")
    return redirect(url_for("web.admin_jobs"))
