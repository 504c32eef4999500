/* Safety check: the emergency first, and only the questions that apply.
 *
 * Without JavaScript every question shows, the server drops follow-ups that do not apply, and a
 * form sent with an emergency answer gets the emergency page; this file only makes that happen
 * sooner (clinical-spec.md §1, §7.2, §9 rulings 1 and 3):
 *
 * - after each answer the form is sent to POST /screening/so-far (nothing is saved), which runs
 *   the same rules as the full screen; when the answers so far mean "go to an emergency department
 *   now", the emergency panel (#so-far) appears right after the answer that raised it, before the
 *   next question, with call buttons and a button to stop and save. While any of Q1-Q7 is yes the
 *   "already checked by a doctor" follow-up moves into that panel, naming the items answered yes;
 * - follow-up questions (Q8a, "already checked") show only once they apply, and Q8 is asked again
 *   after S5 (leg weakness) when it was answered no.
 *
 * If the server cannot be reached, a yes to a question that is an emergency on its own still shows
 * the panel (never less: "not sure" counts as yes).
 */
(function () {
  "use strict";
  var form = document.querySelector("form.screening");
  if (!form) return;
  var panel = document.getElementById("so-far");
  var emergency = document.getElementById("so-far-emergency");
  var actions = document.getElementById("so-far-actions");
  var slot = panel && panel.querySelector("[data-assessed-slot]");
  var assessed = form.querySelector("fieldset.assessed");
  var url = form.getAttribute("data-so-far");
  var sent = 0;

  function value(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  // The answer that counts for an item: a question asked again replaces the first answer.
  function answer(item) {
    var again = form.querySelector('fieldset[data-again-of="' + item + '"]');
    if (again && !again.hidden && value(item + "_again")) return value(item + "_again");
    return value(item);
  }

  function saysYes(item) {
    var reply = answer(item);
    return reply === "yes" || reply === "unsure";
  }

  function words(fieldset, name) {
    return (fieldset.getAttribute(name) || "").split(" ").filter(Boolean);
  }

  function applies(fieldset) {
    var again = fieldset.getAttribute("data-again-if");
    if (again) return saysYes(again) && value(fieldset.getAttribute("data-again-of")) === "no";
    var all = words(fieldset, "data-asked-if-all");
    var any = words(fieldset, "data-asked-if-any");
    return all.every(saysYes) && (any.length === 0 || any.some(saysYes));
  }

  // Moving an element keeps a marker where it came from, so it can go back.
  function moveAfter(element, anchor) {
    if (!element.homeMarker) {
      element.homeMarker = document.createComment("home");
      element.parentNode.insertBefore(element.homeMarker, element);
    }
    anchor.parentNode.insertBefore(element, anchor.nextSibling);
  }

  function moveHome(element) {
    if (element.homeMarker) element.homeMarker.parentNode.insertBefore(element, element.homeMarker);
  }

  function showFollowUps() {
    form.querySelectorAll("fieldset.follow-up").forEach(function (fieldset) {
      var show = applies(fieldset) || fieldset.classList.contains("field-error");
      fieldset.hidden = !show;
      var note = fieldset.querySelector(".when");
      if (note) note.hidden = true;
      if (!show) {
        fieldset.querySelectorAll("input:checked").forEach(function (input) {
          input.checked = false;
        });
      }
    });
    // The follow-ups of a question asked again come right after it (Q8a after Q8, again).
    form.querySelectorAll("fieldset[data-again-of]").forEach(function (again) {
      var item = again.getAttribute("data-again-of");
      form.querySelectorAll("fieldset.follow-up").forEach(function (fieldset) {
        if (words(fieldset, "data-asked-if-all").indexOf(item) < 0) return;
        if (!again.hidden && value(item + "_again")) moveAfter(fieldset, again);
        else moveHome(fieldset);
      });
    });
  }

  function anchorFor(item, changed) {
    return document.getElementById("q-" + item) || changed;
  }

  function show(result, changed, byPerson) {
    if (!panel) return;
    var appearing = result.emergency && emergency.hidden;
    if (result.emergency) {
      if (panel.hidden) {
        var anchor = result.reason ? anchorFor(result.reason.item, changed) : changed;
        if (anchor && !panel.contains(anchor)) moveAfter(panel, anchor);
      }
      var reason = emergency.querySelector("[data-reason]");
      reason.textContent = result.reason ? result.reason.text : "";
      reason.parentNode.hidden = !result.reason;
    }
    emergency.hidden = !result.emergency;
    actions.hidden = !result.emergency;
    var named = assessed && !assessed.hidden;
    if (assessed && named && (result.emergency || assessed.parentNode === slot)) {
      slot.appendChild(assessed);
    } else if (assessed && !named) {
      moveHome(assessed);
    }
    panel.hidden = !(result.emergency || (assessed && assessed.parentNode === slot));
    if (assessed && result.topics) {
      var list = assessed.querySelector("[data-topics]");
      list.textContent = "";
      result.topics.forEach(function (topic) {
        var li = document.createElement("li");
        li.textContent = topic;
        list.appendChild(li);
      });
      list.parentNode.hidden = result.topics.length === 0;
    }
    if (appearing && byPerson) {
      emergency.focus();
      emergency.scrollIntoView({ block: "start" });
    }
  }

  // Offline: a yes to a question that is an emergency on its own (its content says so).
  function withoutServer() {
    var found = null;
    form.querySelectorAll('fieldset[data-raises="EMERGENCY_NOW"]').forEach(function (fieldset) {
      var item = fieldset.id.replace(/^q-/, "");
      if (!found && !fieldset.hidden && saysYes(item)) {
        found = { item: item, text: fieldset.getAttribute("data-reason") };
      }
    });
    return { emergency: !!found, reason: found, topics: null };
  }

  function check(changed, byPerson) {
    if (!url) return;
    var mine = ++sent;
    fetch(url, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (mine !== sent) return;
        show(
          { emergency: data.emergency, reason: data.reason, topics: data.assessed_topics },
          changed,
          byPerson
        );
      })
      .catch(function () {
        if (mine === sent) show(withoutServer(), changed, byPerson);
      });
  }

  form.addEventListener("change", function (event) {
    showFollowUps();
    var changed = event.target.closest("fieldset.question, .field");
    check(changed, true);
  });
  showFollowUps();
  check(null, false);
})();
