/* Reminders page: pick the device's time zone when none was chosen yet (the list still decides). */
(function () {
  "use strict";
  var select = document.querySelector("[data-detect-zone]");
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!select || !zone || select.value !== "UTC") { return; }
  Array.prototype.forEach.call(select.options, function (option) {
    if (option.value === zone) { select.value = zone; }
  });
}());
