"""The real app under gunicorn on 127.0.0.1, and a small HTTP client with cookies and CSRF."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from shelter import ROOT
from tests.conftest import TEST_SECRET_KEY, free_port

CSRF_INPUT = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


@dataclass
class LiveResponse:
    status: int
    text: str
    headers: dict


@contextmanager
def gunicorn_server(
    database_url: str,
    instance_path: Path,
    workers: int = 4,
    app: str = "shelter:create_app()",
    host: str = "127.0.0.1",
    **settings,
):
    """Serve ``app`` with gunicorn on a random loopback port; stop it on exit.

    ``host`` names the server in its address (``localhost`` where a browser needs a domain,
    as WebAuthn does); the server listens on 127.0.0.1 either way.
    """
    port = free_port()
    env = live_environment(
        database_url, instance_path, BASE_URL=f"http://{host}:{port}", **settings
    )
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
        "--graceful-timeout", "5",
        "--log-level", "warning",
        app,
    ]  # fmt: skip
    log_path = instance_path / "gunicorn.log"
    instance_path.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        base_url = f"http://{host}:{port}"
        try:
            _wait_until_serving(base_url, process, log_path)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def live_environment(database_url: str, instance_path: Path, **settings) -> dict[str, str]:
    """The environment of an app process on the test database, with ``SHELTER_<KEY>`` settings."""
    env = {
        **os.environ,
        "SHELTER_DATABASE_URL": database_url,
        "SHELTER_SECRET_KEY": TEST_SECRET_KEY,
        "SHELTER_INSTANCE_PATH": str(instance_path),
        "SHELTER_SESSION_COOKIE_SECURE": "false",
        "SHELTER_RATELIMIT_ENABLED": "false",
    }
    env.update({f"SHELTER_{key}": str(value) for key, value in settings.items()})
    env.pop("FLASK_RUN_FROM_CLI", None)
    return env


def flask_command(
    database_url: str, instance_path: Path, *args: str, **settings
) -> subprocess.Popen:
    """Start ``flask --app shelter <args>`` in a process of its own, as cron would."""
    command = [sys.executable, "-m", "flask", "--app", "shelter", *args]
    env = live_environment(database_url, instance_path, **settings)
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _wait_until_serving(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()}")
        try:
            with urllib.request.urlopen(base_url + "/connexion", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):  # refused, reset, or a slow first answer
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 30 s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class LiveClient:
    """A browser-like client: keeps cookies, sends CSRF tokens, never follows redirects."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, method: str, path: str, data: dict | None = None) -> LiveResponse:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        try:
            with self.opener.open(request, timeout=60) as response:
                return LiveResponse(
                    response.status, response.read().decode(), dict(response.headers)
                )
        except urllib.error.HTTPError as error:
            return LiveResponse(error.code, error.read().decode(), dict(error.headers))

    def get(self, path: str) -> LiveResponse:
        return self.request("GET", path)

    def csrf_token(self, path: str) -> str:
        match = CSRF_INPUT.search(self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post(self, path: str, data: dict, token_from: str | None = None) -> LiveResponse:
        """POST a form with a CSRF token taken from ``token_from`` (default: the same path)."""
        token = self.csrf_token(token_from or path)
        return self.request("POST", path, {**data, "csrf_token": token})

    def login(self, email: str, password: str) -> None:
        response = self.post("/connexion", {"email": email, "password": password})
        assert response.status == 302, f"login failed for {email}: {response.status}"
