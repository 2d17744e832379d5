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

  // Invented examples (rg:isExample) are marked wherever they are shown.
  function mark(item) {
    return item.voorbeeld ?
      ' <span class="voorbeeld-label">voorbeeld <span lang="en">(example)</span></span>' : "";
  }

  function why(p) {
    var head = "<h3>" + RG.esc(p.gemeente1_naam) + " — " + RG.esc(p.gemeente2_naam) + "</h3>";
    if (p.soort === "kans") {
      return '<div class="popup" lang="nl">' + head +
        "<p>Kans, overlap " + p.sterkte + " <span lang=\"en\">(opportunity)</span></p><ul>" +
        p.redenen.map(function (r) { return "<li>" + RG.esc(r.reden) + mark(r) + "</li>"; }).join("") +
        "</ul></div>";
    }
    return '<div class="popup" lang="nl">' + head +
      "<p>Gezamenlijke projecten <span lang=\"en\">(joint projects)</span>:</p><ul>" +
      p.projecten.map(function (x) {
        return "<li>" + RG.link(x.pagina, RG.esc(x.titel)) + mark(x) + "</li>";
      }).join("") + "</ul></div>";
  }

  window.addEventListener("load", function () {
    var element = document.getElementById("kaart");
    if (!element || typeof L === "undefined") { return; }
    var map = RG.createMap(element);
    window.regiograafSamenwerkingsKaart = { map: map };
    RG.fetchLayer("gemeenten").then(function (data) {
      L.geoJSON(data, { style: RG.municipalityStyle, interactive: false,
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
      var form = document.getElementById("filters");
      var lines = [];
      function keep(p) {
        var soort = form.elements.soort.value;
        var schakel = form.elements.schakel.value;
        var minimum = Number(form.elements.minimum.value || 1);
        if (soort && p.soort !== soort) { return false; }
        if (p.soort === "gezamenlijk") { return !schakel && minimum <= 1; }
        return p.sterkte >= minimum && (!schakel || p.redenen.some(function (r) {
          return r.schakel.split("/").pop() === schakel;
        }));
      }
      function apply() {
        var count = { kans: 0, gezamenlijk: 0 };
        lines.forEach(function (line) {
          var p = line.feature.properties;
          var ok = keep(p);
          if (ok) { count[p.soort] += 1; if (!map.hasLayer(line)) { line.addTo(map); } }
          else if (map.hasLayer(line)) { map.removeLayer(line); }
          var row = document.querySelector('tr[data-lijn="' + line.feature.id + '"]');
          if (row) { row.hidden = !ok; }
        });
        document.getElementById("aantal-kansen").textContent = String(count.kans);
        document.getElementById("aantal-gezamenlijk").textContent = String(count.gezamenlijk);
        element.setAttribute("data-kansen", String(count.kans));
        element.setAttribute("data-gezamenlijk", String(count.gezamenlijk));
      }
      form.addEventListener("change", apply);
      var layer = L.geoJSON(data, {
        style: function (f) {
          var p = f.properties;
          if (p.soort === "gezamenlijk") {
            return { color: "#1a1a1a", weight: 2 + p.sterkte, dashArray: "8 6", opacity: 0.9 };
          }
          return { color: COLOURS[p.schakel] || "#767676", weight: 1 + 2 * p.sterkte, opacity: 0.75 };
        },
        onEachFeature: function (f, line) {
          lines.push(line);
          line.bindPopup(why(f.properties), { maxWidth: 360 });
          line.on("add", function () {
            var path = line.getElement && line.getElement();
            if (path) {
              path.setAttribute("data-lijn", f.id);
              path.setAttribute("data-soort", f.properties.soort);
            }
          });
        }
      });
      apply();
      element.setAttribute("data-geladen", "true");
      return layer;
    }).catch(function (error) {
      element.setAttribute("data-fout", String(error));
      element.textContent = "De kaart kon niet laden; de tabellen hieronder hebben dezelfde gegevens. (The map could not load; the tables below have the same data.)";
    });
  });
}());
