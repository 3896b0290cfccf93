"""The test clock (API.md "Time, for tests and demos"); registered only when testing."""
from flask.views import MethodView
from marshmallow import Schema, fields

from . import clock
from .apikit import Blueprint, roles
from .db import transactional
from .extensions import db

blp = Blueprint("testing", __name__, url_prefix="/api/v1/testing", description="Test clock (testing only)")


class ClockIn(Schema):
    now = fields.AwareDateTime(required=True)


class ClockOut(Schema):
    now = fields.AwareDateTime()
    frozen = fields.Boolean()


@transactional
def freeze(at):
    setting = db.session.get(clock.ClockSetting, 1)
    if setting is None:
        db.session.add(clock.ClockSetting(id=1, frozen_at=at))
    else:
        setting.frozen_at = at


@transactional
def unfreeze():
    setting = db.session.get(clock.ClockSetting, 1)
    if setting is not None:
        db.session.delete(setting)


def _state():
    return {"now": clock.now(), "frozen": db.session.get(clock.ClockSetting, 1) is not None}


@blp.route("/clock")
class TestClock(MethodView):
    @blp.response(200, ClockOut)
    def get(self):
        return _state()

    @roles("admin")
    @blp.arguments(ClockIn)
    @blp.response(200, ClockOut)
    def put(self, data):
        """Freeze "now" at this instant for every process."""
        freeze(data["now"])
        return _state()

    @roles("admin")
    @blp.response(200, ClockOut)
    def delete(self):
        """Return to real time."""
        unfreeze()
        return _state()
