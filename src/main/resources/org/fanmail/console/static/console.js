// fanmail web admin: the only script. Pages work without it (they refresh themselves through a
// <noscript> meta refresh); with it, an element carrying data-poll="URL" is updated from that
// JSON every second: each [data-field=NAME] inside it gets the value NAME, a <progress> gets
// "percent"; once "finished" is true the page is loaded again (the server renders the result).
(function () {
  "use strict";
  var root = document.querySelector("[data-poll]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-poll");
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data.finished) {
          // The page as the server renders it now: the final counts and the result in full.
          window.location.reload();
          return;
        }
        root.querySelectorAll("[data-field]").forEach(function (element) {
          var name = element.getAttribute("data-field");
          if (Object.prototype.hasOwnProperty.call(data, name)) {
            element.textContent = String(data[name]);
          }
        });
        var bar = root.querySelector("progress");
        if (bar && typeof data.percent === "number") {
          bar.value = data.percent;
        }
        window.setTimeout(tick, 1000);
      })
      .catch(function () {
        window.setTimeout(tick, 3000);
      });
  }
  window.setTimeout(tick, 1000);
})();
