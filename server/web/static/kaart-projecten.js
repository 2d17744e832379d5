// The project map: markers coloured by stage and shaped by status, clustered where several
// share a place; the filter form filters the markers, the counts and the table alike.
(function () {
  "use strict";
  var RG = window.RegiograafKaart;
  var FILTERS = ["schakel", "opgave", "niveau", "status", "gemeente", "trekker"];

  function icon(p) {
    var classes = ["rg-marker", "schakel-" + (p.schakel || "geen"), "status-" + (p.status || "geen")];
    if (p.voorbeeld) { classes.push("voorbeeld"); }
    return L.divIcon({
      className: "rg-marker-houder",
      html: '<span class="' + classes.join(" ") + '">' + (p.voorbeeld ? "V" : "") + "</span>",
      iconSize: [22, 22],
      iconAnchor: [11, 11],
      popupAnchor: [0, -10]
    });
  }

  function popup(p, lang) {
    var t = RG.t(lang);
    var example = '<span class="voorbeeld-label">' + t("voorbeeld", "example") + "</span>";
    var goals = (p.doelen || []).map(function (g) {
      return "<li>" + RG.esc(RG.names([g], lang)) + (g.voorbeeld ? " " + example : "") + "</li>";
    }).join("");
    var lead = lang === "en" ? (p.gemeente_naam_en || p.gemeente_naam) : p.gemeente_naam;
    return '<div class="popup" lang="' + lang + '">' +
      "<h3>" + RG.esc(lang === "en" ? (p.titel_en || p.titel) : p.titel) + "</h3>" +
      (p.voorbeeld ? '<p class="voorbeeld-label">' + t("voorbeeld (verzonnen)", "example (invented)") + "</p>" : "") +
      "<dl>" +
      "<dt>" + t("Gemeente", "Municipality") + "</dt><dd>" + RG.esc(lead) +
        (p.deelnemers.length ? " (" + t("met", "with") + " " + RG.esc(RG.names(p.deelnemers, lang)) + ")" : "") + "</dd>" +
      "<dt>" + t("Schakel", "Stage") + "</dt><dd>" + RG.esc(RG.names(p.schakels, lang)) + "</dd>" +
      "<dt>" + t("Opgave", "Challenge") + "</dt><dd>" + RG.esc(RG.names(p.opgaven, lang)) + "</dd>" +
      "<dt>Status</dt><dd>" + RG.esc(lang === "en" ? p.status_naam_en : p.status_naam) + "</dd>" +
      "<dt>" + t("Doelen", "Goals") + "</dt><dd>" + (goals ? "<ul>" + goals + "</ul>" : "—") + "</dd>" +
      "</dl>" +
      (RG.linkable(p.pagina) ? "<p>" + RG.link(p.pagina, t("Naar het project", "Project page"),
        "projectlink") + "</p>" : "") +
      "</div>";
  }

  function matches(p, chosen) {
    return (!chosen.schakel || p.schakels.some(function (s) {
        return chosen.schakel === "randvoorwaarden" ? s.randvoorwaarde : s.ref === chosen.schakel;
      })) &&
      (!chosen.opgave || p.opgaven.some(function (c) { return c.ref === chosen.opgave; })) &&
      (!chosen.niveau || p.niveaus.indexOf(chosen.niveau) >= 0) &&
      (!chosen.status || p.status === chosen.status) &&
      (!chosen.gemeente || p.gemeente_ref === chosen.gemeente ||
        p.deelnemers.some(function (m) { return m.ref === chosen.gemeente; })) &&
      (!chosen.trekker || p.gemeente_ref === chosen.trekker);
  }

  window.addEventListener("load", function () {
    var element = document.getElementById("kaart");
    var form = document.getElementById("filters");
    if (!element || typeof L === "undefined") { return; }
    var map = RG.createMap(element);
    var lang = RG.lang(element);
    var t = RG.t(lang);
    var municipalities = null;
    var cluster = L.markerClusterGroup({ maxClusterRadius: 35, showCoverageOnHover: false });
    var markers = [];
    window.regiograafProjectenKaart = { map: map, cluster: cluster, markers: markers };

    // Filters named in the URL (a link from the value-chain matrix). The live server has
    // already set them in the form; a static export serves the page unfiltered.
    var asked = new URLSearchParams(window.location.search);
    function option(name, value) {
      var field = form.elements[name];
      return field && field.tagName === "SELECT" && value ?
        field.querySelector('option[value="' + CSS.escape(value) + '"]') : null;
    }
    FILTERS.forEach(function (name) {
      if (option(name, asked.get(name))) { form.elements[name].value = asked.get(name); }
    });
    var lead = option("gemeente", asked.get("trekker"));
    if (lead && !form.elements.trekker.value) {
      form.elements.trekker.value = asked.get("trekker");
      document.querySelector("#trekker > .naam").textContent = lead.getAttribute("data-naam");
      document.getElementById("trekker-filter").hidden = false;
    }

    // The chosen municipality: named in the heading, outlined and zoomed to on the map.
    function focus() {
      var chosenOption = option("gemeente", form.elements.gemeente.value);
      var heading = document.getElementById("kop-gemeente");
      heading.hidden = !chosenOption;
      heading.querySelector(".naam").textContent = chosenOption ? chosenOption.getAttribute("data-naam") : "";
      if (municipalities) { municipalities.focus(form.elements.gemeente.value); }
    }

    function chosen() {
      var values = {};
      FILTERS.forEach(function (name) {
        values[name] = form.elements[name] ? form.elements[name].value : "";
      });
      return values;
    }

    function apply() {
      var values = chosen();
      var shown = 0;
      cluster.clearLayers();
      markers.forEach(function (m) {
        var ok = matches(m.feature.properties, values);
        if (ok) { cluster.addLayer(m); shown += 1; }
      });
      document.querySelectorAll("#projecten-tabel tbody tr").forEach(function (row) {
        var m = markers.filter(function (x) { return x.feature.id === row.getAttribute("data-project"); })[0];
        row.hidden = m ? !matches(m.feature.properties, values) : false;
      });
      document.getElementById("aantal-getoond").textContent = String(shown);
      element.setAttribute("data-getoond", String(shown));
      // The names move aside from the markers and clusters now drawn.
      if (municipalities) { municipalities.place(); }
    }
    cluster.on("animationend", function () { if (municipalities) { municipalities.place(); } });

    RG.fetchLayer("gemeenten").then(function (data) {
      municipalities = RG.municipalities(map, data, lang);
      focus();
      return RG.fetchLayer("projecten");
    }).then(function (data) {
      data.features.forEach(function (f) {
        if (!f.geometry) { return; }
        var ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        var marker = L.marker(ll, {
          icon: icon(f.properties),
          title: (lang === "en" ? f.properties.titel_en || f.properties.titel : f.properties.titel) +
            " (" + (lang === "en" ? f.properties.gemeente_naam_en || f.properties.gemeente_naam : f.properties.gemeente_naam) + ")",
          alt: lang === "en" ? f.properties.titel_en || f.properties.titel : f.properties.titel,
          keyboard: true
        });
        marker.feature = f;
        marker.bindPopup(popup(f.properties, lang), { maxWidth: 280 });
        markers.push(marker);
      });
      map.addLayer(cluster);
      apply();
      element.setAttribute("data-geladen", "true");
    }).catch(function (error) {
      element.setAttribute("data-fout", String(error));
      element.textContent = t("De kaart kon niet laden; de tabel hieronder heeft dezelfde gegevens.",
        "The map could not load; the table below has the same data.");
    });

    form.addEventListener("change", function (event) {
      apply();
      if (event.target === form.elements.gemeente) { focus(); }
      var params = new URLSearchParams();
      FILTERS.forEach(function (name) {
        if (form.elements[name] && form.elements[name].value) {
          params.set(name, form.elements[name].value);
        }
      });
      if (lang === "en") { params.set("lang", "en"); }
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    });
  });
}());
