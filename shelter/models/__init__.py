"""All models, importable from one place."""

from shelter.models.audit import AuditEntry
from shelter.models.base import UTCDateTime
from shelter.models.feeds import FeedKind, FeedToken
from shelter.models.mail import MailState, QueuedMail
from shelter.models.needs import PracticalNeed, StayNeed
from shelter.models.newsletter import NewsletterIssue
from shelter.models.nights import Night, NightStatus, Stay
from shelter.models.places import DEFAULT_BEDS, Place
from shelter.models.public import (
    ApplicationStatus,
    MaterialNeed,
    NewsletterSubscriber,
    NewsPost,
    PublicEvent,
    SiteSetting,
    SubscriberStatus,
    VolunteerApplication,
)
from shelter.models.shifts import (
    NightNotice,
    NoticeKind,
    ReplacementRequest,
    Shift,
    ShiftType,
    SignUp,
)
from shelter.models.throttle import ThrottleCounter
from shelter.models.twofactor import Passkey, RecoveryCode, TotpAuthenticator, UsedChallenge
from shelter.models.users import AccountToken, Role, TokenPurpose, User, hash_token

__all__ = [
    "DEFAULT_BEDS",
    "AccountToken",
    "ApplicationStatus",
    "AuditEntry",
    "FeedKind",
    "FeedToken",
    "MailState",
    "MaterialNeed",
    "NewsPost",
    "NewsletterIssue",
    "NewsletterSubscriber",
    "Night",
    "NightNotice",
    "NightStatus",
    "NoticeKind",
    "Passkey",
    "Place",
    "PracticalNeed",
    "PublicEvent",
    "QueuedMail",
    "RecoveryCode",
    "ReplacementRequest",
    "Role",
    "Shift",
    "ShiftType",
    "SignUp",
    "SiteSetting",
    "Stay",
    "StayNeed",
    "SubscriberStatus",
    "ThrottleCounter",
    "TokenPurpose",
    "TotpAuthenticator",
    "UTCDateTime",
    "UsedChallenge",
    "User",
    "VolunteerApplication",
    "hash_token",
]
