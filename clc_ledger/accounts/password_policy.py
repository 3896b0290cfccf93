"""What a new password must be, in the spirit of OWASP ASVS 5.0 (V6.2): at least 12 characters
(code points), at most 200, and not a common or easily guessed one; no composition rules.

"Common" is zxcvbn's judgement (Dropbox's estimator, with its 30,000 most used passwords,
keyboard walks, repeats, dates and the person's own name): a score below 2, i.e. fewer than
about a million guesses, is refused.
"""
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from ..errors import RuleViolation

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_SCORE = 2
_ESTIMATED = 100  # zxcvbn's time grows with length; a password this long is not guessable anyway


def password_problem(password, *, username="", email=""):
    """None if `password` may be set, else a message that says why not."""
    if len(password) < MIN_LENGTH:
        return _l("A password needs at least %(min)d characters; a few words make a good one.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("A password may have at most %(max)d characters.", max=MAX_LENGTH)
    hints = [part for part in (username, email, (email or "").partition("@")[0]) if part]
    if zxcvbn(password[:_ESTIMATED], user_inputs=hints)["score"] < MIN_SCORE:
        return _l("This password is too common or too easy to guess; a few unrelated words make a better one.")
    return None


def require_good_password(password, *, username="", email="", field="password"):
    """Raise RuleViolation (422) naming `field` if the password is refused."""
    problem = password_problem(password, username=username, email=email)
    if problem is not None:
        raise RuleViolation(str(problem), {field: [str(problem)]})
