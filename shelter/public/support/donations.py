"""Donations by bank transfer: the details shown on Soutiens-nous and the payment QR code.

The QR code follows the European Payments Council's guidelines (EPC069-12, "SCT" code, version
002, UTF-8), which Belgian and most European banking apps read. A Belgian structured
communication goes in the structured remittance field (its 12 digits), anything else in the
unstructured one.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from flask_babel import format_currency
from markupsafe import Markup
from segno import QRCode, helpers

from shelter.i18n import gettext as _
from shelter.public.settings.services import SiteSettings
from shelter.public.support.validation import (
    compact_iban,
    format_structured_communication,
    structured_communication_digits,
    structured_communication_problem,
)

PRESET_AMOUNTS = (5, 10, 25, 50)
# The amounts the EPC guidelines allow.
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
AMOUNT = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,2})?")
# The EPC guidelines cap the beneficiary's name at 70 characters.
HOLDER_MAX = 70


@dataclass(frozen=True)
class BankAccount:
    """Where donations go: holder, IBAN (compact), optional BIC and structured communication."""

    holder: str
    iban: str
    bic: str = ""
    communication: str = ""

    @property
    def iban_groups(self) -> list[str]:
        """The IBAN in groups of four characters, as banks print it."""
        return [self.iban[start : start + 4] for start in range(0, len(self.iban), 4)]

    @property
    def can_make_qr(self) -> bool:
        return bool(self.holder)


def bank_account(settings: SiteSettings) -> BankAccount | None:
    """Return the collective's account from the site settings, or None when there is no IBAN."""
    if not settings.iban:
        return None
    communication = settings.structured_communication
    valid = communication and not structured_communication_problem(communication)
    return BankAccount(
        holder=settings.account_holder,
        iban=compact_iban(settings.iban),
        bic=settings.bic.replace(" ", "").upper(),
        # Checked when saved; a communication that does not check out is never offered to pay.
        communication=format_structured_communication(communication) if valid else "",
    )


def parse_amount(text: str) -> Decimal | None:
    """Read an amount in euros written 10, 10.5 or 10,50; None when it is not one we accept."""
    cleaned = text.strip().removesuffix("€").strip()
    if not AMOUNT.fullmatch(cleaned):
        return None
    amount = Decimal(cleaned.replace(",", "."))
    return amount if MIN_AMOUNT <= amount <= MAX_AMOUNT else None


def payment_qr(account: BankAccount, amount: Decimal, remittance: str) -> QRCode:
    """Return the EPC QR code of a transfer of ``amount`` euros to ``account``.

    ``remittance`` is the free text used when the account has no structured communication.
    """
    reference = (
        structured_communication_digits(account.communication) if account.communication else None
    )
    return helpers.make_epc_qr(
        name=account.holder,
        iban=account.iban,
        amount=amount,
        reference=reference,
        text=None if reference else remittance,
        bic=account.bic or None,
        encoding="utf-8",
    )


@lru_cache(maxsize=256)
def payment_qr_svg(account: BankAccount, amount: Decimal, remittance: str, title: str) -> Markup:
    """Return the QR code as inline SVG that scales with its box (remembered: it is pure)."""
    svg = payment_qr(account, amount, remittance).svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, title=title, svgclass="qr"
    )
    return Markup(svg)  # noqa: S704 - segno's own markup; the title is escaped by segno


def payment_qr_for_page(account: BankAccount, amount: Decimal) -> Markup | None:
    """Return the QR code shown on Soutiens-nous, in the visitor's language, if one can be made."""
    if not account.can_make_qr:
        return None
    title = _("Code QR du virement de %(amount)s", amount=format_currency(amount, "EUR"))
    return payment_qr_svg(account, amount, _("Don"), title)
