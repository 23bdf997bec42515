/* kzclaims serve: reload when the workspace changes (server-sent events).
   The sorting of the matrix follows (src/report/memo/sort.js). The pages read the
   same without either. */
(function () {
  var status = document.querySelector(".kz-live");
  if (window.EventSource) {
    var es = new EventSource("/events");
    es.addEventListener("reload", function () { location.reload(); });
    es.onopen = function () { if (status) status.textContent = "live: reloads on save"; };
    es.onerror = function () { if (status) status.textContent = "not live (server stopped?)"; };
  }
})();
