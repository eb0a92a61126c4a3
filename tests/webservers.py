"""Real web servers from Debian's packages (nginx, apache2, caddy) for the deploy tests.

Each runs as a child process in the foreground, on a free loopback port, with its own configuration
file in a temporary folder that includes the snippet ``deploy-config`` printed; it is stopped when
the test is done. Nothing here depends on the system's own services (the packages' post-install
start is denied by scripts/setup-tests.sh, and the system configuration is never read but for the
MIME table). A missing server fails the test with the command that installs it.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from gates import require
from servekit import BOUND, wait_until

NGINX_BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
APACHE_MODULES = Path("/usr/lib/apache2/modules")
SERVERS = ("nginx", "apache", "caddy")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(port: int, path: str, encoding: str | None = None) -> Answer:
    """One GET of ``path`` as given, with ``Accept-Encoding`` when ``encoding`` is set (else none)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=BOUND)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        if encoding:
            conn.putheader("Accept-Encoding", encoding)
        conn.endheaders()
        answer = conn.getresponse()
        return Answer(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def binary(name: str, what: str) -> str:
    """A server's program; Debian puts nginx and apache2 in /usr/sbin, on a user's PATH or not."""
    found = shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    return require(found or name, what)


def brotli_in_nginx() -> bool:
    """Debian ships nginx's Brotli support as a module of its own (libnginx-mod-http-brotli-static)."""
    return NGINX_BROTLI.is_file()


def _nginx(snippet: str, output: Path, work: Path, port: int) -> list[str]:
    if brotli_in_nginx():
        snippet = snippet.replace("# brotli_static on;", "brotli_static on;")
    (work / "site.conf").write_text(snippet)
    temp = "\n".join(f"  {kind}_temp_path {work}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                         "scgi"))
    (work / "nginx.conf").write_text(
        "daemon off;\n" f"pid {work}/nginx.pid;\n" "error_log stderr warn;\n"
        + (f"load_module {NGINX_BROTLI};\n" if brotli_in_nginx() else "")
        + "events { worker_connections 64; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  access_log off;\n"
        f"{temp}\n  server {{\n    listen 127.0.0.1:{port};\n    root {output};\n"
        f"    include {work}/site.conf;\n  }}\n}}\n")
    return [binary("nginx", "nginx (apt-get install nginx)"), "-c", str(work / "nginx.conf"), "-p", str(work),
            "-e", "stderr"]


def _apache(snippet: str, output: Path, work: Path, port: int) -> list[str]:
    (work / "site.conf").write_text(snippet)
    modules = "\n".join(f"LoadModule {name}_module {APACHE_MODULES}/mod_{name}.so"
                        for name in ("mpm_event", "authz_core", "mime", "dir", "alias", "headers", "rewrite"))
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    (work / "apache.conf").write_text(
        f"ServerRoot {work}\nListen 127.0.0.1:{port}\nServerName 127.0.0.1\nPidFile {work}/apache.pid\n"
        f"ErrorLog /dev/stderr\nLogLevel warn\nMutex file:{work}\nDefaultRuntimeDir {work}\n{modules}\n{user}"
        f"TypesConfig /etc/mime.types\n<VirtualHost 127.0.0.1:{port}>\nInclude {work}/site.conf\n</VirtualHost>\n")
    return [binary("apache2", "Apache (apt-get install apache2)"), "-f", str(work / "apache.conf"), "-DFOREGROUND"]


def _caddy(snippet: str, output: Path, work: Path, port: int) -> list[str]:
    (work / "Caddyfile").write_text("{\n\tadmin off\n\tauto_https off\n}\n"
                                    f"http://127.0.0.1:{port} {{\n{snippet}}}\n")
    return [binary("caddy", "Caddy (apt-get install caddy)"), "run", "--config", str(work / "Caddyfile"),
            "--adapter", "caddyfile"]


COMMANDS = {"nginx": _nginx, "apache": _apache, "caddy": _caddy}


@contextlib.contextmanager
def web_server(kind: str, snippet: str, output: Path, work: Path) -> Iterator[int]:
    """Run server ``kind`` with ``snippet`` serving ``output``; yields its port. ``work``: a folder
    of its own for the configuration, pid and temporary files."""
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = COMMANDS[kind](snippet, output, work, port)
    env = {**os.environ, "HOME": str(work), "XDG_DATA_HOME": str(work / "data"),
           "XDG_CONFIG_HOME": str(work / "config")}
    log = open(work / "server.log", "wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    try:
        wait_until(lambda: process.poll() is not None or _listening(port), f"{kind} listening on {port}")
        if process.poll() is not None:
            raise AssertionError(f"{kind} did not start:\n{(work / 'server.log').read_text(errors='replace')}")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=BOUND)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
