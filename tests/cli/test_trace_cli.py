#!/usr/bin/python3
"""Black-box tests of `fightback trace` and `fightback headers`: the commands as a user runs
them, on the sample messages in tests/data/mail and on hostile input made here.

Usage: test_trace_cli.py PATH_TO_FIGHTBACK
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

FIGHTBACK = None
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "mail")
HOP_KEYS = {"ip", "rdns", "helo", "by", "ident", "envfrom", "id", "auth", "trusted",
            "internal", "msa", "skipped", "reason"}


def run(*args, stdin=None, timeout=120):
    return subprocess.run([FIGHTBACK, *args], input=stdin, capture_output=True,
                          timeout=timeout)


def sample(name):
    return os.path.join(DATA, name)


def trace_json(*args, **kw):
    r = run("trace", "--json", *args, **kw)
    lines = [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]
    return r, lines


class TraceSamples(unittest.TestCase):
    def test_worm_via_our_mx(self):
        r, [obj] = trace_json(sample("worm-via-mx.eml"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(obj["origin"]["ip"], "198.51.100.45")
        self.assertEqual(obj["origin"]["hop"], 1)
        self.assertFalse(obj["origin"]["routable"])  # a documentation address
        self.assertTrue(obj["hops"][0]["trusted"])
        self.assertFalse(obj["hops"][1]["trusted"])
        self.assertEqual(obj["hops"][1]["rdns"], "dsl-45.isp.example")
        self.assertEqual(obj["hops"][1]["by"], "mx1.ours.example")
        for hop in obj["hops"]:
            self.assertLessEqual(HOP_KEYS, set(hop))
        self.assertTrue(obj["file"].endswith("worm-via-mx.eml"))

    def test_assume_routable(self):
        _, [obj] = trace_json("--assume-routable", "198.51.100.0/24", sample("worm-via-mx.eml"))
        self.assertTrue(obj["origin"]["routable"])

    def test_forged_lower_lines_are_flagged(self):
        r, [obj] = trace_json(sample("forged-lower-lines.eml"))
        self.assertEqual(r.returncode, 0)
        self.assertEqual(obj["origin"]["ip"], "192.0.2.77")
        chain = [w for w in obj["warnings"] if "chain broken" in w["text"]]
        self.assertEqual([w["hop"] for w in chain], [2])

    def test_authenticated_submission_has_no_origin(self):
        r, [obj] = trace_json(sample("authenticated-submission.eml"))
        self.assertEqual(r.returncode, 1)
        self.assertIsNone(obj["origin"])
        self.assertTrue(obj["hops"][1]["auth"])

    def test_fetchmail_with_and_without_provider_trust(self):
        _, [plain] = trace_json(sample("fetched-by-fetchmail.eml"))
        self.assertEqual(plain["hops"][1]["kind"], "fetch")
        self.assertEqual(plain["origin"]["ip"], "198.51.100.100")
        _, [trusted] = trace_json("--trusted-networks", "198.51.100.96/28",
                                  sample("fetched-by-fetchmail.eml"))
        self.assertEqual(trusted["origin"]["ip"], "192.0.2.200")
        self.assertEqual(trusted["origin"]["hop"], 3)

    def test_ipv6_origin(self):
        _, [obj] = trace_json(sample("ipv6-origin.eml"))
        self.assertEqual(obj["origin"]["ip"], "2001:db8:bad::17")
        self.assertEqual(obj["hops"][0]["ip"], "fd00:1::25")

    def test_text_output_names_origin_and_reasons(self):
        r = run("trace", sample("worm-via-mx.eml"))
        out = r.stdout.decode()
        self.assertIn("origin: 198.51.100.45 (hop 1)", out)
        self.assertIn("private address", out)
        self.assertIn("trust ends here", out)

    def test_stdin(self):
        with open(sample("worm-via-mx.eml"), "rb") as f:
            r, [obj] = trace_json("-", stdin=f.read())
        self.assertEqual(obj["origin"]["ip"], "198.51.100.45")
        self.assertNotIn("file", obj)

    def test_config_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "config.toml")
            with open(path, "w") as f:
                f.write('[trace]\ntrusted_networks = ["198.51.100.96/28"]\n')
            r = run("--config", path, "trace", "--json", sample("fetched-by-fetchmail.eml"))
            self.assertEqual(json.loads(r.stdout)["origin"]["ip"], "192.0.2.200")
            with open(path, "w") as f:
                f.write('[trace]\ntrusted_networks = "10/40"\n')
            r = run("--config", path, "trace", sample("worm-via-mx.eml"))
            self.assertEqual(r.returncode, 2)
            self.assertIn(b"trusted_networks", r.stderr)


class TraceInputs(unittest.TestCase):
    def test_maildir_gives_json_lines_with_file(self):
        with tempfile.TemporaryDirectory() as d:
            for sub in ("new", "cur", "tmp"):
                os.mkdir(os.path.join(d, sub))
            names = sorted(n for n in os.listdir(DATA) if n.endswith(".eml"))
            for i, n in enumerate(names):
                shutil.copy(sample(n), os.path.join(d, "cur" if i % 2 else "new",
                                                    f"{1000 + i}.M{i}P1.host:2,S"))
            open(os.path.join(d, "tmp", "partial"), "w").write("Received: from x\n")
            r, objs = trace_json(d)
            self.assertEqual(len(objs), len(names))
            self.assertTrue(all("file" in o for o in objs))
            self.assertFalse(any(o["file"].endswith("partial") for o in objs))
            self.assertEqual(r.returncode, 1)  # the authenticated sample has no origin

    def test_missing_file_is_exit_2_with_error_line(self):
        r, objs = trace_json(sample("worm-via-mx.eml"), "no/such/file.eml")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(objs[1]["file"], "no/such/file.eml")
        self.assertIn("error", objs[1])
        self.assertIn(b"no/such/file.eml", r.stderr)

    def test_usage_errors_exit_2(self):
        self.assertEqual(run("trace", "--no-such-flag").returncode, 2)
        self.assertEqual(run("trace", "--trusted-networks", "not-a-net",
                             sample("worm-via-mx.eml")).returncode, 2)
        self.assertEqual(run().returncode, 2)

    def test_help_and_version(self):
        for cmd in ("trace", "headers"):
            r = run(cmd, "--help")
            self.assertEqual(r.returncode, 0)
            self.assertIn(b"Usage", r.stdout)
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith(b"fightback "))


class HostileInput(unittest.TestCase):
    def check(self, data, name):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, name)
            with open(path, "wb") as f:
                f.write(data)
            r = run("trace", "--json", path, timeout=120)
            self.assertIn(r.returncode, (0, 1), f"{name}: {r.stderr[-500:]}")
            obj = json.loads(r.stdout)
            self.assertIn("hops", obj)
            return obj

    def test_binary_garbage(self):
        self.check(bytes((i * 7919) % 256 for i in range(300000)), "garbage")

    def test_nul_and_invalid_utf8(self):
        obj = self.check(b"Received: from a\x00b (x [192.0.2.1]) by c\n"
                         b"Received: from \xff\xfe (h [198.51.100.3]) by \xc3\x28;\n\nbody",
                         "nul")
        json.dumps(obj)  # every string is valid UTF-8 after replacement

    def test_ten_megabyte_header(self):
        self.check(b"X-Big: " + b"a" * (10 << 20) + b"\nReceived: from x (x [192.0.2.1]) by y\n\n",
                   "big")

    def test_hundred_thousand_received_lines(self):
        line = b"Received: from h.example (h.example [198.51.100.9]) by mx.example with SMTP;\n"
        obj = self.check(line * 100000 + b"\nbody\n", "many")
        self.assertLessEqual(len(obj["hops"]), 500)
        self.assertTrue(any("only the newest" in w["text"] for w in obj["warnings"]))

    def test_truncated(self):
        with open(sample("worm-via-mx.eml"), "rb") as f:
            data = f.read()
        self.check(data[:150], "truncated")
        self.check(data[:7], "tiny")


class Headers(unittest.TestCase):
    def test_block_as_received(self):
        path = sample("worm-via-mx.eml")
        r = run("headers", path)
        self.assertEqual(r.returncode, 0)
        with open(path, "rb") as f:
            data = f.read()
        self.assertEqual(r.stdout, data[:data.index(b"\n\n") + 1])

    def test_received_only(self):
        r = run("headers", "--received", sample("forged-lower-lines.eml"))
        lines = [l for l in r.stdout.decode().splitlines() if l.startswith("Received:")]
        self.assertEqual(len(lines), 4)
        self.assertTrue(all(not l.startswith("From:") for l in r.stdout.decode().splitlines()))

    def test_missing(self):
        self.assertEqual(run("headers", "nope.eml").returncode, 2)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_trace_cli.py PATH_TO_FIGHTBACK")
    FIGHTBACK = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
