#!/usr/bin/python3
"""The delivery examples in examples/ run by the real delivery agents: Debian's maildrop with
examples/maildrop/mailfilter and procmail with examples/procmail/procmailrc, each calling
`fightback deliver`. A worm lands in .Quarantine and the agent reports success; when
fightback cannot deliver (its signature database is missing), the agent exits 75 so the MTA
keeps the message and tries again, and nothing is delivered anywhere: not in the Maildir, not
in the agent's own default mailbox.

Usage: test_mda_examples.py FIGHTBACK   (skips, 77, without maildrop and procmail)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "support"))
import binary_tests  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
DATA = REPO / "tests" / "data"
FIGHTBACK = None

WORM = ("From: worm@sender.example\nTo: alice@ours.example\nSubject: Current Net Patch\n"
        "Message-ID: <mda-worm@sender.example>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\n'
        "Install this patch.\n\n--b1\nContent-Type: application/octet-stream\n"
        'Content-Disposition: attachment; filename="patch.exe"\n\n'
        "FIGHTBACK-TEST-" "WORM:swen-like-payload\n--b1--\n")
CLEAN = ("From: bob@friends.example\nTo: alice@ours.example\nSubject: lunch\n"
         "Message-ID: <mda-clean@friends.example>\n\nAt noon?\n")


class Agents(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="fightback-mda-"))
        os.chmod(self.tmp, 0o700)
        self.maildir = self.tmp / "Maildir"
        self.default = self.tmp / "default-mailbox"  # the agent's own fallback delivery
        self.write_config(DATA / "clamav")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write_config(self, database):
        self.config = self.tmp / "config.toml"
        self.config.write_text(f'[scan]\ndatabase = "{database}"\n')

    def command(self):
        return f"{FIGHTBACK} --config {self.config} deliver --maildir {self.maildir}"

    def rcfile(self, example, replace, prelude):
        text = (REPO / example).read_text()
        for old, new in replace:
            self.assertIn(old, text, f"{example} no longer says {old!r}")
            text = text.replace(old, new)
        path = self.tmp / Path(example).name
        path.write_text(prelude + text)
        os.chmod(path, 0o600)
        return path

    def maildrop(self, message):
        rc = self.rcfile("examples/maildrop/mailfilter",
                         [("/usr/local/bin/fightback deliver --maildir $HOME/Maildir",
                           self.command())],
                         f'DEFAULT="{self.default}"\n')
        return subprocess.run(["maildrop", str(rc)], input=message, text=True,
                              capture_output=True, timeout=120)

    def procmail(self, message):
        rc = self.rcfile("examples/procmail/procmailrc",
                         [("MAILDIR=$HOME/Maildir", f"MAILDIR={self.maildir}"),
                          ("/usr/local/bin/fightback deliver --maildir $MAILDIR",
                           self.command())],
                         f"DEFAULT={self.default}\nORGMAIL={self.default}\n")
        self.maildir.mkdir(exist_ok=True)  # procmail changes into MAILDIR first
        return subprocess.run(["procmail", str(rc)], input=message, text=True,
                              capture_output=True, timeout=120)

    def delivered(self):
        files = [p for p in self.maildir.rglob("*") if p.is_file() and p.name != "maildirfolder"]
        if self.default.exists() and self.default.stat().st_size > 0:
            files.append(self.default)
        return files

    def check_agent(self, run):
        r = run(WORM)
        self.assertEqual(r.returncode, 0, r.stderr)
        [worm] = self.delivered()
        self.assertEqual(worm.parent.parent.name, ".Quarantine")
        r = run(CLEAN)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(self.delivered()), 2)
        # fightback cannot work: the agent says "try later" and delivers nothing itself.
        self.write_config(self.tmp / "no-such-database")
        before = set(self.delivered())
        r = run(WORM)
        self.assertEqual(r.returncode, 75, r.stderr)
        self.assertEqual(set(self.delivered()), before, "nothing new may be delivered")

    @unittest.skipUnless(shutil.which("maildrop"), "maildrop is not installed")
    def test_maildrop_example(self):
        self.check_agent(self.maildrop)

    @unittest.skipUnless(shutil.which("procmail"), "procmail is not installed")
    def test_procmail_example(self):
        self.check_agent(self.procmail)


def requirements():
    return [(shutil.which("maildrop") or shutil.which("procmail"),
             "neither maildrop nor procmail is installed")]


if __name__ == "__main__":
    sys.exit(binary_tests.main(__name__, requirements()))
