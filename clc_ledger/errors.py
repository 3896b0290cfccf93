"""Errors a service raises when a rule refuses a request; each maps to an HTTP status."""


class ClcError(Exception):
    code = 400

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(ClcError):
    """Absent, or another company's (R-ACC-4): the two are indistinguishable on purpose."""

    code = 404


class Forbidden(ClcError):
    code = 403


class Conflict(ClcError):
    code = 409


class RuleViolation(ClcError):
    """A well-formed request that the business rules refuse."""

    code = 422
