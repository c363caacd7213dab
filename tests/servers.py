"""Real PostgreSQL and Redis servers for the integration tests.

Each session fixture starts its server itself, in a temporary directory, listening
only on 127.0.0.1 on a free port, and stops it afterwards. Outside CI a missing
server skips the tests that need it, with a message saying how to run them; with
CI=true a missing server fails them.

The binaries are looked up on PATH (redis-server, pg_ctl) and in the Debian
location /usr/lib/postgresql/*/bin. TRIAGE_TEST_REDIS_SERVER and
TRIAGE_TEST_PG_BINDIR name them explicitly (point them somewhere empty to see the
skip).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
import redis
from psycopg import sql

HOST = "127.0.0.1"
HOW_TO_RUN = (
    "install redis-server and postgresql (apt-get install redis-server postgresql) "
    "or run with CI=true make test"
)
PG_USER = "triage"
START_TIMEOUT = 30
STOP_TIMEOUT = 30


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def missing(what: str) -> NoReturn:
    """Skip the test (fail it in CI): a server it needs is not installed."""
    message = f"{what} not found: {HOW_TO_RUN}"
    if in_ci():
        pytest.fail(f"{message} (CI=true, so the integration tests must run)", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


def find_redis_server() -> Path | None:
    explicit = os.environ.get("TRIAGE_TEST_REDIS_SERVER")
    found = explicit if explicit is not None else shutil.which("redis-server")
    if found and os.access(found, os.X_OK) and Path(found).is_file():
        return Path(found)
    return None


def _is_pg_bindir(folder: Path) -> bool:
    return all(os.access(folder / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres"))


def find_postgres_bindir() -> Path | None:
    explicit = os.environ.get("TRIAGE_TEST_PG_BINDIR")
    if explicit is not None:
        return Path(explicit) if _is_pg_bindir(Path(explicit)) else None
    candidates = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name))

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    return next((folder for folder in candidates if _is_pg_bindir(folder)), None)


def _stop_process(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)


class PostgresServer:
    """A throwaway PostgreSQL cluster: trust authentication, TCP on 127.0.0.1 only,
    no Unix socket, durability off for speed."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        # Not under pytest's temporary folder: that is private to this user, and as
        # root the server runs as the unprivileged `postgres` user.
        self.root = Path(tempfile.mkdtemp(prefix="triage-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = 0
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            user = _unprivileged_user()
            self.run_as = ["runuser", "-u", user.pw_name, "--"]
            os.chown(self.root, user.pw_uid, user.pw_gid)

    def _run(self, *args: str, timeout: float = START_TIMEOUT) -> None:
        command = [*self.run_as, *args]
        result = subprocess.run(  # noqa: S603
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n"
                f"{result.stdout.decode(errors='replace')}{result.stderr.decode(errors='replace')}"
                f"{self.log_text()}"
            )

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "--pgdata",
            str(self.data),
            "--username",
            PG_USER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-locale",
            "--no-sync",
            "--no-instructions",
            timeout=120,
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# Integration tests: loopback only, no durability.\n"
                f"listen_addresses = '{HOST}'\n"
                "unix_socket_directories = ''\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
                "max_connections = 60\n"
            )
        for _attempt in range(3):
            self.port = free_port()
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write(f"port = {self.port}\n")
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "--pgdata",
                    str(self.data),
                    "--log",
                    str(self.log),
                    "--wait",
                    "--timeout",
                    str(START_TIMEOUT),
                    "start",
                    timeout=START_TIMEOUT + 10,
                )
                return
            except RuntimeError:
                if not port_open(self.port):
                    raise
                # Another process took the port between choosing and binding it.
                self.stop()
        raise RuntimeError("PostgreSQL could not find a free port")

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        try:
            self._run(
                str(self.bindir / "pg_ctl"),
                "--pgdata",
                str(self.data),
                "--mode",
                "fast",
                "--wait",
                "--timeout",
                str(STOP_TIMEOUT),
                "stop",
                timeout=STOP_TIMEOUT + 10,
            )
        except (RuntimeError, subprocess.TimeoutExpired):
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{PG_USER}@{HOST}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host=HOST,
            port=self.port,
            user=PG_USER,
            dbname=database,
            autocommit=True,
            connect_timeout=10,
        )

    def create_database(self, name: str, template: str | None = None) -> str:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.connect() as connection:
            connection.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.connect() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _unprivileged_user() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root, and there is no postgres or nobody user to run as")


class RedisServer:
    """A throwaway Redis on 127.0.0.1: no persistence, never evicts. It can be
    stopped and started again on the same port."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="triage-redis-"))
        self.log = self.root / "redis.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        assert not self.running
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    str(self.binary),
                    "--port",
                    str(self.port),
                    "--bind",
                    HOST,
                    "--unixsocket",
                    "",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--maxmemory-policy",
                    "noeviction",
                    "--dir",
                    str(self.root),
                    "--daemonize",
                    "no",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(redis.RedisError), self.client() as client:
                if client.ping():
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start:\n{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.process is not None:
            _stop_process(self.process)
            self.process = None

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> redis.Redis:
        return redis.Redis(host=HOST, port=self.port, socket_timeout=5, socket_connect_timeout=5)


@contextlib.contextmanager
def running_postgres(bindir: Path) -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster, started, and stopped and removed afterwards
    (also usable outside pytest: benchmarks/scoring_burst.py)."""
    server = PostgresServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        server.remove()


@contextlib.contextmanager
def running_redis(binary: Path) -> Iterator[RedisServer]:
    """A throwaway Redis, started, and stopped and removed afterwards."""
    server = RedisServer(binary)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        server.remove()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_postgres_bindir()
    if bindir is None:
        missing("PostgreSQL (initdb, pg_ctl and postgres)")
    with running_postgres(bindir) as server:
        yield server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    binary = find_redis_server()
    if binary is None:
        missing("redis-server")
    with running_redis(binary) as server:
        yield server
