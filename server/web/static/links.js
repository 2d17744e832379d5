// Which URLs a script may turn into links: http, https, mailto, or a path on this site. The
// pages decide the same on the server (server/rdf/iris.py, link_target); the map popups and
// the SPARQL results table ask here.
(function () {
  "use strict";
  var SCHEMES = ["http", "https", "mailto"];

  // Whether ``href`` may be linked, read the way a browser reads an href (WHATWG URL: C0
  // controls and spaces at the ends, tabs and line breaks anywhere, do not count).
  function linkable(href) {
    var seen = String(href == null ? "" : href).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "")
      .replace(/[\t\n\r]/g, "");
    var scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(seen);
    return Boolean(seen) && (!scheme || SCHEMES.indexOf(scheme[1].toLowerCase()) >= 0);
  }

  // Every link under ``root`` that may not be one becomes its text; so does an IRI whose link a
  // sanitizer already took away (YASR's ``a.iri`` without href), which would still look like one.
  function unlinkUnsafe(root) {
    root.querySelectorAll("a[href], a.iri").forEach(function (a) {
      if (!a.hasAttribute("href") || !linkable(a.getAttribute("href"))) {
        var text = document.createElement("span");
        text.textContent = a.textContent;
        a.replaceWith(text);
      }
    });
  }

  window.RegiograafLinks = { linkable: linkable, unlinkUnsafe: unlinkUnsafe };
}());
