/* Fills hidden "timezone" inputs with this device's IANA zone (for example
 * "America/Los_Angeles"), so the person's "today" is their own day, not the server's, and hidden
 * "country" inputs with the region of the browser's language ("en-GB" gives GB), which chooses
 * the emergency numbers shown (clinical-spec.md §9 ruling 10; changeable in Settings). */
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var fields = document.querySelectorAll("input[data-timezone]");
  for (var i = 0; i < fields.length; i++) {
    if (!fields[i].value) { fields[i].value = zone; }
  }
  var region = "";
  var languages = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
  for (var j = 0; j < languages.length && !region; j++) {
    var parts = String(languages[j]).split("-");
    for (var k = 1; k < parts.length; k++) {
      if (/^[A-Za-z]{2}$/.test(parts[k])) { region = parts[k].toUpperCase(); break; }
    }
  }
  var countries = document.querySelectorAll("input[data-country]");
  for (var m = 0; m < countries.length; m++) {
    if (!countries[m].value) { countries[m].value = region; }
  }
})();
