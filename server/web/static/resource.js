// Resource pages: the small map (Leaflet, no tiles). The language is the site's (a link).
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var element = document.getElementById("kaart");
    if (!element || typeof L === "undefined") { return; }
    var points = JSON.parse(element.getAttribute("data-points") || "[]");
    if (!points.length) { return; }
    var map = L.map(element, { attributionControl: false, scrollWheelZoom: false });
    var latlngs = points.map(function (p) { return [p[1], p[0]]; });
    latlngs.forEach(function (ll) {
      L.circleMarker(ll, { radius: 8, color: "#0b55a3", weight: 3, fillOpacity: 0.6 }).addTo(map);
    });
    map.setView(latlngs[0], 10);
    var context = element.getAttribute("data-href");
    if (context && window.fetch) {
      fetch(context).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (data) {
          L.geoJSON(data, { style: { color: "#6b6b6b", weight: 1, fillOpacity: 0.05 },
            pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 3, color: "#6b6b6b" }); }
          }).addTo(map);
        }
      }).catch(function () { /* the context layer is optional */ });
    }
  });
}());
