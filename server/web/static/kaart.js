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
  RG.REGION = [[51.78, 3.96], [52.19, 4.65]];
  RG.createMap = function (element) {
    var map = L.map(element, { zoomSnap: 0.5, scrollWheelZoom: false, maxZoom: 18 });
    map.fitBounds(RG.REGION);
    var tiles = element.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 19,
        attribution: element.getAttribute("data-attribution") || ""
      }).addTo(map);
    } else {
      map.attributionControl.setPrefix("");
    }
    // The boundaries' source (CC BY 4.0 asks for it on every map).
    map.attributionControl.addAttribution(RG.esc(element.getAttribute("data-grenzen") || ""));
    return map;
  };

  // The page's language (one at a time): "nl" or "en".
  RG.lang = function (element) {
    return element.getAttribute("data-lang") === "en" ? "en" : "nl";
  };

  // A municipality's (or anything's) name in the page's language, else in the other one.
  RG.name = function (p, lang) {
    return lang === "en" ? (p.naam_en || p.naam) : (p.naam || p.naam_en);
  };

  // Current MRDH members solid; former members (still named by projects) dashed; the chosen
  // municipality outlined in blue and filled a little.
  RG.municipalityStyle = function (feature, chosen) {
    var p = (feature && feature.properties) || {};
    var former = p.lid === false;
    if (chosen && p.ref === chosen) {
      return { color: "#0b55a3", weight: 4, fillColor: "#0b55a3", fillOpacity: 0.15, dashArray: null };
    }
    return { color: "#4d4d4d", weight: 1.5, fillColor: "#d9d9d9",
      fillOpacity: former ? 0.1 : (chosen ? 0.4 : 0.25), dashArray: former ? "4 4" : null };
  };

  // The municipalities as a layer beneath everything, each named at its point (a permanent
  // label); ``focus(ref)`` outlines one and zooms to it ("" shows the whole region again).
  RG.municipalities = function (map, data, lang) {
    var byRef = {};
    var chosen = "";
    var layer = L.geoJSON(data, {
      style: function (f) { return RG.municipalityStyle(f, chosen); },
      pointToLayer: function (f, ll) {
        return L.circleMarker(ll, { radius: 4, color: "#4d4d4d", weight: 1, fillOpacity: 0.4 });
      },
      onEachFeature: function (f, shape) { byRef[f.properties.ref] = shape; },
      interactive: false
    }).addTo(map);
    layer.bringToBack();
    var labels = [];
    data.features.forEach(function (f) {
      var p = f.properties;
      if (!p.punt) { return; }
      var tooltip = L.tooltip({ permanent: true, direction: "center", interactive: false,
        className: "gemeente-naam" + (p.lid === false ? " voormalig" : "") })
        .setLatLng([p.punt[1], p.punt[0]]).setContent(RG.esc(RG.name(p, lang))).addTo(map);
      var shape = byRef[p.ref];
      var bounds = shape && shape.getBounds ? shape.getBounds() : null;
      labels.push({ ref: p.ref, tooltip: tooltip, former: p.lid === false,
        size: bounds ? (bounds.getEast() - bounds.getWest()) * (bounds.getNorth() - bounds.getSouth()) : 0 });
    });
    var placing = null;
    // Place the names again soon (after a zoom, a move, or markers drawn anew).
    function place() {
      window.clearTimeout(placing);
      placing = window.setTimeout(function () { RG.placeLabels(map, labels, chosen); }, 60);
    }
    map.on("zoomend moveend resize", place);
    place();
    // ``zoom`` false: outline only (the caller fits the map to what it shows).
    function focus(ref, zoom) {
      chosen = byRef[ref] ? ref : "";
      layer.setStyle(function (f) { return RG.municipalityStyle(f, chosen); });
      map.getContainer().setAttribute("data-gekozen", chosen);
      place();
      if (zoom === false) { return; }
      // Fit to the map's size now: the page around it may just have changed (a heading of
      // another length, a scroll bar), and Leaflet only notices a resized window. Without
      // animation: Leaflet drops a new view asked for while a zoom animation runs, so a quick
      // second choice would leave the map at the first.
      map.invalidateSize({ pan: false });
      var still = { animate: false };
      if (chosen && byRef[chosen].getBounds) {
        map.fitBounds(byRef[chosen].getBounds(), { padding: [20, 20], animate: false });
      } else if (chosen) {
        map.setView(byRef[chosen].getLatLng(), 12, still);
      } else {
        map.fitBounds(RG.REGION, still);
      }
    }
    return { layer: layer, byRef: byRef, focus: focus, place: place };
  };

  // Where a name may stand, as steps from its municipality's point: above, below, right, left,
  // the four corners, then the same further away. Never on the point itself, where the
  // collaboration map draws the node and the project map the projects without a place of
  // their own (so a cluster's count stays readable).
  var SPOTS = [[0, -1], [0, 1], [1, 0], [-1, 0], [1, -1], [-1, -1], [1, 1], [-1, 1]];
  var GAP = 9;

  function overlap(a, b) {
    var w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
    var h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
    return w > 0 && h > 0 ? w * h : 0;
  }

  // What a name must not cover: the middle of each marker and cluster as drawn now (its
  // count or letter; a name may touch the ring), and every municipality's point (the
  // collaboration map's nodes), in the map container's pixels.
  function obstacles(map, labels) {
    var frame = map.getContainer().getBoundingClientRect();
    var found = [];
    map.getContainer().querySelectorAll(".leaflet-marker-icon").forEach(function (icon) {
      var r = icon.getBoundingClientRect();
      if (r.width) {
        var x = (r.left + r.right) / 2 - frame.left, y = (r.top + r.bottom) / 2 - frame.top;
        var half = Math.max(6, Math.min(r.width, r.height) / 3);
        found.push({ x1: x - half, y1: y - half, x2: x + half, y2: y + half });
      }
    });
    labels.forEach(function (label) {
      var pt = map.latLngToContainerPoint(label.tooltip.getLatLng());
      found.push({ x1: pt.x - 7, y1: pt.y - 7, x2: pt.x + 7, y2: pt.y + 7 });
    });
    return found;
  }

  // Greedy placement of the municipalities' names: the chosen one first, then the largest;
  // each at the first spot (SPOTS) that covers no name already placed, no marker, cluster or
  // point, and stays inside the map. A name with no free spot is left out at this zoom level
  // (class "verdrongen"; zooming in makes room), except the chosen one (its best spot).
  RG.placeLabels = function (map, labels, chosen) {
    if (!map.getContainer().isConnected) { return; }
    var size = map.getSize();
    var blocked = obstacles(map, labels);
    var placed = [];
    var order = labels.slice().sort(function (a, b) {
      return (b.ref === chosen) - (a.ref === chosen) || a.former - b.former || b.size - a.size;
    });
    order.forEach(function (label) {
      var element = label.tooltip.getElement();
      if (!element) { return; }
      var w = element.offsetWidth, h = element.offsetHeight;
      var pt = map.latLngToContainerPoint(label.tooltip.getLatLng());
      var best = null;
      [1, 2].forEach(function (far) {
        SPOTS.forEach(function (spot) {
          var dx = spot[0] * (w / 2 + GAP * far), dy = spot[1] * (h / 2 + GAP * far);
          var box = { x1: pt.x + dx - w / 2, y1: pt.y + dy - h / 2, x2: pt.x + dx + w / 2, y2: pt.y + dy + h / 2 };
          var cost = 0;
          placed.concat(blocked).forEach(function (other) { cost += overlap(box, other); });
          if (box.x1 < 0 || box.y1 < 0 || box.x2 > size.x || box.y2 > size.y) { cost += w * h / 4; }
          if (!best || cost < best.cost) { best = { cost: cost, dx: dx, dy: dy, box: box }; }
        });
      });
      var free = best.cost === 0 || label.ref === chosen;
      L.DomUtil[free ? "removeClass" : "addClass"](element, "verdrongen");
      label.tooltip.options.offset = L.point(best.dx, best.dy);
      label.tooltip.update();
      if (free) { placed.push(best.box); }
    });
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

  RG.names = function (list, lang) {
    return (list || []).map(function (x) {
      return lang === "en" ? (x.en || x.nl) : (x.nl || x.en);
    }).join(", ");
  };

  // Text in the page's language: ``t(lang)("Dutch", "English")``.
  RG.t = function (lang) {
    return function (nl, en) { return lang === "en" ? en : nl; };
  };
}());
