"""Create, drop or probe a PostgreSQL database for a CI run: pg.py ready|create|drop URL [NAME]."""

import sys

import psycopg
from psycopg import sql


def main(action: str, url: str, name: str = "") -> int:
    try:
        connection = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL is not reachable: {error}", file=sys.stderr)
        return 1
    with connection:
        if action == "create":
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        elif action == "drop":
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
