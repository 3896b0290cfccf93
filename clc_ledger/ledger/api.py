"""JSON API for sales orders, balances and the ledger."""
from flask import g
from flask.views import MethodView

from ..accounts.services import get_company
from ..apikit import Blueprint, roles
from . import debits, sales_orders
from .schemas import (BalanceOut, DebitCreate, DebitList, DebitOut, DebitQuery, InvoiceRequest, LedgerOut, LedgerQuery,
                      RejectIn, SalesOrderCreate, SalesOrderOut)

blp = Blueprint("ledger", __name__, url_prefix="/api/v1", description="Sales orders, balances and the ledger")


@blp.route("/sales-orders")
class SalesOrders(MethodView):
    @roles("admin")
    @blp.arguments(SalesOrderCreate)
    @blp.response(201, SalesOrderOut)
    def post(self, data):
        """Book a sales order (admin). It is `booked` until invoiced and activated."""
        return sales_orders.view_of(sales_orders.book_sales_order(**data, actor_id=g.user.id))


@blp.route("/sales-orders/<so_number>")
class SalesOrderDetail(MethodView):
    @blp.response(200, SalesOrderOut)
    def get(self, so_number):
        return sales_orders.get_sales_order(so_number, viewer=g.user)


@blp.route("/sales-orders/<so_number>/invoice")
class SalesOrderInvoice(MethodView):
    @roles("admin")
    @blp.arguments(InvoiceRequest)
    @blp.response(200, SalesOrderOut)
    def post(self, data, so_number):
        """Invoice a booked sales order: expires_on = invoice_date + 365 days (R-SO-3)."""
        return sales_orders.view_of(sales_orders.invoice_sales_order(so_number, **data))


@blp.route("/sales-orders/<so_number>/activate")
class SalesOrderActivate(MethodView):
    @roles("admin")
    @blp.response(200, SalesOrderOut)
    def post(self, so_number):
        """Activate an invoiced sales order: its credits become spendable."""
        return sales_orders.view_of(sales_orders.activate_sales_order(so_number, actor_id=g.user.id))


@blp.route("/companies/<int:company_id>/balance")
class CompanyBalance(MethodView):
    @blp.response(200, BalanceOut)
    def get(self, company_id):
        """Available and held credits, in total and per sales order, as of now."""
        return sales_orders.company_balance(get_company(company_id, viewer=g.user))


@blp.route("/companies/<int:company_id>/ledger")
class CompanyLedger(MethodView):
    @blp.arguments(LedgerQuery, location="query")
    @blp.response(200, LedgerOut)
    def get(self, query, company_id):
        """The company's ledger entries, oldest first (page with `after_id`)."""
        company = get_company(company_id, viewer=g.user)
        return {"entries": sales_orders.company_ledger(company.id, **query)}


@blp.route("/debits")
class Debits(MethodView):
    @blp.arguments(DebitQuery, location="query")
    @blp.response(200, DebitList)
    def get(self, query):
        """The caller's company's debits, newest first (filter with `status=pending`)."""
        return {"debits": debits.list_debits(viewer=g.user, **query)}

    @roles("member", "captain")
    @blp.arguments(DebitCreate)
    @blp.response(201, DebitOut)
    def post(self, data):
        """Request a debit. Pending (credits held) if the company requires captain approval, else posted."""
        return debits.request_debit(requester_id=g.user.id, **data)


@blp.route("/debits/<int:debit_id>")
class DebitDetail(MethodView):
    @blp.response(200, DebitOut)
    def get(self, debit_id):
        return debits.get_debit(debit_id, viewer=g.user)


@blp.route("/debits/<int:debit_id>/approve")
class DebitApprove(MethodView):
    @roles("captain")
    @blp.response(200, DebitOut)
    def post(self, debit_id):
        """Approve a pending debit (captain, not the requester): its held credits are posted."""
        return debits.approve_debit(debit_id, captain_id=g.user.id)


@blp.route("/debits/<int:debit_id>/reject")
class DebitReject(MethodView):
    @roles("captain")
    @blp.arguments(RejectIn)
    @blp.response(200, DebitOut)
    def post(self, data, debit_id):
        """Reject a pending debit with a reason: its held credits are released."""
        return debits.reject_debit(debit_id, captain_id=g.user.id, reason=data["reason"])


@blp.route("/debits/<int:debit_id>/cancel")
class DebitCancel(MethodView):
    @roles("member", "captain")
    @blp.response(200, DebitOut)
    def post(self, debit_id):
        """Cancel your own pending debit: its held credits are released."""
        return debits.cancel_debit(debit_id, requester_id=g.user.id)
