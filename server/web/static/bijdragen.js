// /bijdragen: load a chosen file into the text box, so it can be read and fixed there, and
// bring the result into view after a check. The form works without this script.
(function () {
  "use strict";
  var file = document.getElementById("bestand");
  var text = document.getElementById("tekst");
  if (file && text && window.FileReader) {
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) { return; }
      var reader = new FileReader();
      reader.onload = function () { text.value = String(reader.result); };
      reader.readAsText(chosen, "utf-8");
    });
    // After a check the text box holds the text; a new check sends the text, not the file.
    text.addEventListener("input", function () { file.value = ""; });
  }
  var result = document.getElementById("uitslag-kop");
  if (result && !window.location.hash) { result.focus(); }
}());
