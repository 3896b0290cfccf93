"""JSON API for sales orders, balances and the ledger."""
from flask import g
from flask.views import MethodView

from ..accounts.services import get_company
from ..apikit import Blueprint, roles
from . import sales_orders
from .schemas import BalanceOut, InvoiceRequest, LedgerOut, LedgerQuery, SalesOrderCreate, SalesOrderOut

blp = Blueprint("ledger", __name__, url_prefix="/api/v1", description="Sales orders, balances and the ledger")


@blp.route("/sales-orders")
class SalesOrders(MethodView):
    @roles("admin")
    @blp.arguments(SalesOrderCreate)
    @blp.response(201, SalesOrderOut)
    def post(self, data):
        """Book a sales order (admin). It is `booked` until invoiced and activated."""
        booked = sales_orders.book_sales_order(**data, actor_id=g.user.id)
        return sales_orders.view_of(booked)


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
