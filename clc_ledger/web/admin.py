"""The back office (admins): companies, people and sales orders, through the same services
as the JSON API."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..accounts import services as accounts
from ..accounts.models import Company, User
from ..errors import ClcError
from ..extensions import db
from ..ledger import sales_orders
from ..money import AmountError, parse_credits
from .common import bp, flash_error, roles_required, viewer
from .forms import ActionForm, CompanyForm, InvoiceForm, SalesOrderForm, UserForm, UserUpdateForm


def _companies():
    return db.session.scalars(db.select(Company).order_by(Company.name)).all()


def _captain_counts():
    """{company id: active captains}, one query for the list."""
    rows = db.session.execute(db.select(User.company_id, db.func.count(User.id))
                              .where(User.role == "captain", User.active).group_by(User.company_id))
    return dict(rows.all())


@bp.route("/admin/companies", methods=["GET", "POST"])
@roles_required("admin")
def admin_companies():
    form = CompanyForm()
    if form.validate_on_submit():
        recipients = [part.strip() for part in (form.statement_recipients.data or "").split(",") if part.strip()]
        try:
            company = accounts.create_company(
                name=form.name.data, country=form.country.data.strip().upper(), locale=form.locale.data.strip(),
                captain_approval_required=form.captain_approval_required.data, statement_recipients=recipients)
        except ClcError as error:
            flash_error(error)
        else:
            flash(_("Company %(name)s created.", name=company.name), "success")
            return redirect(url_for("web.admin_company", company_id=company.id))
    companies, captains = _companies(), _captain_counts()
    single = [company for company in companies if captains.get(company.id, 0) <= 1]
    return render_template("web/admin/companies.html", companies=companies, form=form, captains=captains,
                           single=single)


def _company_page(company, *, user_form=None, so_form=None, status=200):
    user = viewer()
    people = accounts.list_users(viewer=user, company_id=company.id)
    balance = sales_orders.company_balance(company)
    update_forms = {person.id: UserUpdateForm(formdata=None, prefix=f"u{person.id}", role=person.role,
                                              active=person.active) for person in people}
    return render_template(
        "web/admin/company.html", company=company, people=people, balance=balance, update_forms=update_forms,
        user_form=user_form or UserForm(formdata=None), so_form=so_form or SalesOrderForm(formdata=None),
        invoice_form=InvoiceForm(formdata=None), action_form=ActionForm(formdata=None),
    ), status


@bp.get("/admin/companies/<int:company_id>")
@roles_required("admin")
def admin_company(company_id):
    return _company_page(accounts.get_company(company_id, viewer=viewer()))


@bp.post("/admin/companies/<int:company_id>/users")
@roles_required("admin")
def admin_add_user(company_id):
    company = accounts.get_company(company_id, viewer=viewer())
    form = UserForm()
    if not form.validate_on_submit():
        return _company_page(company, user_form=form, status=422)
    try:
        person = accounts.create_user(username=form.username.data, email=form.email.data.strip(),
                                      password=form.password.data, role=form.role.data, company_id=company.id)
    except ClcError as error:
        flash_error(error)
        return _company_page(company, user_form=form, status=error.code)
    flash(_("%(username)s can now sign in.", username=person.username), "success")
    return redirect(url_for("web.admin_company", company_id=company.id))


@bp.post("/admin/users/<int:user_id>")
@roles_required("admin")
def admin_update_user(user_id):
    person = accounts.get_user(user_id, viewer=viewer())
    form = UserUpdateForm(prefix=f"u{person.id}")
    if form.validate_on_submit():
        try:
            accounts.update_user(person.id, role=form.role.data, active=bool(form.active.data))
        except ClcError as error:
            flash_error(error)
        else:
            flash(_("%(username)s updated.", username=person.username), "success")
    else:
        flash(_("Choose a valid role."), "error")
    if person.company_id is None:
        return redirect(url_for("web.admin_companies"))
    return redirect(url_for("web.admin_company", company_id=person.company_id))


@bp.post("/admin/companies/<int:company_id>/sales-orders")
@roles_required("admin")
def admin_book_sales_order(company_id):
    company = accounts.get_company(company_id, viewer=viewer())
    form = SalesOrderForm()
    if not form.validate_on_submit():
        return _company_page(company, so_form=form, status=422)
    try:
        credits = parse_credits(form.credits.data.strip())
    except AmountError as error:
        form.credits.errors.append(str(error))
        return _company_page(company, so_form=form, status=422)
    try:
        booked = sales_orders.book_sales_order(so_number=form.so_number.data, company_id=company.id, credits=credits,
                                               booked_on=form.booked_on.data, actor_id=viewer().id)
    except ClcError as error:
        flash_error(error)
        return _company_page(company, so_form=form, status=error.code)
    flash(_("Sales order %(so)s booked.", so=booked.so_number), "success")
    return redirect(url_for("web.admin_company", company_id=company.id))


@bp.post("/admin/sales-orders/<so_number>/invoice")
@roles_required("admin")
def admin_invoice_sales_order(so_number):
    order = sales_orders.get_sales_order(so_number, viewer=viewer())
    form = InvoiceForm()
    if form.validate_on_submit():
        try:
            sales_orders.invoice_sales_order(order.so_number, invoice_date=form.invoice_date.data)
        except ClcError as error:
            flash_error(error)
        else:
            flash(_("Sales order %(so)s invoiced.", so=order.so_number), "success")
    else:
        flash(_("Enter the invoice date."), "error")
    return redirect(url_for("web.admin_company", company_id=order.company_id))


@bp.post("/admin/sales-orders/<so_number>/activate")
@roles_required("admin")
def admin_activate_sales_order(so_number):
    order = sales_orders.get_sales_order(so_number, viewer=viewer())
    if ActionForm().validate_on_submit():
        try:
            sales_orders.activate_sales_order(order.so_number, actor_id=viewer().id)
        except ClcError as error:
            flash_error(error)
        else:
            flash(_("Sales order %(so)s activated.", so=order.so_number), "success")
    return redirect(url_for("web.admin_company", company_id=order.company_id))
