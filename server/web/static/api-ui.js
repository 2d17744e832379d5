/*
 * The interactive API page (/api): Swagger UI on this server's /openapi.json.
 * Served from node_modules by the app (no CDN); no inline script, so a strict
 * Content-Security-Policy (script-src 'self') allows it. The validator badge, which would ask
 * validator.swagger.io, is switched off.
 *
 * Swagger UI is English only. The page passes its fixed labels in the page's language as JSON
 * in data-labels ({"Swagger UI's text": "the label"}, server/web/api_labels.py; empty on the
 * English page), and they are put in place as Swagger UI draws (translateAsDrawn).
 */
(function () {
  "use strict";

  // Where the API description's own texts are, and names, examples and answers: never changed.
  const CONTENT = [
    ".markdown", ".renderedMarkdown", "pre", "code", "textarea", "select", ".microlight",
    ".info", ".opblock-tag", ".opblock-summary-path", ".opblock-summary-description",
    ".opblock-summary-operation-id", "td.parameters-col_name", "td.header-col", ".headerline",
    ".json-schema-2020-12__title", ".json-schema-2020-12-keyword__value",
    ".json-schema-2020-12-keyword--description",
  ].join(", ");
  // Swagger UI's own labels inside those places: a schema keyword's name, and the first words
  // ("<i>Available values</i> : ...") of a parameter's values and default, which it writes
  // as Markdown.
  const LABEL_IN_CONTENT = ".json-schema-2020-12-keyword__name, .parameter__enum i:first-child, "
    + ".parameter__default i:first-child";
  // The one label in pieces beside other nodes: "Controls <code>Accept</code> header.".
  const PIECES = ".response-control-media-type__accept-message";
  const ATTRIBUTES = ["title", "aria-label"];
  // Two labels are CSS text (content:); queries.css reads them from these properties.
  const CSS_LABELS = [["--api-ui-required", "required"], ["--api-ui-loading", "loading"]];
  const ELEMENT = window.Node.ELEMENT_NODE;
  // Swagger UI's blocks outside its <main>, and the attribute of #swagger-ui naming each.
  const REGIONS = [
    [".swagger-ui .information-container", "data-info-label"],
    [".swagger-ui .scheme-container", "data-access-label"],
  ];

  const root = document.getElementById("swagger-ui");
  const fallback = document.getElementById("api-ui-unavailable");
  if (!root) {
    return;
  }
  translateAsDrawn(root, JSON.parse(root.getAttribute("data-labels") || "{}"));
  reachableAsDrawn(root);
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
  });

  /*
   * Shows labels[text] wherever Swagger UI draws one of its labels under top: a text node whose
   * whole text (spaces aside) is the label and the only text of its element (or a piece of
   * PIECES), or a title or aria-label attribute; outside CONTENT. Swagger UI (React) writes
   * its texts again when they change (Try it out / Cancel), which the observer sees too.
   */
  function translateAsDrawn(top, labels) {
    if (Object.keys(labels).length === 0) {
      return;
    }
    for (const [property, key] of CSS_LABELS) {
      if (Object.hasOwn(labels, key)) {
        top.style.setProperty(property, JSON.stringify(labels[key]));
      }
    }

    function isLabelPlace(node) {
      const element = node.nodeType === ELEMENT ? node : node.parentElement;
      if (element === null
          || (element.closest(CONTENT) !== null && !element.matches(LABEL_IN_CONTENT))) {
        return false;
      }
      return node === element || element.childNodes.length === 1 || element.matches(PIECES);
    }
    function label(text) {
      const key = text.trim();
      return Object.hasOwn(labels, key) ? text.replace(key, () => labels[key]) : null;
    }
    function translate(node) {
      if (!isLabelPlace(node)) {
        return;
      }
      if (node.nodeType !== ELEMENT) {
        const text = label(node.nodeValue);
        if (text !== null) {
          node.nodeValue = text;
        }
        return;
      }
      for (const name of ATTRIBUTES) {
        const text = node.hasAttribute(name) ? label(node.getAttribute(name)) : null;
        if (text !== null) {
          node.setAttribute(name, text);
        }
      }
    }
    function translateTree(node) {
      const shown = NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT;
      const walker = document.createTreeWalker(node, shown);
      for (let found = walker.currentNode; found; found = walker.nextNode()) {
        translate(found);
      }
    }

    new MutationObserver(function (records) {
      for (const record of records) {
        if (record.type === "childList") {
          record.addedNodes.forEach(translateTree);
        } else {
          translate(record.target);
        }
      }
    }).observe(top, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ATTRIBUTES,
    });
  }

  /*
   * What axe-core asks of the page and an opened operation that Swagger UI leaves out: a name
   * for its choice of server and for each parameter's list of choices (the parameter's name,
   * shown beside it), its blocks outside its <main> as regions, its title under the page's, and keyboard access to the examples and answers, which scroll sideways
   * (tabindex). Done as they are drawn (an observer's callback runs before any other task), so
   * that no check can see them unnamed; Swagger UI's onComplete came too late now and then.
   */
  function reachableAsDrawn(top) {
    function complete(element) {
      const servers = "select#servers:not([aria-label])";
      for (const select of [element, ...element.querySelectorAll(servers)]) {
        if (select.matches(servers)) {
          select.setAttribute("aria-label", top.getAttribute("data-servers-label"));
        }
      }
      const choices = "tr[data-param-name] select:not([aria-label])";
      for (const select of [element, ...element.querySelectorAll(choices)]) {
        if (select.matches(choices)) {
          select.setAttribute("aria-label", select.closest("tr").getAttribute("data-param-name"));
        }
      }
      // Swagger UI's blocks above its <main> (the API's title, the server and Authorize) as
      // named regions: the page's content is all in landmarks, its main the operations.
      for (const [selector, name] of REGIONS) {
        for (const block of [element, ...element.querySelectorAll(selector)]) {
          if (block.matches(selector) && !block.hasAttribute("role")) {
            block.setAttribute("role", "region");
            block.setAttribute("aria-label", top.getAttribute(name));
          }
        }
      }
      // Its title (an h1, the page has one) is a heading of the second level, above the
      // operations' groups (h3).
      const title = ".swagger-ui .info .title:not([aria-level])";
      for (const heading of [element, ...element.querySelectorAll(title)]) {
        if (heading.matches(title)) {
          heading.setAttribute("aria-level", "2");
        }
      }
      for (const pre of [element, ...element.querySelectorAll("pre")]) {
        if (pre.matches("pre:not([tabindex])")) {
          pre.setAttribute("tabindex", "0");
        }
      }
    }
    new MutationObserver(function (records) {
      for (const record of records) {
        record.addedNodes.forEach((node) => node.nodeType === ELEMENT && complete(node));
      }
    }).observe(top, { subtree: true, childList: true });
  }
})();
