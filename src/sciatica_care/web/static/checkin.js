/* The check-in page: the tappable body map, "same as yesterday", the grouped safety question, and
 * sending through the offline outbox (offline.js). Without this file the form still works as a
 * plain HTML form (then the map's lists and the seven questions are always on the page).
 *
 * The tappable body map itself is bodymap.js (shared with the safety check).
 *
 * Daily safety questions (§1, §9 ruling 11): "Any of these today?" No / Yes; the seven questions
 * open only after a yes. The answers sent are those of services.checkins.grouped_daily_answers
 * (a "no" makes every unanswered item no).
 *
 * Sending: the form is turned into the JSON of POST /api/checkins. Online, a saved entry opens its
 * result page (which leads with any safety action); a rejected one is submitted as a normal form so
 * the server shows the problems next to the fields. Offline, it is kept on this device, and if a
 * safety question was answered yes the emergency advice is shown here and now.
 */
(function () {
  "use strict";

  var DAILY = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"];
  var SIDES = ["left", "right"];

  function checkedIn(scope, name) {
    var input = scope.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  function setRadio(scope, name, value) {
    var input = scope.querySelector('input[name="' + name + '"][value="' + value + '"]');
    if (input) { input.checked = true; }
  }


  var form = document.getElementById("checkin-form");
  if (!form) { return; }
  var map = form.querySelector("[data-bodymap]");
  function checked(name) { return checkedIn(form, name); }

  /* "Same as yesterday": the map opens only when it has changed; "same" puts yesterday's
     zones back (the server copies them again on a plain form post). */
  var mapDetail = form.querySelector("[data-when-changed]");
  var previous = document.getElementById("previous-map");
  function previousZone(side, kind) {
    return previous ? parseInt(previous.getAttribute("data-" + side + "-" + kind), 10) || 0 : 0;
  }
  function showMap() {
    if (!mapDetail) { return; }
    var errors = mapDetail.querySelector(".field-error");
    mapDetail.hidden = checked("map_same") !== "no" && !errors;
  }
  form.addEventListener("change", function (event) {
    if (event.target.name !== "map_same") { return; }
    if (event.target.value === "yes" && previous) {
      SIDES.forEach(function (side) {
        ["pain", "numbness"].forEach(function (kind) {
          setRadio(form, side + "_" + kind, String(previousZone(side, kind)));
        });
      });
      if (map && map.bodyMapRedraw) { map.bodyMapRedraw(); }
    }
    showMap();
  });
  showMap();

  function zoneOf(side, kind) {
    var v = checked(side + "_" + kind);
    return v === "" ? 0 : parseInt(v, 10);
  }
  function bothLegs() {
    return SIDES.every(function (side) { return Math.max(zoneOf(side, "pain"), zoneOf(side, "numbness")) >= 3; });
  }

  /* Q1–Q7 as services.checkins.grouped_daily_answers makes them. */
  function redFlags() {
    var group = checked("daily_any");
    var given = {};
    DAILY.forEach(function (q) { if (checked(q)) { given[q] = checked(q); } });
    if (group !== "yes" && group !== "no") { return given; }
    var someYes = DAILY.some(function (q) { return given[q] && given[q] !== "no"; });
    var missing = group === "no" || someYes ? "no" : "unsure";
    var flags = {};
    DAILY.forEach(function (q) { flags[q] = given[q] || missing; });
    if (bothLegs() && !given.Q7 && group !== "no") { flags.Q7 = "yes"; }
    return flags;
  }
  function anyYes() {
    var flags = redFlags();
    return DAILY.some(function (q) { return flags[q] === "yes" || flags[q] === "unsure"; });
  }

  var detail = document.getElementById("daily-detail");
  var followUp = document.getElementById("group-CES_ASSESSED");
  function showDetail() {
    if (detail) {
      detail.hidden = checked("daily_any") !== "yes" && !detail.querySelector(".field-error");
    }
    /* The follow-up names what was said, so it comes after one of the seven is yes or not sure. */
    var named = DAILY.some(function (q) { var v = checked(q); return v === "yes" || v === "unsure"; });
    if (followUp) { followUp.hidden = !named && !followUp.classList.contains("field-error"); }
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "daily_any" && event.target.value === "no" && detail) {
      detail.querySelectorAll("input[type=radio]").forEach(function (input) { input.checked = false; });
    }
    showDetail();
  });
  showDetail();

  function number(name) {
    var v = checked(name);
    return v === "" ? null : parseInt(v, 10);
  }

  function body() {
    var value = function (name) {
      var el = form.elements[name];
      return el && el.value ? el.value.trim() : "";
    };
    var same = checked("map_same") === "yes" && previous;
    var leg = function (side) {
      if (same) { return { pain: previousZone(side, "pain"), numbness: previousZone(side, "numbness") }; }
      return { pain: zoneOf(side, "pain"), numbness: zoneOf(side, "numbness") };
    };
    return {
      client_id: value("client_id"),
      day: value("day") || undefined,
      moment: checked("moment") || "morning",
      leg_pain: number("leg_pain"),
      back_pain: number("back_pain"),
      zones: { left: leg("left"), right: leg("right") },
      red_flags: redFlags(),
      ces_assessed: anyYes() ? (checked("CES_ASSESSED") || null) : null,
      activities_impossible: form.elements.activities_impossible.checked,
      sleep_quality: checked("sleep_quality") || null,
      heat_or_cold: checked("heat_or_cold") || "none",
      medication: value("medication") || null,
      note: value("note") || null
    };
  }

  function complete(entry) {
    var legs = SIDES.every(function (side) {
      return Math.max(entry.zones[side].pain, entry.zones[side].numbness) >= 3;
    });
    var mapAnswered = !form.elements.map_offered || checked("map_same") !== "";
    return entry.leg_pain !== null && entry.back_pain !== null && mapAnswered &&
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
}());
