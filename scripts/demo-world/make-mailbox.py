#!/usr/bin/python3
"""Writes the demo's sample Maildir: copies of the project's made-up test worm from many
networks (RFC 5737 documentation addresses that the demo's DNS zones and RDAP fixtures know),
clean mail, an IFrame-exploit case held for review, a worm whose lower Received lines are
forged, and a worm from a network with no abuse contact. Nothing here is real malware: the
worm is a marker string the project's test signature database names Fightback.Worm.TestWorm-1.

usage: make-mailbox.py MAILDIR [--copies N] [--clean N]
"""
import argparse
import base64
import os
import random
import time
from email.utils import formatdate

# The copies arrived over the last two hours (complaints are made only about recent mail:
# [report] max_age, 3 days by default), a minute apart, whatever their number.
NOW = int(time.time())


def date(n, offset=0):
    return formatdate(NOW - 7200 + 60 * (n % 100) + offset, localtime=False)

# The worm's payload marker, assembled here so this file itself is not detected.
WORM = ("FIGHTBACK-TEST-" + "WORM:swen-like-payload").encode()
IFRAME = "<iframe src=3Dcid:" + "fightback-test-exploit"

# Sources with an abuse contact in the RDAP fixtures (ARIN, LACNIC via a redirect, RIPE,
# APNIC, AFRINIC), and one whose registry has no record of it (no contact: .Unresolved).
SOURCES = ["192.0.2.10", "192.0.2.11", "192.0.2.120", "192.0.2.70", "192.0.2.200",
           "198.51.100.7", "203.0.113.50", "203.0.113.140"]
NO_CONTACT = "203.0.113.50"


def received(ip, n):
    return (f"Received: from mx1.ours.example (mx1.ours.example [10.1.0.25])\n"
            f"\tby mail.ours.example (Postfix) with ESMTP id 4AB{n:05X}\n"
            f"\tfor <alice@ours.example>; {date(n, 2)}\n"
            f"Received: from unknown (helo=user) ([{ip}])\n"
            f"\tby mx1.ours.example (Postfix) with SMTP id 91F{n:05X}\n"
            f"\tfor <alice@ours.example>; {date(n)}\n")


def worm(ip, n, forged=""):
    payload = base64.encodebytes(b"MZ" + bytes(64) + WORM + bytes(64)).decode()
    return (f"Return-Path: <rqfolgo{n}@msdn.example>\n" + received(ip, n) + forged +
            f"From: \"Microsoft Corporation Security Center\" <rqfolgo{n}@msdn.example>\n"
            "To: alice@ours.example\nSubject: Current Net Patch\n"
            f"Date: {date(n, -5)}\nMessage-ID: <worm-{n:04}@demo.example>\n"
            "MIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="b1"\n\n'
            "--b1\nContent-Type: text/plain\n\n"
            "Microsoft Customer, this is the latest version of security update.\n\n"
            '--b1\nContent-Type: application/x-msdownload; name="q123456.exe"\n'
            "Content-Transfer-Encoding: base64\n"
            'Content-Disposition: attachment; filename="q123456.exe"\n\n'
            f"{payload}\n--b1--\n")


def clean(n):
    return (received("10.1.2.3", n) +
            "From: Bob <bob@friends.example>\nTo: alice@ours.example\n"
            f"Subject: lunch on day {n}?\nDate: {date(n, -5)}\n"
            f"Message-ID: <clean-{n:04}@friends.example>\n\nShall we meet at noon?\n")


def iframe(n):
    return ("Return-Path: <news@promo.example>\n" + received("198.51.100.7", n) +
            "From: <news@promo.example>\nTo: alice@ours.example\nSubject: your account\n"
            f"Date: {date(n, -5)}\nMessage-ID: <iframe-{n:04}@promo.example>\n"
            "MIME-Version: 1.0\nContent-Type: text/html\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
            f"<html><body>{IFRAME} height=3D0 width=3D0></iframe></body></html>\n")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("maildir")
    p.add_argument("--copies", type=int, default=24)
    p.add_argument("--clean", type=int, default=8)
    args = p.parse_args()
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(args.maildir, sub), mode=0o700, exist_ok=True)
    rng = random.Random(2003)
    messages = []
    for n in range(args.copies):
        messages.append(worm(SOURCES[n % len(SOURCES)], n))
    # The worm's own fake lines below the real hop: the trace stops at the first hop our
    # servers did not write, so the made-up 10.x and "trusted" lines are never believed.
    forged = ("Received: from mail.microsoft.example ([10.9.9.9]) by relay.trusted.example\n"
              f"\twith SMTP; {date(0, -900)}\n"
              f"Received: from [192.0.2.66] by mail.microsoft.example; {date(0, -1800)}\n")
    messages.append(worm("203.0.113.140", 900, forged))
    messages.append(worm(NO_CONTACT, 901))
    messages.append(iframe(902))
    for n in range(args.clean):
        messages.append(clean(1000 + n))
    rng.shuffle(messages)
    for i, text in enumerate(messages):
        sub = "new" if i % 3 else "cur"
        name = f"1065000{i:03}.M{i}P1Q1.demo" + (":2,S" if sub == "cur" else "")
        with open(os.path.join(args.maildir, sub, name), "w") as f:
            f.write(text.replace("\n", "\r\n") if i % 5 == 0 else text)
    print(f"{len(messages)} messages in {args.maildir}")


if __name__ == "__main__":
    main()
