/* Safety check: a short conversation, the emergency first, and only the questions that apply.
 *
 * Without JavaScript every page of the form shows, the server drops follow-ups that do not apply,
 * and a form sent with an emergency answer gets the emergency page; this file makes it a
 * conversation and makes the emergency come sooner (clinical-spec.md §1, §7.2, §9 rulings 1, 3):
 *
 * - one page (section.step) at a time, with "2 of 4", Back and Next. A group page ("Do you have
 *   any of these?") is answered with "None of these" (which moves on) or "Yes, or not sure",
 *   which opens its questions one by one. Next only checks that the page is answered; the one
 *   form is still sent, and checked by the server, at the end;
 * - the body map: tap the figure to mark how far down pain or numbness reach (the lists under it
 *   are the form, and stay for keyboards and screen readers);
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

  // An item of a group answered "None of these" is "no" (the server reads it the same way).
  function groupOf(item) {
    var step = form.querySelector('section[data-group-items~="' + item + '"]');
    return step ? step.getAttribute("data-group") : null;
  }

  function value(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) return checked.value;
    var group = groupOf(name);
    if (group && value("group_" + group) === "none") return "no";
    var box = form.querySelector('input[type="checkbox"][name="' + name + '"]');
    return box ? "no" : "";
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
    var found = document.getElementById("q-" + item) || changed;
    var step = steps[current];
    if (stepping && found && step && !step.contains(found)) return step.lastElementChild;
    return found;
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

  // -- one page at a time -------------------------------------------------------------------------

  var steps = Array.prototype.slice.call(form.querySelectorAll("section.step"));
  var stepping = steps.length > 1;
  var current = 0;
  var footer = document.getElementById("step-actions");
  var problem = document.getElementById("step-problem");
  var lead = document.querySelector(".screening-lead");
  function button(name) {
    return footer.querySelector("[data-" + name + "]");
  }

  function groupField(step) {
    var group = step.getAttribute("data-group");
    return group ? "group_" + group : null;
  }

  function detailOpen(step) {
    var field = groupField(step);
    if (!field) return true;
    return (
      value(field) === "some" ||
      !!step.querySelector(".group-detail .field-error") ||
      !!step.querySelector('.group-detail input:checked:not([value="no"])')
    );
  }

  function layout(step) {
    var field = groupField(step);
    if (!field) return;
    var open = detailOpen(step);
    step.querySelector(".group-choice").hidden = true;
    step.querySelector(".group-detail").hidden = !open;
    step.querySelector(".group-list").hidden = open;
  }

  // What is still unanswered on a page: radio groups that show, and the age.
  function unanswered(step) {
    var missing = [];
    step.querySelectorAll("fieldset.question").forEach(function (fieldset) {
      if (fieldset.closest("[hidden]") || fieldset.classList.contains("assessed")) return;
      if (fieldset.classList.contains("zone-list") || fieldset.classList.contains("checklist")) return;
      if (fieldset.classList.contains("group-choice")) return;
      var radio = fieldset.querySelector('input[type="radio"]');
      if (radio && !fieldset.querySelector("input:checked")) missing.push(radio);
    });
    var age = step.querySelector('input[name="age"]');
    if (age && !age.value.trim()) missing.unshift(age);
    return missing;
  }

  function complain(missing) {
    problem.textContent = "Please answer every question on this page to go on.";
    problem.hidden = false;
    missing[0].focus();
    missing[0].scrollIntoView({ block: "center" });
  }

  function go(index, byPerson) {
    current = Math.max(0, Math.min(steps.length - 1, index));
    steps.forEach(function (step, i) {
      step.hidden = i !== current;
      layout(step);
    });
    var step = steps[current];
    var last = step.hasAttribute("data-last");
    var group = groupField(step) && !detailOpen(step);
    problem.hidden = true;
    if (lead) lead.hidden = current > 0;
    button("back").hidden = current === 0;
    button("none").hidden = !group;
    button("some").hidden = !group;
    button("next").hidden = group || last;
    button("submit").hidden = group || !last;
    if (panel && !panel.hidden && !step.contains(panel)) moveAfter(panel, step.lastElementChild);
    if (byPerson) {
      var heading = step.querySelector("h2");
      window.scrollTo(0, 0);
      heading.focus({ preventScroll: true });
    }
  }

  function setGroup(step, choice) {
    var radio = step.querySelector('.group-choice input[value="' + choice + '"]');
    radio.checked = true;
    if (choice === "none") {
      step.querySelectorAll(".group-detail input:checked").forEach(function (input) {
        input.checked = false;
      });
    }
    showFollowUps();
    check(null, false);
  }

  if (stepping) {
    form.classList.add("stepping");
    button("none").addEventListener("click", function () {
      var step = steps[current];
      setGroup(step, "none");
      if (step.hasAttribute("data-last")) {
        if (form.requestSubmit) form.requestSubmit(button("submit"));
        else form.submit();
        return;
      }
      go(current + 1, true);
    });
    button("some").addEventListener("click", function () {
      var step = steps[current];
      setGroup(step, "some");
      go(current, false);
      var first = step.querySelector(".group-detail fieldset.question:not([hidden]) input");
      if (first) first.focus();
    });
    button("next").addEventListener("click", function () {
      var missing = unanswered(steps[current]);
      if (missing.length) return complain(missing);
      go(current + 1, true);
    });
    button("back").addEventListener("click", function () {
      go(current - 1, true);
    });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "stop") return;
      var missing = unanswered(steps[current]);
      if (missing.length) {
        event.preventDefault();
        complain(missing);
      }
    });
    // A link of the error summary opens the page that holds the field.
    document.addEventListener("click", function (event) {
      var link = event.target.closest('.error-summary a[href^="#"]');
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      var step = target && target.closest("section.step");
      if (step) go(steps.indexOf(step), false);
    });
    var firstError = form.querySelector(".field-error");
    var errorStep = firstError && firstError.closest("section.step");
    go(errorStep ? steps.indexOf(errorStep) : 0, false);
  }

  // -- the body map ---------------------------------------------------------------------------------

  // The figure itself is bodymap.js; a tap there counts as answering this page's question.
  var map = form.querySelector("[data-bodymap]");
  if (map) {
    map.addEventListener("bodymap:change", function () { check(map, true); });
  }

  form.addEventListener("change", function (event) {
    showFollowUps();
    if (event.target.name === "map_mode") return;
    var changed = event.target.closest("fieldset.question, .field");
    check(changed, true);
  });
  showFollowUps();
  check(null, false);
})();
