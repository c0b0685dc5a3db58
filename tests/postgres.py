"""A throwaway PostgreSQL cluster for one test session: Debian's own server, made with initdb, started with pg_ctl.

`.ci/run` installs Debian's `postgresql` package; the fixture finds its binaries, makes a cluster in a temporary
folder (as the `postgres` user when the tests run as root: PostgreSQL refuses to run as root), listens on a free
port on 127.0.0.1 only, and stops and removes it afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries Debian installed (/usr/lib/postgresql/<version>/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Cluster:
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"postgresql://rally@127.0.0.1:{self.port}/rally"

    def database(self, name: str) -> str:
        """A fresh, empty database in this cluster, as a URL (one per test keeps tests apart)."""
        self.psql(f'CREATE DATABASE "{name}" OWNER rally')
        return f"postgresql://rally@127.0.0.1:{self.port}/{name}"

    def psql(self, sql: str) -> None:
        subprocess.run(
            _as_owner([str(postgres_bin() / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                       "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql]),
            check=True, capture_output=True, text=True, timeout=30,
        )  # fmt: skip


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A running cluster with a `rally` role (trust auth on 127.0.0.1) and a `rally` database; removed on exit."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql (see .ci/run)")
    folder = Path(tempfile.mkdtemp(prefix="rally-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = _free_port()
    run = lambda *args: subprocess.run(_as_owner(list(args)), check=True, capture_output=True, text=True, timeout=60)  # noqa: E731
    run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} -c fsync=off"
    run(str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(folder / "log"), "start")
    cluster = Cluster(port, folder)
    try:
        cluster.psql("CREATE ROLE rally LOGIN SUPERUSER")
        cluster.psql("CREATE DATABASE rally OWNER rally")
        yield cluster
    finally:
        subprocess.run(
            _as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
