// The collaboration map: municipalities as labelled nodes, one line per pair and kind.
// Opportunities: solid, coloured by the first shared stage, thickness by overlap (square root,
// so one strong pair does not hide the rest); joint projects: dark and dotted, curved aside
// where the same pair also has an opportunity line; lines with a former member dashed grey.
// The form filters by municipality (only its lines), kind, stage and minimum overlap; the
// region's view starts at the minimum the server chose so that the strongest pairs read.
(function () {
  "use strict";
  var RG = window.RegiograafKaart;
  var COLOURS = {
    "digitale-infrastructuur": "#5b2c83", "data": "#0b55a3",
    "toepassingen-en-diensten": "#1d6b3a", "maatschappelijke-waarde": "#a3330b",
    "governance-en-regie": "#6b4e00", "digitale-vaardigheden": "#8a1a5b",
    "digitale-veiligheid-en-privacy": "#1a1a1a", "publieke-waarden": "#00636b"
  };
  var FILTERS = ["gemeente", "soort", "schakel", "minimum"];

  function why(p, lang) {
    var t = RG.t(lang);
    // Invented examples (rg:isExample) are marked wherever they are shown.
    function mark(item) {
      return item.voorbeeld ? ' <span class="voorbeeld-label">' + t("voorbeeld", "example") + "</span>" : "";
    }
    var a = lang === "en" ? p.gemeente1_naam_en || p.gemeente1_naam : p.gemeente1_naam;
    var b = lang === "en" ? p.gemeente2_naam_en || p.gemeente2_naam : p.gemeente2_naam;
    var head = "<h3>" + RG.esc(a) + " — " + RG.esc(b) + "</h3>";
    if (p.soort === "kans") {
      return '<div class="popup" lang="' + lang + '">' + head +
        "<p>" + t("Kans, overlap ", "Opportunity, overlap ") + p.sterkte +
        (p.sterkte_voorbeeld ? ' <span class="voorbeeld-label">' + t("telt voorbeelden", "counts examples") + "</span>" : "") +
        "</p><ul>" +
        p.redenen.map(function (r) {
          return "<li>" + RG.esc(lang === "en" ? r.reden_en : r.reden) + mark(r) + "</li>";
        }).join("") + "</ul></div>";
    }
    return '<div class="popup" lang="' + lang + '">' + head +
      "<p>" + t("Gezamenlijke projecten", "Joint projects") + ":</p><ul>" +
      p.projecten.map(function (x) {
        return "<li>" + RG.link(x.pagina, RG.esc(x.titel)) + mark(x) + "</li>";
      }).join("") + "</ul></div>";
  }

  // The points of a gentle arc from a to b (for a joint line beside an opportunity line).
  function arc(a, b) {
    var mid = [(a[0] + b[0]) / 2 + (b[1] - a[1]) * 0.12, (a[1] + b[1]) / 2 - (b[0] - a[0]) * 0.12];
    var points = [];
    for (var i = 0; i <= 12; i += 1) {
      var s = i / 12;
      points.push([
        (1 - s) * (1 - s) * a[0] + 2 * (1 - s) * s * mid[0] + s * s * b[0],
        (1 - s) * (1 - s) * a[1] + 2 * (1 - s) * s * mid[1] + s * s * b[1]
      ]);
    }
    return points;
  }

  function style(p) {
    if (p.voormalig) {
      return { color: "#595959", weight: 2 + p.sterkte, dashArray: "8 6", opacity: 0.9 };
    }
    if (p.soort === "gezamenlijk") {
      return { color: "#1a1a1a", weight: 2 + p.sterkte, dashArray: "1 7", lineCap: "round", opacity: 0.95 };
    }
    return { color: COLOURS[p.schakel] || "#767676", weight: 1 + 2 * Math.sqrt(p.sterkte), opacity: 0.8 };
  }

  function lineFor(f, pairs) {
    var c = f.geometry.coordinates;
    var a = [c[0][1], c[0][0]], b = [c[1][1], c[1][0]];
    var p = f.properties;
    var both = pairs[p.gemeente1_ref + "-" + p.gemeente2_ref] > 1;
    return L.polyline(p.soort === "gezamenlijk" && both ? arc(a, b) : [a, b], style(p));
  }

  window.addEventListener("load", function () {
    var element = document.getElementById("kaart");
    var form = document.getElementById("filters");
    if (!element || typeof L === "undefined") { return; }
    var map = RG.createMap(element);
    var lang = RG.lang(element);
    var t = RG.t(lang);
    var municipalities = null;
    window.regiograafSamenwerkingsKaart = { map: map };

    // Filters named in the URL: the live server has set them in the form already; a static
    // export serves the page unfiltered, so the script sets them (one municipality: every line).
    var asked = new URLSearchParams(window.location.search);
    FILTERS.forEach(function (name) {
      var value = asked.get(name);
      var field = form.elements[name];
      if (value && field.querySelector('option[value="' + CSS.escape(value) + '"]')) {
        field.value = value;
      }
    });
    if (asked.get("gemeente") && !asked.get("minimum")) { form.elements.minimum.value = "1"; }

    function focus() {
      var option = form.elements.gemeente.selectedOptions[0];
      var heading = document.getElementById("kop-gemeente");
      heading.hidden = !form.elements.gemeente.value;
      heading.querySelector(".naam").textContent = form.elements.gemeente.value ? option.getAttribute("data-naam") : "";
      if (municipalities) { municipalities.focus(form.elements.gemeente.value, false); }
    }

    // The region, or the chosen municipality with every partner its shown lines reach.
    function fit(shown) {
      var chosen = municipalities && municipalities.byRef[form.elements.gemeente.value];
      if (chosen && shown.length) {
        map.fitBounds(L.featureGroup(shown.concat([chosen])).getBounds(),
          { padding: [30, 30], animate: false });
      } else {
        map.fitBounds(RG.REGION, { animate: false });  // (see kaart.js: focus)
      }
    }

    RG.fetchLayer("gemeenten").then(function (data) {
      municipalities = RG.municipalities(map, data, lang);
      data.features.forEach(function (f) {
        var p = f.properties;
        if (!p.punt) { return; }
        var former = p.lid === false;
        L.circleMarker([p.punt[1], p.punt[0]], { radius: 5, color: "#1a1a1a", weight: 2,
          fillColor: "#fff", fillOpacity: 1, dashArray: former ? "3 3" : null, interactive: false })
          .addTo(map);
      });
      focus();
      return RG.fetchLayer("samenwerking");
    }).then(function (data) {
      var lines = [];
      var pairs = {};
      data.features.forEach(function (f) {
        var key = f.properties.gemeente1_ref + "-" + f.properties.gemeente2_ref;
        pairs[key] = (pairs[key] || 0) + 1;
      });
      function keep(p) {
        var gemeente = form.elements.gemeente.value;
        var soort = form.elements.soort.value;
        var schakel = form.elements.schakel.value;
        var minimum = Number(form.elements.minimum.value || 1);
        if (gemeente && p.gemeente1_ref !== gemeente && p.gemeente2_ref !== gemeente) { return false; }
        if (soort && p.soort !== soort) { return false; }
        if (p.soort === "gezamenlijk") { return !schakel; }
        return p.sterkte >= minimum && (!schakel || p.redenen.some(function (r) {
          return r.schakel.split("/").pop() === schakel;
        }));
      }
      function apply() {
        var count = { kans: 0, gezamenlijk: 0 };
        var shown = [];
        var ids = {};
        lines.forEach(function (line) {
          var p = line.feature.properties;
          var ok = keep(p);
          ids[line.feature.id] = ok;
          if (ok) {
            count[p.soort] += 1; shown.push(line);
            if (!map.hasLayer(line)) { line.addTo(map); }
          } else if (map.hasLayer(line)) { map.removeLayer(line); }
        });
        // A pair's row shows while one of its lines does (a row without a drawn line stays).
        document.querySelectorAll("#paren tbody tr[data-lijnen]").forEach(function (row) {
          var own = row.getAttribute("data-lijnen").split(" ").filter(function (id) { return id in ids; });
          if (own.length) { row.hidden = !own.some(function (id) { return ids[id]; }); }
        });
        document.getElementById("aantal-kansen").textContent = String(count.kans);
        document.getElementById("aantal-gezamenlijk").textContent = String(count.gezamenlijk);
        element.setAttribute("data-kansen", String(count.kans));
        element.setAttribute("data-gezamenlijk", String(count.gezamenlijk));
        return shown;
      }
      form.addEventListener("change", function (event) {
        if (event.target === form.elements.gemeente) {
          // One municipality's lines are few: all of them; the region's: the strongest.
          form.elements.minimum.value = form.elements.gemeente.value ? "1" :
            form.elements.minimum.getAttribute("data-standaard") || form.elements.minimum.value;
          focus();
          fit(apply());
        } else {
          apply();
        }
        var params = new URLSearchParams();
        FILTERS.forEach(function (name) {
          if (form.elements[name].value) { params.set(name, form.elements[name].value); }
        });
        if (lang === "en") { params.set("lang", "en"); }
        var query = params.toString();
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      });
      data.features.forEach(function (f) {
        if (!f.geometry) { return; }
        var line = lineFor(f, pairs);
        line.feature = f;
        lines.push(line);
        line.bindPopup(why(f.properties, lang), { maxWidth: 280 });
        line.on("add", function () {
          var path = line.getElement && line.getElement();
          if (path) {
            path.setAttribute("data-lijn", f.id);
            path.setAttribute("data-soort", f.properties.soort);
            path.setAttribute("data-voormalig", String(f.properties.voormalig));
          }
        });
      });
      fit(apply());
      element.setAttribute("data-geladen", "true");
    }).catch(function (error) {
      element.setAttribute("data-fout", String(error));
      element.textContent = t("De kaart kon niet laden; de tabellen hieronder hebben dezelfde gegevens.",
        "The map could not load; the tables below have the same data.");
    });
  });
}());
