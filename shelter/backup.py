"""Consistent backups and restores of the database, optionally encrypted with a passphrase."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL, make_url

from shelter.extensions import db

MAGIC = b"SHELTER-ENCRYPTED-BACKUP-1\n"
SALT_BYTES = 16
NONCE_BYTES = 12


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason for the operator."""


def backup(url: URL, target: Path, passphrase: str | None = None) -> None:
    """Copy the database at ``url`` to ``target`` while the app may be running.

    The file is readable by its owner only; with a passphrase the plain copy is made in a
    private temporary folder and only the encrypted one reaches ``target``.
    """
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "backup"
        if url.get_backend_name() == "sqlite":
            _backup_sqlite(Path(url.database), plain)
        else:
            _backup_postgres(url, plain)
        content = plain.read_bytes()
    if passphrase:
        content = encrypt_bytes(content, passphrase)
    _write_private(target, content)


def _write_private(target: Path, content: bytes) -> None:
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def _backup_sqlite(source_path: Path, target: Path) -> None:
    # SQLite's online backup API copies a consistent snapshot, even while others write.
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()


def _libpq_url(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} was not found. Install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) and try again."
        )
    return path


def _backup_postgres(url: URL, target: Path) -> None:
    pg_dump = _require("pg_dump")
    command = [pg_dump, "--format=custom", "--no-owner", "--file", str(target), _libpq_url(url)]
    # The program comes from PATH lookup and every argument is built here.
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def _key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def encrypt_bytes(content: bytes, passphrase: str) -> bytes:
    """Encrypt ``content`` (AES-256-GCM, key derived from the passphrase with scrypt)."""
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    sealed = AESGCM(_key(passphrase, salt)).encrypt(nonce, content, MAGIC)
    return MAGIC + salt + nonce + sealed


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(MAGIC)) == MAGIC


def decrypt_bytes(blob: bytes, passphrase: str) -> bytes:
    header_end = len(MAGIC) + SALT_BYTES + NONCE_BYTES
    salt, nonce = (
        blob[len(MAGIC) : len(MAGIC) + SALT_BYTES],
        blob[len(MAGIC) + SALT_BYTES : header_end],
    )
    try:
        return AESGCM(_key(passphrase, salt)).decrypt(nonce, blob[header_end:], MAGIC)
    except InvalidTag:
        raise BackupError("Wrong passphrase, or the backup file is damaged.") from None


@contextmanager
def readable_backup(path: Path, passphrase: str | None):
    """Yield a plain copy of the backup at ``path``, decrypting it into a private temp file."""
    if not is_encrypted(path):
        yield path
        return
    if not passphrase:
        raise BackupError("This backup is encrypted: a passphrase is needed.")
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "backup"
        plain.write_bytes(decrypt_bytes(path.read_bytes(), passphrase))
        yield plain


def database_is_empty() -> bool:
    """Tell whether the app's database holds no row in any of the app's tables."""
    existing = set(inspect(db.engine).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name in existing and db.session.scalar(select(func.count()).select_from(table)):
            return False
    return True


def restore(url: URL, source: Path, passphrase: str | None = None) -> None:
    """Restore the backup at ``source`` into the (empty) database at ``url``."""
    with readable_backup(source, passphrase) as plain:
        if url.get_backend_name() == "sqlite":
            _restore_sqlite(plain, Path(url.database))
        elif url.get_backend_name() == "postgresql":
            _restore_postgres(plain, url)
        else:
            raise BackupError(f"Restores into {url.get_backend_name()} are not supported.")


def _restore_sqlite(plain: Path, target: Path) -> None:
    source = sqlite3.connect(f"file:{plain}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("The backup file is not a sound SQLite database.")
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The backup file cannot be read: {error}") from None
    finally:
        source.close()


def _restore_postgres(plain: Path, url: URL) -> None:
    pg_restore = _require("pg_restore")
    command = [pg_restore, "--no-owner", "--clean", "--if-exists", "--dbname", _libpq_url(url)]
    command.append(str(plain))
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def current_url() -> URL:
    return make_url(db.engine.url)
