"""``ballerina-site deploy-config nginx|apache|caddy``: print the server rules for the built site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import Commands


def add_parser(commands: Commands) -> None:
    from ..render.servers import SERVERS

    deploy = commands.add_parser(
        "deploy-config", help="print nginx, Apache or Caddy rules for the site as last built",
        description="Print, for the site as last built into the output folder, a snippet for the web "
                    "server: 301 for every moved URL, the 404 page with status 404, a year of caching for "
                    "fingerprinted assets and short caching for the rest, content types, precompressed "
                    ".br/.gz files, the sub-path of base_url. nginx: inside server { } (root = the output "
                    "folder); apache: inside <VirtualHost>; caddy: inside a site block. See docs/deploy.md.")
    deploy.add_argument("server", choices=SERVERS, help="the web server")
    deploy.add_argument("--source", "-s", type=Path, default=Path("."), metavar="DIR",
                        help="site folder (default: current folder)")
    deploy.add_argument("--output", "-o", type=Path, metavar="DIR",
                        help="the built output folder (default: public/ inside the site folder)")
    deploy.add_argument("--server-root", metavar="PATH",
                        help="where the server finds the output folder, if not where it is here "
                             "(e.g. /srv/news/public after an rsync)")


def run(args: argparse.Namespace) -> int:
    from ..pipeline.options import DEFAULT_OUTPUT
    from ..render.servers import SNIPPETS
    from ..store.hostrules import load_rules
    from ..store.store import FOLDER, Store

    output = args.output if args.output is not None else args.source / DEFAULT_OUTPUT
    rules = load_rules(Store(args.source), output)
    if rules is None or not output.is_dir():
        print(f"error: {output}: no build of this output folder is recorded in {args.source / FOLDER} "
              f"(run `ballerina-site build` first, without --no-cache)", file=sys.stderr)
        return 1
    root = args.server_root.rstrip("/") or "/" if args.server_root else str(output.resolve())
    sys.stdout.write(SNIPPETS[args.server](rules, root))
    return 0
