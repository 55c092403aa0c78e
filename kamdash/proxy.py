"""Several app processes behind nginx: the configuration, and a way to run it all on loopback
for the deployment test and the bench.

One Streamlit process is one core. A team needs several processes on one PostgreSQL
database, behind a reverse proxy that keeps each browser session on one process (sticky
sessions: a session's WebSocket, its uploads and its media must reach the process that holds
the session) and passes WebSocket upgrades on. ``nginx_config`` writes that configuration;
``deploy/nginx.conf.example`` is its output for a typical server, kept equal by a test.

Stickiness: ``affinity="cookie"`` (the default) hashes a cookie nginx sets on a browser's
first request, so sessions spread over the processes even when every user arrives from one
address (an office behind NAT, a corporate proxy, or loopback in the tests);
``affinity="ip"`` is nginx's ``ip_hash``: simpler, but one address (IPv4: its first three
parts) always lands on one process.

This is a tool, not domain code: it starts processes, it holds no business rule.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MAX_UPLOAD_MB = 200  # Streamlit's own limit (server.maxUploadSize); nginx's default is 1 MB
AFFINITY_COOKIE = "kamdash_backend"

_STICKY = {
    "cookie": (
        "    # Sticky sessions: a browser keeps the process its first request was sent to\n"
        "    # (the cookie below), even when many users share one address.\n"
        "    hash $kamdash_backend consistent;"
    ),
    "ip": "    # Sticky sessions by client address (all of 10.1.2.x lands on one process).\n"
          "    ip_hash;",
}


def nginx_config(backends: Sequence[str], listen: str, *, affinity: str = "cookie",
                 prefix: str | None = None, server_name: str = "_") -> str:
    """An nginx configuration: ``listen`` (e.g. ``127.0.0.1:8080`` or ``80``) in front of the
    app processes at ``backends`` (``host:port`` each). With ``prefix`` (a folder) it is a
    whole nginx.conf that keeps its pid, logs and temporary files there and stays in the
    foreground, for a test; without, it is the ``http``-level part for /etc/nginx/conf.d/."""
    if affinity not in _STICKY:
        raise ValueError(f"affinity must be one of {sorted(_STICKY)}, not {affinity!r}")
    servers = "\n".join(f"    server {b};" for b in backends)
    cookie_map = (
        f"# The process a browser sticks to: its {AFFINITY_COOKIE} cookie, or a new random key\n"
        f"# on its first request (which the response then sets as the cookie).\n"
        f"map $cookie_{AFFINITY_COOKIE} $kamdash_backend {{\n"
        f'    ""      $request_id;\n'
        f"    default $cookie_{AFFINITY_COOKIE};\n"
        f"}}\n\n" if affinity == "cookie" else "")
    set_cookie = (
        f'        add_header Set-Cookie "{AFFINITY_COOKIE}=$kamdash_backend; Path=/; HttpOnly; '
        f'SameSite=Lax" always;\n' if affinity == "cookie" else "")
    http = f"""\
# WebSocket: Streamlit talks to the browser over /_stcore/stream.
map $http_upgrade $connection_upgrade {{
    default upgrade;
    ""      close;
}}

{cookie_map}upstream kamdash {{
{_STICKY[affinity]}
{servers}
}}

server {{
    listen {listen};
    server_name {server_name};
    # Uploads (Import and export) go to /_stcore/upload_file: allow Streamlit's own limit.
    client_max_body_size {MAX_UPLOAD_MB}m;

    location / {{
        proxy_pass http://kamdash;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        # $http_host keeps the port: Streamlit compares it with the browser's Origin.
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        # A session's WebSocket stays open as long as the browser tab does.
        proxy_read_timeout 1d;
        proxy_send_timeout 1d;
        proxy_buffering off;
{set_cookie}    }}
}}
"""
    if prefix is None:
        return http
    indented = "".join(f"    {line}" if line else "" for line in http.splitlines(True))
    return f"""\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    # Which process served which browser: the affinity cookie, then the upstream.
    log_format sessions '$cookie_{AFFINITY_COOKIE} $upstream_addr $status "$request"';
    access_log {prefix}/access.log sessions;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

{indented}}}
"""


# deploy/nginx.conf.example: three processes on one host, TLS ended in front of nginx or
# added by IT (see README, Deployment). tests/deploy keeps the file equal to this output.
EXAMPLE_BACKENDS = ("127.0.0.1:8501", "127.0.0.1:8502", "127.0.0.1:8503")
EXAMPLE_LISTEN = "80"
EXAMPLE_SERVER_NAME = "kamdash.example.com"
EXAMPLE_HEADER = """\
# kamdash behind nginx: /etc/nginx/conf.d/kamdash.conf (the http-level part of nginx.conf).
# Generated by kamdash.proxy.nginx_config; see README, Deployment. Three app processes on
# this host, each `streamlit run streamlit_app.py --server.port 850N --server.address
# 127.0.0.1`, all with the same KAMDASH_DATABASE_URL (PostgreSQL) and server.cookieSecret.
# For HTTPS add `listen 443 ssl;` with your certificate, or end TLS in front of nginx.

"""


def example_config() -> str:
    """What deploy/nginx.conf.example holds."""
    return EXAMPLE_HEADER + nginx_config(EXAMPLE_BACKENDS, EXAMPLE_LISTEN,
                                         server_name=EXAMPLE_SERVER_NAME)


def nginx_available() -> bool:
    return Path(NGINX).is_file()


@dataclass
class Front:
    """nginx on ``url`` in front of app processes (each a ``bench_browser.Server``)."""

    url: str
    nginx: subprocess.Popen
    apps: list
    folder: Path


def _wait_until_answers(url: str, process: subprocess.Popen, log: Path, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n"
                               f"{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s:g} s")


@contextmanager
def proxied_app(database_url: str, folder: Path, processes: int = 2, affinity: str = "cookie",
                env: dict[str, str] | None = None) -> Iterator[Front]:
    """``processes`` app processes on ``database_url`` and nginx in front of them, all on free
    loopback ports, nginx in the foreground with its own prefix in ``folder`` (parallel runs
    never meet). Every process shares one cookie secret, as a real deployment must."""
    from kamdash import bench_browser as bb

    folder.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(16)
    with ExitStack() as stack:
        apps = []
        for i in range(processes):
            server = bb.start_server(bb.APP_SCRIPT, database_url, folder / f"app-{i}.log",
                                     env={**(env or {}), "STREAMLIT_SERVER_COOKIE_SECRET": secret})
            stack.callback(bb.stop_server, server)
            apps.append(server)
        prefix = folder / "nginx"
        prefix.mkdir(exist_ok=True)
        port = bb.free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_config([a.url.removeprefix("http://") for a in apps],
                                     f"127.0.0.1:{port}", affinity=affinity, prefix=str(prefix)))
        log = prefix / "nginx.out"
        nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf),
                                  "-e", str(prefix / "error.log")],
                                 stdout=log.open("wb"), stderr=subprocess.STDOUT)

        def stop_nginx() -> None:
            nginx.terminate()
            try:
                nginx.wait(10)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()

        stack.callback(stop_nginx)
        url = f"http://127.0.0.1:{port}"
        _wait_until_answers(f"{url}/_stcore/health", nginx, prefix / "error.log", 30)
        yield Front(url, nginx, apps, folder)
