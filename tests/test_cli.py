"""The `layan` command as a newcomer and an operator use it, in real subprocesses."""

from __future__ import annotations

import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect

from layan.testing.ports import free_port

LAYAN = str(Path(sys.executable).parent / "layan")


def layan_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAYAN_", "DJANGO_"))}
    env.update(
        LAYAN_VAR_DIR=str(var_dir),
        LAYAN_EMAIL_URL=f"file://{var_dir / 'mail'}",
        LAYAN_TIMER_INTERVAL="0.2",
        PYTHONUNBUFFERED="1",
    )
    return env


def wait_for_health(url: str, process: subprocess.Popen[str], timeout: float = 90) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise AssertionError(
                f"layan exited early:\n{process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url + "/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.2)
    raise AssertionError("layan did not answer in time")


class Running:
    def __init__(self, var_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [LAYAN, "run", "--port", str(self.port)],
            env=layan_env(var_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.startup_seconds = wait_for_health(self.url, self.process)

    def stop(self) -> str:
        self.process.terminate()
        output, _ = self.process.communicate(timeout=20)
        return output


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def running(var_dir: Path) -> Iterator[Running]:
    server = Running(var_dir)
    yield server
    server.stop()


def opener() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def post_form(
    browser: urllib.request.OpenerDirector,
    jar: http.cookiejar.CookieJar,
    url: str,
    fields: dict[str, str],
) -> str:
    browser.open(url).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    with browser.open(request) as response:
        return str(response.read().decode())


def test_layan_run_serves_pages_websockets_and_background_work_in_one_process(
    running: Running, var_dir: Path
) -> None:
    # The help center and the desk answer, with the demo workspace loaded.
    with urllib.request.urlopen(running.url + "/") as response:
        assert "Toko Layan" in response.read().decode()
    browser, jar = opener()
    # A password reset is queued by the request and mailed by the in-process worker.
    post_form(browser, jar, running.url + "/desk/password-reset/", {"email": "iris@toko.example"})
    deadline = time.monotonic() + 20
    written = ""
    # The file backend creates the file before it writes the message: wait for the content.
    while time.monotonic() < deadline and "To: " not in written:
        mails = list((var_dir / "mail").glob("*.log")) if (var_dir / "mail").exists() else []
        written = "".join(mail.read_text() for mail in mails)
        time.sleep(0.2)
    assert written, "the worker inside `layan run` did not send the reset email"
    assert "To: iris@toko.example" in written
    # Its link leads to this server, on the port it was started on (no LAYAN_BASE_URL set).
    assert running.url + "/desk/password-reset/" in written
    # Log in, then the same process speaks websockets to the logged-in desk.
    page = post_form(
        browser,
        jar,
        running.url + "/desk/login/",
        {"username": "alice@toko.example", "password": "layan-demo"},
    )
    assert "Alice" in page
    session = next(cookie.value for cookie in jar if cookie.name == "sessionid")

    with connect(
        f"ws://127.0.0.1:{running.port}/ws/desk/",
        additional_headers={"Cookie": f"sessionid={session}", "Origin": running.url},
    ) as socket:
        socket.send('{"type": "ping"}')
        assert socket.recv(timeout=5) == '{"type": "pong"}'


def test_a_second_run_reuses_the_data_and_starts_quickly(var_dir: Path) -> None:
    first = Running(var_dir)
    first.stop()
    key = (var_dir / "secret_key").read_text()
    second = Running(var_dir)
    output = second.stop()
    assert second.startup_seconds < 20
    assert "http://127.0.0.1:" in output
    with sqlite3.connect(var_dir / "layan.sqlite3") as database:
        users = database.execute("SELECT COUNT(*) FROM accounts_user").fetchone()[0]
        workspaces = database.execute("SELECT COUNT(*) FROM accounts_workspace").fetchone()[0]
        channels = database.execute("SELECT COUNT(*) FROM accounts_contactchannel").fetchone()[0]
    assert (workspaces, users, channels) == (1, 4, 6)
    # The generated secret key is kept, so agents stay logged in across restarts.
    assert (var_dir / "secret_key").read_text() == key


def run_layan(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LAYAN, *args], env=layan_env(var_dir), capture_output=True, text=True, timeout=120
    )


def test_setup_creates_one_workspace_and_its_admin(var_dir: Path) -> None:
    assert run_layan(var_dir, "migrate", "-v0").returncode == 0
    created = run_layan(
        var_dir,
        "setup",
        "--name",
        "Warung Kopi",
        "--admin-email",
        "owner@kopi.example",
        "--admin-password",
        "kopi-susu-2026",
    )
    assert created.returncode == 0, created.stderr
    assert "Workspace Warung Kopi created" in created.stdout
    again = run_layan(
        var_dir,
        "setup",
        "--name",
        "Other",
        "--admin-email",
        "x@y.example",
        "--admin-password",
        "whatever-123",
    )
    assert again.returncode != 0
    assert "already has a workspace" in again.stderr


def test_worker_once_fires_due_timers_and_exits(var_dir: Path) -> None:
    assert run_layan(var_dir, "migrate", "-v0").returncode == 0
    assert run_layan(var_dir, "demo", "-v0").returncode == 0
    with sqlite3.connect(var_dir / "layan.sqlite3") as database:
        database.execute(
            "UPDATE accounts_user SET availability='online', presence_due_at='2020-01-01 00:00:00'"
        )
    result = run_layan(var_dir, "worker", "--once")
    assert result.returncode == 0, result.stderr
    assert re.search(r"timers fired: 4", result.stdout)
    with sqlite3.connect(var_dir / "layan.sqlite3") as database:
        assert (
            database.execute(
                "SELECT COUNT(*) FROM accounts_user WHERE availability='offline'"
            ).fetchone()[0]
            == 4
        )


def test_serve_without_a_workspace_says_how_to_set_up(var_dir: Path) -> None:
    assert run_layan(var_dir, "migrate", "-v0").returncode == 0
    port = free_port()
    process = subprocess.Popen(
        [LAYAN, "serve", "--port", str(port), "--workers", "1"],
        env=layan_env(var_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_health(f"http://127.0.0.1:{port}", process)
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/")
        assert error.value.code == 503
        assert "layan setup" in error.value.read().decode()
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_email_ingest_prints_one_line_per_file_and_reads_stdin(var_dir: Path) -> None:
    from layan.inboxes.compose import customer_email

    corpus = Path(__file__).parent.parent / "layan" / "channels" / "email" / "tests" / "corpus"
    first = var_dir.parent / "first.eml"
    first.write_bytes(customer_email(to="support@toko.example", subject="From a file"))
    second = corpus / "02-outlook-gbk-zh.eml"
    assert run_layan(var_dir, "migrate", "-v0").returncode == 0
    no_inbox = run_layan(var_dir, "email", "ingest", str(first))
    # 67 (EX_NOUSER): a mail transfer agent bounces it, saying why.
    assert no_inbox.returncode == 67
    assert "There is no active email inbox" in no_inbox.stderr
    assert run_layan(var_dir, "demo").returncode == 0

    result = run_layan(
        var_dir, "email", "ingest", "--inbox", "support@toko.example",
        str(first), str(second), str(first), str(corpus / "11-no-sender.eml"),
        str(var_dir.parent / "nope.eml"),
    )  # fmt: skip
    piped = subprocess.run(
        [LAYAN, "email", "ingest"],
        input=customer_email(to="support@toko.example", subject="Piped"),
        env=layan_env(var_dir),
        capture_output=True,
        timeout=120,
    )

    # 66 (EX_NOINPUT): one file could not be read; the others are in.
    assert result.returncode == 66, result.stderr
    lines = result.stdout.splitlines()
    # The demo has conversations 1-5; these continue the numbering.
    assert lines[:3] == ["ok 6", "ok 7", "duplicate 6"]
    # A message that cannot be read is kept (admins see it and can process it again).
    assert re.fullmatch(
        r"stored \d+, not processed: Could not read the message: The message has no sender.*",
        lines[3],
    )
    assert lines[4].startswith("failed ")
    assert "nope.eml" in lines[4]
    assert len(lines) == 5
    assert piped.returncode == 0
    assert piped.stdout.decode().splitlines() == ["ok 8"]


def test_email_ingest_tells_a_mail_transfer_agent_to_retry_while_the_database_is_busy(
    var_dir: Path,
) -> None:
    from layan.inboxes.compose import customer_email

    assert run_layan(var_dir, "migrate", "-v0").returncode == 0
    assert run_layan(var_dir, "demo").returncode == 0
    message = customer_email(to="support@toko.example", subject="While busy")

    def pipe(payload: bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [LAYAN, "email", "ingest"],
            input=payload,
            env={**layan_env(var_dir), "LAYAN_SQLITE_BUSY_TIMEOUT": "1"},
            capture_output=True,
            timeout=120,
        )

    # Another process holds the write lock past the busy timeout:
    holder = sqlite3.connect(var_dir / "layan.sqlite3", timeout=5)
    holder.execute("BEGIN IMMEDIATE")
    try:
        busy = pipe(message)
    finally:
        holder.rollback()
        holder.close()
    # 75 (EX_TEMPFAIL): the agent keeps the message and tries again; no bogus check error.
    assert busy.returncode == 75, busy.stderr
    assert b"try again later" in busy.stderr
    assert b"JSONField" not in busy.stderr
    # Its retry goes in, once.
    again = pipe(message)
    assert (again.returncode, again.stdout.decode().split()[0]) == (0, "ok")
    assert pipe(message).stdout.decode().split()[0] == "duplicate"
    # An empty message is refused as such (65, EX_DATAERR), not as "no sender".
    empty = pipe(b"")
    assert empty.returncode == 65
    assert "empty" in empty.stdout.decode()
