#!/usr/bin/python3
"""The offline test world the demo, the pipeline tests and the scan benchmark run in: Debian's
unbound answering for the project's test zones only, the RDAP and WHOIS test servers with the
registries' answers from tests/data, and an aiosmtpd Mailbox server standing in for the abuse
desks (what it receives is a Maildir). Everything listens on 127.0.0.1, on free ports.

As a module: World(workdir).start() ... .config_text() ... .stop().
As a program: world.py WORKDIR writes WORKDIR/config.toml, prints "READY", and keeps the
servers up until it gets SIGTERM or SIGINT (or its stdin closes, with --stdin).
"""
import argparse
import mailbox
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
PYTHON = "/usr/bin/python3"
ZONES = ["test.", "2.0.192.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa."]
RDAP_HOSTS = ["rdap.arin.net", "rdap.db.ripe.net", "rdap.apnic.net", "rdap.lacnic.net",
              "rdap.afrinic.net"]
# The demo's and the tests' senders use documentation addresses (RFC 5737).
DOCUMENTATION_RANGES = "192.0.2.0/24 198.51.100.0/24 203.0.113.0/24"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_line(path, prefix, proc, timeout=15.0):
    """The lines of `path` once one starts with `prefix` (a server announcing its ports)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = path.read_text().splitlines() if path.exists() else []
        if any(line.startswith(prefix) for line in lines):
            return lines
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"{path.name}: the server did not start:\n{path.read_text()}")


def wait_for_port(port, proc, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class World:
    def __init__(self, workdir):
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.procs = []
        self.received_dir = self.dir / "received"
        self.ledger = self.dir / "ledger.sqlite"

    def _spawn(self, name, *argv):
        out = open(self.dir / f"{name}.out", "w")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        out.close()
        self.procs.append(proc)
        return proc

    def _unbound_config(self):
        hints = self.dir / "root.hints"
        hints.write_text(".  3600 IN NS a.root.test.\na.root.test. 3600 IN A 127.0.0.1\n")
        lines = ["server:", "  interface: 127.0.0.1", f"  port: {self.dns_port}",
                 "  do-ip6: no", "  do-daemonize: no", '  username: ""', '  chroot: ""',
                 f'  directory: "{self.dir}"', f'  pidfile: "{self.dir}/unbound.pid"',
                 "  use-syslog: no", '  logfile: ""', '  module-config: "iterator"',
                 "  access-control: 127.0.0.0/8 allow", f'  root-hints: "{hints}"',
                 "  do-not-query-localhost: yes", '  local-zone: "." refuse']
        lines += [f'  local-zone: "{z}" transparent' for z in ZONES]
        lines += ["remote-control:", "  control-enable: no"]
        for z in ZONES:
            lines += ["auth-zone:", f'  name: "{z}"', f'  zonefile: "{DATA}/dns/{z}zone"',
                      "  for-upstream: yes", "  fallback-enabled: no"]
        path = self.dir / "unbound.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def start(self):
        try:
            self.dns_port = free_port()
            unbound = self._spawn("unbound", "/usr/sbin/unbound", "-d", "-c",
                                  str(self._unbound_config()))
            rdap = self._spawn("rdap", PYTHON, str(REPO / "tests/servers/rdap_server.py"),
                               "--routes", str(DATA / "rdap/routes.json"))
            whois = self._spawn("whois", PYTHON, str(REPO / "tests/servers/whois_server.py"),
                                "--map", str(DATA / "whois/map.json"))
            self.smtp_port = free_port()
            smtp = self._spawn("smtp", PYTHON, "-m", "aiosmtpd", "-n", "-l",
                               f"127.0.0.1:{self.smtp_port}", "-c",
                               "aiosmtpd.handlers.Mailbox", str(self.received_dir))
            lines = wait_for_line(self.dir / "rdap.out", "PORT", rdap)
            self.rdap_port = int(next(l for l in lines if l.startswith("PORT")).split()[1])
            lines = wait_for_line(self.dir / "whois.out", "READY", whois)
            self.whois_ports = {l.split()[1]: int(l.split()[2])
                                for l in lines if l.startswith("PORT")}
            wait_for_port(self.smtp_port, smtp)
            wait_for_port(self.dns_port, unbound)
        except Exception:
            self.stop()
            raise
        return self

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []

    def connect_to(self):
        mapping = [f"{host}:80:127.0.0.1:{self.rdap_port}" for host in RDAP_HOSTS]
        for name, port in self.whois_ports.items():
            host = {"iana": "whois.iana.org:43", "nic": "whois.nic.example:4343"}.get(
                name, f"whois.{name}.net:43")
            mapping.append(f"{host}:127.0.0.1:{port}")
        return mapping

    def config_text(self, ledger=None, extra="", report="", send=""):
        """A fightback config with every endpoint in this world; `extra` is appended, `report`
        and `send` are lines added to those tables."""
        quoted = ", ".join(f'"{m}"' for m in self.connect_to())
        return f"""[trace]
# The world's senders use documentation addresses (RFC 5737); treat them as the Internet.
assume_routable = "{DOCUMENTATION_RANGES}"
[dns]
servers = ["127.0.0.1:{self.dns_port}"]
[contacts]
rdap_bootstrap = "{DATA}/rdap/bootstrap"
whois_server = "whois.iana.org"
connect_to = [{quoted}]
contact_zones = []
registry_interval = 0
loopback_only = true
[scan]
database = "{DATA}/clamav"
[report]
reporter = "Alice's Mail Watch <abuse-reports@ours.example>"
reporting_mta = "mx1.ours.example"
{report}
[send]
smtp_url = "smtp://127.0.0.1:{self.smtp_port}"
starttls = "off"
{send}
[ledger]
path = "{ledger or self.ledger}"
{extra}"""

    def received(self):
        """The complaints the SMTP server has taken, as email.message.Message objects."""
        if not self.received_dir.exists():
            return []
        box = mailbox.Maildir(str(self.received_dir), create=False)
        return [box[key] for key in sorted(box.keys())]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workdir")
    p.add_argument("--stdin", action="store_true", help="stop when stdin closes")
    args = p.parse_args()
    world = World(args.workdir).start()
    done = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.append(1))
    try:
        (world.dir / "config.toml").write_text(world.config_text())
        print("READY", flush=True)
        if args.stdin:
            sys.stdin.read()
        else:
            while not done:
                signal.pause()
    finally:
        world.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
