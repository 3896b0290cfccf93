"""Email: the transactional outbox (R-NOT-2), its SMTP deliverer, rendering and reminders.

Other features call `outbox.enqueue(...)` inside their own service transaction, usually with
a body from `mail.render_email(...)`; the `deliver-outbox` job sends what is due.
"""
