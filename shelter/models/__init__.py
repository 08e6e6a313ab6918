"""All models, importable from one place."""

from shelter.models.audit import AuditEntry
from shelter.models.base import UTCDateTime, utcnow
from shelter.models.feeds import FeedKind, FeedToken
from shelter.models.nights import BRUSSELS, Night, NightStatus, Stay
from shelter.models.places import DEFAULT_BEDS, Place
from shelter.models.shifts import Shift, ShiftType, SignUp
from shelter.models.users import AccountToken, Role, TokenPurpose, User, hash_token

__all__ = [
    "BRUSSELS",
    "DEFAULT_BEDS",
    "AccountToken",
    "AuditEntry",
    "FeedKind",
    "FeedToken",
    "Night",
    "NightStatus",
    "Place",
    "Role",
    "Shift",
    "ShiftType",
    "SignUp",
    "Stay",
    "TokenPurpose",
    "UTCDateTime",
    "User",
    "hash_token",
    "utcnow",
]
