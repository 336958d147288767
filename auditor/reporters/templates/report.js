(function () {
  "use strict";
  var status = document.getElementById("filter-status");
  var product = document.getElementById("filter-product");
  var text = document.getElementById("filter-text");
  var counter = document.getElementById("filter-count");
  var reset = document.getElementById("filter-reset");
  var note = document.getElementById("filter-note");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.finding"));
  var rules = Array.prototype.slice.call(document.querySelectorAll(".rule"));
  var clauses = Array.prototype.slice.call(document.querySelectorAll("section.clause"));
  var search = rows.map(function (row) { return row.textContent.toLowerCase(); });

  function matches(row, i, s, p, t) {
    var st = row.getAttribute("data-status");
    if (s === "ACTION" && st !== "FAIL" && st !== "ERROR") { return false; }
    if (s && s !== "ACTION" && st !== s) { return false; }
    if (p && row.getAttribute("data-product") !== p) { return false; }
    return !t || search[i].indexOf(t) !== -1;
  }

  function apply() {
    var s = status.value, p = product.value, t = text.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (row, i) {
      var ok = matches(row, i, s, p, t);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var filtering = Boolean(s || p || t);
    rules.forEach(function (rule) {
      rule.hidden = filtering && !rule.querySelector("tr.finding:not([hidden])");
    });
    clauses.forEach(function (clause) {
      clause.classList.toggle("no-match", filtering && !clause.querySelector("tr.finding:not([hidden])"));
    });
    document.body.classList.toggle("filtered", filtering);
    note.textContent = filtering ? "Filtered view: " + [s && status.options[status.selectedIndex].text,
      p && product.options[product.selectedIndex].text, t && "search \u201c" + t + "\u201d"].filter(Boolean).join(", ") +
      " (" + shown + " of " + rows.length + " rows)." : "";
    counter.textContent = filtering ? shown + " of " + rows.length + " rows shown" : rows.length + " rows";
  }

  [status, product].forEach(function (el) { el.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  reset.addEventListener("click", function () { status.value = ""; product.value = ""; text.value = ""; apply(); });
  apply();
}());
