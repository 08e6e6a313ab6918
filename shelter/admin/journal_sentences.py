"""The sentences of the audit log: each family of actions said in the reader's language.

Slots in a translated sentence (``%(night)s``) receive the parts after escaping, so no stored
text is ever taken as HTML; the parts link to the night, the member or the list they name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import url_for
from markupsafe import Markup, escape

from shelter.clock import utcnow
from shelter.i18n import format_date, ngettext
from shelter.i18n import gettext as _
from shelter.models import AuditEntry, Role

_SLOT_NAMES = ("actor", "member", "night", "shift", "place", "type", "title", "date")
# Stand-ins given to gettext, replaced by the escaped parts once the sentence is translated.
_SLOTS = {name: f"\x00{name}\x00" for name in _SLOT_NAMES}


@dataclass(frozen=True)
class Known:
    """What the sentences of one page need from other rows, loaded once for the page."""

    members: dict[int, str]
    stay_nights: dict[tuple[int, date], int]


# --- Parts of sentences ------------------------------------------------------------------------


def _link(url: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url, text)


def _fill(text: str, parts: dict[str, str | Markup]) -> Markup:
    """Escape a translated sentence, then put each part (escaped unless Markup) in its slot."""
    filled = escape(text)
    for name, value in parts.items():
        filled = filled.replace(_SLOTS[name], escape(value))
    return filled


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _long_date(day: date) -> str:
    pattern = "EEEE d MMMM" if day.year == utcnow().year else "EEEE d MMMM yyyy"
    return format_date(day, pattern)


def _night(day: date | None, night_id: int | None, anchor: str | None = None) -> Markup | str:
    """ "nuit du vendredi 4 décembre", linked to the night's page when it is known."""
    if day is None:
        return _("nuit")
    text = _("nuit du %(date)s", date=_long_date(day))
    if night_id is None:
        return text
    return _link(url_for("nights.night", night_id=night_id, _anchor=anchor), text)


def _member(user_id: int | None, known: Known) -> Markup | str:
    name = known.members.get(user_id)
    if name is None:
        return _("un compte supprimé")
    return _link(url_for("admin.users", _anchor=f"user-{user_id}"), name)


def _actor(entry: AuditEntry) -> str:
    if entry.actor is None:
        return _("L'application")
    return entry.actor.name


# --- Sentences -----------------------------------------------------------------------------------


def sentence(entry: AuditEntry, known: Known) -> Markup:
    family = entry.action.partition(".")[0]
    say = _FAMILIES.get(family, _other)
    parts = {"actor": _actor(entry)}
    text = say(entry, entry.details or {}, known, parts)
    if text is None:
        text = _other(entry, entry.details or {}, known, parts)
    return _fill(text, parts)


def _nights(entry, details, known, parts) -> str | None:
    parts["night"] = _night(parse_day(details.get("date")), entry.target_id)
    s = _SLOTS
    return {
        "night.help_call": _("%(actor)s a envoyé un appel à l'aide pour la %(night)s.", **s),
        "night.plan": _("%(actor)s a planifié la %(night)s.", **s),
        "night.update": _("%(actor)s a modifié la %(night)s.", **s),
        "night.cancel": _("%(actor)s a annulé la %(night)s.", **s),
        "night.reinstate": _("%(actor)s a rétabli la %(night)s.", **s),
        "night.on_call_take": _("%(actor)s a pris l'astreinte de la %(night)s.", **s),
        "night.on_call_leave": _("%(actor)s a laissé l'astreinte de la %(night)s.", **s),
    }.get(entry.action)


def _stays(entry, details, known, parts) -> str | None:
    s = _SLOTS
    if entry.action == "stay.purge" and "stays" in details:
        parts["date"] = format_date(parse_day(details.get("before")) or utcnow(), "d MMMM yyyy")
        return ngettext(
            "%(actor)s a effacé l'alias et la note de %(num)d séjour parti avant le %(date)s.",
            "%(actor)s a effacé les alias et les notes de %(num)d séjours partis avant le "
            "%(date)s.",
            int(details.get("stays", 0)),
            **s,
        )
    arrival = parse_day(details.get("arrival"))
    night_id = known.stay_nights.get((details.get("place_id"), arrival))
    parts["night"] = _night(arrival, night_id)
    return {
        "stay.create": _("%(actor)s a enregistré un séjour à partir de la %(night)s.", **s),
        "stay.update": _("%(actor)s a modifié un séjour, désormais à partir de la %(night)s.", **s),
        "stay.cancel": _("%(actor)s a annulé un séjour qui commençait la %(night)s.", **s),
        "stay.purge": _(
            "%(actor)s a effacé l'alias et la note d'un séjour qui commençait la %(night)s.", **s
        ),
    }.get(entry.action)


def _shift_part(entry, details) -> Markup | str:
    """Say e.g. "« Repas » de la nuit du vendredi 4 décembre", the night linked to the shift."""
    name = details.get("shift") or _("sans nom")
    day = parse_day(details.get("date"))
    if day is None:
        return _("« %(shift)s »", shift=name)
    night = _night(day, details.get("night_id"), anchor=f"shift-{entry.target_id}")
    return _fill(_("« %(shift)s » de la %(night)s", **_SLOTS), {"shift": name, "night": night})


def _shifts(entry, details, known, parts) -> str | None:
    parts["shift"] = _shift_part(entry, details)
    s = _SLOTS
    return {
        "shift.add": _("%(actor)s a ajouté le service %(shift)s.", **s),
        "shift.update": _("%(actor)s a modifié le service %(shift)s.", **s),
        "shift.delete": _("%(actor)s a supprimé le service %(shift)s.", **s),
    }.get(entry.action)


def _signups(entry, details, known, parts) -> str | None:
    parts["shift"] = _shift_part(entry, details)
    parts["member"] = _member(details.get("user_id"), known)
    s = _SLOTS
    return {
        "signup.create": _("%(actor)s s'est inscrit·e au service %(shift)s.", **s),
        "signup.withdraw": _("%(actor)s s'est désisté·e du service %(shift)s.", **s),
        "signup.withdrawal_request": _(
            "%(actor)s a demandé à se désister du service %(shift)s.", **s
        ),
        "signup.replacement_request": _(
            "%(actor)s ne peut plus venir au service %(shift)s et a demandé un remplacement.", **s
        ),
        "signup.replace": _("%(actor)s a remplacé %(member)s au service %(shift)s.", **s),
        "signup.check_in": _("%(actor)s a signalé son arrivée au service %(shift)s.", **s),
        "signup.assign": _("%(actor)s a inscrit %(member)s au service %(shift)s.", **s),
        "signup.remove": _("%(actor)s a retiré %(member)s du service %(shift)s.", **s),
    }.get(entry.action)


def _shift_types(entry, details, known, parts) -> str | None:
    name = details.get("name") or _("sans nom")
    parts["type"] = _link(url_for("shifts.edit_type", type_id=entry.target_id), name)
    return _("%(actor)s a enregistré le type de service %(type)s.", **_SLOTS)


def _users(entry, details, known, parts) -> str | None:
    parts["member"] = _member(entry.target_id, known)
    s = _SLOTS
    if entry.action == "user.role":
        if details.get("role") == Role.COORDINATOR:
            return _("%(actor)s a fait entrer %(member)s dans la coordination.", **s)
        return _("%(actor)s a retiré %(member)s de la coordination.", **s)
    return {
        "user.invite": _("%(actor)s a invité %(member)s.", **s),
        "user.create": _("%(actor)s a créé le compte de %(member)s.", **s),
        "user.activate": _("%(actor)s a réactivé le compte de %(member)s.", **s),
        "user.deactivate": _("%(actor)s a désactivé le compte de %(member)s.", **s),
        "user.lead": _("%(actor)s a fait de %(member)s un·e référent·e.", **s),
        "user.unlead": _("%(actor)s a retiré à %(member)s le rôle de référent·e.", **s),
    }.get(entry.action)


def _places(entry, details, known, parts) -> str | None:
    name = details.get("place") or _("sans nom")
    parts["place"] = _link(url_for("places.edit", place_id=entry.target_id), name)
    if entry.action == "place.create":
        return _("%(actor)s a ajouté le lieu %(place)s.", **_SLOTS)
    return _("%(actor)s a modifié le lieu %(place)s.", **_SLOTS)


def _public(entry, details, known, parts) -> str | None:
    title = details.get("title") or _("sans titre")
    kind, _dot, done = entry.action.partition(".")
    endpoint = {"news": ("public.edit_news", "post_id"), "event": ("public.edit_event", "event_id")}
    if done != "delete" and kind in endpoint:
        name, argument = endpoint[kind]
        title = _link(url_for(name, **{argument: entry.target_id}), title)
    parts["title"] = title
    s = _SLOTS
    return {
        "news.create": _("%(actor)s a écrit l'actualité « %(title)s ».", **s),
        "news.update": _("%(actor)s a modifié l'actualité « %(title)s ».", **s),
        "news.delete": _("%(actor)s a supprimé l'actualité « %(title)s ».", **s),
        "event.create": _("%(actor)s a ajouté le rendez-vous public « %(title)s ».", **s),
        "event.update": _("%(actor)s a modifié le rendez-vous public « %(title)s ».", **s),
        "event.delete": _("%(actor)s a supprimé le rendez-vous public « %(title)s ».", **s),
        "need.create": _("%(actor)s a ajouté le besoin « %(title)s ».", **s),
        "need.delete": _("%(actor)s a supprimé le besoin « %(title)s ».", **s),
    }.get(entry.action)


def _newsletter(entry, details, known, parts) -> str | None:
    title = details.get("title") or _("sans titre")
    if entry.action != "newsletter.delete":
        title = _link(url_for("public.issue_page", issue_id=entry.target_id), title)
    parts["title"] = title
    s = _SLOTS
    return {
        "newsletter.create": _("%(actor)s a écrit le numéro de newsletter « %(title)s ».", **s),
        "newsletter.update": _("%(actor)s a modifié le numéro de newsletter « %(title)s ».", **s),
        "newsletter.delete": _(
            "%(actor)s a supprimé le brouillon de newsletter « %(title)s ».", **s
        ),
        "newsletter.send": _("%(actor)s a envoyé le numéro de newsletter « %(title)s ».", **s),
    }.get(entry.action)


def _applications(entry, details, known, parts) -> str | None:
    parts["title"] = _link(url_for("public.applications"), _("une candidature"))
    if entry.action == "application.approve":
        return _("%(actor)s a accepté %(title)s.", **_SLOTS)
    return _("%(actor)s a refusé %(title)s.", **_SLOTS)


def _feeds(entry, details, known, parts) -> str | None:
    parts["title"] = details.get("name") or _("Lien existant")
    if entry.action == "feed.revoke":
        return _("%(actor)s a révoqué son lien d'agenda « %(title)s ».", **_SLOTS)
    return _("%(actor)s a créé un lien d'agenda « %(title)s ».", **_SLOTS)


def _second_factors(entry, details, known, parts) -> str | None:
    parts["member"] = _member(entry.target_id, known)
    parts["title"] = details.get("name") or ""
    s = _SLOTS
    return {
        "twofactor.totp_add": _("%(actor)s a activé une application d'authentification.", **s),
        "twofactor.totp_remove": _("%(actor)s a retiré son application d'authentification.", **s),
        "twofactor.passkey_add": _("%(actor)s a ajouté la clé d'accès « %(title)s ».", **s),
        "twofactor.passkey_remove": _("%(actor)s a retiré la clé d'accès « %(title)s ».", **s),
        "twofactor.recovery_new": _("%(actor)s a obtenu de nouveaux codes de secours.", **s),
        "twofactor.recovery_use": _("%(actor)s s'est connecté·e avec un code de secours.", **s),
        "twofactor.reset": _("%(actor)s a retiré la connexion en deux étapes de %(member)s.", **s),
    }.get(entry.action)


def _practical_needs(entry, details, known, parts) -> str | None:
    parts["title"] = _link(url_for("nights.practical_needs"), details.get("name") or _("sans nom"))
    s = _SLOTS
    return {
        "practical_need.save": _("%(actor)s a enregistré le besoin pratique « %(title)s ».", **s),
        "practical_need.retire": _("%(actor)s a retiré le besoin pratique « %(title)s ».", **s),
        "practical_need.restore": _("%(actor)s a remis le besoin pratique « %(title)s ».", **s),
    }.get(entry.action)


def _other(entry, details, known, parts) -> str:
    """An action this version does not know how to say (added later, or by another branch)."""
    parts["title"] = entry.action
    return _("%(actor)s a fait une modification (%(title)s).", **_SLOTS)


_FAMILIES: dict[str, Callable] = {
    "night": _nights,
    "stay": _stays,
    "shift": _shifts,
    "signup": _signups,
    "shift_type": _shift_types,
    "user": _users,
    "place": _places,
    "news": _public,
    "event": _public,
    "need": _public,
    "newsletter": _newsletter,
    "application": _applications,
    "feed": _feeds,
    "twofactor": _second_factors,
    "practical_need": _practical_needs,
}
