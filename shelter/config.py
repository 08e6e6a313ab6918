"""Default settings, overridden by ``instance/config.py`` then ``SHELTER_*`` variables."""

from datetime import timedelta

# Public: what the whole app may read from ``app.config``.
DATABASE_URL = ""
SECRET_KEY = ""
ENV = "development"
MIN_SECRET_KEY_LENGTH = 32

SQLALCHEMY_ENGINE_OPTIONS: dict = {}
SQLITE_BUSY_TIMEOUT_MS = 15000

SESSION_COOKIE_NAME = "shelter_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = True
# A session ends 14 days after signing in, or after 72 hours without a request.
PERMANENT_SESSION_LIFETIME = timedelta(days=14)
SESSION_IDLE_HOURS = 72
WTF_CSRF_TIME_LIMIT = None

BABEL_DEFAULT_LOCALE = "fr"
BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
LANGUAGES = ("fr", "en")

RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_STORAGE_URL = ""
RATELIMIT_ENABLED = True
RATELIMIT_HEADERS_ENABLED = False
LOGIN_LIMIT_PER_IP = "20 per 10 minutes"
LOGIN_LIMIT_PER_ACCOUNT = "5 per 10 minutes"
# A browser its owner signed in from is counted on its own (see shelter/throttle.py).
LOGIN_LIMIT_PER_DEVICE = "10 per 10 minutes"
RESET_LIMIT_PER_IP = "5 per 10 minutes"
# Per feed link: calendar apps poll every few minutes at most.
FEED_LIMIT_PER_TOKEN = "10 per minute;200 per hour"  # noqa: S105 (a rate, not a secret)

INVITATION_VALID_DAYS = 7
RESET_VALID_HOURS = 1
MIN_PASSWORD_LENGTH = 10

MAIL_SERVER = ""
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = ""
MAIL_PASSWORD = ""
MAIL_SENDER = "Shelter <noreply@shelter.invalid>"
MAIL_TIMEOUT = 10
# Mail goes through a queue in the database (``shelter.mail``): a thread of the app sends a
# request's messages after its commit; ``send-mail`` (cron) sends what is left, with retries.
MAIL_DELIVER_IN_BACKGROUND = True
MAIL_BATCH_SIZE = 50
MAIL_CLAIM_SECONDS = 300
MAIL_RETRY_SECONDS = 60
MAIL_RETRY_MAX_SECONDS = 3600
MAIL_KEEP_SENT_DAYS = 30

# Number of reverse proxies in front of the app whose X-Forwarded-For and -Proto are trusted.
PROXY_HOPS = 0
# X-Forwarded-Host and -Prefix let a client choose the links' host: trusted only when set.
PROXY_TRUST_HOST = False
PROXY_TRUST_PREFIX = False
# Strict-Transport-Security (sent on HTTPS requests) also covers the subdomains when set.
HSTS_INCLUDE_SUBDOMAINS = False

# The address emails and feeds link to; required in production, where requests for any other
# host are refused (TRUSTED_HOSTS, derived from it unless set). In development links follow
# the request's host when it is empty.
BASE_URL = ""
TRUSTED_HOSTS = None
COLLECTIVE_NAME = "Shelter Liège"

# Volunteer shifts.
WITHDRAW_CUTOFF_HOURS = 48
REMINDER_HOURS = 24
HELP_CALL_INTERVAL_HOURS = 12
NOT_READY_WARNING_HOURS = 72
MISSING_WINDOW_DAYS = 28

# Public site: requests larger than this are refused (413); nothing there needs more.
MAX_CONTENT_LENGTH = 256 * 1024
PUBLIC_FORM_LIMIT_PER_IP = "5 per 10 minutes"
NEWSLETTER_LIMIT_PER_ADDRESS = "3 per hour"
NEWSLETTER_CONFIRM_VALID_DAYS = 7
NEWS_PER_PAGE = 10

# Guest aliases and notes are erased this many days after departure (``purge-guests``).
GUEST_RETENTION_DAYS = 30

# Second factor at sign-in (authenticator codes, passkeys). Coordinators must have one when
# this is on; None means on in production, off in development and tests.
REQUIRE_2FA_FOR_COORDINATORS = None
# How long the second step waits after a right password, and how many wrong codes it takes.
SECOND_STEP_MINUTES = 5
SECOND_STEP_LIMIT_PER_ACCOUNT = "5 per 10 minutes"
# How long a passkey request (its challenge) stays valid.
PASSKEY_CHALLENGE_SECONDS = 300
