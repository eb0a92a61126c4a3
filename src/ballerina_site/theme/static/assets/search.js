/* ballerina-site search page: queries the Pagefind index written into /pagefind/ by the build.
   No network beyond this site. The form is a plain GET form (?q=...&tag=...&category=...), so a
   search can be linked and works from the header box before this script has loaded. */
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.querySelector("[data-search-form]");
  if (!script || !form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.querySelector("[data-search-status]");
  var list = document.querySelector("[data-search-results]");
  var moreWrap = document.querySelector("[data-search-more-wrap]");
  var moreButton = document.querySelector("[data-search-more]");
  var searchPath = form.getAttribute("action");
  var PAGE = 10;
  var pagefind = null;
  var current = 0;
  var pending = ranked([]);
  var timer = 0;

  /* The index comes in shards: pagefind/shards.json lists the bundles to merge into the primary one
     (with Pagefind's own mergeIndex, each tagged with a "shard" filter of its own so that a search
     without words can list each apart, see newestFirst) and the ids of pages that are out of date
     there (edited or deleted since their shard was indexed; the "delta" bundle has the edited ones),
     which are left out of every result. Pagefind runs without its web worker: one script less to
     download, and a search takes milliseconds. */
  var shardNames = ["0"];
  var stale = new Set();

  function load() {
    if (!pagefind) {
      var bundle = script.dataset.pagefind.replace(/[^\/]*$/, "");
      var manifest = fetch(bundle + "shards.json").then(function (response) {
        return response.ok ? response.json() : {};
      }).catch(function () { return {}; });
      pagefind = import(script.dataset.pagefind).then(function (pf) {
        return manifest.then(function (found) {
          var list = found.bundles || [];
          stale = new Set(found.stale || []);
          var tagged = list.length ? { mergeFilter: { shard: "0" } } : {};
          return Promise.resolve(pf.options(Object.assign({ baseUrl: script.dataset.base, noWorker: true },
                                                          tagged))).then(function () {
            pf.init();
            return Promise.all(list.map(function (path, i) {
              shardNames.push(String(i + 1));
              return pf.mergeIndex(bundle + path, { mergeFilter: { shard: String(i + 1) } });
            }));
          });
        }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function upToDate(results) {
    return results.filter(function (r) { return !stale.has(r.id); });
  }

  /* Results one page at a time. With words, Pagefind ranks the merged shards itself. Without words
     (filters only) Pagefind lists a bundle's articles in the order the build gave them, newest first,
     but the merge does not know dates, so the shards are listed apart and merged here by date,
     loading only the head of each list. */
  function ranked(results) {
    return {
      total: results.length,
      left: function () { return results.length > 0; },
      next: function (count) {
        return Promise.all(results.splice(0, count).map(function (r) { return r.data(); }));
      }
    };
  }

  function newestFirst(pf, filters) {
    return Promise.all(shardNames.map(function (name) {
      return pf.search(null, { filters: Object.assign({}, filters, { shard: name }) });
    })).then(function (found) {
      var lists = found.map(function (f) { return f ? upToDate(f.results) : []; });
      var heads = lists.map(function () { return null; });
      function head(i) {
        if (!heads[i] && lists[i].length) heads[i] = lists[i].shift().data();
        return heads[i];
      }
      /* By the moment, not the text: "2025-06-02T01:00:00+02:00" is older than "2025-06-01T23:30:00-05:00". */
      function moment(d) { return Date.parse(d.meta.datetime || "") || 0; }
      function take(count, out) {
        return Promise.all(lists.map(function (_, i) { return head(i); })).then(function (data) {
          var best = -1;
          data.forEach(function (d, i) {
            if (d && (best < 0 || moment(d) > moment(data[best]))) best = i;
          });
          if (best < 0 || out.length >= count) return out;
          out.push(data[best]);
          heads[best] = null;
          return take(count, out);
        });
      }
      return {
        total: lists.reduce(function (sum, list) { return sum + list.length; }, 0),
        left: function () { return heads.some(Boolean) || lists.some(function (l) { return l.length; }); },
        next: function (count) { return take(count, []); }
      };
    });
  }

  function checked(name) {
    return Array.prototype.filter.call(form.querySelectorAll("input[name=" + name + "]"), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
  }

  function fromUrl() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    ["category", "tag"].forEach(function (name) {
      var wanted = params.getAll(name);
      form.querySelectorAll("input[name=" + name + "]").forEach(function (box) {
        box.checked = wanted.indexOf(box.value) !== -1;
      });
      if (wanted.length) {
        var details = form.querySelector("[data-search-filters]");
        if (details) details.open = true;
      }
    });
  }

  function toUrl() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    checked("category").forEach(function (v) { params.append("category", v); });
    checked("tag").forEach(function (v) { params.append("tag", v); });
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function say(text) { status.textContent = text; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* Pagefind's excerpt is HTML with <mark> around matches; keep only text and <mark>. */
  function excerpt(html) {
    var out = el("p", "search-result__excerpt");
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body;
    parsed.firstChild.childNodes.forEach(function walk(node) {
      if (node.nodeType === 3) out.appendChild(document.createTextNode(node.textContent));
      else if (node.nodeName === "MARK") out.appendChild(el("mark", "", node.textContent));
      else node.childNodes.forEach(walk);
    });
    return out;
  }

  function filterLink(name, value, className) {
    var a = el("a", className || "tag", value);
    a.href = searchPath + "?" + new URLSearchParams([[name, value]]).toString();
    return a;
  }

  function render(data) {
    var meta = data.meta || {};
    var filters = data.filters || {};
    var item = el("li", "search-result");
    var article = el("article", "");
    var heading = el("h2", "search-result__title");
    var link = el("a", "", meta.title || data.url);
    link.href = data.url;
    heading.appendChild(link);
    article.appendChild(heading);
    var line = el("p", "search-result__meta");
    if (meta.date) {
      var time = el("time", "", meta.date);
      if (meta.datetime) time.setAttribute("datetime", meta.datetime);
      line.appendChild(time);
    }
    (filters.category || []).forEach(function (name) {
      if (line.childNodes.length) line.appendChild(document.createTextNode(" · "));
      line.appendChild(filterLink("category", name, "search-result__category"));
    });
    if (line.childNodes.length) article.appendChild(line);
    if (meta.summary) article.appendChild(el("p", "search-result__summary", meta.summary));
    if (data.excerpt) article.appendChild(excerpt(data.excerpt));
    if (filters.tag && filters.tag.length) {
      var tags = el("ul", "tags");
      tags.setAttribute("aria-label", "Tags");
      filters.tag.forEach(function (name) {
        var li = el("li", "");
        li.appendChild(filterLink("tag", name));
        tags.appendChild(li);
      });
      article.appendChild(tags);
    }
    item.appendChild(article);
    return item;
  }

  function showMore(run) {
    return pending.next(PAGE).then(function (items) {
      if (run !== current) return;
      items.forEach(function (data) { list.appendChild(render(data)); });
      moreWrap.hidden = !pending.left();
    });
  }

  function search() {
    var run = ++current;
    var query = input.value.trim();
    var filters = {};
    var categories = checked("category");
    var tags = checked("tag");
    if (categories.length) filters.category = { any: categories };
    if (tags.length) filters.tag = { any: tags };
    toUrl();
    if (!query && !categories.length && !tags.length) {
      list.textContent = "";
      moreWrap.hidden = true;
      say("");
      return Promise.resolve();
    }
    say("Searching…");
    return load().then(function (pf) {
      if (!query && shardNames.length > 1) return newestFirst(pf, filters);
      return pf.search(query || null, { filters: filters })
        .then(function (found) { return found && ranked(upToDate(found.results)); });
    }).then(function (found) {
      if (run !== current || !found) return;
      list.textContent = "";
      pending = found;
      var count = found.total;
      var about = query ? " for “" + query + "”" : "";
      var within = categories.concat(tags).length ? " with the chosen filters" : "";
      /* Announce only once the results are on the page. */
      return showMore(run).then(function () {
        if (run !== current) return;
        say(count === 0 ? "No articles found" + about + within + "."
                        : count + (count === 1 ? " article" : " articles") + " found" + about + within + ".");
      });
    }).catch(function () {
      if (run === current) say("Search is not available right now. Try the archive instead.");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(timer);
    search();
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    /* While the reader types, fetch the index chunks the words need (Pagefind's preload): once
       typing pauses, the search has them (some 100 ms sooner at 10,000 articles). From four letters
       on: the chunks a word's first four letters need are, as a rule, the whole word's (one per shard);
       with three, a common start ("pre", "tra") would fetch several more. */
    var words = input.value.trim();
    if (words.length >= 4) {
      load().then(function (pf) { return pf.preload(words); }).catch(function () {});
    }
    timer = window.setTimeout(search, 120);
  });
  /* Fetch the runtime and the index's first files as soon as the reader heads for the box. */
  input.addEventListener("focus", load);
  form.addEventListener("change", function (event) {
    if (event.target.type !== "checkbox") return;
    /* A search still waiting for typing to pause would only show the same results again, replacing
       the list under the reader's pointer: this one searches with the words as they are. */
    window.clearTimeout(timer);
    search();
  });
  moreButton.addEventListener("click", function () {
    var next = list.children.length;
    showMore(current).then(function () {
      var first = list.children[next];
      var link = first && first.querySelector("a");
      if (link) link.focus();
    });
  });
  fromUrl();
  if (input.value.trim() || checked("category").length || checked("tag").length) search();
})();
