#!/usr/bin/python3
"""Corpus check: does `fightback trace` name the same origin as SpamAssassin?

Runs the oracle (scripts/sa-origin.pl, SpamAssassin's own Received parser and trust walk) and
`fightback trace --json` over real mail with the same trust settings, and compares the origin
IPs. Corpora: ../shared/corpora/mail/ (three folders, reported one by one) and the SpamAssassin
public corpus from the npm package that scripts/fetch-corpus installs (data/<group>/*.txt).

Prints the agreement per corpus and setting, and every disagreement with both answers and the
message's Received lines. Exit status: 0 when agreement on the npm corpus reaches the threshold
under every setting, 1 when it does not, 2 on a usage or tool error, 77 when the npm corpus
is absent (the shared corpus is still compared and reported) or SpamAssassin is not installed.
"""

import argparse
import concurrent.futures
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, OrderedDict

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
NPM_DATA_SUFFIX = os.path.join("node_modules", "@stdlib", "datasets-spam-assassin", "data")
SHARED_FOLDERS = ("sa-tdata", "rspamd", "mailparser")

# Trust settings to compare under. The explicit ones name the mailing-list servers that
# relayed much of the public corpus, so the walk goes one or more hops deeper than the
# inferred one; msa stops it at a submission server; internal-only leaves trusted_networks
# unset (SpamAssassin then uses internal_networks for both); negated trusts everything but
# one list server, which tests first-match-wins negation.
LIST_SERVERS = "64.161.22.0/24 216.136.171.0/24 66.187.233.0/24 194.125.145.0/24 193.120.211.0/24"
SETTINGS = OrderedDict([
    ("inferred", {}),
    ("trusted", {"trusted-networks": "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 " + LIST_SERVERS}),
    ("msa", {"trusted-networks": "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 " + LIST_SERVERS,
             "internal-networks": "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16",
             "msa-networks": "216.136.171.0/24"}),
    ("internal-only", {"internal-networks": "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 64.161.22.0/24"}),
    ("negated", {"trusted-networks": "!66.187.233.0/24 0.0.0.0/0"}),
])

BATCH = 500  # files per fightback invocation, to stay far below the argument-size limit


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fightback", required=True, help="the fightback binary")
    ap.add_argument("--oracle", default=os.path.join(REPO, "scripts", "sa-origin.pl"))
    ap.add_argument("--corpus-dir", default=os.environ.get("FIGHTBACK_CORPUS_DIR"),
                    help="the npm package's data directory (default: $FIGHTBACK_CORPUS_DIR, "
                         "else .cache/corpus/... in the repository)")
    ap.add_argument("--shared-dir", default=os.path.join(REPO, "..", "shared", "corpora", "mail"))
    ap.add_argument("--threshold", type=float, default=99.0,
                    help="minimum agreement on the npm corpus, in percent (default 99)")
    ap.add_argument("--settings", default=",".join(SETTINGS),
                    help="comma-separated subset of: " + ", ".join(SETTINGS))
    ap.add_argument("--max-report", type=int, default=0,
                    help="print at most this many disagreements per corpus and setting (0: all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    if not args.corpus_dir:
        args.corpus_dir = os.path.join(REPO, ".cache", "corpus", NPM_DATA_SUFFIX)
    for name in args.settings.split(","):
        if name not in SETTINGS:
            ap.error("unknown setting %r" % name)
    return args


# --- the corpora ------------------------------------------------------------------------

def list_files(directory, suffix=None):
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or (suffix and not name.endswith(suffix)):
                continue
            found.append(os.path.join(root, name))
    return found


def collect_corpora(args):
    """Returns [(label, base_dir, [files])]; the npm corpus last, or missing."""
    corpora = []
    for folder in SHARED_FOLDERS:
        path = os.path.join(args.shared_dir, folder)
        if os.path.isdir(path):
            corpora.append(("shared/" + folder, path, list_files(path)))
    npm_present = os.path.isdir(args.corpus_dir)
    if npm_present:
        # the .json files beside the messages are metadata, not mail
        files = [f for f in list_files(args.corpus_dir, ".txt")
                 if os.path.dirname(os.path.dirname(f)) == os.path.normpath(args.corpus_dir)]
        corpora.append(("npm", args.corpus_dir, files))
    return corpora, npm_present


# --- running both tools -----------------------------------------------------------------

def trust_flags(setting):
    flags = []
    for name, value in setting.items():
        flags += ["--" + name, value]
    return flags


def read_json_lines(text, tool):
    records, junk = [], 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            junk += 1
            continue
        if isinstance(obj, dict) and "file" in obj:
            records.append(obj)
        else:
            junk += 1
    if junk:
        print("note: %d line(s) of %s output were not per-message JSON" % (junk, tool))
    return records


def run_oracle(args, setting, files):
    with tempfile.NamedTemporaryFile("w", prefix="fightback-oracle-", suffix=".list") as listing:
        listing.write("".join(f + "\n" for f in files))
        listing.flush()
        cmd = ["perl", args.oracle, "--relays", "--list", listing.name] + trust_flags(setting)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError("oracle failed (%d): %s" % (proc.returncode,
                                                       proc.stderr.decode(errors="replace")[-2000:]))
    return read_json_lines(proc.stdout.decode("utf-8", errors="replace"), "oracle")


def run_fightback_batch(args, setting, files):
    cmd = [args.fightback, "trace", "--json"] + trust_flags(setting) + ["--"] + files
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    records = read_json_lines(proc.stdout.decode("utf-8", errors="replace"), "fightback")
    if not records and proc.returncode != 0:
        raise RuntimeError("fightback trace failed (%d): %s" % (
            proc.returncode, proc.stderr.decode(errors="replace")[-2000:]))
    return records


def by_file(records):
    """First record per file (a file holding several messages is compared by its first)."""
    table = {}
    for rec in records:
        table.setdefault(os.path.normpath(rec["file"]), rec)
    return table


# --- comparing ----------------------------------------------------------------------------

def canonical_ip(text):
    if text is None:
        return None
    text = str(text).strip().strip("[]")
    if text.lower().startswith("ipv6:"):
        text = text[5:]
    if not text:
        return None
    try:
        return str(ipaddress.ip_address(text.split("%")[0]))
    except ValueError:
        return text.lower()


def our_origin(rec):
    origin = rec.get("origin")
    if isinstance(origin, dict):
        return canonical_ip(origin.get("ip")), origin.get("hop")
    return canonical_ip(origin), None


def classify(ours, theirs, sa_record):
    """Names the kind of disagreement, so the lead can fix them by kind."""
    if ours is None:
        return "ours-none"
    if theirs is None:
        return "theirs-none"
    relays = [(canonical_ip(r.get("ip")), r.get("trusted")) for r in sa_record.get("relays", [])]
    ours_at = [i for i, (ip, _) in enumerate(relays) if ip == ours]
    theirs_at = next((i for i, (ip, _) in enumerate(relays) if ip == theirs), None)
    if not ours_at:
        return "ip-not-in-sa-relays"
    if theirs_at is not None and ours_at[0] < theirs_at:
        return "ours-stops-earlier"
    return "ours-walks-further"


def received_lines(path, limit=12, width=170):
    """The message's Received header values, unfolded and shortened, newest first."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(256 * 1024)
    except OSError as err:
        return ["(cannot read: %s)" % err]
    text = raw.decode("latin-1").replace("\r\n", "\n")
    head = text.split("\n\n", 1)[0]
    fields, current = [], None
    for line in head.split("\n"):
        if line[:1] in (" ", "\t") and current is not None:
            current += " " + line.strip()
            continue
        if current is not None:
            fields.append(current)
        current = line
    if current is not None:
        fields.append(current)
    out = []
    for field in fields:
        name, _, value = field.partition(":")
        if name.strip().lower() != "received":
            continue
        value = " ".join(value.split())
        out.append(value if len(value) <= width else value[:width - 3] + "...")
    if len(out) > limit:
        out = out[:limit] + ["(%d more)" % (len(out) - limit)]
    return out


def compact_relay(relay):
    parts = ["T" if relay.get("trusted") else "U", relay.get("ip", "?")]
    for key in ("rdns", "helo", "by", "auth"):
        if relay.get(key):
            parts.append("%s=%s" % (key, relay[key]))
    return " ".join(parts)


def compact_hop(hop):
    if not isinstance(hop, dict):
        return json.dumps(hop)[:200]
    mark = {True: "T", False: "U"}.get(hop.get("trusted"), "-")
    parts = [mark, str(hop.get("kind", "?")), str(hop.get("ip") or "-")]
    for key in ("rdns", "helo", "by", "with", "auth"):
        if hop.get(key):
            parts.append("%s=%s" % (key, hop[key]))
    text = " ".join(parts)
    if hop.get("reason"):
        text += " | " + str(hop["reason"])
    return text if len(text) <= 220 else text[:217] + "..."


def relay_list_difference(sa, fb):
    """How the relays SpamAssassin parsed differ from our handover hops, or None.

    Informational: it does not count against the threshold, but it shows parser differences
    before a trust setting turns them into a different origin."""
    theirs = [canonical_ip(r.get("ip")) for r in sa.get("relays", [])]
    mine = [canonical_ip(h.get("ip")) for h in fb.get("hops", [])
            if isinstance(h, dict) and h.get("kind") not in ("skipped", "fetch") and h.get("ip")]
    if theirs == mine:
        return None
    extra = [ip for ip in mine if ip not in theirs]
    missing = [ip for ip in theirs if ip not in mine]
    loopback = lambda ip: ip == "::1" or ip.startswith("127.")
    if not missing and extra and all(loopback(ip) for ip in extra):
        return "ours-keeps-loopback-sa-skips"
    if not missing and not extra:
        without_loopback = lambda ips: [ip for ip in ips if not loopback(ip)]
        if without_loopback(theirs) == without_loopback(mine):
            return "ours-keeps-loopback-sa-skips"
        return "same-ips-other-order-or-count"
    if not missing:
        return "ours-has-more-relays"
    if not extra:
        return "sa-has-more-relays"
    return "different-ips"


def compare_corpus(label, base, files, oracle, ours, max_report):
    agree = with_origin = 0
    differences = []
    relay_kinds = Counter()
    relay_examples = {}
    for path in files:
        key = os.path.normpath(path)
        sa = oracle.get(key)
        fb = ours.get(key)
        if sa is None:
            differences.append((path, "oracle-missing", None, None, sa, fb))
            continue
        theirs = canonical_ip(sa.get("origin"))
        if fb is None:
            differences.append((path, "ours-missing", None, theirs, sa, fb))
            continue
        mine, _ = our_origin(fb)
        relay_kind = relay_list_difference(sa, fb)
        if relay_kind:
            relay_kinds[relay_kind] += 1
            relay_examples.setdefault(relay_kind, []).append(path)
        if mine == theirs:
            agree += 1
            with_origin += mine is not None
        else:
            differences.append((path, classify(mine, theirs, sa), mine, theirs, sa, fb))
    total = len(files)
    rate = 100.0 * agree / total if total else 100.0
    kinds = Counter(d[1] for d in differences)
    print("  %-18s %5d messages  %5d agree (%d with an origin)  %6.2f%%  %s" % (
        label, total, agree, with_origin, rate,
        ", ".join("%s %d" % kv for kv in kinds.most_common()) or "no disagreement"))
    if relay_kinds:
        print("    relay lists differ (informational): " +
              ", ".join("%s %d" % kv for kv in relay_kinds.most_common()))
        for kind, paths in sorted(relay_examples.items()):
            if kind != "ours-keeps-loopback-sa-skips":
                print("      %s: %s" % (kind, " ".join(os.path.relpath(p, base) for p in paths[:5])))
    shown = differences if max_report <= 0 else differences[:max_report]
    for path, kind, mine, theirs, sa, fb in shown:
        print("    --- %s [%s]" % (os.path.relpath(path, base), kind))
        hop = our_origin(fb)[1] if fb else None
        print("        ours: %s%s   theirs: %s (SA trusted %s, untrusted %s, unparseable %s)" % (
            mine, "" if hop is None else " (hop %s)" % hop, theirs,
            sa.get("trusted") if sa else "?", sa.get("untrusted") if sa else "?",
            sa.get("unparseable") if sa else "?"))
        if sa and sa.get("relays"):
            print("        SA relays:   " + " | ".join(compact_relay(r) for r in sa["relays"]))
        if fb and fb.get("hops"):
            for i, hop_record in enumerate(fb["hops"]):
                print("        our hop %d:   %s" % (i, compact_hop(hop_record)))
        if fb and fb.get("warnings"):
            print("        our warnings: " + "; ".join(str(w) for w in fb["warnings"])[:300])
        for i, line in enumerate(received_lines(path)):
            print("        R%-2d %s" % (i, line))
    if len(shown) < len(differences):
        print("    (%d more disagreements not shown)" % (len(differences) - len(shown)))
    return total, agree, kinds


def main():
    args = parse_args()
    if not os.access(args.fightback, os.X_OK):
        print("compare_origins: not an executable: %s" % args.fightback, file=sys.stderr)
        return 2
    if subprocess.run(["perl", "-MMail::SpamAssassin", "-e", "1"],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        print("compare_origins: SpamAssassin's Perl modules are not installed; skipping")
        return SKIP
    corpora, npm_present = collect_corpora(args)
    if not corpora:
        print("compare_origins: no corpus found (%s, %s); skipping" % (args.shared_dir, args.corpus_dir))
        return SKIP
    all_files = [f for _, _, files in corpora for f in files]
    settings = args.settings.split(",")

    # Every (setting, tool, batch) is one process; run them side by side.
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for name in settings:
            jobs[(name, "oracle", 0)] = pool.submit(run_oracle, args, SETTINGS[name], all_files)
            for start in range(0, len(all_files), BATCH):
                jobs[(name, "fightback", start)] = pool.submit(
                    run_fightback_batch, args, SETTINGS[name], all_files[start:start + BATCH])
        results = {}
        try:
            for key, future in jobs.items():
                results[key] = future.result()
        except (RuntimeError, OSError) as err:
            print("compare_origins: %s" % err, file=sys.stderr)
            return 2

    failed = False
    summary = []
    for name in settings:
        oracle = by_file(results[(name, "oracle", 0)])
        ours = by_file([rec for key, recs in results.items()
                        if key[0] == name and key[1] == "fightback" for rec in recs])
        flags = " ".join("--%s %r" % kv for kv in SETTINGS[name].items()) or "(no flags: inferred trust)"
        print("== setting %s: %s" % (name, flags))
        for label, base, files in corpora:
            total, agree, kinds = compare_corpus(label, base, files, oracle, ours, args.max_report)
            summary.append((name, label, total, agree, kinds))
            if label == "npm" and total:
                rate = 100.0 * agree / total
                if rate < args.threshold:
                    print("  FAIL: npm agreement %.2f%% is below %.2f%%" % (rate, args.threshold))
                    failed = True
    print("== summary (threshold %.2f%% on npm)" % args.threshold)
    for name, label, total, agree, kinds in summary:
        print("  %-13s %-18s %5d/%-5d %6.2f%%  %s" % (
            name, label, agree, total, 100.0 * agree / total if total else 100.0,
            ", ".join("%s %d" % kv for kv in kinds.most_common())))
    if failed:
        return 1
    if not npm_present:
        print("compare_origins: npm corpus absent at %s (run scripts/fetch-corpus); skipping"
              % args.corpus_dir)
        return SKIP
    return 0


if __name__ == "__main__":
    sys.exit(main())
