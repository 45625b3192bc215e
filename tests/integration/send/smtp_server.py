#!/usr/bin/python3
"""An SMTP server for the sending tests, on aiosmtpd (Debian's python3-aiosmtpd).

It listens on 127.0.0.1 and a port the test chose, stores what it accepts in a Maildir, and
can misbehave on request: STARTTLS offered or required (with a certificate the test made),
implicit TLS (smtps), AUTH, a 4xx or 5xx answer to the end of DATA, the connection dropped in
the middle of DATA, or the client killed (SIGKILL) when it reaches RCPT or the end of DATA
(after the message is stored, before the answer): the crash the outbox must survive.

Prints "ready" on standard output once it accepts connections; stops on SIGTERM or when
standard input closes.
"""
import argparse
import mailbox
import os
import signal
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-starttls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth", help="USER:PASSWORD required before MAIL")
    p.add_argument("--data-reply", help='answer to the end of DATA, e.g. "451 4.3.0 later"')
    p.add_argument("--drop-during-data", action="store_true")
    p.add_argument("--kill-pid-file", help="file holding the client's pid")
    p.add_argument("--kill-at", choices=["rcpt", "data"])
    return p.parse_args()


def kill_client(pid_file):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            with open(pid_file) as f:
                text = f.read().strip()
            if text:
                os.kill(int(text), signal.SIGKILL)
                return
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.02)
    print("kill: no pid", file=sys.stderr, flush=True)


class Handler:
    def __init__(self, args):
        self.args = args
        self.maildir = mailbox.Maildir(args.maildir, create=True)
        self.kills = 0

    def kill_once(self, where):
        if self.args.kill_at == where and self.kills == 0:
            self.kills += 1
            kill_client(self.args.kill_pid_file)
            return True
        return False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.kill_once("rcpt"):
            return "451 4.3.0 the client was killed"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.data_reply:
            return self.args.data_reply
        message = mailbox.MaildirMessage(envelope.original_content)
        message["X-Test-Mail-From"] = envelope.mail_from
        message["X-Test-Rcpt-To"] = " ".join(envelope.rcpt_tos)
        tls = session.ssl or server.transport.get_extra_info("ssl_object") is not None
        message["X-Test-TLS"] = "yes" if tls else "no"
        message["X-Test-Auth"] = str(session.authenticated)
        self.maildir.add(message)
        self.kill_once("data")
        return "250 OK stored"


class DroppingSMTP(SMTP):
    """Answers DATA with 354, reads the first lines of the message, then hangs up."""

    async def smtp_DATA(self, arg):
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        for _ in range(3):
            await self._reader.readuntil(b"\r\n")
        self.transport.close()


class TestController(Controller):
    def __init__(self, handler, args, **kwargs):
        self.dropping = args.drop_during_data
        super().__init__(handler, **kwargs)

    def factory(self):
        cls = DroppingSMTP if self.dropping else SMTP
        return cls(self.handler, **self.SMTP_kwargs)


def main():
    args = parse_args()
    kwargs = {"hostname": "127.0.0.1", "port": args.port}
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    if args.implicit_tls:
        kwargs["ssl_context"] = context
    elif context:
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = args.require_starttls
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
                  and auth_data.password.decode() == password)
            return AuthResult(success=ok)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        # aiosmtpd counts only STARTTLS as TLS; with implicit TLS the whole session is.
        kwargs["auth_require_tls"] = context is not None and not args.implicit_tls
    controller = TestController(Handler(args), args, **kwargs)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
