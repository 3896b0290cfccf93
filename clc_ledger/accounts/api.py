"""JSON API for tokens, "who am I", terms, companies and users (thin: parse, call, dump)."""
from flask import g, request
from flask.views import MethodView

from ..apikit import Blueprint, TooManyRequests, Unauthorized, before_terms, public, roles
from . import services, throttle
from .schemas import (CompanyCreate, CompanyOut, Me, TokenRequest, TokenResponse, UserCreate, UserList, UserOut,
                      UserQuery, UserUpdate)

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Sign-in, terms, companies and people")


@blp.route("/auth/tokens")
class Tokens(MethodView):
    @public
    @blp.arguments(TokenRequest)
    @blp.response(201, TokenResponse, creates=False)
    def post(self, data):
        """Exchange a username and password for a bearer token. Failed tries are limited per
        account and per client address (429 with Retry-After; R-SEC-1, accounts.throttle)."""
        try:
            throttle.check_allowed(data["username"], request.remote_addr)
        except throttle.TooManyTries as refused:
            raise TooManyRequests(refused.retry_after) from None
        user = services.authenticate(data["username"], data["password"])
        if user is None:
            throttle.record_failure(data["username"], request.remote_addr)
            raise Unauthorized("Wrong username or password.")
        token, record = services.issue_token(user.id)
        return {"token": token, "expires_at": record.expires_at}

    @before_terms
    @blp.response(204)
    def delete(self):
        """Revoke the token this request carries."""
        services.revoke_token(request.headers["Authorization"].partition(" ")[2].strip())


@blp.route("/me")
class WhoAmI(MethodView):
    @before_terms
    @blp.response(200, Me)
    def get(self):
        """Who am I."""
        return g.user


@blp.route("/me/terms-acceptance")
class TermsAcceptance(MethodView):
    @before_terms
    @blp.response(200, Me)
    def post(self):
        """Accept the Terms and Conditions (once; R-ACC-3)."""
        return services.accept_terms(g.user.id)


@blp.route("/companies")
class Companies(MethodView):
    @roles("admin")
    @blp.arguments(CompanyCreate)
    @blp.response(201, CompanyOut)
    def post(self, data):
        """Create a company (admin)."""
        return services.create_company(**data)


@blp.route("/companies/<int:company_id>")
class CompanyDetail(MethodView):
    @blp.response(200, CompanyOut)
    def get(self, company_id):
        return services.get_company(company_id, viewer=g.user)


@blp.route("/users")
class Users(MethodView):
    @roles("admin", "captain")
    @blp.arguments(UserQuery, location="query")
    @blp.response(200, UserList)
    def get(self, query):
        """People of a company: admins any company, captains their own."""
        return {"users": services.list_users(viewer=g.user, company_id=query.get("company_id"))}

    @roles("admin")
    @blp.arguments(UserCreate)
    @blp.response(201, UserOut)
    def post(self, data):
        """Give a person access to a company (admin)."""
        return services.create_user(**data)


@blp.route("/users/<int:user_id>")
class UserDetail(MethodView):
    @roles("admin", "captain")
    @blp.response(200, UserOut)
    def get(self, user_id):
        return services.get_user(user_id, viewer=g.user)

    @roles("admin")
    @blp.arguments(UserUpdate)
    @blp.response(200, UserOut)
    def patch(self, data, user_id):
        """Change a person's role, email or whether they are active (admin)."""
        return services.update_user(user_id, **data)
