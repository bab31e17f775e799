/* newsclaims view: the overview's document table. The search index is in chunks (index/docs-NNNN.js,
   each a script that calls NC_INDEX.add), so the site works from file:// with no server; the first page
   of the table is in the HTML, and search, filters and paging work once the chunks are in. */
(function () {
  "use strict";
  var table = document.getElementById("doc-table");
  var body = document.getElementById("doc-rows");
  var statusLine = document.getElementById("doc-status");
  var info = document.getElementById("page-info");
  var prev = document.getElementById("page-prev"), next = document.getElementById("page-next");
  var chunks = parseInt(table.getAttribute("data-chunks"), 10) || 0;
  var pageRows = parseInt(table.getAttribute("data-page-rows"), 10) || 50;
  var inputs = {doc: document.getElementById("q-doc"), entity: document.getElementById("q-entity"),
                source: document.getElementById("q-source"), split: document.getElementById("q-split"),
                problems: document.getElementById("q-problems")};
  var parts = [], loaded = 0, rows = [], shown = [], page = 0;
  // row: [doc_id, title, split, entities, mentions, claims, problems, entity names joined by U+001F, source ids joined by U+001F]
  window.NC_INDEX = {add: function (number, chunk) { parts[number] = chunk; }};

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; });
  }
  function filter() {
    var q = inputs.doc.value.trim().toLowerCase(), e = inputs.entity.value.trim().toLowerCase();
    var source = inputs.source.value, split = inputs.split.value, problems = inputs.problems.checked;
    shown = rows.filter(function (r) {
      if (q && r[0].indexOf(q) < 0 && r[1].toLowerCase().indexOf(q) < 0) return false;
      if (e && r[7].toLowerCase().indexOf(e) < 0) return false;
      if (source && ("\u001f" + r[8] + "\u001f").indexOf("\u001f" + source + "\u001f") < 0) return false;
      if (split && r[2] !== split) return false;
      if (problems && !r[6]) return false;
      return true;
    });
    page = 0;
    render();
  }
  function render() {
    var pages = Math.max(1, Math.ceil(shown.length / pageRows));
    page = Math.min(page, pages - 1);
    var from = page * pageRows, to = Math.min(shown.length, from + pageRows), html = [];
    for (var i = from; i < to; i++) {
      var r = shown[i];
      html.push("<tr" + (r[6] ? " class=\"has-problem\"" : "") + "><td><a href=\"doc/" + esc(r[0]) + ".html\">" + esc(r[0]) + "</a></td><td>" +
                esc(r[1]) + "</td><td>" + esc(r[2]) + "</td><td class=\"n\">" + r[3] + "</td><td class=\"n\">" + r[4] + "</td><td class=\"n\">" +
                r[5] + "</td><td class=\"n\">" + (r[6] ? "⚠ " + r[6] : "0") + "</td></tr>");
    }
    body.innerHTML = html.join("");
    statusLine.textContent = shown.length ? "Documents " + (from + 1) + "–" + to + " of " + shown.length +
      (shown.length !== rows.length ? " (of " + rows.length + ")" : "") : "No document matches (of " + rows.length + ")";
    info.textContent = "page " + (page + 1) + " of " + pages;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }
  function ready() {
    rows = [].concat.apply([], parts);
    Object.keys(inputs).forEach(function (name) {
      inputs[name].addEventListener(inputs[name].tagName === "SELECT" || inputs[name].type === "checkbox" ? "change" : "input", filter);
    });
    prev.addEventListener("click", function () { page--; render(); });
    next.addEventListener("click", function () { page++; render(); });
    document.querySelectorAll(".source-filter").forEach(function (button) {
      button.addEventListener("click", function () {
        inputs.source.value = button.getAttribute("data-source");
        filter();
        table.scrollIntoView();
      });
    });
    filter();
    window.NC_READY = true;
  }
  function load(number) {
    var script = document.createElement("script");
    script.src = "index/docs-" + ("000" + number).slice(-4) + ".js";
    script.onload = function () { if (++loaded === chunks) ready(); };
    script.onerror = function () { statusLine.textContent = "The search index " + script.src + " could not be loaded."; };
    document.body.appendChild(script);
  }
  if (chunks === 0) ready();
  for (var n = 0; n < chunks; n++) load(n);
})();
