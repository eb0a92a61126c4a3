"""Configuration snippets for nginx, Apache and Caddy, from one build's :class:`HostRules`.

Each says the same: a 301 for every moved URL, the site's 404 page with status 404, a year of
caching for fingerprinted files and five minutes for the rest, the feeds' and images' content types,
the precompressed ``.br``/``.gz`` files served to clients that accept them, and the sub-path when
``base_url`` has one. ``tests/output/test_servers.py`` runs each against the real server.
"""

from __future__ import annotations

import re
from typing import Callable

from ..site.assets import FOLDER, HASH_LENGTH, SUFFIXES
from .hosts import COMPRESSED_TYPES, EXTENSION_TYPES, FEED_TYPES, IMMUTABLE, PACKED, SHORT, HostRules, old_paths

FINGERPRINTED = rf"\.[0-9a-f]{{{HASH_LENGTH}}}\.({'|'.join(suffix[1:] for suffix in SUFFIXES)})"
"""How a fingerprinted file's name ends (site/assets.py): the servers match the name, not a list of
this build's files, so a snippet stays right when an asset changes (only a new redirect changes it)."""

SERVERS = ("nginx", "apache", "caddy")


def _quote(text: str) -> str:
    """A quoted argument: Apache and Caddy take a backslash before a quote as an escape, and keep others."""
    return '"' + text.replace('"', '\\"') + '"'


def _prefix(rules: HostRules) -> str:
    """The base path without its last slash: ``""`` at the root, ``/news`` under a sub-path."""
    return rules.base_path.rstrip("/")


def nginx(rules: HostRules, root: str) -> str:
    """For inside ``server { }``, whose ``root`` is the output folder (the same folder under a sub-path:
    the prefix is taken off before a file is looked up)."""
    prefix = _prefix(rules)
    strip = [f"rewrite ^{re.escape(prefix)}/(.*)$ /$1 break;"] if prefix else []
    lines = [f"# ballerina-site: nginx rules for the site built into {root} (base path {rules.base_path}).",
             f"# Place inside server {{ }} with:  root {root};",
             "# (this snippet has its own `location " + (prefix or "") + "/`: remove yours).",
             "absolute_redirect off;", "index index.html;", "charset utf-8;"]
    if rules.not_found:
        lines.append(f"error_page 404 {rules.not_found};")
    if rules.precompressed:
        lines += ["gzip_static on;", "gzip_vary on;",
                  "# Brotli: load ngx_brotli's static module (Debian: libnginx-mod-http-brotli-static), then uncomment:",
                  "# brotli_static on;"]

    def block(match: str, *body: str) -> None:
        lines.append(f"location {match} {{ " + " ".join(body) + " }")

    if prefix:
        block(f"= {prefix}", f"return 301 {prefix}/;")
    for old, new in rules.redirects:
        for path in old_paths(old):
            block(f"= {path}", f"return 301 {new};")
    block(f'~ "^{re.escape(prefix)}/{FOLDER}.+{FINGERPRINTED}$"', *strip, f'add_header Cache-Control "{IMMUTABLE}";')
    for name, kind in FEED_TYPES.items():
        block(f"~ ^{re.escape(prefix)}/(.+/)?{re.escape(name)}$", *strip, "types { }",
              f'default_type "{kind}";', f'add_header Cache-Control "{SHORT}";')
    for suffix, kind in EXTENSION_TYPES.items():
        block(f"~ ^{re.escape(prefix)}/.*{re.escape(suffix)}$", *strip, "types { }", f'default_type "{kind}";',
              f'add_header Cache-Control "{SHORT}";')
    block(f"{prefix}/", *strip, f'add_header Cache-Control "{SHORT}";', "try_files $uri $uri/index.html =404;")
    return "\n".join(lines) + "\n"


EITHER = r"(\.br|\.gz)"


def _files_match(names: list[str]) -> str:
    """A FilesMatch pattern for these file names, with or without a ``.br``/``.gz`` suffix."""
    return "^(" + "|".join(re.escape(name) for name in names) + ")" + EITHER + "?$"


def apache(rules: HostRules, root: str) -> str:
    """For inside ``<VirtualHost>``: the folder (as ``DocumentRoot``, or an ``Alias`` under a sub-path)
    and its rules. Needs mod_alias, mod_dir, mod_headers, mod_mime and mod_rewrite."""
    folder = root.rstrip("/")
    prefix = _prefix(rules)
    lines = [f"# ballerina-site: Apache rules for the site built into {root} (base path {rules.base_path}).",
             "# Place inside <VirtualHost>. Needs mod_alias, mod_dir, mod_headers, mod_mime, mod_rewrite",
             "# (Debian: a2enmod headers rewrite). If the site lives elsewhere on the server, change the folder."]
    if prefix:
        lines += [f"Alias {_quote(prefix + '/')} {_quote(folder + '/')}",
                  f"RedirectMatch 301 {_quote('^' + re.escape(prefix) + '$')} {_quote(prefix + '/')}"]
    else:
        lines.append(f"DocumentRoot {_quote(folder)}")
    for old, new in rules.redirects:
        pattern = "^" + re.escape(old) + (r"(index\.html)?$" if old.endswith("/") else "$")
        lines.append(f"RedirectMatch 301 {_quote(pattern)} {_quote(new)}")
    lines += [f"<Directory {_quote(folder)}>", "    Require all granted", "    Options -Indexes +FollowSymLinks",
              "    AllowOverride None", "    DirectoryIndex index.html"]
    if rules.not_found:
        lines.append(f"    ErrorDocument 404 {rules.not_found}")
    lines.append(f'    Header set Cache-Control "{SHORT}"')
    lines += [f"    <FilesMatch {_quote(FINGERPRINTED + EITHER + '?$')}>",
              f'        Header set Cache-Control "{IMMUTABLE}"', "    </FilesMatch>"]
    for suffix, kind in EXTENSION_TYPES.items():
        lines.append(f"    AddType {_quote(kind)} {suffix}")
    if rules.precompressed:
        lines += _apache_precompressed(rules)
    for name, kind in FEED_TYPES.items():  # after the precompressed types: a feed is not any XML file
        lines += [f"    <FilesMatch {_quote(_files_match([name]))}>", f"        ForceType {_quote(kind)}",
                  "    </FilesMatch>"]
    lines.append("</Directory>")
    return "\n".join(lines) + "\n"


def _apache_precompressed(rules: HostRules) -> list[str]:
    """Serve ``x.br``/``x.gz`` for ``x`` when the client accepts it (mod_rewrite, per directory, so a
    folder's index.html is found too), with the original's type and the right encoding."""
    lines = ["    RewriteEngine On", f"    RewriteBase {_quote(rules.base_path)}"]
    for suffix, token in ((".br", "br"), (".gz", "gzip")):
        lines += [f'    RewriteCond "%{{HTTP:Accept-Encoding}}" "\\b{token}\\b"',
                  f'    RewriteCond "%{{REQUEST_FILENAME}}{suffix}" -f',
                  f'    RewriteRule "^(.+)$" "$1{suffix}" [L,E=no-gzip:1]']
    lines += ["    AddEncoding br .br", "    AddEncoding gzip .gz"]
    either = EITHER
    for suffix, kind in COMPRESSED_TYPES.items():
        lines += [f"    <FilesMatch {_quote(re.escape(suffix) + either + '$')}>", f"        ForceType {_quote(kind)}",
                  "    </FilesMatch>"]
    kinds = r"\.(" + "|".join(re.escape(suffix[1:]) for suffix in (*COMPRESSED_TYPES, *PACKED)) + ")" + either + "?$"
    lines += [f"    <FilesMatch {_quote(kinds)}>",
              "        Header append Vary Accept-Encoding", "    </FilesMatch>"]
    return lines


def caddy(rules: HostRules, root: str) -> str:
    """For inside a Caddy site block (``example.org { ... }``)."""
    prefix = _prefix(rules)
    lines = [f"# ballerina-site: Caddy rules for the site built into {root} (base path {rules.base_path}).",
             "# Place inside a site block, e.g.  example.org { ... }",
             f"root * {_quote(root)}"]
    if prefix:
        lines.append(f"redir {prefix} {prefix}/ 301")
    for old, new in rules.redirects:
        for path in old_paths(old):
            lines.append(f"redir {path} {new} 301")
    pattern = f"^{re.escape(prefix)}/{FOLDER}.+{FINGERPRINTED}$"
    lines += [f'@ballerina_immutable path_regexp "{pattern}"',
              f'header @ballerina_immutable Cache-Control "{IMMUTABLE}"',
              f'@ballerina_short not path_regexp "{pattern}"', f'header @ballerina_short Cache-Control "{SHORT}"']
    for index, (name, kind) in enumerate([*EXTENSION_TYPES.items(), *FEED_TYPES.items()]):  # the last set wins
        pattern = f"/(.+/)?{re.escape(name)}$" if name in FEED_TYPES else f"/.*{re.escape(name)}$"
        lines += [f"@ballerina_type{index} path_regexp ^{re.escape(prefix)}{pattern}",
                  f'header @ballerina_type{index} Content-Type "{kind}"']
    if prefix:
        lines.append(f"uri strip_prefix {prefix}")
    serve = ["file_server {", "\tprecompressed br gzip", "}"] if rules.precompressed else ["file_server"]
    lines += serve
    if rules.not_found:
        lines += ["handle_errors {", f"\troot * {_quote(root)}",
                  f"\trewrite * /{rules.not_found[len(rules.base_path):]}", *("\t" + line for line in serve), "}"]
    return "\n".join(lines) + "\n"


SNIPPETS: dict[str, Callable[[HostRules, str], str]] = {"nginx": nginx, "apache": apache, "caddy": caddy}
