"""Writes of material needs, each in the audit log."""

from shelter.extensions import db
from shelter.models import MaterialNeed, User
from shelter.models.audit import record


def add_need(item: str, quantity: str, urgent: bool, actor: User | None) -> MaterialNeed:
    need = MaterialNeed(item=item, quantity=quantity, urgent=urgent)
    db.session.add(need)
    db.session.flush()
    record(actor, "need.create", "need", need.id, title=need.item)
    return need


def set_need_done(need: MaterialNeed, done: bool) -> None:
    need.done = done


def delete_need(need: MaterialNeed, actor: User | None) -> None:
    record(actor, "need.delete", "need", need.id, title=need.item)
    db.session.delete(need)
