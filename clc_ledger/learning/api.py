"""JSON API of Learning I (API.md, "Learning"): people, certifications, exams, CE items,
claims with evidence, the company overview and calendar tokens; and the public feed."""
from flask import Blueprint as FlaskBlueprint, Response, g, request
from flask.views import MethodView

from ..accounts.services import get_company
from ..apikit import Blueprint, roles
from ..errors import RuleViolation
from . import calendar, claims, clc_link, people, statement_section  # noqa: F401  (clc_link: the ledger's signal
# receivers; statement_section: the statement's learning section)
from .overview import company_rows
from .progress import pools, view, views_of_person
from .schemas import (CalendarTokenOut, CeItemCreate, CeItemOut, CeItemQuery, CeItemsOut, CertificationCreate,
                      CertificationOut, CertificationsOut, CiscoDateIn, ClaimComplete, ClaimCreate, ClaimDeny,
                      ClaimOut, ClaimQuery, ClaimsOut, EvidenceOut, ExamCreate, ExamOut, LearningOut, LearningQuery,
                      PeopleOut, PeopleQuery, PersonCreate, PersonOut, PersonUpdate)

blp = Blueprint("learning", __name__, url_prefix="/api/v1", description="People, certifications and CE credits")
# The feed answers calendar programs, which carry no token but the one in the URL; the
# templates folder holds the learning mails (found through the app's loader).
feeds = FlaskBlueprint("learning_feeds", __name__, template_folder="templates")


@blp.route("/people")
class People(MethodView):
    @blp.arguments(PeopleQuery, location="query")
    @blp.response(200, PeopleOut)
    def get(self, query):
        """The roster: captains and observers see their company's people, a member only themself."""
        return {"people": people.list_people(viewer=g.user, **query)}

    @roles("captain", "admin")
    @blp.arguments(PersonCreate)
    @blp.response(201, PersonOut)
    def post(self, data):
        """Add a person to the roster (R-PPL-1); admins name the company."""
        return people.create_person(viewer_id=g.user.id, **data)


@blp.route("/people/<int:person_id>")
class PersonDetail(MethodView):
    @blp.response(200, PersonOut)
    def get(self, person_id):
        return people.get_person(person_id, viewer=g.user)

    @roles("captain", "admin")
    @blp.arguments(PersonUpdate)
    @blp.response(200, PersonOut)
    def patch(self, data, person_id):
        """Change a person; `active: false` deactivates and keeps the history."""
        return people.update_person(person_id, viewer_id=g.user.id, **data)


@blp.route("/people/<int:person_id>/certifications")
class PersonCertifications(MethodView):
    @blp.response(200, CertificationsOut)
    def get(self, person_id):
        people.get_person(person_id, viewer=g.user)
        return {"certifications": views_of_person(person_id)}

    @roles("captain", "admin")
    @blp.arguments(CertificationCreate)
    @blp.response(201, CertificationOut)
    def post(self, data, person_id):
        """Record a certification held; its cycle ends 3 calendar years after it starts (R-CRT-1)."""
        certification = people.add_certification(person_id, viewer_id=g.user.id, **data)
        return view(certification, pools([person_id])[person_id])


@blp.route("/certifications/<int:certification_id>/cycle")
class CertificationCycle(MethodView):
    @roles("captain", "admin")
    @blp.arguments(CiscoDateIn)
    @blp.response(200, CertificationOut)
    def post(self, data, certification_id):
        """Record the cycle start Cisco shows (R-CRT-3); the previous one stays in the history."""
        certification = people.record_cisco_date(certification_id, viewer_id=g.user.id, **data)
        return view(certification, pools([certification.person_id])[certification.person_id])


@blp.route("/people/<int:person_id>/exams")
class PersonExams(MethodView):
    @blp.arguments(ExamCreate)
    @blp.response(201, ExamOut)
    def post(self, data, person_id):
        """Record an exam passed; `warnings` name an early recertification (R-CEX-1)."""
        exam, warnings = claims.record_exam(person_id, viewer_id=g.user.id, **data)
        return {**_fields(exam, ExamOut), "warnings": warnings}


@blp.route("/ce-items")
class CeItems(MethodView):
    @blp.arguments(CeItemQuery, location="query")
    @blp.response(200, CeItemsOut)
    def get(self, query):
        return {"ce_items": claims.list_items(query.get("q"))}

    @roles("admin")
    @blp.arguments(CeItemCreate)
    @blp.response(201, CeItemOut)
    def post(self, data):
        """Add a catalog item (R-CEI-1): codes are unique (409), credits 1 to 120 (422)."""
        return claims.create_item(**data)


@blp.route("/ce-claims")
class Claims(MethodView):
    @blp.arguments(ClaimQuery, location="query")
    @blp.response(200, ClaimsOut)
    def get(self, query):
        return {"claims": claims.list_claims(viewer=g.user, **query)}

    @blp.arguments(ClaimCreate)
    @blp.response(201, ClaimOut)
    def post(self, data):
        """Submit a claim (R-CEC-2): completed within the last 90 days, inside an active cycle."""
        return {**_fields(claims.submit_claim(viewer_id=g.user.id, **data), ClaimOut), "warnings": []}


@blp.route("/ce-claims/<int:claim_id>")
class ClaimDetail(MethodView):
    @blp.response(200, ClaimOut)
    def get(self, claim_id):
        return claims.get_claim(claim_id, viewer=g.user)


@blp.route("/ce-claims/<int:claim_id>/evidence")
class ClaimEvidence(MethodView):
    @blp.response(201, EvidenceOut)
    def post(self, claim_id):
        """Upload one evidence file (multipart field `file`): PDF, PNG or JPEG by content."""
        upload = request.files.get("file")
        if upload is None:
            raise RuleViolation("Send the file as the multipart field `file`.", {"file": ["Required."]})
        return claims.add_evidence(claim_id, viewer_id=g.user.id, filename=upload.filename,
                                   content=upload.read(claims.MAX_BYTES + 1))

    @blp.response(200, EvidenceOut(many=True))
    def get(self, claim_id):
        claims.get_claim(claim_id, viewer=g.user)
        return claims.evidence_of(claim_id)


@blp.route("/ce-claims/<int:claim_id>/earn")
class ClaimEarn(MethodView):
    @roles("captain", "admin")
    @blp.response(200, ClaimOut)
    def post(self, claim_id):
        """Record that Cisco earned the claim (a captain or admin who is not the person)."""
        claim, warnings = claims.earn_claim(claim_id, viewer_id=g.user.id)
        return {**_fields(claim, ClaimOut), "warnings": warnings}


@blp.route("/ce-claims/<int:claim_id>/deny")
class ClaimDenyView(MethodView):
    @roles("captain", "admin")
    @blp.arguments(ClaimDeny)
    @blp.response(200, ClaimOut)
    def post(self, data, claim_id):
        return claims.deny_claim(claim_id, viewer_id=g.user.id, reason=data["reason"])


@blp.route("/ce-claims/<int:claim_id>/complete")
class ClaimCompleteView(MethodView):
    @blp.arguments(ClaimComplete)
    @blp.response(200, ClaimOut)
    def post(self, data, claim_id):
        """A planned claim (from a debit) becomes pending, a submission (R-CEL-2)."""
        return claims.complete_claim(claim_id, viewer_id=g.user.id, **data)


@blp.route("/companies/<int:company_id>/learning")
class CompanyLearning(MethodView):
    @blp.arguments(LearningQuery, location="query")
    @blp.response(200, LearningOut)
    def get(self, query, company_id):
        """Each person x certification with progress, soonest expiry first; `status=at_risk`.
        Paged: `limit` rows (500 unless given) from `offset`; `next_offset` continues."""
        company = get_company(company_id, viewer=g.user)
        rows = company_rows(company.id, viewer=g.user, **query)
        more = len(rows) == query["limit"]
        return {"rows": [_plain(row) for row in rows], "next_offset": query["offset"] + len(rows) if more else None}


def _token_routes(path, key):
    @blp.route(path)
    class CalendarTokenView(MethodView):
        @blp.response(201, CalendarTokenOut)
        def post(self, owner_id):
            """A secret, revocable calendar feed URL (R-CRN-2)."""
            return calendar.issue_token(viewer_id=g.user.id, **{key: owner_id})

        @blp.response(204)
        def delete(self, owner_id):
            """Revoke the feed's URLs."""
            calendar.revoke_tokens(viewer_id=g.user.id, **{key: owner_id})

    CalendarTokenView.__name__ = f"CalendarToken_{key}"
    return CalendarTokenView


_token_routes("/people/<int:owner_id>/calendar-token", "person_id")
_token_routes("/companies/<int:owner_id>/calendar-token", "company_id")


@feeds.get("/calendar/<token>.ics")
def calendar_feed(token):
    return Response(calendar.feed(token), mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300"})


def _fields(obj, schema):
    return {name: getattr(obj, name) for name in schema().fields if hasattr(obj, name)}


def _plain(row):
    return {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in row.items()}

from . import specialization_api  # noqa: E402,F401  (Learning II routes on the same blueprint)
from . import team_api  # noqa: E402,F401
