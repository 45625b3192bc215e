#!/usr/bin/python3
"""The ledger as a user's files, through the real binary: commands that only read never create
or change a file (a missing ledger, a mail file given as the ledger, another program's
database, another user's ledger, an older schema); what fightback keeps is private whatever the
umask, and a ledger others can read is warned about; a ledger made read-only is a clear error
that leaves nothing behind, a read-only -shm left by an older fightback is mended, and a full
disk under the ledger is a temporary failure (exit 75) that the next run recovers from.

The tests that run as `nobody` need root; the full-disk test needs a mount namespace of its own
(tests/integration/scan/run_isolated.sh); each skips otherwise.

Usage: test_ledger_access.py FIGHTBACK
"""
import http.server
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "support"))
import binary_tests  # noqa: E402

FIGHTBACK = None
DATA = Path(__file__).resolve().parents[2] / "data"
NOBODY = 65534
IS_ROOT = os.geteuid() == 0
IN_MOUNT_NAMESPACE = os.environ.get("FIGHTBACK_MOUNT_NAMESPACE") == "1"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def clean_message(n):
    return (f"Received: from mx.example.org (mx.example.org [192.0.2.1])\n"
            f"\tby in.example.org with ESMTP id m{n}; Mon, 1 Jan 2024 00:00:00 +0000\n"
            f"From: a@example.org\nTo: b@example.org\nSubject: hello {n}\n"
            f"Message-ID: <m{n}@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n"
            + f"an ordinary message, number {n}\n" * 20)


def snapshot(folder):
    """Every file in `folder` with its bytes and mode."""
    return {p.name: (p.read_bytes(), mode(p)) for p in sorted(Path(folder).iterdir())}


class World:
    """A home of its own: a config naming the reporter, the data folder (not made), a Maildir."""

    def __init__(self, root):
        self.root = Path(root)
        os.chmod(self.root, 0o755)  # others may look in (the tests run as nobody)
        self.config_home = self.root / "config"
        (self.config_home / "fightback").mkdir(parents=True)
        self.config = self.config_home / "fightback" / "config.toml"
        self.config.write_text('[report]\nreporter = "Test Reporter <reporter@example.org>"\n')
        self.data_home = self.root / "data"
        self.data = self.data_home / "fightback"
        self.ledger = self.data / "ledger.sqlite"
        self.box = self.maildir("Maildir", 3)

    def maildir(self, name, count, first=0):
        box = self.root / name
        for sub in ("tmp", "new", "cur"):
            (box / sub).mkdir(parents=True, exist_ok=True)
        for n in range(first, first + count):
            (box / "new" / f"{1700000000 + n}.M{n}P1.test").write_text(clean_message(n))
        return box

    def env(self):
        return dict(os.environ, HOME=str(self.root), XDG_DATA_HOME=str(self.data_home),
                    XDG_CONFIG_HOME=str(self.config_home))

    def run(self, *args, as_nobody=False, umask=None, timeout=120):
        def setup():
            if umask is not None:
                os.umask(umask)
            if as_nobody:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
        return subprocess.run([FIGHTBACK, *args], env=self.env(), capture_output=True,
                              text=True, timeout=timeout, preexec_fn=setup)

    def scan(self, *args, **kw):
        return self.run("scan", "--no-scan", "--no-dns", *args, **kw)

    def give_to_nobody(self):
        for dirpath, dirnames, filenames in os.walk(self.root):
            for name in [dirpath, *(os.path.join(dirpath, f) for f in dirnames + filenames)]:
                os.chown(name, NOBODY, NOBODY)


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fightback-ledger-access.")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.w = World(self.tmp)

    def assertExit(self, r, code):
        self.assertEqual(r.returncode, code, f"stdout: {r.stdout}\nstderr: {r.stderr}")

    def reading_commands(self):
        """Every command that only reads the ledger, as (name, args, exit codes allowed)."""
        mail = str(DATA / "mail" / "worm-via-mx.eml")
        return [
            ("stats", ["stats"], {0, 1}),
            ("stats --json", ["stats", "--json"], {0, 1}),
            ("outbox list", ["outbox", "list"], {0}),
            ("outbox show", ["outbox", "show", "1"], {1, 2}),  # no such complaint
            ("outbox flush --dry-run", ["outbox", "flush", "--dry-run"], {0}),
            ("replies --dry-run", ["replies", "--dry-run",
                                   str(DATA / "replies" / "01-ticket-autoreply.eml")], {0}),
            ("scan --dry-run", ["scan", "--dry-run", "--no-scan", "--no-dns", str(self.w.box)],
             {0}),
            # The preview of a complaint (it may find nothing to send: old mail).
            ("report", ["report", "--to", "abuse@example.net", "--assume-routable",
                        "198.51.100.0/24", mail], {0, 1}),
            ("report --dry-run --send", ["report", "--dry-run", "--send", "--to",
                                         "abuse@example.net", "--assume-routable",
                                         "198.51.100.0/24", mail], {0, 1}),
        ]


class ReadingNeverWrites(Base):
    def test_stats_on_a_missing_ledger_creates_nothing(self):
        missing = Path(self.tmp) / "nonexistent" / "x.sqlite"
        r = self.w.run("stats", "--ledger", str(missing))
        self.assertExit(r, 1)
        self.assertIn(f"no ledger yet at {missing}: nothing recorded", r.stderr)
        self.assertFalse(missing.parent.exists())

    def test_commands_that_only_read_create_no_ledger(self):
        for name, args, codes in self.reading_commands():
            with self.subTest(name):
                r = self.w.run(*args)
                self.assertIn(r.returncode, codes, r.stderr)
                self.assertFalse(self.w.data_home.exists(), f"{name} made {self.w.data_home}")
        self.assertIn("no ledger yet at", self.w.run("outbox", "list").stderr)
        watch = subprocess.Popen([FIGHTBACK, "watch", "--dry-run", "--no-scan", "--no-dns",
                                  str(self.w.box)], env=self.w.env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        watch.send_signal(signal.SIGTERM)
        out, err = watch.communicate(timeout=30)
        self.assertEqual(watch.returncode, 0, err)
        self.assertFalse(self.w.data_home.exists(), "watch --dry-run made the data folder")

    def test_a_mail_file_or_another_programs_database_is_refused_and_left_alone(self):
        mail = Path(self.tmp) / "some.eml"
        mail.write_text(clean_message(1))
        empty = Path(self.tmp) / "empty.eml"
        empty.write_bytes(b"")
        other = Path(self.tmp) / "notes.sqlite"
        db = sqlite3.connect(other)
        db.execute("CREATE TABLE notes (x TEXT)")
        db.commit()
        db.close()
        before = {p: p.read_bytes() for p in (mail, empty, other)}
        for path in (mail, other):
            with self.subTest(str(path)):
                r = self.w.run("stats", "--ledger", str(path))
                self.assertExit(r, 2)
                self.assertIn(f"{path} is not a fightback ledger", r.stderr)
                r = self.w.scan("--ledger", str(path), str(self.w.box))  # a command that records
                self.assertExit(r, 2)
                self.assertIn(f"{path} is not a fightback ledger", r.stderr)
        r = self.w.run("stats", "--ledger", str(empty))
        self.assertExit(r, 1)
        self.assertIn("nothing recorded", r.stderr)
        self.assertEqual({p: p.read_bytes() for p in before}, before)
        self.assertEqual(sorted(p.name for p in Path(self.tmp).iterdir()),
                         sorted(["config", "Maildir", "some.eml", "empty.eml", "notes.sqlite"]))

    def test_an_older_ledger_is_read_as_it_is_and_upgraded_by_a_run_that_records(self):
        self.assertExit(self.w.scan(str(self.w.box)), 0)
        db = sqlite3.connect(self.w.ledger)
        current = db.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        # Back to schema 4: the pipeline's table (step 5) and anything later are not there.
        tables_of_1_to_4 = {"contact_cache", "messages", "verdicts", "traces", "message_contacts",
                            "moves", "complaints", "incidents", "deliveries", "source_networks",
                            "replies", "schema_version"}
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            if name not in tables_of_1_to_4:
                db.execute(f'DROP TABLE "{name}"')
        db.execute("DELETE FROM schema_version WHERE version > 4")
        db.commit()
        db.close()
        before = snapshot(self.w.data)
        for args in (["stats", "--json"], ["scan", "--dry-run", "--no-scan", "--no-dns",
                                            str(self.w.box)], ["outbox", "list"]):
            with self.subTest(args[0]):
                r = self.w.run(*args)
                self.assertExit(r, 0)
        self.assertEqual(snapshot(self.w.data), before)
        self.assertExit(self.w.scan(str(self.w.box)), 0)
        db = sqlite3.connect(self.w.ledger)
        self.assertEqual(db.execute("SELECT max(version) FROM schema_version").fetchone()[0],
                         current)
        db.close()

    @unittest.skipUnless(IS_ROOT, "needs root, to run as nobody")
    def test_another_users_ledger_is_read_and_never_written(self):
        self.assertExit(self.w.scan(str(self.w.box)), 0)
        # As the owner had it before fightback made it private: open to others, the folder
        # readable but not writable by them.
        for folder in (self.w.data_home, self.w.data):
            os.chmod(folder, 0o755)
        os.chmod(self.w.ledger, 0o644)
        before = snapshot(self.w.data)
        for name, args, codes in self.reading_commands():
            with self.subTest(name):
                r = self.w.run(*args, as_nobody=True)
                self.assertIn(r.returncode, codes, r.stderr)
                self.assertNotIn("readonly", r.stderr)
                self.assertNotIn("warning", r.stderr)  # not theirs to chmod
        stats = self.w.run("stats", "--json", as_nobody=True)
        self.assertIn('"scanned": 3', stats.stdout)
        self.assertEqual(snapshot(self.w.data), before)
        # While the owner's run has it open, with changes still in its write-ahead log.
        owner = sqlite3.connect(self.w.ledger)
        owner.execute("PRAGMA wal_autocheckpoint = 0")
        owner.execute("INSERT INTO messages (content_hash, size, first_seen, last_seen) "
                      "VALUES ('0000', 1, 1, 1)")
        owner.commit()
        try:
            r = self.w.run("outbox", "list", as_nobody=True)
            self.assertExit(r, 0)
            r = self.w.run("scan", "--dry-run", "--no-scan", "--no-dns", str(self.w.box),
                           as_nobody=True)
            self.assertExit(r, 0)
            self.assertIn("3 handled before", r.stdout)
        finally:
            owner.close()


class PrivateByDefault(Base):
    def test_the_data_folder_and_the_ledger_are_private_whatever_the_umask(self):
        for umask in (0o022, 0o000):
            with self.subTest(umask=oct(umask)):
                shutil.rmtree(self.w.data_home, ignore_errors=True)
                watch = subprocess.Popen(
                    [FIGHTBACK, "watch", "--no-scan", "--no-dns", str(self.w.box)],
                    env=self.w.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                    text=True, preexec_fn=lambda: os.umask(umask))
                try:
                    wal = Path(str(self.w.ledger) + "-wal")
                    shm = Path(str(self.w.ledger) + "-shm")
                    deadline = time.monotonic() + 30
                    while not (wal.exists() and shm.exists()) and time.monotonic() < deadline:
                        time.sleep(0.05)
                    self.assertTrue(wal.exists() and shm.exists(), "watch has no -wal/-shm")
                    self.assertEqual(mode(self.w.data), 0o700)
                    self.assertEqual(mode(self.w.ledger), 0o600)
                    self.assertEqual(mode(wal), 0o600)
                    self.assertEqual(mode(shm), 0o600)
                finally:
                    watch.send_signal(signal.SIGTERM)
                    _, err = watch.communicate(timeout=30)
                self.assertEqual(watch.returncode, 0, err)
                r = self.w.scan(str(self.w.box), umask=umask)  # flushes: the outbox lock
                self.assertExit(r, 0)
                lock = Path(str(self.w.ledger) + ".outbox-lock")
                self.assertTrue(lock.exists())
                for path in self.w.data.iterdir():
                    self.assertEqual(mode(path), 0o600, path)
                self.assertNotIn("warning", r.stderr)

    def test_the_bootstrap_copies_are_private(self):
        served = Path(self.tmp) / "served"
        served.mkdir()
        for name in ("ipv4.json", "ipv6.json"):
            shutil.copy(DATA / "rdap" / "bootstrap" / name, served / name)

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=str(served), **kw)

            def log_message(self, *_):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        port = server.server_address[1]
        for umask in (0o022, 0o000):
            with self.subTest(umask=oct(umask)):
                shutil.rmtree(self.w.data_home, ignore_errors=True)
                r = self.w.run("update-bootstrap", "--loopback-only",
                               "--url", f"http://127.0.0.1:{port}/ipv4.json",
                               "--url", f"http://127.0.0.1:{port}/ipv6.json", umask=umask)
                self.assertExit(r, 0)
                rdap = self.w.data / "rdap"
                self.assertEqual(mode(self.w.data), 0o700)
                self.assertEqual(mode(rdap), 0o700)
                self.assertEqual(sorted(p.name for p in rdap.iterdir()),
                                 ["ipv4.json", "ipv6.json"])
                for path in rdap.iterdir():
                    self.assertEqual(mode(path), 0o600, path)

    def test_a_ledger_others_can_read_is_warned_about_once(self):
        self.assertExit(self.w.scan(str(self.w.box)), 0)
        os.chmod(self.w.ledger, 0o644)
        for args in (["scan", "--no-scan", "--no-dns", str(self.w.box)],
                     ["scan", "--dry-run", "--no-scan", "--no-dns", str(self.w.box)],
                     ["stats"]):
            with self.subTest(args[0]):
                r = self.w.run(*args)
                self.assertExit(r, 0)
                warnings = [line for line in r.stderr.splitlines() if "warning" in line]
                self.assertEqual(len(warnings), 1, r.stderr)
                self.assertIn(str(self.w.ledger), warnings[0])
                self.assertIn("0644", warnings[0])
                self.assertIn(f"chmod 600 {self.w.ledger}", warnings[0])
        os.chmod(self.w.ledger, 0o600)
        self.assertNotIn("warning", self.w.run("stats").stderr)


class LedgerTroubles(Base):
    @unittest.skipUnless(IS_ROOT, "needs root, to run as nobody (root writes read-only files)")
    def test_a_read_only_ledger_is_a_clear_error_and_an_old_read_only_shm_is_mended(self):
        self.w.give_to_nobody()
        self.assertExit(self.w.scan(str(self.w.box), as_nobody=True), 0)
        os.chmod(self.w.ledger, 0o444)
        for attempt in range(2):
            r = self.w.scan(str(self.w.box), as_nobody=True)
            self.assertExit(r, 2)
            self.assertIn(f"cannot write the ledger {self.w.ledger}", r.stderr)
            self.assertIn(f"chmod 600 {self.w.ledger}", r.stderr)
            self.assertEqual(sorted(p.name for p in self.w.data.iterdir()),
                             ["ledger.sqlite", "ledger.sqlite.outbox-lock"])
        self.assertExit(self.w.run("stats", as_nobody=True), 0)  # reading still works
        # What an older fightback left after running on the read-only ledger: a read-only
        # -shm (SQLite makes it with the ledger's mode, and a reader never removes it).
        reader = subprocess.run(
            [sys.executable, "-c",
             "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
             "db.execute('SELECT count(*) FROM messages').fetchone(); db.close()",
             str(self.w.ledger)],
            preexec_fn=lambda: (os.setgid(NOBODY), os.setuid(NOBODY)), check=True)
        shm = Path(str(self.w.ledger) + "-shm")
        self.assertEqual(reader.returncode, 0)
        self.assertEqual(mode(shm), 0o444)
        os.chmod(self.w.ledger, 0o600)
        self.w.maildir("Maildir", 2, first=10)
        r = self.w.scan(str(self.w.box), as_nobody=True)
        self.assertExit(r, 0)
        self.assertRegex(r.stdout, r"^2 scanned .* 3 handled before")
        self.assertExit(self.w.scan(str(self.w.box), as_nobody=True), 0)

    @unittest.skipUnless(IN_MOUNT_NAMESPACE, "needs a mount namespace (run_isolated.sh as root)")
    def test_a_full_disk_under_the_ledger_is_temporary(self):
        # Full when the run opens the ledger (its -shm cannot grow), and full after the first
        # few records of the run (each message's commit fails).
        for free, name in ((0, "at open"), (32768, "during the run")):
            with self.subTest(name):
                tiny = Path(self.tmp) / f"tiny-{free}"
                tiny.mkdir()
                subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(tiny)],
                               check=True)
                self.addCleanup(subprocess.run, ["umount", "-l", str(tiny)], check=False)
                ledger = tiny / "ledger.sqlite"
                self.assertExit(self.w.scan("--ledger", str(ledger), str(self.w.box)), 0)
                filler = tiny / "filler"
                fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
                try:
                    while True:
                        os.write(fd, b"\0" * 4096)
                except OSError:
                    pass
                finally:
                    os.truncate(fd, max(0, os.fstat(fd).st_size - free))
                    os.close(fd)
                more = self.w.maildir(f"More-{free}", 30, first=100)
                for attempt in range(2):
                    r = self.w.scan("--ledger", str(ledger), str(more))
                    self.assertExit(r, 75)
                    self.assertRegex(r.stderr, r"disk is full|No space left")
                filler.unlink()
                r = self.w.scan("--ledger", str(ledger), str(more))
                self.assertExit(r, 0)
                self.assertRegex(r.stdout, r"^\d+ scanned .* 0 errors")
                r = self.w.scan("--ledger", str(ledger), str(more))
                self.assertRegex(r.stdout, r"^0 scanned .* 30 handled before")

if __name__ == "__main__":
    sys.exit(binary_tests.main(__name__))
