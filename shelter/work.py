"""One unit of work per request: the services run, then one commit, or one refusal."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import abort, flash, make_response
from flask.typing import ResponseReturnValue

from shelter.domain import DomainError
from shelter.extensions import db


@contextmanager
def unit_of_work(refused: Callable[[], ResponseReturnValue] | None = None) -> Iterator[None]:
    """Commit what the block changed, once; on a refusal roll back and answer ``refused()``.

    A :class:`DomainError` raised in the block undoes everything it did, flashes its message and
    ends the request with ``refused()`` (usually the page again with its form, as a 409). Without
    ``refused`` the block is not expected to be refused, and the error propagates.
    """
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        if refused is None:
            raise
        flash(str(error.message), "error")
        abort(make_response(refused()))
    db.session.commit()
