"""Engine settings: SQLite pragmas, write transactions that take the lock up front, and
erased guest data that leaves no copy in the database files."""

from flask import Flask, has_request_context, request
from flask_sqlalchemy.session import Session
from sqlalchemy import Engine, event

from shelter.extensions import db
from shelter.models import Stay

READ_METHODS = {"GET", "HEAD", "OPTIONS"}
# Set in a session's info by a transaction that changes or deletes stays (aliases and notes).
ERASES_GUEST_DATA = "erases_guest_data"


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    for name, listener in (
        ("before_flush", _note_stay_changes),
        ("do_orm_execute", _note_stay_statements),
        ("after_commit", _checkpoint_after_erasure),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _note_stay_changes(session, _context, _instances) -> None:
    if any(isinstance(row, Stay) for row in (*session.dirty, *session.deleted)):
        session.info[ERASES_GUEST_DATA] = True


def _note_stay_statements(state) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is Stay:
        state.session.info[ERASES_GUEST_DATA] = True


def _checkpoint_after_erasure(session) -> None:
    # With secure_delete, SQLite zeroes what a change removes from the database file; the
    # write-ahead log still holds the pages as they were until a checkpoint copies them back
    # and TRUNCATE empties it. Under concurrent readers it may stop short: the next one ends it.
    if not session.info.pop(ERASES_GUEST_DATA, False):
        return
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling issues BEGIN lazily and never BEGIN IMMEDIATE;
    # SQLAlchemy documents switching it off and emitting BEGIN from the "begin" event.
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted and overwritten content is zeroed, never left in free space.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A request that may write takes SQLite's write lock when its transaction starts:
        # checks made inside it (free places, free spots) cannot be invalidated by another
        # writer before it commits. Reads stay concurrent thanks to WAL.
        if has_request_context() and request.method not in READ_METHODS:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
