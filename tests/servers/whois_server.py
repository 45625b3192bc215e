#!/usr/bin/python3
"""WHOIS test servers on loopback for fightback's tests.

--map FILE: JSON {"SERVER-NAME": {"QUERY": "answer-file", ...}, ...}. One TCP listener per
server name on 127.0.0.1 and a free port; each reads one query line and answers with the
file named for it (relative to the map), or "% no entries found" when none is, then closes.
Prints "PORT <name> <port>" per server, then "READY", and serves until killed.
"""
import argparse
import json
import os
import socketserver
import sys
import threading


def make_handler(table, base_dir):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            line = self.rfile.readline(1024).decode("utf-8", "replace").strip()
            name = table.get(line)
            if name is None:
                self.wfile.write(b"% no entries found\r\n")
                return
            with open(os.path.join(base_dir, name), "rb") as f:
                self.wfile.write(f.read())

    return Handler


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--map", required=True)
    args = p.parse_args()
    with open(args.map) as f:
        servers = json.load(f)
    base_dir = os.path.dirname(os.path.abspath(args.map))
    running = []
    for name, table in servers.items():
        srv = Server(("127.0.0.1", 0), make_handler(table, base_dir))
        running.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        print(f"PORT {name} {srv.server_address[1]}", flush=True)
    print("READY", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
