/* newsclaims view: one document page. Hover or focus shows a span's labels; clicking a claim (in the
   list or the text) highlights its span, its cue and the entities it is about; clicking a mention or
   an entity highlights all the mentions of that entity. No network, no libraries. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("doc-data").textContent);
  var text = document.getElementById("text");
  var tip = document.getElementById("tip");
  var status = document.getElementById("status");
  var pieces = {};  // span id -> its elements, in document order
  if (text) {
    text.querySelectorAll("[data-span-id]").forEach(function (el) {
      var id = el.getAttribute("data-span-id");
      (pieces[id] = pieces[id] || []).push(el);
    });
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; });
  }
  function claimOf(id) { return id.split(".")[0]; }
  function entityName(id) { var e = data.entities[id]; return e ? e.name : id; }

  function describeClaim(id) {
    var c = data.claims[id];
    if (!c) return "<div><b>" + esc(id) + "</b></div>";
    var flags = [c.type, c.check_worthy ? "check-worthy" : "not check-worthy"];
    if (c.hedged) flags.push("hedged");
    var out = "<div><b>claim " + esc(id) + "</b> · " + esc(flags.join(" · ")) + "</div>" +
      "<div class=\"tip-source\">source: <b>" + esc(c.source) + "</b>" + (c.source_kind ? " (" + esc(c.source_kind) + ")" : "") +
      " · " + esc(c.mode) + "</div>";
    if (c.cue) out += "<div>cue: “" + esc(c.cue) + "”</div>";
    if (c.source_span) out += "<div>source named as: “" + esc(c.source_span) + "”</div>";
    if (c.hedges && c.hedges.length) out += "<div>hedge: " + c.hedges.map(function (h) { return "“" + esc(h) + "”"; }).join(", ") + "</div>";
    if (c.about && c.about.length) out += "<div>about: " + esc(c.about.map(entityName).join(", ")) + "</div>";
    if (c.verdict) out += "<div>verdict: " + esc(c.verdict) + "</div>";
    return out;
  }
  function describeSpan(el) {
    var id = el.getAttribute("data-span-id"), out;
    if (el.hasAttribute("data-entity")) {
      var eid = el.getAttribute("data-entity"), e = data.entities[eid] || {};
      out = "<div><b>" + esc(e.name || eid) + "</b> · " + esc(e.type) + (e.wikidata ? " · " + esc(e.wikidata) : "") +
        "</div><div>mention " + esc(id) + " of entity " + esc(eid) + " (" + esc(e.mentions) + " mentions)</div>";
    } else if (id.indexOf(".") >= 0) {
      var part = id.split(".")[1];
      var what = part === "cue" ? "attribution cue" : part === "source" ? "source span" : "hedge cue";
      out = "<div><b>" + esc(what) + "</b> of claim " + esc(claimOf(id)) + "</div>" + describeClaim(claimOf(id));
    } else {
      out = describeClaim(id);
    }
    return out + describeProblems(id);
  }
  function describeProblems(id) {
    var found = data.problems[id];
    if (!found) return "";
    var out = "";
    if (id in data.quotes) out += "<div class=\"tip-problem\">the annotation's text: “" + esc(data.quotes[id]) + "”</div>";
    return out + found.map(function (p) {
      return "<div class=\"tip-problem\">⚠ " + esc(p.code) + ": " + esc(p.message) + "</div><div class=\"tip-hint\">hint: " + esc(p.hint) + "</div>";
    }).join("");
  }
  function showTip(anchor, html) {
    tip.innerHTML = html;
    tip.hidden = false;
    var r = anchor.getBoundingClientRect();
    var left = Math.max(4, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    tip.style.left = left + "px";
    tip.style.top = (window.scrollY + r.bottom + 6) + "px";
  }
  function hideTip() { tip.hidden = true; }

  function clear() {
    document.querySelectorAll(".hl, .about, .hl-entity, .cue-hl, .selected").forEach(function (el) {
      el.classList.remove("hl", "about", "hl-entity", "cue-hl", "selected");
    });
  }
  function selectClaim(id, scroll) {
    clear();
    (pieces[id] || []).forEach(function (el) { el.classList.add("hl"); });
    Object.keys(pieces).forEach(function (sid) {
      if (sid.indexOf(id + ".") === 0) pieces[sid].forEach(function (el) { el.classList.add("cue-hl"); });
    });
    var c = data.claims[id];
    (c ? c.about : []).forEach(function (eid) {
      if (text) text.querySelectorAll("[data-entity=\"" + CSS.escape(eid) + "\"]").forEach(function (el) { el.classList.add("about"); });
    });
    var item = document.getElementById("claim-" + id);
    if (item) item.classList.add("selected");
    var first = (pieces[id] || [])[0];
    if (first && scroll) first.scrollIntoView({block: "center"});
    status.textContent = first ? "claim " + id + " highlighted in the text" : "claim " + id + " is not drawn in the text";
  }
  function highlightEntity(eid, scroll) {
    clear();
    var found = text ? text.querySelectorAll("[data-entity=\"" + CSS.escape(eid) + "\"]") : [];
    found.forEach(function (el) { el.classList.add("hl-entity"); });
    var item = document.getElementById("entity-" + eid);
    if (item) item.classList.add("selected");
    if (scroll && found.length) found[0].scrollIntoView({block: "center"});
    status.textContent = found.length + " mention pieces of " + entityName(eid) + " highlighted";
  }

  if (text) {
    text.addEventListener("mouseover", function (event) {
      var el = event.target.closest("[data-span-id]");
      if (!el) { hideTip(); return; }
      var html = describeSpan(el), outer = el.parentElement ? el.parentElement.closest("[data-span-id]") : null;
      while (outer) {  // every span at this point, innermost first
        html += "<hr>" + describeSpan(outer);
        outer = outer.parentElement ? outer.parentElement.closest("[data-span-id]") : null;
      }
      showTip(el, html);
    });
    text.addEventListener("mouseleave", hideTip);
    text.addEventListener("click", function (event) {
      var el = event.target.closest("[data-span-id]");
      if (!el) { clear(); return; }
      if (el.hasAttribute("data-entity")) highlightEntity(el.getAttribute("data-entity"), false);
      else selectClaim(claimOf(el.getAttribute("data-span-id")), false);
    });
  }

  function listNavigation(selector, activate, describe) {
    var items = Array.prototype.slice.call(document.querySelectorAll(selector));
    items.forEach(function (item, i) {
      item.addEventListener("mouseenter", function () { showTip(item, describe(item)); });
      item.addEventListener("mouseleave", hideTip);
      item.addEventListener("focus", function () { showTip(item, describe(item)); });
      item.addEventListener("blur", hideTip);
      item.addEventListener("click", function (event) { if (!event.target.closest("a")) activate(item, true); });
      item.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowDown") next = items[Math.min(i + 1, items.length - 1)];
        else if (event.key === "ArrowUp") next = items[Math.max(i - 1, 0)];
        else if (event.key === "Home") next = items[0];
        else if (event.key === "End") next = items[items.length - 1];
        else if (event.key === "Enter" || event.key === " ") { event.preventDefault(); activate(item, true); return; }
        if (next) { event.preventDefault(); next.focus(); }
      });
    });
  }
  listNavigation(".claim-item", function (item, scroll) { selectClaim(item.getAttribute("data-claim"), scroll); },
                 function (item) { var id = item.getAttribute("data-claim"); return describeClaim(id) + describeProblems(id); });
  listNavigation(".entity-item", function (item, scroll) { highlightEntity(item.getAttribute("data-entity"), scroll); },
                 function (item) { var e = data.entities[item.getAttribute("data-entity")] || {};
                   return "<div><b>" + esc(e.name) + "</b> · " + esc(e.type) + "</div><div>" + esc(e.mentions) + " mentions: click to highlight them all</div>"; });
  document.querySelectorAll("a.goto").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var id = link.getAttribute("data-goto");
      clear();
      (pieces[id] || []).forEach(function (el) { el.classList.add("hl"); });
      if (pieces[id]) { pieces[id][0].scrollIntoView({block: "center"}); showTip(pieces[id][0], describeSpan(pieces[id][0])); }
    });
  });
  document.querySelectorAll("a.goto-entity").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); highlightEntity(link.getAttribute("data-entity"), true); });
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hideTip(); clear(); } });
  window.NC_DOCUMENT_READY = true;
})();
