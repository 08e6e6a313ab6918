"""Engine settings: SQLite pragmas and write transactions that take the lock up front."""

from flask import Flask, has_request_context, request
from sqlalchemy import Engine, event

from shelter.extensions import db

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling issues BEGIN lazily and never BEGIN IMMEDIATE;
    # SQLAlchemy documents switching it off and emitting BEGIN from the "begin" event.
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
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
