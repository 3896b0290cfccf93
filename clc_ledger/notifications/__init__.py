"""Email: the transactional outbox (R-NOT-2), its SMTP deliverer, rendering and reminders.

Other features call `outbox.enqueue_notice(template, locale, ...)` inside their own service
transaction with a snapshot of what the notice shows (rendered by `mail.render_email` when it
is delivered), or `outbox.enqueue_emails([...])` with emails rendered already (the monthly
statements); the `deliver-outbox` job sends what is due. Modules: enqueue (writing),
delivery (the job), transports (SMTP, .eml files); `outbox` is their public face.
"""
