/*
 * The interactive API page (/api): Swagger UI on this server's /openapi.json.
 * Served from node_modules by the app (no CDN); no inline script, so a strict
 * Content-Security-Policy (script-src 'self') allows it. The validator badge, which would ask
 * validator.swagger.io, is switched off.
 */
(function () {
  "use strict";

  const root = document.getElementById("swagger-ui");
  const fallback = document.getElementById("api-ui-unavailable");
  if (!root) {
    return;
  }
  if (typeof window.SwaggerUIBundle === "undefined") {
    if (fallback) {
      fallback.hidden = false;
    }
    return;
  }
  window.regiograafApi = window.SwaggerUIBundle({
    url: new URL(root.getAttribute("data-spec-url"), window.location.href).href,
    domNode: root,
    // No links to each operation: Swagger UI puts them inside the operation's button
    // (a link in a button is unreachable for keyboards and screen readers; axe-core).
    deepLinking: false,
    validatorUrl: null,
    tryItOutEnabled: true,
    supportedSubmitMethods: ["get", "head"],
    displayOperationId: true,
    defaultModelsExpandDepth: 0,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    onComplete: function () {
      // Swagger UI's server choice has no name for screen readers.
      const servers = root.querySelector("select#servers");
      if (servers) {
        servers.setAttribute("aria-label", root.getAttribute("data-servers-label"));
      }
    },
  });
})();
