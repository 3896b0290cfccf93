# Copy to instance/config.py to override defaults; CLC_* environment variables still win.
# SECRET_KEY = "..."  # CLC_SECRET_KEY; python3 -c 'import secrets; print(secrets.token_hex(32))'
#                     (`make run` writes one here; `serve` and `scheduler` refuse to start without it)
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1:5432/clc"  # CLC_DATABASE_URL
# CLC_TIMEZONE = "America/Los_Angeles"
# CLC_MAIL_URL = "smtp://127.0.0.1:1025"
# CLC_MAIL_FROM = "CLC Ledger <no-reply@example.com>"
# CLC_BASE_URL = "https://clc.example.com"
# CLC_COUNTRIES = ["US", "CA", "DE", "FR", "JP"]
