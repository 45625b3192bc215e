#!/usr/bin/python3
"""An RDAP test server on loopback for fightback's tests and benchmark.

Two modes:
  --routes FILE   answers from a routes file (JSON): {"HOST PATH": [response, ...], ...}
                  where a response is {"status": 200, "file": "name.json" | "body": "...",
                  "headers": {...}, "repeat_body": N}; successive requests to one route take
                  successive responses, the last one repeats. Files are read relative to the
                  routes file.
  --synthetic     answers every /ip/ADDR with an ip network whose range is the /24 (IPv4) or
                  /48 (IPv6) around ADDR, with an abuse entity abuse@<range-label>.<host>.
--delay-ms N waits before every answer. GET /_stats returns {"requests": {HOST: count}}.
The server binds 127.0.0.1 on a free port, prints "PORT <n>" and serves until killed.
"""
import argparse
import ipaddress
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = {}
        self.seen = {}


def synthetic_answer(host, addr_text):
    ip = ipaddress.ip_address(addr_text)
    net = ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False)
    label = str(net.network_address).replace(".", "-").replace(":", "-")
    return {
        "objectClassName": "ip network",
        "handle": f"NET-{label}",
        "startAddress": str(net.network_address),
        "endAddress": str(net.broadcast_address),
        "ipVersion": f"v{ip.version}",
        "entities": [{
            "objectClassName": "entity",
            "handle": f"ABUSE-{label}",
            "roles": ["abuse"],
            "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                                     ["fn", {}, "text", "Abuse desk"],
                                     ["email", {"type": "abuse"}, "text",
                                      f"abuse@n{label}.example"]]],
        }],
    }


def make_handler(args, routes, base_dir, state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def send(self, status, body, headers=None, content_type="application/rdap+json"):
            data = body if isinstance(body, bytes) else body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            host = self.headers.get("Host", "").split(":")[0].lower()
            if self.path == "/_stats":
                with state.lock:
                    self.send(200, json.dumps({"requests": state.requests}),
                              content_type="application/json")
                return
            with state.lock:
                state.requests[host] = state.requests.get(host, 0) + 1
            if args.delay_ms:
                time.sleep(args.delay_ms / 1000.0)
            if args.synthetic:
                marker = "/ip/"
                i = self.path.find(marker)
                if i < 0:
                    self.send(404, json.dumps({"errorCode": 404, "title": "Not Found"}))
                    return
                try:
                    answer = synthetic_answer(host, self.path[i + len(marker):])
                except ValueError:
                    self.send(400, json.dumps({"errorCode": 400, "title": "Bad Request"}))
                    return
                self.send(200, json.dumps(answer))
                return
            key = f"{host} {self.path}"
            responses = routes.get(key)
            if not responses:
                self.send(404, json.dumps({"errorCode": 404, "title": "Not Found",
                                           "description": [key]}))
                return
            with state.lock:
                n = state.seen.get(key, 0)
                state.seen[key] = n + 1
            r = responses[min(n, len(responses) - 1)]
            if "file" in r:
                with open(os.path.join(base_dir, r["file"]), "rb") as f:
                    body = f.read()
            else:
                body = r.get("body", "").encode()
            body = body * int(r.get("repeat_body", 1))
            self.send(int(r.get("status", 200)), body, r.get("headers"))

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--routes")
    p.add_argument("--synthetic", action="store_true")
    p.add_argument("--delay-ms", type=int, default=0)
    args = p.parse_args()
    routes, base_dir = {}, "."
    if args.routes:
        with open(args.routes) as f:
            routes = json.load(f)
        base_dir = os.path.dirname(os.path.abspath(args.routes))
    state = State()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(args, routes, base_dir, state))
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
