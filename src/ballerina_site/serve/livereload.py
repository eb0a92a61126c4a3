"""Live reload over Server-Sent Events: open tabs follow rebuilds and show build errors.

The server adds a small script to every HTML page it sends (the files on disk never contain it).
The script opens an event stream and

* reloads the tab when a rebuild has *finished writing* (the event is sent only after the output
  folder was swapped in, so a reload never sees a half-written site);
* swaps stylesheets in place when only CSS changed, keeping the scroll position;
* shows build errors as an overlay with the same ``path:line: message`` lines the terminal prints,
  and reloads once a rebuild succeeds again.

Every page carries the build number it was served from (and the server's session); a tab that
reconnects (server restarted, laptop woke up, tab came back from the background) compares them and
reloads if it missed a build.
Hidden tabs close their stream, so many open tabs don't use up the browser's six connections.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Callable

EVENTS_PATH = "/__ballerina/events"
PING_SECONDS = 15.0
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)

SCRIPT = """<script id="ballerina-live-reload">(function () {
  "use strict";
  var build = %(build)d, session = %(session)s, source = null, shown = null;
  function overlay(text) {
    var box = document.getElementById("ballerina-live-error");
    if (text === null) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "ballerina-live-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "all:initial;position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:#1b1010;color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;" +
        "padding:2em;box-sizing:border-box;white-space:pre-wrap;";
      var title = document.createElement("strong");
      title.textContent = "Build failed. Fix the file and save: this page reloads by itself (the server keeps the last good build).";
      title.style.cssText = "display:block;color:#ff8a8a;margin-bottom:1em;font:inherit;font-weight:bold;";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;font:inherit;white-space:pre-wrap;color:inherit;";
      box.appendChild(title); box.appendChild(pre);
      document.documentElement.appendChild(box);
    }
    box.lastChild.textContent = text;
  }
  function swapStyles(next) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var old = links[i], url = new URL(old.href, location.href);
      if (url.origin !== location.origin) continue;
      url.pathname = url.pathname.replace(/\\.[0-9a-f]{8}(\\.css)$/, "$1");  // the plain name: a new build renames
      url.searchParams.set("ballerina-build", next);
      var fresh = old.cloneNode();
      fresh.href = url.href;
      fresh.onload = fresh.onerror = (function (o) { return function () { o.remove(); }; })(old);
      old.after(fresh);
    }
  }
  function state(data) {
    var message = JSON.parse(data);
    if (message.error !== null) { shown = message.error; overlay(message.error); return; }
    if (message.session !== session) { location.reload(); return; }
    if (message.build === build && shown === null) return;
    if (message.css && shown === null) { build = message.build; swapStyles(build); return; }
    location.reload();
  }
  function connect() {
    if (source) return;
    source = new EventSource("%(events)s");
    source.addEventListener("state", function (event) { state(event.data); });
  }
  function disconnect() { if (source) { source.close(); source = null; } }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") disconnect(); else connect();
  });
  window.addEventListener("pagehide", disconnect);
  if (document.visibilityState !== "hidden") connect();
})();</script>
"""


@dataclass(frozen=True, slots=True)
class State:
    """What every tab should show: the newest good build, and the error of the last attempt if it
    failed. ``css`` says the newest build changed only stylesheets."""

    session: str
    build: int
    css: bool
    error: str | None

    def event(self) -> bytes:
        data = json.dumps({"session": self.session, "build": self.build, "css": self.css,
                           "error": self.error})
        return f"event: state\ndata: {data}\n\n".encode()


class LiveReload:
    """Holds the state and wakes every open event stream when it changes. Thread-safe."""

    def __init__(self, build: int = 1, error: str | None = None):
        self.session = secrets.token_hex(6)
        self._state = State(self.session, build, False, error)
        self._changed = threading.Condition()
        self._closed = False
        self.clients = 0

    @property
    def state(self) -> State:
        return self._state

    def _publish(self, state: State) -> None:
        with self._changed:
            self._state = state
            self._changed.notify_all()

    def built(self, css_only: bool = False) -> State:
        """A rebuild has been written: every tab reloads (or swaps CSS) to the new build."""
        state = State(self.session, self._state.build + 1, css_only and self._state.error is None, None)
        self._publish(state)
        return state

    def failed(self, message: str) -> State:
        """A rebuild failed: the last good build stays, every tab shows ``message``."""
        state = State(self.session, self._state.build, False, message)
        self._publish(state)
        return state

    def close(self) -> None:
        """End every event stream, so the server can stop without waiting for browsers."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    # --- the server's Extension ------------------------------------------------------------
    def injector(self) -> Callable[[bytes], bytes]:
        """Taken *before* the page is read, so a page is never stamped with a newer build than
        the one it came from (which would make its tab miss that build's reload)."""
        script = (SCRIPT % {"build": self._state.build, "session": json.dumps(self.session),
                            "events": EVENTS_PATH}).encode()

        def inject(html: bytes) -> bytes:
            ends = list(_BODY_END.finditer(html))
            if not ends:
                return html + script
            at = ends[-1].start()
            return html[:at] + script + html[at:]

        return inject

    def handle(self, handler: BaseHTTPRequestHandler, path: str) -> bool:
        if path.partition("?")[0] != EVENTS_PATH:
            return False
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
        handler.send_header("Cache-Control", "no-store")
        handler.send_header("X-Accel-Buffering", "no")
        handler.end_headers()
        if handler.command == "HEAD":
            return True
        with self._changed:
            self.clients += 1
        try:
            self._stream(handler)
        except (ConnectionError, TimeoutError):
            pass
        finally:
            with self._changed:
                self.clients -= 1
        return True

    def _stream(self, handler: BaseHTTPRequestHandler) -> None:
        out = handler.wfile
        sent = self._state
        out.write(b"retry: 1000\n\n" + sent.event())
        out.flush()
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._closed or self._state is not sent, PING_SECONDS)
                if self._closed:
                    return
                current = self._state
            if current is sent:
                out.write(b": ping\n\n")
            else:
                out.write(current.event())
                sent = current
            out.flush()
