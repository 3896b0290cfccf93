# Copy to instance/config.py to override defaults; CLC_* environment variables still win.
# SECRET_KEY = "a long random string"            # same as CLC_SECRET_KEY
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1:5432/clc"  # CLC_DATABASE_URL
# CLC_TIMEZONE = "America/Los_Angeles"
# CLC_MAIL_URL = "smtp://127.0.0.1:1025"
# CLC_MAIL_FROM = "CLC Ledger <no-reply@example.com>"
# CLC_BASE_URL = "https://clc.example.com"
# CLC_COUNTRIES = ["US", "CA", "DE", "FR", "JP"]
