// The collaboration map: municipalities as nodes, opportunities as lines (thickness = overlap,
// colour = first shared stage), joint projects dashed; a line's popup says why.
(function () {
  "use strict";
  var RG = window.RegiograafKaart;
  var COLOURS = {
    "digitale-infrastructuur": "#5b2c83", "data": "#0b55a3",
    "toepassingen-en-diensten": "#1d6b3a", "maatschappelijke-waarde": "#a3330b",
    "governance-en-regie": "#6b4e00", "digitale-vaardigheden": "#8a1a5b",
    "digitale-veiligheid-en-privacy": "#1a1a1a", "publieke-waarden": "#00636b"
  };

  function why(p) {
    var head = "<h3>" + RG.esc(p.gemeente1_naam) + " — " + RG.esc(p.gemeente2_naam) + "</h3>";
    if (p.soort === "kans") {
      return '<div class="popup" lang="nl">' + head +
        "<p>Kans, overlap " + p.sterkte + " <span lang=\"en\">(opportunity)</span></p><ul>" +
        p.redenen.map(function (r) { return "<li>" + RG.esc(r.reden) + "</li>"; }).join("") +
        "</ul></div>";
    }
    return '<div class="popup" lang="nl">' + head +
      "<p>Gezamenlijke projecten <span lang=\"en\">(joint projects)</span>:</p><ul>" +
      p.projecten.map(function (x) {
        return '<li><a href="' + RG.esc(x.pagina) + '">' + RG.esc(x.titel) + "</a></li>";
      }).join("") + "</ul></div>";
  }

  window.addEventListener("load", function () {
    var element = document.getElementById("kaart");
    if (!element || typeof L === "undefined") { return; }
    var map = RG.createMap(element);
    var drawn = { kans: 0, gezamenlijk: 0 };
    window.regiograafSamenwerkingsKaart = { map: map, drawn: drawn };
    RG.fetchLayer("gemeenten").then(function (data) {
      L.geoJSON(data, { style: function () { return RG.municipalityStyle; }, interactive: false,
        pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 3 }); } }).addTo(map);
      data.features.forEach(function (f) {
        var p = f.properties;
        if (!p.punt) { return; }
        L.circleMarker([p.punt[1], p.punt[0]], { radius: 6, color: "#1a1a1a", weight: 2,
          fillColor: "#fff", fillOpacity: 1 })
          .bindTooltip(p.naam, { permanent: false }).addTo(map);
      });
      return RG.fetchLayer("samenwerking");
    }).then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) {
          var p = f.properties;
          if (p.soort === "gezamenlijk") {
            return { color: "#1a1a1a", weight: 2 + p.sterkte, dashArray: "8 6", opacity: 0.9 };
          }
          return { color: COLOURS[p.schakel] || "#767676", weight: 1 + 2 * p.sterkte, opacity: 0.75 };
        },
        onEachFeature: function (f, line) {
          drawn[f.properties.soort] += 1;
          line.bindPopup(why(f.properties), { maxWidth: 360 });
          line.on("add", function () {
            var path = line.getElement && line.getElement();
            if (path) {
              path.setAttribute("data-lijn", f.id);
              path.setAttribute("data-soort", f.properties.soort);
            }
          });
        }
      }).addTo(map);
      element.setAttribute("data-kansen", String(drawn.kans));
      element.setAttribute("data-gezamenlijk", String(drawn.gezamenlijk));
      element.setAttribute("data-geladen", "true");
      return layer;
    }).catch(function (error) {
      element.setAttribute("data-fout", String(error));
      element.textContent = "De kaart kon niet laden; de tabellen hieronder hebben dezelfde gegevens. (The map could not load; the tables below have the same data.)";
    });
  });
}());
