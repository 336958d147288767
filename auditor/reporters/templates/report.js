(function () {
  "use strict";
  function byId(id) { return document.getElementById(id); }
  var severity = byId("filter-severity");
  var status = byId("filter-status");
  var product = byId("filter-product");
  var clause = byId("filter-clause");
  var text = byId("filter-text");
  var counter = byId("filter-count");
  var note = byId("filter-note");
  var none = byId("no-match");
  var selects = [severity, status, product, clause];
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.finding"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.rule"));
  var search = rows.map(function (row) { return row.textContent.toLowerCase(); });
  var clauseLists = rows.map(function (row) { return (row.getAttribute("data-clauses") || "").split(" "); });

  function matches(row, i, f) {
    var st = row.getAttribute("data-status");
    if (f.status === "ACTION" && st !== "FAIL" && st !== "ERROR") { return false; }
    if (f.status && f.status !== "ACTION" && st !== f.status) { return false; }
    if (f.severity && row.getAttribute("data-severity") !== f.severity) { return false; }
    if (f.product && row.getAttribute("data-product") !== f.product) { return false; }
    if (f.clause && clauseLists[i].indexOf(f.clause) === -1) { return false; }
    return !f.text || search[i].indexOf(f.text) !== -1;
  }

  function label(el) { return el.value ? el.options[el.selectedIndex].text : ""; }

  function apply(openMatches) {
    var f = {severity: severity.value, status: status.value, product: product.value, clause: clause.value,
             text: text.value.trim().toLowerCase()};
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = matches(row, i, f);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    groups.forEach(function (group) {
      var any = group.querySelector("tr.finding:not([hidden])") !== null;
      group.hidden = !any;
      if (any && openMatches) { group.open = true; }
    });
    none.hidden = shown !== 0;
    var parts = [label(severity), label(status), label(product), label(clause), f.text && "search \u201c" + f.text + "\u201d"];
    note.textContent = "Filtered view: " + (parts.filter(Boolean).join(", ") || "all findings") +
      " (" + shown + " of " + rows.length + " findings).";
    counter.textContent = shown + " of " + rows.length + " findings shown";
  }

  function narrowing() { return Boolean(product.value || clause.value || text.value.trim()); }

  selects.forEach(function (el) { el.addEventListener("change", function () { apply(narrowing()); }); });
  text.addEventListener("input", function () { apply(narrowing()); });
  byId("filter-reset").addEventListener("click", function () {
    selects.forEach(function (el) { el.value = el.getAttribute("data-default") || ""; });
    text.value = "";
    apply(false);
  });
  byId("expand-all").addEventListener("click", function () { groups.forEach(function (g) { g.open = true; }); });
  byId("collapse-all").addEventListener("click", function () { groups.forEach(function (g) { g.open = false; }); });
  Array.prototype.forEach.call(document.querySelectorAll("a.clause-link"), function (link) {
    link.addEventListener("click", function () {
      clause.value = link.getAttribute("data-clause");
      status.value = "";
      apply(true);
    });
  });
  window.addEventListener("beforeprint", function () { groups.forEach(function (g) { g.open = true; }); });
  apply(false);
}());
