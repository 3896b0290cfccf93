"""The outbox (R-NOT-2): written in the caller's transaction, delivered over a real SMTP
server exactly once, retried on temporary failures, given up on 5xx."""
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import func, select

from clc_ledger.db import transactional
from clc_ledger.errors import RuleViolation
from clc_ledger.extensions import db
from clc_ledger.jobs.models import JobRun
from clc_ledger.notifications import outbox
from clc_ledger.notifications.models import OutboxMessage

NOW = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)


def enqueue(to, subject, text, html=None, attachments=(), dedupe_key=None):
    """One rendered email into the outbox, in the current transaction: its row, or None
    when there was nobody to send to."""
    key = dedupe_key or f"test:{subject}:{to}"
    outbox.enqueue_emails([outbox.Email(to, subject, text, html, list(attachments), key)])
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == key))
PDF = b"%PDF-1.4\n% a tiny test file\n%%EOF\n"


@transactional
def _enqueue_in_a_transaction(count=1, fail=False, **extra):
    messages = [enqueue(to=[f"person{i}@example.com"], subject=f"Message {i}", text=f"Body {i}", **extra)
                for i in range(count)]
    if fail:
        raise RuleViolation("the change being reported is refused")
    return [message.id for message in messages]


def _messages():
    db.session.rollback()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_enqueue_is_rolled_back_with_the_transaction_of_the_change_it_reports(app):
    with pytest.raises(RuleViolation):
        _enqueue_in_a_transaction(2, fail=True)
    assert _messages() == []
    # enqueue never commits by itself: the caller's rollback takes the message with it
    enqueue(to="a@example.com", subject="Hi", text="x")
    db.session.rollback()
    assert _messages() == []
    ids = _enqueue_in_a_transaction(2)
    assert [m.id for m in _messages()] == ids
    assert {m.status for m in _messages()} == {"pending"}


def test_the_same_dedupe_key_is_enqueued_once(app):
    @transactional
    def notify():
        return enqueue(to=["carla@example.com", "CARLA@example.com", ""], subject="Once", text="x",
                              dedupe_key="reminder:1:30").id

    first, second = notify(), notify()
    assert first == second
    [message] = _messages()
    assert message.recipients == ["carla@example.com"]
    assert enqueue(to=[], subject="Nobody", text="x") is None


def test_delivery_sends_once_with_a_stable_message_id_html_and_attachments(app, smtp):
    @transactional
    def notify():
        return enqueue(
            to=["carla@example.com", "chris@example.com"], subject="Statement März 2027", text="Plain body",
            html="<p>HTML body</p>",
            attachments=[("statement.pdf", PDF, "application/pdf"),
                         {"filename": "statement.csv", "content": "a,b\n1,2\n", "mimetype": "text/csv"}])

    message_id = notify().message_id
    assert outbox.deliver_outbox(NOW) == {"sent": 1, "retrying": 0, "failed": 0}
    assert outbox.deliver_outbox(NOW + timedelta(hours=2))["sent"] == 0
    [mail] = smtp.messages
    assert mail["Message-ID"] == message_id
    assert mail["Subject"] == "Statement März 2027"
    assert smtp.envelopes[0][1] == ["carla@example.com", "chris@example.com"]
    assert mail.get_body(("plain",)).get_content().strip() == "Plain body"
    assert mail.get_body(("html",)).get_content().strip() == "<p>HTML body</p>"
    attachments = {part.get_filename(): (part.get_content_type(), part.get_content()) for part in mail.iter_attachments()}
    assert attachments == {"statement.pdf": ("application/pdf", PDF), "statement.csv": ("text/csv", "a,b\n1,2\n")}
    [row] = _messages()
    assert (row.status, row.attempts, row.sent_at, row.claimed_until) == ("sent", 1, NOW, None)


def test_a_notice_is_rendered_at_delivery_in_its_language_from_its_snapshot(app, smtp):
    @transactional
    def notify():
        outbox.enqueue_notice("dispute_resolved", "de_DE", to="carla@example.com", dedupe_key="dispute_resolved:7",
                              dispute={"debit_id": 7, "status": "upheld", "reversed_amount": 125050, "note": None,
                                       "raised_by": {"username": "carla"}},
                              remaining=250000)

    notify()
    [row] = _messages()
    assert (row.template, row.locale, row.subject, row.text_body) == ("dispute_resolved", "de_DE", None, None)
    assert outbox.deliver_outbox(NOW)["sent"] == 1
    [mail] = smtp.messages
    assert "#7" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "1.250,50 CLC" in text and "2.500,00 CLC" in text


def test_a_notice_that_cannot_be_rendered_fails_alone(app, smtp):
    @transactional
    def notify():
        outbox.enqueue_notice("no_such_notice", "en_US", to="carla@example.com", dedupe_key="broken:1")
        enqueue(to="dana@example.com", subject="Fine", text="Fine")

    notify()
    assert outbox.deliver_outbox(NOW) == {"sent": 1, "retrying": 0, "failed": 1}
    broken, fine = _messages()
    assert broken.status == "failed" and "no_such_notice" in broken.last_error
    assert fine.status == "sent" and [m["Subject"] for m in smtp.messages] == ["Fine"]


def test_smtp_down_then_up_loses_nothing_and_sends_each_message_exactly_once(api, smtp):
    api.set_clock(NOW.isoformat())
    smtp.stop()
    ids = _enqueue_in_a_transaction(3)
    # Running the job while the server is down is not an error: the mail waits.
    response = api.admin.post("/api/v1/jobs/deliver-outbox/run")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["result"]["sent"] == 0
    first, *others = _messages()
    assert (first.status, first.attempts, first.next_attempt_at) == ("pending", 1, NOW + timedelta(minutes=1))
    assert "Connection refused" in first.last_error or "cannot reach" in first.last_error
    assert [(m.status, m.attempts) for m in others] == [("pending", 0), ("pending", 0)]
    # Still down a minute later: the first one backs off to 2 minutes.
    api.set_clock((NOW + timedelta(minutes=1)).isoformat())
    assert api.admin.post("/api/v1/jobs/deliver-outbox/run").status_code == 200
    assert db.session.get(OutboxMessage, ids[0], populate_existing=True).next_attempt_at == NOW + timedelta(minutes=3)

    smtp.start()
    # Back up: what never failed goes at once; the first waits for its retry time.
    assert outbox.deliver_outbox(NOW + timedelta(minutes=1))["sent"] == 2
    assert outbox.deliver_outbox(NOW + timedelta(minutes=3))["sent"] == 1
    assert outbox.deliver_outbox(NOW + timedelta(hours=5))["sent"] == 0
    assert sorted(smtp.message_ids()) == sorted(m.message_id for m in _messages())
    assert len(set(smtp.message_ids())) == 3
    assert {m.status for m in _messages()} == {"sent"}


def test_a_4xx_reply_is_retried_with_the_same_message_id(app, smtp):
    _enqueue_in_a_transaction(1)
    smtp.refuse(451, "4.3.0 Try again later")
    assert outbox.deliver_outbox(NOW) == {"sent": 0, "retrying": 1, "failed": 0}
    [row] = _messages()
    assert row.status == "pending" and "451" in row.last_error
    smtp.accept()
    assert outbox.deliver_outbox(NOW + timedelta(seconds=59))["sent"] == 0  # not due yet
    assert outbox.deliver_outbox(NOW + timedelta(minutes=1))["sent"] == 1
    assert smtp.message_ids() == [row.message_id]
    assert smtp.refused == 1


def test_a_5xx_reply_marks_the_message_failed_and_it_is_never_retried(app, smtp):
    _enqueue_in_a_transaction(1)
    smtp.refuse(550, "5.1.1 Mailbox unavailable")
    assert outbox.deliver_outbox(NOW) == {"sent": 0, "retrying": 0, "failed": 1}
    smtp.accept()
    assert outbox.deliver_outbox(NOW + timedelta(days=2)) == {"sent": 0, "retrying": 0, "failed": 0}
    [row] = _messages()
    assert row.status == "failed" and "550" in row.last_error
    assert smtp.messages == [] and smtp.refused == 1


def test_after_the_last_attempt_a_message_is_failed(app, smtp):
    app.config["CLC_MAIL_MAX_ATTEMPTS"] = 3
    _enqueue_in_a_transaction(1)
    smtp.stop()
    when = NOW
    outcomes = []
    for _ in range(4):
        outcomes.append(outbox.deliver_outbox(when))
        when += timedelta(hours=1)
    assert [o["retrying"] for o in outcomes] == [1, 1, 0, 0]
    assert [o["failed"] for o in outcomes] == [0, 0, 1, 0]
    [row] = _messages()
    assert (row.status, row.attempts) == ("failed", 3)
    assert "gave up after 3 attempts" in row.last_error


def test_backoff_doubles_from_one_minute_up_to_one_hour():
    assert [outbox.backoff(n) for n in range(1, 9)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60, 60)]


def test_two_deliverers_at_once_send_every_message_exactly_once(app, smtp):
    _enqueue_in_a_transaction(30)
    barrier = threading.Barrier(3)
    results, errors = [], []

    def deliverer():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                results.append(outbox.deliver_outbox(NOW))
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=deliverer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(result["sent"] for result in results) == 30
    assert len(smtp.messages) == 30
    assert len(set(smtp.message_ids())) == 30
    assert {m.status for m in _messages()} == {"sent"}
    assert {m.attempts for m in _messages()} == {1}


def test_without_a_mail_url_messages_become_eml_files(app, tmp_path):
    app.config["CLC_MAIL_URL"] = None
    app.config["CLC_MAIL_DIR"] = str(tmp_path / "mail")
    _enqueue_in_a_transaction(2, attachments=[("plan.csv", b"x,y\n", "text/csv")])
    assert outbox.deliver_outbox(NOW)["sent"] == 2
    assert outbox.deliver_outbox(NOW)["sent"] == 0
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = [BytesParser(policy=policy.default).parsebytes(path.read_bytes()) for path in files]
    assert sorted(p["Message-ID"] for p in parsed) == sorted(m.message_id for m in _messages())
    assert {p["Subject"] for p in parsed} == {"Message 0", "Message 1"}
    assert [a.get_filename() for a in parsed[0].iter_attachments()] == ["plan.csv"]


def test_the_default_eml_directory_is_instance_mail(app, tmp_path):
    app.config["CLC_MAIL_URL"] = None
    app.config["CLC_MAIL_DIR"] = None
    app.instance_path = str(tmp_path / "instance")
    _enqueue_in_a_transaction(1)
    assert outbox.deliver_outbox(NOW)["sent"] == 1
    assert len(list((tmp_path / "instance" / "mail").glob("*.eml"))) == 1


def test_the_deliver_outbox_job_run_is_recorded(api, smtp):
    api.set_clock(NOW.isoformat())
    _enqueue_in_a_transaction(2)
    response = api.admin.post("/api/v1/jobs/deliver-outbox/run")
    assert response.status_code == 200
    assert response.get_json() == {"job": "deliver-outbox", "result": {"sent": 2, "retrying": 0, "failed": 0}}
    db.session.rollback()
    run = db.session.scalar(select(JobRun).where(JobRun.name == "deliver-outbox"))
    assert (run.status, run.trigger, run.as_of, run.result["sent"]) == ("ok", "api", NOW, 2)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")) == 2


def test_a_refused_recipient_does_not_stop_the_others_nor_cause_a_repeat(app, smtp):
    @transactional
    def notify():
        return enqueue(to=["carla@example.com", "gone@example.com"], subject="Two", text="x").id

    notify()
    smtp.refuse_recipient("gone@example.com", 550)
    assert outbox.deliver_outbox(NOW)["sent"] == 1
    assert outbox.deliver_outbox(NOW + timedelta(hours=3))["sent"] == 0
    assert smtp.envelopes == [(smtp.envelopes[0][0], ["carla@example.com"])]
    [row] = _messages()
    assert row.status == "sent" and "gone@example.com 550" in row.last_error


def test_every_recipient_refused_with_5xx_is_a_permanent_failure(app, smtp):
    @transactional
    def notify():
        return enqueue(to="gone@example.com", subject="Nobody home", text="x").id

    notify()
    smtp.refuse_recipient("gone@example.com", 550)
    assert outbox.deliver_outbox(NOW)["failed"] == 1
    smtp.accept()
    assert outbox.deliver_outbox(NOW + timedelta(hours=3))["sent"] == 0
    assert smtp.messages == []
    assert _messages()[0].status == "failed"
