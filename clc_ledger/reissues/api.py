"""JSON API for reissue requests (API.md "Reissue requests")."""
from flask import g
from flask.views import MethodView

from ..apikit import Blueprint, roles
from . import services
from .schemas import (ReissueApprovalOut, ReissueListOut, ReissueQuery, ReissueRequestCreate, ReissueRequestOut,
                      RejectRequest)

blp = Blueprint("reissues", __name__, url_prefix="/api/v1", description="One-time reissue of expiring credits")


@blp.route("/sales-orders/<so_number>/reissue-requests")
class SalesOrderReissueRequests(MethodView):
    @roles("captain")
    @blp.arguments(ReissueRequestCreate)
    @blp.response(201, ReissueRequestOut)
    def post(self, data, so_number):
        """Request the one-time reissue of an SO (captain), from 60 days before to 60 days
        after its expiry, with a training plan covering the whole amount (R-RSS-1..3)."""
        return services.request_reissue(so_number, captain_id=g.user.id, **data)


@blp.route("/reissue-requests")
class ReissueRequests(MethodView):
    @blp.arguments(ReissueQuery, location="query")
    @blp.response(200, ReissueListOut)
    def get(self, query):
        """Reissue requests: admins see all, company people their company's."""
        return {"reissue_requests": services.list_reissue_requests(viewer=g.user, **query)}


@blp.route("/reissue-requests/<int:request_id>")
class ReissueRequestDetail(MethodView):
    @blp.response(200, ReissueRequestOut)
    def get(self, request_id):
        return services.get_reissue_request(request_id, viewer=g.user)


@blp.route("/reissue-requests/<int:request_id>/approve")
class ReissueRequestApprove(MethodView):
    @roles("admin")
    @blp.response(200, ReissueApprovalOut)
    def post(self, request_id):
        """Approve (admin): a new reissue SO valid 6 calendar months holds the credits (R-RSS-4)."""
        return services.approve_reissue(request_id, admin_id=g.user.id)


@blp.route("/reissue-requests/<int:request_id>/reject")
class ReissueRequestReject(MethodView):
    @roles("admin")
    @blp.arguments(RejectRequest)
    @blp.response(200, ReissueRequestOut)
    def post(self, data, request_id):
        """Reject (admin) with a reason; one new request is then allowed within the window."""
        return services.reject_reissue(request_id, admin_id=g.user.id, **data)
