/* Fills hidden "timezone" inputs with this device's IANA zone (for example
 * "America/Los_Angeles"), so the person's "today" is their own day, not the server's. */
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var fields = document.querySelectorAll("input[data-timezone]");
  for (var i = 0; i < fields.length; i++) {
    if (!fields[i].value) { fields[i].value = zone; }
  }
})();
