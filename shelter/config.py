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
PERMANENT_SESSION_LIFETIME = timedelta(days=14)
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

# The address emails and feeds link to; defaults to the request's host.
BASE_URL = ""
COLLECTIVE_NAME = "Shelter Liège"
