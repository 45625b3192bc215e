#!/usr/bin/python3
"""Makes the scan benchmark's Maildir: N messages (default 10,000), a share of them infected.

The infected ones carry the project's made-up worm (the payload marker inside a base64
"patch.exe") or EICAR's test string in an attachment, half each; tests/data/clamav/ has the
signatures. The clean ones vary as real mail does: plain text, HTML with a text alternative,
HTML only, and some with harmless attachments (random bytes, base64), 1 to 60 KB. Names and
flags are Maildir's: most in cur/ with ":2,S", the rest in new/. The same seed gives the same
folder. A manifest (infected.txt: one file name and signature per line) is written beside it.
"""

import argparse
import base64
import os
import random
import sys

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
WORM_MARKER = b"FIGHTBACK-TEST-WORM:swen-like-payload"
WORDS = ("the of and to in is that for it as with was on be by at this from have or not are "
         "network abuse mail message server report please update security patch meeting lunch "
         "invoice project tomorrow attached document review schedule thanks regards").split()


def text(rng, size):
    out, n = [], 0
    while n < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        out.append(line)
        n += len(line) + 1
    return "\n".join(out) + "\n"


def header(rng, i, subject):
    octet = 1 + i % 250
    return (f"Return-Path: <sender{i}@example.net>\n"
            f"Received: from host{octet}.example.net (host{octet}.example.net [198.51.100.{octet}])\n"
            f"\tby mx.example.org (Postfix) with ESMTP id Q{i:06d};\n"
            f"\tTue, 23 Sep 2003 10:{i % 60:02d}:00 +0000\n"
            f"From: sender{i}@example.net\nTo: user@example.org\n"
            f"Date: Tue, 23 Sep 2003 10:{i % 60:02d}:00 +0000\n"
            f"Message-ID: <bench{i}@example.net>\nSubject: {subject}\nMIME-Version: 1.0\n")


def attachment(boundary, name, ctype, data):
    return (f"--{boundary}\nContent-Type: {ctype}; name=\"{name}\"\n"
            "Content-Transfer-Encoding: base64\n"
            f"Content-Disposition: attachment; filename=\"{name}\"\n\n"
            + base64.encodebytes(data).decode())


def infected(rng, i, kind):
    b = f"=_b{i}"
    if kind == "worm":
        payload = b"MZ" + bytes(58) + WORM_MARKER + bytes(rng.getrandbits(8) for _ in range(2000))
        body = (f"--{b}\nContent-Type: text/html\n\n<html><body>Install this critical update "
                "from Microsoft.</body></html>\n" + attachment(b, "patch.exe", "application/x-msdownload", payload))
        subject = "Current Net Patch"
    else:
        body = (f"--{b}\nContent-Type: text/plain\n\n{text(rng, 400)}"
                + attachment(b, "eicar.com", "application/octet-stream", EICAR))
        subject = "test file"
    return header(rng, i, subject) + f"Content-Type: multipart/mixed; boundary=\"{b}\"\n\n" + body + f"--{b}--\n"


def clean(rng, i):
    size = int(rng.choice((1, 2, 3, 4, 6, 8, 12, 20, 40, 60)) * 1024 * rng.uniform(0.7, 1.0))
    shape = rng.random()
    b = f"=_c{i}"
    if shape < 0.45:
        return header(rng, i, "Re: meeting") + "Content-Type: text/plain; charset=us-ascii\n\n" + text(rng, size)
    if shape < 0.75:
        t = text(rng, size // 2)
        html = "<html><body><p>" + t.replace("\n", "</p>\n<p>") + "</p></body></html>\n"
        return (header(rng, i, "Newsletter") + f"Content-Type: multipart/alternative; boundary=\"{b}\"\n\n"
                f"--{b}\nContent-Type: text/plain\n\n{t}--{b}\nContent-Type: text/html\n\n{html}--{b}--\n")
    if shape < 0.85:
        t = text(rng, size)
        return header(rng, i, "Offer") + "Content-Type: text/html\n\n<html><body>" + t + "</body></html>\n"
    data = bytes(rng.getrandbits(8) for _ in range(size))
    return (header(rng, i, "Document") + f"Content-Type: multipart/mixed; boundary=\"{b}\"\n\n"
            f"--{b}\nContent-Type: text/plain\n\nSee attached.\n"
            + attachment(b, f"report{i}.pdf", "application/pdf", b"%PDF-1.4\n" + data) + f"--{b}--\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("maildir")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--infected-percent", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=2003)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
    infected_count = round(args.count * args.infected_percent / 100)
    chosen = set(rng.sample(range(args.count), infected_count))
    manifest = []
    for i in range(args.count):
        if i in chosen:
            kind = "worm" if len(manifest) % 2 == 0 else "eicar"
            message = infected(rng, i, kind)
        else:
            message = clean(rng, i)
        unique = f"{1064300000 + i}.M{i % 1000000}P{4242}Q{i}.bench"
        name = unique + ":2,S" if rng.random() < 0.8 else unique
        sub = "cur" if name.endswith(":2,S") else "new"
        with open(os.path.join(args.maildir, sub, name), "w") as f:
            f.write(message)
        if i in chosen:
            manifest.append(f"{name} {'Fightback.Worm.TestWorm-1' if kind == 'worm' else 'Fightback.Eicar-Test-Signature'}")
    with open(os.path.join(args.maildir, "infected.txt"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    print(f"{args.count} messages, {infected_count} infected, in {args.maildir}", file=sys.stderr)


if __name__ == "__main__":
    main()
