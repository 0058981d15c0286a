// xiangmu-extract reports: inlined into each page. Reads data only from the page's
// elements and its JSON data blocks; writes text with textContent, never as markup.
(function () {
  "use strict";

  // -- article page: value links scroll to their mention and flash it -------------------
  function flash(key) {
    var pieces = document.querySelectorAll('mark.m[data-m="' + CSS.escape(key) + '"]');
    pieces.forEach(function (el) {
      el.classList.remove("flash");
      void el.offsetWidth; // restart the animation
      el.classList.add("flash");
    });
    return pieces;
  }

  function readData(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function showMention(info, key, mentions) {
    var m = mentions && mentions[key];
    if (!info || !m) return;
    info.textContent = "";
    var head = document.createElement("strong");
    head.textContent = m.label + " «" + m.text + "»";
    info.appendChild(head);
    var value = document.createElement("div");
    value.textContent = "value: " + m.value + (m.unit ? " " + m.unit : "");
    info.appendChild(value);
    var used = document.createElement("div");
    used.textContent = "used by: " + m.refs.map(function (r) {
      return "project " + r[0] + " " + r[1];
    }).join(", ");
    info.appendChild(used);
    info.hidden = false;
  }

  function setUpArticle() {
    var mentions = readData("mention-data");
    var info = document.getElementById("mention-info");
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a.v");
      if (link) {
        var key = link.getAttribute("href").slice(1);
        var target = document.getElementById(key);
        if (!target) return;
        event.preventDefault();
        target.scrollIntoView({ block: "center" });
        flash(key);
        showMention(info, key, mentions);
        history.replaceState(null, "", "#" + key);
        return;
      }
      var mark = event.target.closest("mark.m[data-m]");
      if (mark) {
        flash(mark.dataset.m);
        showMention(info, mark.dataset.m, mentions);
      }
    });
  }

  // -- database page: sortable, filterable table ------------------------------------------
  function sortBy(table, th) {
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.dataset.sort === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) { return row.cells[index].dataset.key || ""; }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      var cmp;
      if (numeric) {
        // missing values sort last either way
        if (x === "" || y === "") return (x === "") - (y === "");
        cmp = parseFloat(x) - parseFloat(y);
      } else {
        if (x === "" || y === "") return (x === "") - (y === "");
        cmp = x.localeCompare(y, "zh");
      }
      return ascending ? cmp : -cmp;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function setUpDatabase() {
    var table = document.getElementById("projects");
    if (!table) return;
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      th.addEventListener("click", function () { sortBy(table, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th); }
      });
    });
    var input = document.getElementById("filter");
    var shown = document.getElementById("shown");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var count = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !match;
        if (match) count += 1;
      });
      shown.textContent = count + " of " + shown.dataset.total + " shown";
    });
  }

  if (document.body.classList.contains("report-article")) setUpArticle();
  if (document.body.classList.contains("report-database")) setUpDatabase();
})();
