"""A stored statement as HTML: the email's document, the fragment a page shows, and the
whole email (subject, text, HTML, the PDF and CSV attached), in the company's language.

Texts are in the `mail` gettext domain (`_m`); what they show comes from statements/context.py,
formatted once for the text, the HTML and the PDF of an email alike.
"""
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .. import i18n
from ..i18n import _m, _mn
from .context import attachment_names, context, expiring_line, locale_of
from .csv import CSV_MIMETYPE, render_csv
from .pdf import pdf_of


@lru_cache(maxsize=1)
def _jinja():
    environment = Environment(loader=PackageLoader("clc_ledger.statements", "templates"),
                              autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    environment.globals.update(_m=_m, _mn=_mn, expiring_line=expiring_line)
    return environment


def render_html(statement, *, email=False):
    with i18n.in_locale(locale_of(statement)):
        return _html(statement, context(statement), email=email)


def _html(statement, ctx, *, email):
    return _jinja().get_template("statements/statement.html").render(
        **ctx, email=email, lang=i18n.language_of(locale_of(statement)))


def render_fragment(statement, locale):
    """The statement as HTML for a page, in `locale` (the reader's): the same template and
    numbers as the email and the PDF, without the document around it."""
    with i18n.in_locale(locale):
        html = _jinja().get_template("statements/statement.html").render(
            **context(statement, locale), email=False, lang=i18n.language_of(locale))
    body = html.split("<body", 1)[1].split(">", 1)[1].rsplit("</body>", 1)[0]
    return Markup(body)  # noqa: S704 - rendered by our autoescaping template


# --- the email ---------------------------------------------------------------------------------

def statement_email(statement):
    """Subject, text, HTML and attachments (filename, bytes, mimetype) of a statement email."""
    with i18n.in_locale(locale_of(statement)):
        ctx = context(statement)  # once for the text, the HTML and the PDF
        fmt = ctx["fmt"]
        subject = _m("Your Cisco Learning Credits statement for %(month)s – %(company)s",
                     month=ctx["month"], company=ctx["company_name"])
        lines = [
            _m("Statement of Cisco Learning Credits"),
            ctx["company_name"],
            f"{ctx['first_day']} – {ctx['last_day']}",
            "",
            f"{_m('Opening balance')}: {fmt.both(ctx['opening'])}",
            f"{_m('Movements')}: {fmt.both(ctx['movements'])}",
            f"{_m('Closing balance')}: {fmt.both(ctx['closing'])}",
            "",
        ]
        if ctx["expiring"]:
            lines.append(_m("Credits expiring within %(days)s days of the period end: %(amount)s",
                            days=ctx["expiring_days"], amount=fmt.both(ctx["expiring_total"])))
            for line in ctx["expiring"]:
                lines.append("- " + expiring_line(line, fmt))
            lines.append("")
        lines.append(_m("The full statement is attached as PDF and CSV."))
        text = "\n".join(lines) + "\n"
        html = _html(statement, ctx, email=True)
        pdf = pdf_of(statement, ctx)
    pdf_name, csv_name = attachment_names(statement)
    return {
        "subject": subject,
        "text": text,
        "html": html,
        "attachments": [(pdf_name, pdf, "application/pdf"), (csv_name, render_csv(statement), CSV_MIMETYPE)],
    }
