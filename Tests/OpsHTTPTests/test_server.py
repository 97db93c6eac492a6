"""A small HTTP(S) server for OpsHTTP and uri/wait_for tests. Loopback only.

Routes: /status/N, /json, /text, /echo (method, headers, body as JSON), /redirect?to=PATH&code=N,
/delay/SECONDS, /auth (basic, user "admin", password "s3cret"), /cookies, /headers.
--banner serves raw TCP instead, greeting each client with a line (wait_for search_regex).
Prints "PORT <n>" once it listens. --start-delay waits before binding (wait_for tests).
"""
import argparse
import base64
import json
import os
import socket
import ssl
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, body, content_type="text/plain; charset=utf-8", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def route(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        parts = [p for p in url.path.split("/") if p]
        payload = self.body()
        if not parts:
            return self.send(200, "root\n")
        if parts[0] == "status":
            code = int(parts[1])
            return self.send(code, "status %d\n" % code)
        if parts[0] == "json":
            return self.send(200, json.dumps({"hello": "world", "n": 1, "items": [1, 2]}), "application/json")
        if parts[0] == "text":
            return self.send(200, "plain text body\n")
        if parts[0] == "echo":
            out = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": payload.decode("utf-8", "replace"),
            }
            return self.send(200, json.dumps(out), "application/json")
        if parts[0] == "redirect":
            target = query.get("to", ["/json"])[0]
            code = int(query.get("code", ["302"])[0])
            return self.send(code, "moved\n", headers=[("Location", target)])
        if parts[0] == "delay":
            time.sleep(float(parts[1]))
            return self.send(200, "slept\n")
        if parts[0] == "auth":
            expected = "Basic " + base64.b64encode(b"admin:s3cret").decode()
            if self.headers.get("Authorization") != expected:
                return self.send(401, "login first\n", headers=[("WWW-Authenticate", 'Basic realm="test"')])
            return self.send(200, "welcome\n")
        if parts[0] == "cookies":
            return self.send(200, "cookies\n", headers=[("Set-Cookie", "session=abc123; Path=/"),
                                                         ("Set-Cookie", "theme=dark; Path=/")])
        if parts[0] == "headers":
            return self.send(200, "headers\n", headers=[("X-Custom-Header", "yes"), ("X-Request-Id", "42")])
        return self.send(404, "no route %s\n" % url.path)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = route


class UnixServer(ThreadingHTTPServer):
    address_family = socket.AF_UNIX

    def server_bind(self):
        self.socket.bind(self.server_address)
        self.server_name, self.server_port = "localhost", 0

    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ("local", 0)


def serve_banner(banner, delay):
    """A raw TCP server that greets each client with `banner` after `delay` seconds (SSH-like)."""
    import threading
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    print("PORT %d" % listener.getsockname()[1], flush=True)

    def greet(conn):
        with conn:
            time.sleep(delay)
            conn.sendall(banner.encode() + b"\r\n")
            time.sleep(5)

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=greet, args=(conn,), daemon=True).start()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--banner", help="raw TCP: send this line to each client")
    p.add_argument("--banner-delay", type=float, default=0)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--start-delay", type=float, default=0)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--client-ca", help="require a client certificate signed by this CA")
    p.add_argument("--unix", help="listen on this unix socket instead of TCP")
    args = p.parse_args()
    if args.banner:
        return serve_banner(args.banner, args.banner_delay)
    if args.start_delay:
        time.sleep(args.start_delay)
    if args.unix:
        if os.path.exists(args.unix):
            os.unlink(args.unix)
        server = UnixServer(args.unix, Handler)
    else:
        server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.client_ca)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("PORT %d" % server.server_address[1] if not args.unix else "PORT 0", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
