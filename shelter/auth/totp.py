"""Authenticator codes (TOTP, RFC 6238): keys, the QR code to scan, and which step a code is for."""

import hmac
import time

import pyotp
import segno
from markupsafe import Markup

STEP_SECONDS = 30
# A code of the previous or the next 30-second step is accepted too (phones drift).
DRIFT_STEPS = 1
DIGITS = 6


def new_secret() -> str:
    """Return a new random key, 32 base32 characters (160 bits)."""
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """Return the key in groups of four characters, for typing it by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """Return the ``otpauth://`` address that authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str, title: str) -> Markup:
    """Return the QR code of ``uri`` as inline SVG, drawn here (no outside service sees the key)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=2, title=title, svgclass="qr", dark="#000", light="#fff"
    )
    return Markup(svg)  # noqa: S704 (segno's own markup; the title is escaped by segno)


def step_at(now: float | None = None) -> int:
    return int(time.time() if now is None else now) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def current_code(secret: str) -> str:
    return code_at(secret, step_at())


def normalise_code(code: str) -> str:
    return "".join(code.split())


def is_code_shaped(code: str) -> bool:
    code = normalise_code(code)
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """Return the step whose code ``code`` is, within the allowed drift, or None."""
    code = normalise_code(code)
    if not is_code_shaped(code):
        return None
    current = step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None
