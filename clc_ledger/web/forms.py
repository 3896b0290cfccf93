"""Flask-WTF forms: each carries its CSRF token. Amounts stay text here; views parse them
with money.parse_credits so no float ever touches a credit."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, HiddenField, PasswordField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Optional, Regexp

from .. import grammar
from ..accounts.models import ROLES
from ..accounts.password_policy import MAX_LENGTH as PASSWORD_MAX, MIN_LENGTH as PASSWORD_MIN
from .labels import CATEGORY_LABELS
from .validators import Day, PlainText

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def choices(pairs):
    pairs = list(pairs)
    if SelectChoice is None:
        return pairs
    return [SelectChoice(value=value, label=label) for value, label in pairs]


LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("ja", "日本語"), ("fr", "Français")]


class SignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), PlainText(grammar.USERNAME_MAX)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), PlainText(PASSWORD_MAX)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class TermsForm(FlaskForm):
    next = HiddenField()


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token (and where to go back to)."""

    next = HiddenField()


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"), choices=choices(LANGUAGES))
    next = HiddenField()


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), PlainText(PASSWORD_MAX)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=PASSWORD_MIN), PlainText(PASSWORD_MAX)],
                        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("New password again"),
                           validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
                           render_kw={"autocomplete": "new-password"})


class CompanyForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), PlainText(grammar.NAME_MAX)])
    country = StringField(_l("Country (ISO code, e.g. US)"), validators=[DataRequired(), Length(min=2), PlainText(2)])
    locale = StringField(_l("Locale (e.g. en_US, de_DE, ja_JP)"), default="en_US",
                         validators=[DataRequired(), PlainText(16)])
    captain_approval_required = BooleanField(_l("Debits need a captain's approval"))
    statement_recipients = StringField(_l("Statement recipients (emails, comma-separated)"),
                                       validators=[Optional(), PlainText(20 * (grammar.EMAIL_MAX + 2))])


ROLE_LABELS = {"member": _l("Member"), "observer": _l("Observer"), "captain": _l("Captain"), "admin": _l("Admin")}


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), PlainText(grammar.USERNAME_MAX)])
    email = EmailField(_l("Email"), validators=[DataRequired(), PlainText(grammar.EMAIL_MAX),
                                                  Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Not an email address."))])
    password = PasswordField(_l("First password"), validators=[DataRequired(), Length(min=PASSWORD_MIN),
                                                               PlainText(PASSWORD_MAX)],
                             render_kw={"autocomplete": "new-password"})
    role = SelectField(_l("Role"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES if r != "admin"))


class UserUpdateForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES))
    active = BooleanField(_l("Active"))


class SalesOrderForm(FlaskForm):
    so_number = StringField(_l("Sales order number"), validators=[DataRequired(), PlainText(40)],
                            render_kw={"placeholder": "SO-104233"})
    credits = StringField(_l("Credits (CLC)"), validators=[DataRequired(), PlainText(40)],
                          render_kw={"inputmode": "decimal"})
    booked_on = DateField(_l("Booked on"), validators=[Day(), DataRequired()])


class InvoiceForm(FlaskForm):
    invoice_date = DateField(_l("Invoice date"), validators=[Day(), DataRequired()])


def _category_choices():
    return choices(CATEGORY_LABELS.items())


class DebitForm(FlaskForm):
    category = SelectField(_l("Category"), validators=[DataRequired()])
    description = StringField(_l("What the credits are for"),
                              validators=[DataRequired(), PlainText(grammar.DESCRIPTION_MAX)],
                              render_kw={"placeholder": _l("e.g. CCNP ENCOR course for Dana")})
    amount = StringField(_l("Amount (CLC)"), validators=[DataRequired(), PlainText(40)],
                         render_kw={"inputmode": "decimal", "autocomplete": "off"})
    event_date = DateField(_l("Event or class date (optional)"), validators=[Day(), Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = _category_choices()


class ReissueForm(FlaskForm):
    justification = TextAreaField(_l("Why the credits could not be used in time"),
                                  validators=[Optional(), PlainText(grammar.DESCRIPTION_MAX, multiline=True)])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), PlainText(grammar.REASON_MAX, multiline=True)])
    next = HiddenField()


class DisputeForm(FlaskForm):
    """A captain refutes a posted debit (R-DSP-1)."""

    reason = TextAreaField(_l("Why the charge is wrong"),
                           validators=[DataRequired(), PlainText(grammar.REASON_MAX, multiline=True)])


class ResolveDisputeForm(FlaskForm):
    """The back office's decision; the outcome comes from the button pressed (Uphold or Deny)."""

    note = TextAreaField(_l("Note to the captain (optional)"),
                         validators=[Optional(), PlainText(grammar.REASON_MAX, multiline=True)])
    outcome = HiddenField(validators=[AnyOf(("upheld", "denied"))])
