"""The delivery thread of an app process: sends what the committed requests queued.

A request hands over the ids of its messages after its commit and answers at once; one thread
per process (started on first use, so after gunicorn forked the worker) sends them, a batch
at a time, in the order they were handed over. It works in an app context of its own, so its
database connection is not the request's. When the process exits, the thread is given a few
seconds to finish; whatever it leaves stays queued for ``send-mail``.

A request may also hand over work to run off the request (``shelter.work.after_response``),
such as a password reset, whose answer must not depend on what the work finds.

With ``MAIL_DELIVER_IN_BACKGROUND`` off (the tests), the messages are sent right after the
commit, and the work is done, before the response.
"""

import atexit
import logging
import os
import threading
import weakref
from collections.abc import Callable

from flask import Flask, copy_current_request_context, has_request_context

from shelter.mail.delivery import deliver

log = logging.getLogger(__name__)

_couriers: "weakref.WeakSet[Courier]" = weakref.WeakSet()


class Courier:
    """Hands the app's committed mail, and work done off the request, to one thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._reset()
        _couriers.add(self)

    def _reset(self) -> None:
        # Also called in a forked child: the parent's thread and lock do not exist there.
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._ids: list[int] = []
        self._work: list[Callable[[], None]] = []
        self._thread: threading.Thread | None = None
        self._draining = False
        self._abandoning = False

    def hand_over(self, ids: list[int]) -> None:
        """Send the messages ``ids`` (committed) as soon as possible."""
        if not self.app.config["MAIL_DELIVER_IN_BACKGROUND"]:
            self._deliver(ids)
            return
        with self._lock:
            self._ids.extend(ids)
            self._wake_up()

    def run_later(self, work: Callable[[], None]) -> None:
        """Run ``work`` in the delivery thread, in a copy of the current request's context."""
        if not self.app.config["MAIL_DELIVER_IN_BACKGROUND"]:
            self._run_work(work)
            return
        if has_request_context():
            work = copy_current_request_context(work)
        with self._lock:
            self._work.append(work)
            self._wake_up()

    def _wake_up(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._draining = self._abandoning = False
            self._thread = threading.Thread(target=self._run, name="shelter-mail", daemon=True)
            self._thread.start()
        self._wake.notify()

    def stop(self, timeout: float) -> None:
        """Finish what was handed over, within ``timeout`` seconds; then give the rest back."""
        with self._lock:
            thread = self._thread
            self._draining = True
            self._wake.notify()
        if thread is None:
            return
        thread.join(timeout)
        if thread.is_alive():
            self._abandoning = True
            thread.join(self.app.config["MAIL_TIMEOUT"])

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._ids and not self._work and not self._draining:
                    self._wake.wait()
                if not (self._ids or self._work) or self._abandoning:
                    return
                # One batch at a time, so that new work never waits behind a long delivery.
                batch = self.app.config["MAIL_BATCH_SIZE"]
                work, self._work = self._work, []
                ids, self._ids = self._ids[:batch], self._ids[batch:]
            for item in work:
                with self.app.app_context():
                    self._run_work(item)
            if ids:
                self._deliver(ids)

    def _run_work(self, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception:
            log.exception("work handed over by a request failed")

    def _deliver(self, ids: list[int]) -> None:
        with self.app.app_context():
            try:
                deliver(ids, should_stop=lambda: self._abandoning)
            except Exception:
                # A database error: the messages stay queued and ``send-mail`` sends them.
                log.exception("mail delivery stopped; %d message(s) left to send-mail", len(ids))


def _forget_threads_after_fork() -> None:
    for courier in list(_couriers):
        courier._reset()


def _stop_all_at_exit() -> None:
    for courier in list(_couriers):
        courier.stop(courier.app.config["MAIL_TIMEOUT"])


os.register_at_fork(after_in_child=_forget_threads_after_fork)
atexit.register(_stop_all_at_exit)
