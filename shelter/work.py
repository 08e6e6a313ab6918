"""One unit of work per request (or per item of a cron job): the services run, then one commit,
or one refusal. The messages the services queued go out after the commit."""

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from flask import abort, current_app, flash, make_response
from flask.typing import ResponseReturnValue
from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute

from shelter.domain import DomainError
from shelter.extensions import db
from shelter.mail import release_queued_mail

log = logging.getLogger(__name__)
Item = TypeVar("Item")


@contextmanager
def unit_of_work(refused: Callable[[], ResponseReturnValue] | None = None) -> Iterator[None]:
    """Commit what the block changed, once, then release its mail; or roll it all back.

    A :class:`DomainError` raised in the block undoes everything it did, flashes its message and
    ends the request with ``refused()`` (usually the page again with its form, as a 409). Without
    ``refused`` the block is not expected to be refused, and the error propagates, as any other
    error does, after the rollback.
    """
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        if refused is None:
            raise
        flash(str(error.message), "error")
        abort(make_response(refused()))
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    release_queued_mail()


def after_response(service: Callable[[], object]) -> None:
    """Run ``service`` in a unit of work of its own, off the request, once it is handed over.

    For answers that must not depend on what the service finds (whether an account exists):
    the request does the same thing every time, the lookup happens in the delivery thread.
    Work not done when the process stops is lost, so keep it to what a user may ask again.
    """

    def work() -> None:
        with unit_of_work():
            service()

    current_app.extensions["shelter.mail"].run_later(work)


@dataclass
class Outcome:
    done: int = 0
    failed: int = 0


def each_in_its_own_unit(items: Iterable[Item], handle: Callable[[Item], object]) -> Outcome:
    """Handle each item in a unit of work of its own: a failure leaves the others done.

    ``handle`` answers whether it did something (a reminder already sent by another run does
    not count). A failure is logged, undone, and counted.
    """
    outcome = Outcome()
    for item in items:
        try:
            with unit_of_work():
                did = handle(item)
        except Exception:
            log.exception("%r failed and was undone; the other items go on", item)
            outcome.failed += 1
        else:
            outcome.done += bool(did)
    return outcome


def claim(marker: InstrumentedAttribute, row_id: int, value: object) -> bool:
    """Set the ``marker`` column of one row to ``value`` unless it is set; say whether this did.

    A conditional UPDATE in the caller's transaction: of two runs at once, exactly one claims
    the row, and a run that fails leaves it unclaimed for the next one.
    """
    model = marker.class_
    claimed = db.session.execute(
        update(model)
        .where(model.id == row_id, marker.is_(None))
        .values({marker.key: value})
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1
