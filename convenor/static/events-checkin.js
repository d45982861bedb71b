// Check-in desk: refresh the arrival counts every few seconds. The page works without it.
(function () {
  "use strict";
  var box = document.getElementById("live-counts");
  if (!box || !window.fetch) { return; }
  function refresh() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        box.querySelectorAll("[data-count]").forEach(function (el) {
          var value = counts[el.getAttribute("data-count")];
          if (value !== undefined) { el.textContent = String(value); }
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, 5000);
})();
