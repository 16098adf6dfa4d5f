"""PostgreSQL 16 with pgvector from the `pgserver` wheel, on a free loopback TCP port.

PostgreSQL refuses to run as root: as root, the tools run as the system user `pgserver` (created
when missing, as the wheel itself does), from a copy of the wheel's binaries when that user cannot
reach the .venv. Trust authentication, no fsync: for tests only.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import processes


class PostgresError(RuntimeError):
    pass


def wheel_bin() -> Path | None:
    try:
        import pgserver
    except ImportError:
        return None
    path = Path(pgserver.__file__).parent / "pginstall" / "bin"
    return path if (path / "postgres").exists() else None


class Postgres:
    def __init__(self, folder: Path) -> None:
        bin_directory = wheel_bin()
        if bin_directory is None:
            raise PostgresError("the pgserver wheel is not installed: run scripts/bootstrap python")
        self.root = Path(tempfile.mkdtemp(prefix="rehearsal-pg-"))
        os.chmod(self.root, 0o755)
        self.data = self.root / "data"
        self.data.mkdir(mode=0o700)
        self.log = folder / "postgres.log"
        self.run_as = "pgserver" if os.getuid() == 0 else None
        if self.run_as:
            if subprocess.run(["id", "-u", self.run_as], capture_output=True).returncode != 0:
                subprocess.run(["useradd", "--system", "--shell", "/bin/sh", self.run_as], check=True, capture_output=True)
            shutil.chown(self.data, self.run_as)
            bin_directory = self._reachable(bin_directory)
        self.bin = bin_directory
        self.port = processes.free_port()
        self.started = False
        self._tool("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        self.start()

    @property
    def url(self) -> str:
        """What goes into DATABASE_URL (the worker's job store and its pgvector retrieval)."""
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres?sslmode=disable"

    def _reachable(self, bin_directory: Path) -> Path:
        probe = f"test -x {shlex.quote(str(bin_directory / 'initdb'))}"
        if subprocess.run(["su", self.run_as, "-s", "/bin/sh", "-c", probe], capture_output=True).returncode == 0:
            return bin_directory
        # The tools find their libraries through RPATH $ORIGIN/../../../pgserver.libs: keep the layout.
        site_packages = bin_directory.parents[2]
        copy = self.root / "install"
        for item in ("pgserver/pginstall", "pgserver.libs"):
            target = copy / item
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["cp", "-a", str(site_packages / item), str(target)], check=True)
        subprocess.run(["chmod", "-R", "a+rX", str(copy)], check=True)
        return copy / "pgserver" / "pginstall" / "bin"

    def _tool(self, tool: str, *arguments) -> str:
        command = [str(self.bin / tool), *map(str, arguments)]
        if self.run_as:
            command = ["su", self.run_as, "-s", "/bin/sh", "-c", " ".join(shlex.quote(part) for part in command)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise PostgresError(f"{tool} failed ({result.returncode}): {result.stdout}{result.stderr}"
                                f"\n{processes.tail(self.log)}")
        return result.stdout

    def start(self) -> None:
        self._tool("pg_ctl", "-D", self.data, "-w", "-t", "30", "-l", self.data / "server.log",
                   "-o", f"-h 127.0.0.1 -p {self.port} -k {self.data} -F -c max_connections=60", "start")
        self.started = True

    def stop(self) -> None:
        if self.started:
            try:
                self._tool("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            except PostgresError:
                pass
            self.started = False

    def psql(self, sql: str) -> str:
        """Runs `sql`; returns unaligned, tuples-only output."""
        return self._tool("psql", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "-d", "postgres",
                          "-v", "ON_ERROR_STOP=1", "-A", "-t", "-c", sql).strip()

    def remove(self) -> None:
        self.stop()
        server_log = self.data / "server.log"
        if server_log.exists():
            try:
                self.log.write_text(server_log.read_text(errors="replace"))
            except OSError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)
