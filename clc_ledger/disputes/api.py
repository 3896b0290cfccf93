"""JSON API for disputes (thin: parse, call a service, dump)."""
from flask import g
from flask.views import MethodView

from ..apikit import Blueprint, roles
from . import services
from .schemas import DisputeCreate, DisputeList, DisputeOut, DisputeQuery, DisputeResolve

blp = Blueprint("disputes", __name__, url_prefix="/api/v1", description="Disputed debits")


@blp.route("/debits/<int:debit_id>/disputes")
class DebitDisputes(MethodView):
    @roles("captain")
    @blp.arguments(DisputeCreate)
    @blp.response(201, DisputeOut)
    def post(self, data, debit_id):
        """Dispute a posted debit ("refute a charge", captain)."""
        return services.open_dispute(debit_id, captain_id=g.user.id, reason=data["reason"])


@blp.route("/disputes")
class Disputes(MethodView):
    @blp.arguments(DisputeQuery, location="query")
    @blp.response(200, DisputeList)
    def get(self, query):
        """Disputes: admins see all, company people their company's."""
        return {"disputes": services.list_disputes(viewer=g.user, **query)}


@blp.route("/disputes/<int:dispute_id>")
class DisputeDetail(MethodView):
    @blp.response(200, DisputeOut)
    def get(self, dispute_id):
        return services.get_dispute(dispute_id, viewer=g.user)


@blp.route("/disputes/<int:dispute_id>/resolve")
class DisputeResolution(MethodView):
    @roles("admin")
    @blp.arguments(DisputeResolve)
    @blp.response(200, DisputeOut)
    def post(self, data, dispute_id):
        """Uphold (reverse the debit to the SOs it drew from) or deny a dispute (admin)."""
        return services.resolve_dispute(dispute_id, admin_id=g.user.id, **data)
