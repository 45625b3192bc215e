#!/usr/bin/python3
"""Sending complaints for real: `fightback report --send/--queue` and `fightback outbox`
against SMTP servers on 127.0.0.1 (Debian's aiosmtpd: its Mailbox server for plain SMTP, and
tests/integration/send/smtp_server.py for STARTTLS, smtps, AUTH, 4xx/5xx answers, a dropped
connection and a killed client). Each report that arrives is parsed back as ARF with Python's
email package: three parts, the fields, the attached original intact.

Usage: test_send.py FIGHTBACK   (run inside tests/integration/dns/run_isolated.sh)
"""
import email
import email.policy
import json
import os
import shutil
import signal
import sqlite3
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "support"))
import binary_tests  # noqa: E402

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent.parent
PYTHON = "/usr/bin/python3"
FIGHTBACK = None

REPORTER = "reports@reports.example"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def worm(n, ip="198.51.100.45", body_extra=""):
    """A worm copy as our MX delivered it: the origin hop names `ip`."""
    minute = n % 60
    return (
        f"Return-Path: <worm{n}@dsl.isp.example>\n"
        "Received: from mx1.ours.example (mx1.ours.example [10.1.0.25])\n"
        "\tby mail.ours.example (Postfix) with ESMTP id 4AB12C9F1\n"
        f"\tfor <alice@ours.example>; Thu,  2 Oct 2003 10:{minute:02d}:05 +0200 (CEST)\n"
        f"Received: from dsl.isp.example (dsl.isp.example [{ip}])\n"
        "\tby mx1.ours.example (Postfix) with SMTP id 91F2E3310\n"
        f"\tfor <alice@ours.example>; Thu,  2 Oct 2003 10:{minute:02d}:03 +0200 (CEST)\n"
        'From: "Microsoft Corporation Security Center" <rqfolgo@msdn.example>\n'
        "To: alice@ours.example\n"
        "Subject: Current Net Patch\n"
        f"Message-ID: <worm-{n:04d}@dsl.isp.example>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain\n"
        "\n"
        "Microsoft Customer, this is the latest version of security update.\n"
        ".a line that starts with a dot\n"
        ".\n"
        "From the body, not a separator\n" + body_extra
    )


class SmtpServer:
    """tests/integration/send/smtp_server.py in a process of its own."""

    def __init__(self, port, maildir, *args):
        self.port = port
        self.proc = subprocess.Popen(
            [PYTHON, str(HERE / "smtp_server.py"), "--port", str(port), "--maildir", str(maildir),
             *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.proc.kill()
            raise RuntimeError("smtp_server.py did not start: " + self.proc.stderr.read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            f.close()


class MailboxServer:
    """The plain server exactly as Debian ships it: python3 -m aiosmtpd ... Mailbox DIR."""

    def __init__(self, port, maildir):
        for sub in ("tmp", "new", "cur"):
            (maildir / sub).mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
             "aiosmtpd.handlers.Mailbox", str(maildir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_for_port(port):
            self.stop()
            raise RuntimeError("aiosmtpd did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(5)


class SendTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="fightback-send-"))
        self.maildir = self.dir / "received"
        self.port = free_port()
        self.servers = []
        self.messages = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- the world ---

    def config(self, starttls="off", scheme="smtp", extra_send="", extra_report=""):
        path = self.dir / "config.toml"
        path.write_text(
            "[report]\n"
            f'reporter = "Fight Back <{REPORTER}>"\n'
            'reporting_mta = "mx1.ours.example"\n'
            f"{extra_report}\n"
            "[send]\n"
            f'smtp_url = "{scheme}://127.0.0.1:{self.port}"\n'
            f'starttls = "{starttls}"\n'
            "retry_base = 0.2\nretry_max = 1\nmax_attempts = 5\n"
            "connect_timeout = 2\ntimeout = 10\n"
            f"{extra_send}\n"
            "[ledger]\n"
            f'path = "{self.dir / "ledger.sqlite"}"\n'
            "[trace]\n"
            'assume_routable = "198.51.100.0/24 203.0.113.0/24"\n')
        return path

    def env(self):
        env = dict(os.environ)
        env["TZ"] = "UTC"
        env["XDG_DATA_HOME"] = str(self.dir / "data")
        env["XDG_CONFIG_HOME"] = str(self.dir / "config")
        return env

    def message(self, n, **kw):
        path = self.dir / f"worm-{n}.eml"
        path.write_text(worm(n, **kw))
        return path

    def fightback(self, *args, check=None):
        r = subprocess.run([FIGHTBACK, "--config", str(self.dir / "config.toml"), *map(str, args)],
                           capture_output=True, text=True, env=self.env(), timeout=60)
        if check is not None:
            self.assertEqual(r.returncode, check, f"{args}: {r.stdout}{r.stderr}")
        return r

    def report(self, n, *extra, check=None, **kw):
        return self.fightback("report", "--send", "--to", "abuse@isp.example", "--cc",
                              "postmaster@isp.example", "--feedback-type", "virus",
                              "--detection", "Worm.Swen", self.message(n, **kw), *extra,
                              check=check)

    def outbox(self):
        r = self.fightback("outbox", "list", "--json", check=0)
        return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]

    def server(self, *args):
        s = SmtpServer(self.port, self.maildir, *args)
        self.servers.append(s)
        return s

    def received(self):
        new = self.maildir / "new"
        if not new.is_dir():
            return []
        out = []
        for f in sorted(new.iterdir(), key=lambda p: p.stat().st_mtime_ns):
            out.append(email.message_from_bytes(f.read_bytes(), policy=email.policy.default))
        return out

    def certificate(self):
        cert, key = self.dir / "cert.pem", self.dir / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key),
                        "-out", str(cert)], check=True, capture_output=True)
        return cert, key

    # --- reading ARF back ---

    def check_arf(self, msg, original, incidents="1"):
        self.assertEqual(msg.get_content_type(), "multipart/report")
        self.assertEqual(msg.get_param("report-type"), "feedback-report")
        parts = msg.get_payload()
        self.assertEqual(len(parts), 3)
        self.assertEqual([p.get_content_type() for p in parts],
                         ["text/plain", "message/feedback-report", "message/rfc822"])
        fields = self.feedback_fields(parts[1])
        self.assertEqual(fields["Feedback-Type"], "virus")
        self.assertEqual(fields["Version"], "1")
        self.assertTrue(fields["User-Agent"].startswith("fightback/"))
        self.assertEqual(fields["Source-IP"], "198.51.100.45")
        self.assertEqual(fields["Incidents"], incidents)
        self.assertEqual(fields["Reporting-MTA"], "dns; mx1.ours.example")
        self.assertIn("Arrival-Date", fields)
        self.assertNotIn("Original-Rcpt-To", fields)  # privacy: not configured
        # The original, intact: its bytes (line ends aside) are in the report, and the part
        # parses back to a message with its Message-ID.
        inner = parts[2].get_payload(0)
        self.assertEqual(inner["Message-ID"], original["Message-ID"])
        self.assertEqual(msg["From"], f"Fight Back <{REPORTER}>")
        self.assertEqual(msg["Auto-Submitted"], "auto-generated")
        self.assertIn("198.51.100.45", msg["Subject"])
        self.assertTrue(msg["Message-ID"].startswith("<fightback."))
        self.assertEqual(msg["Reply-To"], REPORTER)
        return fields

    @staticmethod
    def feedback_fields(part):
        payload = part.get_payload()
        if isinstance(payload, list):  # email parses message/* as an inner header block
            return {k: str(v) for k, v in payload[0].items()}
        return dict(line.split(": ", 1) for line in payload.splitlines() if ": " in line)

    def raw_contains_original(self, n, **kw):
        original = worm(n, **kw).encode()
        for f in (self.maildir / "new").iterdir():
            if original in f.read_bytes().replace(b"\r\n", b"\n"):
                return True
        return False

    # --- the tests ---

    def test_plain_smtp_to_debian_mailbox_server(self):
        self.config()
        self.servers.append(MailboxServer(self.port, self.maildir))
        r = self.report(1, check=0)
        self.assertIn("sent", r.stdout)
        got = self.received()
        self.assertEqual(len(got), 1)
        msg = got[0]
        self.check_arf(msg, email.message_from_string(worm(1)))
        self.assertEqual(msg["X-MailFrom"], REPORTER)
        self.assertEqual(msg["X-RcptTo"], "abuse@isp.example, postmaster@isp.example")
        self.assertEqual(msg["To"], "abuse@isp.example")
        self.assertEqual(msg["Cc"], "postmaster@isp.example")
        self.assertTrue(self.raw_contains_original(1))
        entries = self.outbox()
        self.assertEqual([e["state"] for e in entries], ["sent"])
        self.assertEqual(entries[0]["message_id"], msg["Message-ID"])
        # The ledger holds the message's history: seen, traced, its contacts, its delivery.
        db = sqlite3.connect(self.dir / "ledger.sqlite")
        self.assertEqual(db.execute("SELECT message_id FROM messages").fetchall(),
                         [("<worm-0001@dsl.isp.example>",)])
        self.assertEqual(db.execute("SELECT origin_ip FROM traces").fetchall(),
                         [("198.51.100.45",)])
        self.assertEqual(db.execute("SELECT automatic FROM message_contacts").fetchall(), [(1,)])
        self.assertEqual(db.execute("SELECT engine, name, action FROM verdicts").fetchall(),
                         [("report", "Worm.Swen", "complain")])
        self.assertEqual(db.execute("SELECT outcome, code FROM deliveries").fetchall(),
                         [("sent", 250)])
        db.close()
        # The same message again: recorded once, nothing new goes out.
        r = self.report(1, check=0)
        self.assertIn("nothing new", r.stdout)
        self.assertEqual(len(self.received()), 1)

    def test_starttls_required(self):
        cert, key = self.certificate()
        self.config(starttls="required", extra_send=f'ca_file = "{cert}"')
        self.server("--tls-cert", cert, "--tls-key", key, "--require-starttls")
        self.report(1, check=0)
        got = self.received()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["X-Test-TLS"], "yes")
        self.check_arf(got[0], email.message_from_string(worm(1)))

    def test_starttls_required_but_not_offered_is_deferred(self):
        self.config(starttls="required")
        self.server()
        r = self.report(1, check=75)
        self.assertIn("STARTTLS", r.stdout)
        self.assertEqual(self.received(), [])
        self.assertEqual(self.outbox()[0]["state"], "deferred")

    def test_smtps_and_auth_with_a_private_password_file(self):
        cert, key = self.certificate()
        secret = self.dir / "password"
        secret.write_text("s3cret\n")
        secret.chmod(0o644)
        self.config(scheme="smtps", starttls="required",
                    extra_send=f'ca_file = "{cert}"\nusername = "fb"\npassword_file = "{secret}"')
        self.server("--tls-cert", cert, "--tls-key", key, "--implicit-tls", "--auth", "fb:s3cret")
        r = self.report(1, check=2)
        self.assertIn("0600", r.stderr)
        self.assertEqual(self.outbox(), [])  # a bad setting is found before anything is kept
        secret.chmod(0o600)
        self.report(1, check=0)
        got = self.received()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["X-Test-TLS"], "yes")
        self.assertEqual(got[0]["X-Test-Auth"], "True")

    def test_4xx_is_deferred_and_retried(self):
        self.config()
        s = self.server("--data-reply", "451 4.3.0 try again later")
        r = self.report(1, check=75)
        self.assertIn("451", r.stdout)
        [entry] = self.outbox()
        self.assertEqual(entry["state"], "deferred")
        self.assertEqual(entry["attempts"], 1)
        s.stop()
        self.server()
        time.sleep(0.3)  # retry_base = 0.2 s
        r = self.fightback("outbox", "flush", check=0)
        self.assertIn("sent 1", r.stdout)
        got = self.received()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["Message-ID"], entry["message_id"])
        self.assertEqual(self.outbox()[0]["state"], "sent")

    def test_5xx_fails_and_is_kept(self):
        self.config()
        s = self.server("--data-reply", "554 5.7.1 we do not want it")
        r = self.report(1, check=1)
        self.assertIn("failed", r.stdout)
        [entry] = self.outbox()
        self.assertEqual(entry["state"], "failed")
        self.assertIn("554", entry["last_error"])
        time.sleep(0.3)
        self.fightback("outbox", "flush", check=0)  # failed is not retried by itself
        self.assertEqual(self.outbox()[0]["attempts"], 1)
        s.stop()
        self.server()
        self.fightback("outbox", "retry", entry["id"], check=0)
        self.fightback("outbox", "flush", check=0)
        self.assertEqual(len(self.received()), 1)

    def test_connection_dropped_during_data_is_deferred(self):
        self.config()
        s = self.server("--drop-during-data")
        self.report(1, check=75)
        self.assertEqual(self.received(), [])
        self.assertEqual(self.outbox()[0]["state"], "deferred")
        s.stop()
        self.server()
        time.sleep(0.3)
        self.fightback("outbox", "flush", check=0)
        got = self.received()
        self.assertEqual(len(got), 1)
        self.check_arf(got[0], email.message_from_string(worm(1)))

    def test_server_down_is_deferred_until_it_is_up(self):
        self.config()
        r = self.report(1, check=75)
        self.assertIn("deferred", r.stdout)
        time.sleep(0.3)
        self.fightback("outbox", "flush", check=75)
        self.assertEqual(self.outbox()[0]["attempts"], 2)
        self.server()
        time.sleep(1.1)  # backoff doubled, capped at retry_max = 1 s
        self.fightback("outbox", "flush", check=0)
        self.assertEqual(len(self.received()), 1)

    def test_gives_up_after_max_attempts(self):
        self.config(extra_send="")
        path = self.dir / "config.toml"
        path.write_text(path.read_text().replace("max_attempts = 5", "max_attempts = 2"))
        self.report(1, check=75)
        time.sleep(0.3)
        self.fightback("outbox", "flush", check=0)
        [entry] = self.outbox()
        self.assertEqual(entry["state"], "failed")
        self.assertIn("given up after 2 attempts", entry["last_error"])

    def killed_run(self, where, unknown_outcome=None):
        extra = f'unknown_outcome = "{unknown_outcome}"' if unknown_outcome else ""
        self.config(extra_send=extra)
        pid_file = self.dir / "client.pid"
        s = self.server("--kill-pid-file", pid_file, "--kill-at", where)
        proc = subprocess.Popen(
            [FIGHTBACK, "--config", str(self.dir / "config.toml"), "report", "--send", "--to",
             "abuse@isp.example", "--feedback-type", "virus", str(self.message(1))],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env())
        pid_file.write_text(str(proc.pid))
        proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGKILL)
        s.stop()
        return self.outbox()

    def test_killed_after_handing_over_resends_with_the_same_message_id(self):
        [entry] = self.killed_run("data")
        self.assertEqual(entry["state"], "handed")  # the server has it; we could not know
        first = self.received()
        self.assertEqual(len(first), 1)
        self.server()
        r = self.fightback("outbox", "flush", check=0)
        self.assertIn("recovered 1", r.stdout)
        got = self.received()
        self.assertEqual(len(got), 2)
        self.assertEqual(got[0]["Message-ID"], got[1]["Message-ID"])
        self.assertEqual(got[1]["Message-ID"], entry["message_id"])
        [after] = self.outbox()
        self.assertEqual(after["state"], "sent")
        self.assertIn("same Message-ID", after["note"])

    def test_killed_after_handing_over_assumed_sent_sends_no_second_copy(self):
        [entry] = self.killed_run("data", unknown_outcome="assume-sent")
        self.assertEqual(entry["state"], "handed")
        self.server()
        self.fightback("outbox", "flush", check=0)
        self.assertEqual(len(self.received()), 1)
        self.assertEqual(self.outbox()[0]["state"], "sent")

    def test_killed_before_handing_over_sends_exactly_once(self):
        [entry] = self.killed_run("rcpt")
        self.assertEqual(entry["state"], "sending")
        self.assertEqual(self.received(), [])
        self.server()
        self.fightback("outbox", "flush", check=0)
        self.fightback("outbox", "flush", check=0)
        got = self.received()
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["Message-ID"], entry["message_id"])

    def test_copies_from_one_source_gather_into_one_report(self):
        self.config()
        self.server()
        for n in range(1, 6):
            r = self.fightback("report", "--queue", "--to", "abuse@isp.example",
                               "--feedback-type", "virus", "--detection", "Worm.Swen",
                               self.message(n), check=0)
            self.assertIn("queued", r.stdout)
        for n in range(6, 8):
            self.fightback("report", "--queue", "--to", "abuse@isp.example",
                           "--feedback-type", "virus", self.message(n, ip="203.0.113.9"),
                           check=0)
        r = self.fightback("outbox", "flush", check=0)
        self.assertIn("sent 2", r.stdout)
        got = {m["X-Test-Rcpt-To"] + m["Subject"]: m for m in self.received()}
        self.assertEqual(len(got), 2)
        by_source = {self.feedback_fields(m.get_payload()[1])["Source-IP"]: m
                     for m in got.values()}
        five = by_source["198.51.100.45"]
        fields = self.check_arf(five, email.message_from_string(worm(5)), incidents="5")
        self.assertEqual(fields["Incidents"], "5")
        letter = five.get_payload()[0].get_content()
        for n in range(1, 5):
            self.assertIn(f"<worm-{n:04d}@dsl.isp.example>", letter)
        self.assertEqual(self.feedback_fields(by_source["203.0.113.9"].get_payload()[1])
                         ["Incidents"], "2")
        # A further copy in the period is recorded, and nothing new leaves.
        r = self.fightback("report", "--queue", "--to", "abuse@isp.example", self.message(8),
                           check=0)
        self.assertIn("nothing new", r.stdout)
        self.fightback("outbox", "flush", check=0)
        self.assertEqual(len(self.received()), 2)
        late = [e for e in self.outbox() if e["source_ip"] == "198.51.100.45"][0]
        self.assertEqual((late["incidents"], late["late_incidents"]), (5, 1))

    def test_recipients_from_the_contact_search(self):
        """No --to: the contacts module asks the project's RDAP test server (loopback)."""
        self.config()
        self.server()
        rdap = subprocess.Popen([PYTHON, str(TESTS / "servers" / "rdap_server.py"), "--routes",
                                 str(TESTS / "data" / "rdap" / "routes.json")],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            word, port = rdap.stdout.readline().split()
            self.assertEqual(word, "PORT")
            flags = ["--no-dns", "--no-cache", "--no-whois", "--loopback-only",
                     "--registry-interval", "0", "--rdap-bootstrap",
                     TESTS / "data" / "rdap" / "bootstrap", "--assume-routable",
                     "192.0.2.0/24 198.51.100.0/24 203.0.113.0/24"]
            for host in ("rdap.arin.net", "rdap.db.ripe.net", "rdap.apnic.net",
                         "rdap.lacnic.net", "rdap.afrinic.net"):
                flags += ["--connect-to", f"{host}:80:127.0.0.1:{port}"]
            r = self.fightback("report", "--send", "--feedback-type", "virus", *flags,
                               self.message(1, ip="192.0.2.10"), check=0)
            self.assertIn("net-abuse@isp-one.example", r.stdout)
            [msg] = self.received()
            self.assertEqual(msg["To"], "net-abuse@isp-one.example")
            self.assertEqual(self.feedback_fields(msg.get_payload()[1])["Source-IP"],
                             "192.0.2.10")
            # AFRINIC published no abuse contact for this range: the gate stops the report.
            r = self.fightback("report", "--send", *flags,
                               self.message(2, ip="203.0.113.140"), check=1)
            self.assertIn("not reported", r.stdout)
            self.assertEqual(len(self.received()), 1)
        finally:
            rdap.terminate()
            rdap.wait()
            rdap.stdout.close()

    def test_dry_runs_change_nothing(self):
        self.config()
        self.server()
        r = self.fightback("report", "--send", "--dry-run", "--to", "abuse@isp.example",
                           self.message(1), check=0)
        self.assertIn("multipart/report", r.stdout)
        self.assertEqual(self.outbox(), [])
        self.fightback("report", "--queue", "--to", "abuse@isp.example", self.message(1),
                       check=0)
        r = self.fightback("outbox", "flush", "--dry-run", check=0)
        self.assertIn("would-send", r.stdout)
        self.assertEqual(self.received(), [])
        self.assertEqual(self.outbox()[0]["state"], "queued")

    def test_preview_prints_the_report_without_a_ledger(self):
        self.config()
        r = self.fightback("report", "--to", "abuse@isp.example", "--feedback-type", "virus",
                           self.message(1), check=0)
        msg = email.message_from_string(r.stdout, policy=email.policy.default)
        self.check_arf(msg, email.message_from_string(worm(1)))
        self.assertFalse((self.dir / "ledger.sqlite").exists())

    def test_suppressed_recipient_is_not_reported(self):
        self.config(extra_report='suppress_addresses = ["@isp.example"]')
        self.server()
        r = self.report(1, check=1)
        self.assertIn("suppression list", r.stdout)
        self.assertEqual(self.received(), [])

    def test_no_header_injection_from_flags_or_mail(self):
        self.config()
        self.server()
        r = self.fightback("report", "--send", "--to", "abuse@isp.example", "--reporter",
                           "x@reports.example\r\nBcc: victim@elsewhere.example",
                           self.message(1), check=2)
        r = self.fightback("report", "--send", "--to", "abuse@isp.example\nBcc: v@x.example",
                           self.message(2), check=2)
        self.assertEqual(self.received(), [])
        # Hostile values in the reported mail: a Return-Path and a detection name with CR/LF.
        hostile = worm(3).replace("Return-Path: <worm3@dsl.isp.example>",
                                  "Return-Path: <a@b.example>\r\nBcc: victim@elsewhere.example")
        path = self.dir / "hostile.eml"
        path.write_text(hostile)
        self.fightback("report", "--send", "--to", "abuse@isp.example", "--detection",
                       "Worm\r\nBcc: victim@elsewhere.example", path, check=0)
        [msg] = self.received()
        self.assertIsNone(msg["Bcc"])
        self.assertEqual(msg["X-Test-Rcpt-To"], "abuse@isp.example")
        fields = self.feedback_fields(msg.get_payload()[1])
        self.assertNotIn("Bcc", fields)
        self.assertNotIn("\n", msg["Subject"])


def requirements():
    return [(binary_tests.have_module("aiosmtpd"), "python3-aiosmtpd is not installed"),
            (shutil.which("openssl") is not None, "openssl is not installed")]


if __name__ == "__main__":
    sys.exit(binary_tests.main(__name__, requirements()))
