/* Optional: sort the matrix by a column. The page reads the same without it. */
(function () {
  var t = document.getElementById("evidence-matrix");
  if (!t || !t.tHead) return;
  var order = { CC: 0, C: 1, N: 2, NA: 3, I: 4, II: 5 };
  Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th, col) {
    th.tabIndex = 0;
    th.style.cursor = "pointer";
    var dir = 1;
    var sort = function () {
      var body = t.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (r) {
        var c = r.cells[col];
        var v = c.getAttribute("data-sort") || c.textContent.trim();
        if (v in order) return order[v];
        var n = parseFloat(v);
        return isNaN(n) ? v : n;
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
      th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      dir = -dir;
      rows.forEach(function (r) { body.appendChild(r); });
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
  });
})();
