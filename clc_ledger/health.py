"""GET /api/v1/health: a public, constant answer that the app is up (load balancers,
monitoring, and the HTTP benchmark's trivial endpoint). It reads nothing."""
from flask.views import MethodView

from .apikit import Blueprint, public

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Whether the app is up")


@blp.route("/health")
class Health(MethodView):
    @public
    @blp.response(200)
    def get(self):
        """Always {"status": "ok"} while the app serves requests; needs no token."""
        return {"status": "ok"}
