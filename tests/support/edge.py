"""The SIP edge (Kamailio, scripts/kamailio.sh) on a free port with its own runtime dir."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from tests.support.sip import ROOT, SCENARIOS, free_port, udp_bound, wait_until


def many_callers_scenario(tmp: Path) -> Path:
    """`edge_uac.xml` calling the number in the first field of an `-inf` file (one call per
    line) instead of `-s`: a load spread over many users. Written into `tmp`."""
    scenario = tmp / "edge_uac_many.xml"
    scenario.write_text((SCENARIOS / "edge_uac.xml").read_text().replace("[service]", "[field0]"))
    return scenario


def edge_missing() -> str | None:
    if shutil.which("kamailio") is None:
        return "Kamailio is not installed: scripts/test.d/kamailio.sh installs it"
    return None


class Edge:
    """Kamailio in the foreground; `gateways` are sip: addresses for its dispatcher."""

    def __init__(self, database_url: str, *, gateways: tuple[str, ...] = (),
                 trunks: str = "", realm: str = "pbx.local", min_expires: int = 1,
                 hold_s: int = 60) -> None:
        self.port = free_port()
        self.realm = realm
        self.run_dir = Path(tempfile.mkdtemp(prefix="pbx-edge-"))
        self.lines: list[str] = []
        env = {**os.environ, "DATABASE_URL": database_url, "SIP_REALM": realm,
               "EDGE_LISTEN": f"udp:127.0.0.1:{self.port}", "EDGE_RUN_DIR": str(self.run_dir),
               "EDGE_GATEWAYS": " ".join(gateways) or "sip:127.0.0.1:9",
               "EDGE_TRUNKS": trunks, "EDGE_MIN_EXPIRES": str(min_expires),
               "EDGE_HOLD_S": str(hold_s)}
        self.proc = subprocess.Popen([str(ROOT / "scripts" / "kamailio.sh")], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)  # its children in its group
        threading.Thread(target=self._read, daemon=True).start()
        wait_until(lambda: (udp_bound(self.port) and (self.run_dir / "kamailio.ctl").exists())
                   or self.proc.poll() is not None, what="Kamailio to listen")
        assert self.proc.poll() is None, "\n".join(self.lines[-30:])

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def rpc(self, *command: str) -> str:
        """A control command (kamcmd) on this instance's own socket."""
        out = subprocess.run(["kamcmd", "-s", f"unix:{self.run_dir / 'kamailio.ctl'}", *command],
                             capture_output=True, text=True, timeout=10)
        return out.stdout + out.stderr

    def contacts(self, username: str) -> list[str]:
        """The contacts registered now for a user name (the location service's view)."""
        text = self.rpc("ul.lookup", "location", username)
        return [line.split(":", 1)[1].strip() for line in text.splitlines()
                if line.strip().startswith("Address:")]

    def gateways(self) -> dict[str, str]:
        """The dispatcher's gateways and their state flags (`AP`: active and probed,
        `IP`: inactive, probing until it answers OPTIONS again)."""
        out, uri = {}, None
        for line in self.rpc("dispatcher.list").splitlines():
            key, _, value = line.strip().partition(": ")
            if key == "URI":
                uri = value
            elif key == "FLAGS" and uri:
                out[uri] = value
        return out

    def _group_alive(self) -> bool:
        try:
            os.killpg(self.proc.pid, 0)
            return True
        except ProcessLookupError:
            return False

    def stop(self) -> None:
        """SIGTERM to Kamailio's main process (it stops its children); any child still there
        once it is gone is killed, so no orphan outlives the test."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._group_alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.run_dir, ignore_errors=True)
