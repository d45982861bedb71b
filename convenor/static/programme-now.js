// The venue's "now and next" screen (templates/programmes/now.html) keeps itself
// current: every data-refresh seconds it fetches its own address again and swaps in the
// clock and the board when they changed (so a screen reader keeps its place while
// nothing changes). A 404 or 410 (the programme withdrawn) reloads the page to show it.
// If the network is down the screen keeps what it shows and tries again. Without this
// script the page stays as it was loaded.
(function () {
  "use strict";
  var main = document.getElementById("now");
  if (!main || !window.fetch || !window.DOMParser) {
    return;
  }
  var every = (parseInt(main.getAttribute("data-refresh"), 10) || 30) * 1000;

  function swap(fresh, id) {
    var shown = document.getElementById(id);
    var found = fresh.getElementById(id);
    if (shown && found && shown.innerHTML !== found.innerHTML) {
      shown.innerHTML = found.innerHTML;
    }
  }

  function refresh() {
    window.fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 404 || response.status === 410) {
          window.location.reload();
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html) {
          var fresh = new window.DOMParser().parseFromString(html, "text/html");
          swap(fresh, "now-clock");
          swap(fresh, "now-board");
        }
      })
      .catch(function () {})
      .then(function () {
        window.setTimeout(refresh, every);
      });
  }

  window.setTimeout(refresh, every);
})();
