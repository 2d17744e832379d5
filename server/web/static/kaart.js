// Shared by the map views: the base map (tiles only when configured), the layer URLs from
// <link rel="alternate" data-layer>, the stage colours and popup text helpers (links only to
// what links.js allows).
(function () {
  "use strict";
  var RG = window.RegiograafKaart = {};

  RG.layerUrl = function (name) {
    var link = document.querySelector('link[rel="alternate"][data-layer="' + name + '"]');
    return link ? link.href : null;
  };

  RG.fetchLayer = function (name) {
    var url = RG.layerUrl(name);
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    });
  };

  // The region (MRDH) as the first view; the layers refine it with fitBounds.
  RG.createMap = function (element) {
    var map = L.map(element, { zoomSnap: 0.5, scrollWheelZoom: false, maxZoom: 18 });
    map.fitBounds([[51.78, 3.96], [52.19, 4.65]]);
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 19,
        attribution: element.getAttribute("data-attribution") || ""
      }).addTo(map);
    } else {
      map.attributionControl.setPrefix("");
    }
    return map;
  };

  // Current MRDH members solid; former members (still named by projects) dashed.
  RG.municipalityStyle = function (feature) {
    var former = feature && feature.properties && feature.properties.lid === false;
    return { color: "#4d4d4d", weight: 1.5, fillColor: "#d9d9d9", fillOpacity: former ? 0.1 : 0.25,
      dashArray: former ? "4 4" : null };
  };

  // Escape text for HTML built by hand (popups).
  RG.esc = function (text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  };

  RG.linkable = window.RegiograafLinks.linkable;

  // A link (of ``className``, if given) around ``html`` (already escaped) when ``href`` may be
  // linked; else ``html`` alone.
  RG.link = function (href, html, className) {
    if (!RG.linkable(href)) { return html; }
    return "<a" + (className ? ' class="' + RG.esc(className) + '"' : "") +
      ' href="' + RG.esc(href) + '">' + html + "</a>";
  };

  RG.names = function (list) {
    return (list || []).map(function (x) { return x.nl; }).join(", ");
  };
}());
