"""The benchmark app under gunicorn on 127.0.0.1, and a lean HTTP client with cookies and CSRF."""

import http.client
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.live import CSRF_INPUT, gunicorn_server

BENCH_APP = "bench.harness:create_bench_app()"


@contextmanager
def serve(database_url: str, instance_path: Path, workers: int = 2) -> Iterator[str]:
    """Run gunicorn (settings of ``gunicorn.conf.py``, ``workers`` workers); yield its base URL."""
    with gunicorn_server(
        database_url,
        instance_path,
        workers=workers,
        app=BENCH_APP,
        ACCESS_LOG=str(instance_path / "access.log"),
    ) as base_url:
        yield base_url


@dataclass
class Reply:
    status: int
    body: bytes
    headers: http.client.HTTPMessage
    ms: float

    @property
    def text(self) -> str:
        return self.body.decode()


class Client:
    """One browser: keeps its cookies and CSRF token, opens a connection per request.

    gunicorn's sync workers close the connection after each response anyway.
    """

    def __init__(self, base_url: str, timeout: float = 30) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> Reply:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrf_token": self.csrf})
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return Reply(response.status, data, response.headers, elapsed)

    def get(self, path: str, headers: dict | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict) -> Reply:
        return self.request("POST", path, form=form)

    def login(self, email: str, password: str) -> None:
        """Log in through the form, and keep the session's CSRF token for later POSTs."""
        self.csrf = csrf_token_in(self.get("/connexion").text)
        reply = self.post("/connexion", {"email": email, "password": password})
        if reply.status != 302:
            raise RuntimeError(f"login failed for {email}: {reply.status}")
        self.csrf = csrf_token_in(self.get("/mon-agenda").text)


def csrf_token_in(page: str) -> str:
    match = CSRF_INPUT.search(page)
    if match is None:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)
