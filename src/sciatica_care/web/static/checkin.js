/* The check-in page: the tappable body map, the follow-up question, and sending through the
 * offline outbox (offline.js). Without this file the form still works as a plain HTML form.
 *
 * Body map (clinical-spec.md §6): choose "pain" or "numbness", tap a zone of a leg to mark how far
 * down it reaches (tap it again to clear). The radio buttons under the figure are the truth: a tap
 * checks one of them, and the figure redraws from them.
 *
 * Sending: the form is turned into the JSON of POST /api/checkins. Online, a saved entry opens its
 * result page (which leads with any safety action); a rejected one is submitted as a normal form so
 * the server shows the problems next to the fields. Offline, it is kept on this device, and if a
 * safety question was answered yes the emergency advice is shown here and now.
 */
(function () {
  "use strict";

  var form = document.getElementById("checkin-form");
  if (!form) { return; }
  var map = form.querySelector("[data-bodymap]");
  var DAILY = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"];

  function checked(name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function setRadio(name, value) {
    var input = form.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (input) { input.checked = true; }
  }

  function redraw() {
    if (!map) { return; }
    map.querySelectorAll("polygon.zone").forEach(function (shape) {
      var side = shape.getAttribute("data-side");
      shape.classList.toggle("pain-on", checked(side + "_pain") === shape.getAttribute("data-zone"));
    });
    map.querySelectorAll("polygon.numb-overlay").forEach(function (shape) {
      var side = shape.getAttribute("data-side");
      shape.classList.toggle("numb-on", checked(side + "_numbness") === shape.getAttribute("data-zone"));
    });
  }

  if (map) {
    map.querySelectorAll(".bodymap-js-only").forEach(function (el) { el.hidden = false; });
    map.querySelectorAll(".bodymap-no-js").forEach(function (el) { el.hidden = true; });
    map.classList.add("bodymap-live");
    map.querySelector("svg").addEventListener("click", function (event) {
      var shape = event.target.closest("polygon.zone");
      if (!shape) { return; }
      var kind = checked("map_mode") || "pain";
      var name = shape.getAttribute("data-side") + "_" + kind;
      var zone = shape.getAttribute("data-zone");
      setRadio(name, checked(name) === zone ? "0" : zone);
      redraw();
    });
    form.addEventListener("change", function (event) {
      if (event.target.matches("[data-side]")) { redraw(); }
    });
  }

  var followUp = document.getElementById("group-CES_ASSESSED");
  function anyYes() {
    return DAILY.some(function (q) { var v = checked(q); return v === "yes" || v === "unsure"; });
  }
  function showFollowUp() {
    if (followUp) { followUp.hidden = !anyYes() && !followUp.classList.contains("field-error"); }
  }
  form.addEventListener("change", showFollowUp);
  showFollowUp();

  function number(name) {
    var v = checked(name);
    return v === "" ? null : parseInt(v, 10);
  }

  function body() {
    var value = function (name) {
      var el = form.elements[name];
      return el && el.value ? el.value.trim() : "";
    };
    var flags = {};
    DAILY.forEach(function (q) { flags[q] = checked(q); });
    var leg = function (side) {
      return { pain: number(side + "_pain") || 0, numbness: number(side + "_numbness") || 0 };
    };
    return {
      client_id: value("client_id"),
      day: value("day") || undefined,
      moment: checked("moment") || "morning",
      leg_pain: number("leg_pain"),
      back_pain: number("back_pain"),
      zones: { left: leg("left"), right: leg("right") },
      red_flags: flags,
      ces_assessed: anyYes() ? (checked("CES_ASSESSED") || null) : null,
      activities_impossible: form.elements.activities_impossible.checked,
      sleep_quality: checked("sleep_quality") || null,
      heat_or_cold: checked("heat_or_cold") || "none",
      medication: value("medication") || null,
      note: value("note") || null
    };
  }

  function complete(entry) {
    var legs = ["left", "right"].every(function (side) {
      return Math.max(entry.zones[side].pain, entry.zones[side].numbness) >= 3;
    });
    return entry.leg_pain !== null && entry.back_pain !== null &&
      DAILY.every(function (q) { return entry.red_flags[q]; }) &&
      (!anyYes() || entry.ces_assessed) && !(legs && entry.red_flags.Q7 === "no");
  }

  function submitPlain() {
    HTMLFormElement.prototype.submit.call(form);
  }

  function reveal(id) {
    var el = document.getElementById(id);
    el.hidden = false;
    el.focus();
    el.scrollIntoView({ block: "start" });
  }

  var sending = false;
  form.addEventListener("submit", function (event) {
    if (!window.sciaticaOffline || !window.fetch || !window.indexedDB) { return; }
    var entry = body();
    if (!complete(entry)) { return; } /* let the server point at what is missing */
    event.preventDefault();
    if (sending) { return; }
    sending = true;
    window.sciaticaOffline.post(form.getAttribute("data-api"), entry).then(function (result) {
      if (result.status === "sent") {
        if (result.response.ok) {
          return result.response.json().then(function (saved) { window.location.assign(saved.page); });
        }
        sending = false;
        return submitPlain();
      }
      form.hidden = true;
      var emergency = anyYes() && entry.ces_assessed !== "yes";
      if (anyYes() && !emergency) { document.getElementById("queued-urgent").hidden = false; }
      reveal(emergency ? "local-emergency" : "queued-note");
      return null;
    }).catch(function () { sending = false; submitPlain(); });
  });

  redraw();
}());
