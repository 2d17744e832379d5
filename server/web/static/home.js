// The home page's "Kies uw gemeente": a search box above the list of municipalities that
// narrows the list as you type; Enter opens the scan when one municipality is left. Without
// this script the list of links works as it is.
(function () {
  "use strict";
  var list = document.getElementById("scan-gemeenten");
  if (!list) { return; }
  var items = Array.prototype.slice.call(list.querySelectorAll("li"));
  var label = document.createElement("label");
  label.setAttribute("for", "gemeente-filter");
  label.className = "utrecht-form-label";
  label.textContent = list.getAttribute("data-filter-label");
  var input = document.createElement("input");
  input.type = "search";
  input.id = "gemeente-filter";
  input.className = "utrecht-textbox gemeente-filter";
  input.setAttribute("autocomplete", "off");
  input.setAttribute("aria-controls", "scan-gemeenten");
  input.setAttribute("aria-describedby", "gemeente-aantal");
  var status = document.createElement("p");
  status.id = "gemeente-aantal";
  status.className = "utrecht-paragraph gemeente-aantal";
  status.setAttribute("role", "status");
  list.parentNode.insertBefore(label, list);
  list.parentNode.insertBefore(input, list);
  list.parentNode.insertBefore(status, list);

  function simple(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function visible() {
    return items.filter(function (item) { return !item.hidden; });
  }
  input.addEventListener("input", function () {
    var wanted = simple(input.value.trim());
    items.forEach(function (item) {
      item.hidden = wanted !== "" && simple(item.textContent).indexOf(wanted) === -1;
    });
    status.textContent = visible().length === 0 ? list.getAttribute("data-filter-none") : "";
  });
  input.addEventListener("keydown", function (event) {
    var left = visible();
    if (event.key === "Enter" && left.length === 1) {
      event.preventDefault();
      left[0].querySelector("a").click();
    }
  });
})();
