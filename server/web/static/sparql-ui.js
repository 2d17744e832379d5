/*
 * The Regiograaf query UI: YASGUI on the local /sparql endpoint, with the Regiograaf prefixes
 * preloaded and the canned example queries one click away.
 *
 * Nothing is fetched from another host (DESIGN.md: no third-party CDN):
 *  - every tab queries this server's /sparql (requestConfig.endpoint, copyEndpointOnNewTab,
 *    and a share link cannot point a tab elsewhere: populateFromUrl resets the endpoint);
 *  - no CORS proxy, and the endpoint catalogue lists only this endpoint;
 *  - autocompletion uses local lists only: the class and property completers (which ask
 *    lov.linkeddata.es) are switched off, and prefixes come from the page, not prefix.cc;
 *  - no inline style (the Content-Security-Policy refuses it): see the column resizer below;
 *  - nothing is persisted in localStorage (persistenceId null), so an old remote endpoint or
 *    prefix list can never come back.
 * The page passes its configuration as JSON in <script id="sparql-ui-config">.
 */
(function () {
  "use strict";

  const configElement = document.getElementById("sparql-ui-config");
  const root = document.getElementById("yasgui");
  const fallback = document.getElementById("sparql-ui-unavailable");
  if (!configElement || !root) {
    return;
  }
  if (typeof window.Yasgui === "undefined") {
    if (fallback) {
      fallback.hidden = false;
    }
    return;
  }
  const config = JSON.parse(configElement.textContent);
  const Yasgui = window.Yasgui;
  const endpoint = new URL(config.endpoint, window.location.href).href;
  const prefixes = config.prefixes;

  function prefixBlock() {
    return Object.entries(prefixes)
      .map(([prefix, iri]) => `PREFIX ${prefix}: <${iri}>`)
      .join("\n");
  }

  // Prefix completion from the page's list (never prefix.cc), not stored in the browser.
  const prefixList = Object.entries(prefixes)
    .map(([prefix, iri]) => `${prefix}: <${iri}>`)
    .sort();
  Yasgui.Yasqe.forkAutocompleter(
    "prefixes",
    {
      name: "regiograaf-prefixes",
      persistenceId: null,
      get: () => Promise.resolve(prefixList),
    },
    false,
  );
  // Set before any editor exists: YASGUI merges its defaults into every tab.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "regiograaf-prefixes"];
  Yasgui.Yasqe.defaults.prefixCcApi = null;

  // The results table's column resizer adds its fixed rules as a <style> element in <head>,
  // which the Content-Security-Policy refuses (no inline style, not even by hash); those
  // rules are in sparql-ui.css, so that element is not added at all.
  const head = document.head;
  const appendToHead = head.appendChild.bind(head);
  head.appendChild = (node) =>
    node instanceof HTMLStyleElement && "gripid" in node ? node : appendToHead(node);

  // The results table sorts and searches on each value after DOMPurify has parsed it as HTML.
  // A value with markup (a contribution may hold any text) then makes the browser report the
  // event handlers it refused to create, a Content-Security-Policy violation, although
  // nothing can run there. The value as escaped text sorts and matches the same, unparsed.
  const escapeText = (text) =>
    String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const table = Yasgui.Yasr.plugins.table.prototype;
  const columns = table.getColumns;
  table.getColumns = function () {
    return columns.call(this).map((column, index) =>
      index === 0
        ? column
        : {
            ...column,
            render: (cell, type, row, meta) =>
              cell !== "" && (type === "filter" || type === "sort" || !type)
                ? escapeText(cell.value)
                : column.render(cell, type, row, meta),
          },
    );
  };

  const requestConfig = { endpoint: endpoint, method: "POST" };
  const yasgui = new Yasgui(root, {
    requestConfig: requestConfig,
    copyEndpointOnNewTab: true,
    corsProxy: undefined,
    persistenceId: null,
    autofocus: false,
    tabName: config.tabName,
    endpointCatalogueOptions: {
      getData: () => [{ endpoint: endpoint }],
      keys: [],
    },
    populateFromUrl: (fromUrl) => ({
      ...fromUrl,
      requestConfig: { ...(fromUrl.requestConfig || {}), endpoint: endpoint },
    }),
    yasqe: {
      value: `${prefixBlock()}\n\n${config.defaultQuery}`,
      autocompleters: ["variables", "regiograaf-prefixes"],
      prefixCcApi: null,
    },
    yasr: {
      prefixes: prefixes,
      defaultPlugin: "table",
      persistenceId: null,
    },
  });

  /** Open a canned query in its own tab (or the tab it already has) and run it. */
  function openExample(example) {
    let tab = Object.values(yasgui._tabs).find((each) => each.getName() === example.title);
    if (!tab) {
      tab = yasgui.addTab(true, {
        name: example.title,
        yasqe: { value: example.sparql },
        requestConfig: { ...requestConfig },
      });
    }
    yasgui.selectTabId(tab.getId());
    tab.setQuery(example.sparql);
    tab.query().catch(() => {});
    root.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  const byName = new Map(config.examples.map((example) => [example.name, example]));
  document.querySelectorAll("[data-example]").forEach((button) => {
    button.addEventListener("click", () => {
      const example = byName.get(button.getAttribute("data-example"));
      if (example) {
        openExample(example);
      }
    });
    button.disabled = false;
  });
  /**
   * Repairs of YASGUI's own markup, applied again whenever YASGUI draws something new (a tab, a
   * results table). Safety: an IRI in the results is a link only when links.js allows it
   * (http, https, mailto). Accessibility (WCAG 2.1 A/AA as axe-core checks it):
   *  - the editor's input, the endpoint field and the rows-per-page choice get a name;
   *  - the editor's scroll area can be reached by keyboard;
   *  - the "+" (new tab) button moves out of the tab list, which may only hold tabs; its
   *    empty wrapper stays, because YASGUI inserts new tabs before it.
   * Colours with too little contrast are overridden in sparql-ui.css.
   */
  const names = [
    [".yasqe .CodeMirror textarea", "SPARQL-vraag (query)"],
    ["input.autocomplete", "Adres van het SPARQL-endpoint (endpoint URL)"],
    ["select.tableSizer", "Rijen per pagina (rows per page)"],
  ];
  function repairMarkup() {
    // Links in the results only to http, https and mailto IRIs (YASR links every IRI).
    window.RegiograafLinks.unlinkUnsafe(root);
    names.forEach(([selector, name]) => {
      root.querySelectorAll(selector).forEach((element) => {
        if (!element.hasAttribute("aria-label")) {
          element.setAttribute("aria-label", name);
        }
      });
    });
    root.querySelectorAll(".CodeMirror-scroll[tabindex='-1']").forEach((scroller) => {
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("aria-label", "SPARQL-vraag, scrollen (query, scroll)");
    });
    root.querySelectorAll("[role='tablist'] button.addTab").forEach((button) => {
      button.closest("[role='tablist']").insertAdjacentElement("afterend", button);
    });
  }
  repairMarkup();
  // Once per frame at most: the editor changes the page on every key stroke.
  let repairPending = false;
  new MutationObserver(() => {
    if (!repairPending) {
      repairPending = true;
      window.requestAnimationFrame(() => {
        repairPending = false;
        repairMarkup();
      });
    }
  }).observe(root, { childList: true, subtree: true });

  // Arrow keys move between the tabs only. YASGUI's own handler counts every child of the
  // tab list, the emptied wrapper of the "+" button too, and fails on it; this one runs
  // first (capture) and stops the event.
  root.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") {
        return;
      }
      const list = event.target.closest ? event.target.closest("[role='tablist']") : null;
      const tabs = list ? Array.from(list.querySelectorAll("[role='tab']")) : [];
      const index = tabs.indexOf(event.target);
      if (index < 0) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      const step = event.key === "ArrowRight" ? 1 : -1;
      const next = tabs[(index + step + tabs.length) % tabs.length];
      tabs.forEach((tab) => tab.setAttribute("tabindex", tab === next ? "0" : "-1"));
      next.focus();
    },
    true,
  );

  window.regiograafYasgui = yasgui;
})();
