// The Strategiescan (server/web/templates/scan.html): every folded part opens for printing,
// and closes again afterwards, so the printed scan is complete. No inline script (strict CSP).
"use strict";
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.scan-uitklap:not([open])").forEach(function (part) {
      part.open = true;
      opened.push(part);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (part) { part.open = false; });
    opened = [];
  });
})();
