#!/usr/bin/python3
"""Benchmark: the scan stage over a 10,000-message Maildir, beside clamscan and clamdscan.

In one run, with the same signature database (tests/data/clamav by default), the same temporary directory
and ClamAV's cache of clean objects off for every tool (identical attachments would otherwise
be scanned once):
  fightback   fightback_bench_scan --no-cache --jobs 1,2: the libclamav engine loaded once,
              messages loaded, scanned (mail parser on) and put through the rules, N threads
  clamscan    clamscan over new/ and cur/ (one process, its own database load included)
  clamdscan   a clamd of our own on a unix socket (the test database, MaxThreads = CPUs);
              clamdscan --fdpass, then clamdscan --multiscan --fdpass
With --fightback (the command), also end to end, in the offline test world of the demo
(scripts/demo-world/world.py: DNS, RDAP and WHOIS servers on loopback, in a network namespace
of its own where allowed):
  fightback scan --dry-run --jobs 1,2   verdict, rules, trace and contact search of every
                                        detection, the complaints composed, nothing changed
  the 2003 way                          clamscan over the folder, then one process per infected
                                        message (`fightback find-sender-domain FILE`, the
                                        2003 script's look-up), one after another
The folder comes from bench/make_scan_maildir.py (2% infected: the test worm and EICAR) unless
--maildir names one. Every tool must find the same number of infected messages. Prints
Markdown tables (and --json). Exit status: 0, 1 when the counts disagree, 2 on error.
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import re
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench-binary", required=True, help="fightback_bench_scan (build tree's bench/)")
    ap.add_argument("--maildir", help="an existing Maildir (default: make one in a temporary directory)")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--database", default=os.path.join(REPO, "tests", "data", "clamav"))
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--tmpdir", help="temporary directory for every scanner (default: $TMPDIR or /tmp)")
    ap.add_argument("--rounds", type=int, default=3, help="runs per measurement; the best counts")
    ap.add_argument("--no-clamd", action="store_true")
    ap.add_argument("--fightback", help="the fightback command: adds the end-to-end comparison")
    ap.add_argument("--json", action="store_true")
    return ap.parse_args()


def find(program, extra=("/usr/sbin", "/usr/local/sbin", "/sbin")):
    path = shutil.which(program)
    if path:
        return path
    for d in extra:
        candidate = os.path.join(d, program)
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def warm(maildir):
    for sub in ("new", "cur"):
        folder = os.path.join(maildir, sub)
        for name in os.listdir(folder):
            with open(os.path.join(folder, name), "rb") as f:
                f.read()


ROUNDS = 1


def timed(cmd, env=None):
    """The best wall time of ROUNDS runs, and the last run's result."""
    best = None
    for _ in range(ROUNDS):
        start = time.monotonic()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        seconds = time.monotonic() - start
        best = seconds if best is None else min(best, seconds)
    return best, proc


def found_count(output):
    return sum(1 for line in output.decode(errors="replace").splitlines() if line.endswith(" FOUND"))


def run_clamscan(maildir, database, tmpdir):
    clamscan = find("clamscan")
    if not clamscan:
        return None
    cmd = [clamscan, f"--database={database}", f"--tempdir={tmpdir}", "--no-summary", "--infected",
           "--disable-cache", "--recursive", os.path.join(maildir, "new"), os.path.join(maildir, "cur")]
    seconds, proc = timed(cmd)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"clamscan failed: {proc.stderr.decode(errors='replace')[:500]}")
    return {"tool": "clamscan", "jobs": 1, "seconds": seconds, "infected": found_count(proc.stdout),
            "command": " ".join(cmd)}


def start_clamd(database, tmpdir, workdir):
    clamd = find("clamd")
    if not clamd:
        return None, None
    sock = os.path.join(workdir, "clamd.sock")
    conf = os.path.join(workdir, "clamd.conf")
    with open(conf, "w") as f:
        f.write(f"Foreground yes\nLocalSocket {sock}\nDatabaseDirectory {database}\n"
                f"TemporaryDirectory {tmpdir}\nLogFile {workdir}/clamd.log\nPidFile {workdir}/clamd.pid\n"
                f"MaxThreads {os.cpu_count() or 2}\nSelfCheck 0\nBytecode no\n"
                "MaxQueue 200\nStreamMaxLength 100M\nDisableCache yes\n")
    proc = subprocess.Popen([clamd, "--foreground", f"--config-file={conf}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(1)
                s.connect(sock)
                s.sendall(b"zPING\0")
                if s.recv(16).startswith(b"PONG"):
                    return proc, conf
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("clamd exited at start")
        time.sleep(0.05)
    proc.terminate()
    raise RuntimeError("clamd did not answer within 60 s")


def run_clamdscan(maildir, conf, multiscan):
    clamdscan = find("clamdscan")
    if not clamdscan:
        return None
    cmd = [clamdscan, f"--config-file={conf}", "--no-summary", "--infected", "--fdpass"]
    if multiscan:
        cmd.append("--multiscan")
    cmd += [os.path.join(maildir, "new"), os.path.join(maildir, "cur")]
    seconds, proc = timed(cmd)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"clamdscan failed: {proc.stderr.decode(errors='replace')[:500]}")
    return {"tool": "clamdscan" + (" --multiscan" if multiscan else ""), "jobs": "clamd",
            "seconds": seconds, "infected": found_count(proc.stdout), "command": " ".join(cmd)}


def load_world():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "world", os.path.join(REPO, "scripts", "demo-world", "world.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_fightback_dry(fightback, config, maildir, jobs):
    cmd = [fightback, "--config", config, "scan", "--dry-run", "--jobs", str(jobs), maildir]
    seconds, proc = timed(cmd)
    out = proc.stdout.decode(errors="replace")
    m = re.search(r"(\d+) scanned .*: (\d+) clean, (\d+) complained, (\d+) unresolved, "
                  r"(\d+) review, (\d+) quarantined, (\d+) errors", out)
    if proc.returncode not in (0, 1) or not m:
        raise RuntimeError(f"fightback scan failed ({proc.returncode}): {out[-300:]} "
                           f"{proc.stderr.decode(errors='replace')[-500:]}")
    infected = sum(int(m.group(i)) for i in (3, 4, 5, 6))
    return {"tool": "fightback scan --dry-run", "jobs": jobs, "seconds": seconds,
            "infected": infected, "command": " ".join(cmd)}


def run_2003_way(fightback, config, maildir, database, tmpdir):
    """clamscan over the folder, then one process per infected message, in sequence."""
    clamscan = find("clamscan")
    if not clamscan:
        return None
    best = None
    for _ in range(ROUNDS):
        start = time.monotonic()
        proc = subprocess.run([clamscan, f"--database={database}", f"--tempdir={tmpdir}",
                               "--no-summary", "--infected", "--disable-cache", "--recursive",
                               os.path.join(maildir, "new"), os.path.join(maildir, "cur")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        scanned = time.monotonic()
        infected = [line.rsplit(": ", 1)[0]
                    for line in proc.stdout.decode(errors="replace").splitlines()
                    if line.endswith(" FOUND")]
        for path in infected:
            subprocess.run([fightback, "--config", config, "find-sender-domain", path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic()
        if best is None or end - start < best["seconds"]:
            best = {"tool": "2003 way: clamscan, then a process per infected message",
                    "jobs": 1, "seconds": end - start, "infected": len(infected),
                    "clamscan_seconds": scanned - start, "per_message_seconds":
                    (end - scanned) / max(1, len(infected)),
                    "command": f"clamscan ... then {fightback} find-sender-domain FILE"}
    return best


def end_to_end(args, maildir, tmpdir, workdir, files):
    world_module = load_world()
    world = world_module.World(os.path.join(workdir, "world")).start()
    try:
        config = os.path.join(workdir, "config.toml")
        with open(config, "w") as f:
            # The bench's senders are in 198.51.100.0/24; cache off as for the other tools.
            f.write(world.config_text(ledger=os.path.join(workdir, "none.sqlite")).replace(
                "[scan]\n", f"[scan]\ntmpdir = \"{tmpdir}\"\ncache = false\n", 1))
        rows = [run_fightback_dry(args.fightback, config, maildir, int(j))
                for j in args.jobs.split(",")]
        old = run_2003_way(args.fightback, config, maildir, args.database, tmpdir)
        if old:
            rows.append(old)
    finally:
        world.stop()
    print()
    print(f"End to end, {files} messages: the scan and everything after it for the detections")
    print("| way | jobs | wall time | messages/s | detections | 2003 way / this |")
    print("|---|---|---|---|---|---|")
    base = rows[-1]["seconds"] if old else None
    for r in rows:
        rate = files / r["seconds"] if r["seconds"] > 0 else 0
        ratio = f"{base / r['seconds']:.1f}x" if base else "-"
        print(f"| {r['tool']} | {r['jobs']} | {r['seconds']:.2f} s | {rate:.0f} | "
              f"{r['infected']} | {ratio} |")
    if old:
        print(f"(the 2003 way: clamscan {old['clamscan_seconds']:.2f} s, then "
              f"{old['per_message_seconds'] * 1000:.1f} ms per infected message)")
    return rows


def isolate():
    """Re-runs this script in a network namespace with only loopback, where allowed."""
    if os.environ.get("FIGHTBACK_BENCH_ISOLATED"):
        return
    os.environ["FIGHTBACK_BENCH_ISOLATED"] = "1"
    probe = subprocess.run(["unshare", "-n", "true"], stderr=subprocess.DEVNULL)
    if probe.returncode == 0 and shutil.which("ip"):
        os.execvp("unshare", ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"',
                              "sh", sys.executable, *sys.argv])


def main():
    args = parse_args()
    if args.fightback:
        isolate()
    global ROUNDS
    ROUNDS = max(1, args.rounds)
    workdir = tempfile.mkdtemp(prefix="fightback-scanbench-")
    tmpdir = args.tmpdir or os.environ.get("TMPDIR") or "/tmp"
    scan_tmp = tempfile.mkdtemp(prefix="fightback-scantmp-", dir=tmpdir)
    clamd = None
    try:
        maildir = args.maildir
        if not maildir:
            maildir = os.path.join(workdir, "Maildir")
            subprocess.run([sys.executable, os.path.join(HERE, "make_scan_maildir.py"), maildir,
                            "--count", str(args.count)], check=True)
        files = sum(len(os.listdir(os.path.join(maildir, s))) for s in ("new", "cur"))
        warm(maildir)
        rows = []
        env = dict(os.environ, TMPDIR=scan_tmp)
        cmd = [args.bench_binary, "--database", args.database, "--no-cache", "--jobs", args.jobs,
               "--rounds", str(ROUNDS), maildir]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"bench failed: {proc.stderr.decode(errors='replace')[:500]}")
        for line in proc.stdout.decode().splitlines():
            r = json.loads(line)
            rows.append({"tool": "fightback (libclamav)", "jobs": r["jobs"], "seconds": r["scan_seconds"],
                         "cpu_seconds": r["cpu_seconds"], "infected": r["infected"],
                         "command": "TMPDIR=... " + " ".join(cmd)})
        r = run_clamscan(maildir, args.database, scan_tmp)
        if r:
            rows.append(r)
        if not args.no_clamd:
            clamd, conf = start_clamd(args.database, scan_tmp, workdir)
            if clamd:
                for multiscan in (False, True):
                    r = run_clamdscan(maildir, conf, multiscan)
                    if r:
                        rows.append(r)
        base = rows[0]["seconds"]
        print(f"{files} messages in {maildir}; database {args.database}; temporary files in {tmpdir}")
        print("| tool | jobs | wall time | messages/s | infected found | vs fightback --jobs 1 |")
        print("|---|---|---|---|---|---|")
        for r in rows:
            rate = files / r["seconds"] if r["seconds"] > 0 else 0
            print(f"| {r['tool']} | {r['jobs']} | {r['seconds']:.2f} s | {rate:.0f} | {r['infected']} | "
                  f"{r['seconds'] / base:.2f}x time |")
        if args.fightback:
            rows += end_to_end(args, maildir, scan_tmp, workdir, files)
        if args.json:
            print(json.dumps({"files": files, "rows": rows}))
        counts = {r["infected"] for r in rows}
        return 0 if len(counts) == 1 else 1
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        print(f"scan_rate: {e}", file=sys.stderr)
        return 2
    finally:
        if clamd:
            clamd.terminate()
            try:
                clamd.wait(10)
            except subprocess.TimeoutExpired:
                clamd.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(scan_tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
