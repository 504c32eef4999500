/* Sciatica Care guided player: walks today's session step by step (design.md "Guided session").
 *
 * The steps come from the server (#session-data in the page, or GET /api/sessions/today when it
 * is missing): the domain state machine (domain/session.py) has already laid out every phase,
 * pacer stage, duration and spoken cue, so this file only keeps time, counts what was done, asks
 * the pain check and saves.
 *
 *  - A clinician's custom exercise (ex.custom) plays like the others, by its dose, with the same
 *    pain check and stop rules; it has no figure, so a neutral "your clinician's exercise" panel
 *    stands in its place, and its instructions are the clinician's words.
 *
 *  - Time: each timed step has an end time on a clock made of performance.now() differences
 *    (times the test-only speed, ?speed=N or window.__SCIATICA_SPEED). Nothing counts ticks, so
 *    a locked phone or a background tab that sleeps for a minute catches up exactly when it
 *    wakes: every step whose end has passed is completed, and the time left over carries into
 *    the next step (like Session.tick).
 *  - Pain check (clinical-spec.md §4.1): pain >= rules.pain_stop_at, spread down the leg, or new
 *    numbness, tingling or weakness stops the session with the stop message (numbness has its own,
 *    which sends the person to the safety questions); pain >= rules.pain_note_at goes on with a
 *    note. As in Session.pain, numbness is the stop reason whenever it is answered yes.
 *  - Saving: after each exercise and at the end, POST /api/sessions with one client_id; the server
 *    replaces the earlier copy, so nothing is lost if the page closes.
 *  - Speech: cues are spoken with speechSynthesis unless muted (remembered on this device). The
 *    screen-reader live region gets one line per phase or repetition, never every second.
 *  - The figure (static/figure.js) is drawn at the cycle phase each step's "figure" asks for
 *    (domain/skeleton.figure_motion), from the same clock: it holds, moves and pauses with the timer.
 *  - "This one hurts — give me the easier version": the exercise's remaining steps are replaced by
 *    the easier level's steps (sent with its instructions step), or, at the easiest level, the
 *    player goes to its pain check; the result carries asked_easier for progression (§4.1).
 *  - Resume: the state is kept in localStorage per account and day; coming back (back button,
 *    closed tab) offers "Resume" or "Start again". Leaving asks first (in page and beforeunload).
 */
(function () {
  "use strict";

  var root = document.getElementById("player");
  if (!root) return;

  var MUTE_KEY = "sciatica.player.muted";
  var TICK_MS = 200;
  var START_SPEED = Number(new URLSearchParams(location.search).get("speed") || root.dataset.speed || 1);

  var program = null; // {exercises, paused, steps, rules}
  var s = {
    index: -1,            // current step
    stepStart: 0,         // clock seconds when the current timed step began
    stepEnd: 0,           // clock seconds when it ends
    paused: false,
    pausedAt: 0,
    started: false,
    finished: false,
    stopped: false,
    stopReason: null,
    stopNote: null,
    elapsed: 0,
    notes: [],
    tallies: [],
    clientId: null,
    version: 0,           // save counter: the server never lets a lower version replace a higher
    startedAt: null,
    stopPanelOpen: false,
    easierAt: []          // exercise indices switched to their easier version, in order
  };
  var leaving = false;
  var signature = "";

  // --- clock ---------------------------------------------------------------------------------

  /* Test and demo speed only: ?speed=N, or window.__SCIATICA_SPEED set at any time. */
  function speed() {
    var n = Number(window.__SCIATICA_SPEED || START_SPEED);
    return n > 0 ? n : 1;
  }

  var clock = { real: performance.now(), seconds: 0 };

  /* Seconds since the page loaded, on a clock built from performance.now() differences (each
     difference times the speed, normally 1), never from counting timer ticks. */
  function now() {
    var real = performance.now();
    clock.seconds += ((real - clock.real) / 1000) * speed();
    clock.real = real;
    return clock.seconds;
  }

  // --- small DOM helpers ---------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  function setText(id, text) { $(id).textContent = text; }

  function fillList(id, items) {
    var list = $(id);
    list.textContent = "";
    items.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
  }

  function showView(name) {
    ["intro", "instructions", "timed", "pain", "stopped", "done"].forEach(function (view) {
      $("view-" + view).hidden = view !== name;
    });
    $("picture").hidden = !(name === "instructions" || name === "timed");
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // --- speech and announcements --------------------------------------------------------------

  var muted = false;
  try { muted = localStorage.getItem(MUTE_KEY) === "1"; } catch (e) { /* private mode */ }

  function showMute() {
    var button = $("mute");
    button.setAttribute("aria-pressed", muted ? "true" : "false");
    button.textContent = muted ? "Voice is off" : "Mute voice";
  }

  function speak(texts, interrupt) {
    if (muted || !("speechSynthesis" in window) || !texts.length) return;
    if (interrupt && window.speechSynthesis.pending) window.speechSynthesis.cancel();
    texts.forEach(function (text) {
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
    });
  }

  function announce(text) {
    var region = $("announce");
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // --- the session ---------------------------------------------------------------------------

  function step() { return program.steps[s.index]; }

  function isTimed(st) { return st.duration_s !== null; }

  function exerciseOf(st) {
    return st.exercise_index === null ? null : program.exercises[st.exercise_index];
  }

  function newTally() {
    return { started: false, reps: 0, holds: 0, holdSeconds: 0, bySide: {}, pain: null, spread: null,
      numbness: null, easier: false };
  }

  /* Enter step ``i`` at clock time ``at``; ``quiet`` while catching up over passed steps. */
  function enter(i, at, quiet) {
    s.index = i;
    var st = step();
    if (isTimed(st)) {
      s.stepStart = at;
      s.stepEnd = at + st.duration_s;
    }
    if (st.phase === "work") s.tallies[st.exercise_index].started = true;
    if (st.phase === "done") finish();
    if (!quiet) { present(st); persist(); }
  }

  /* The current step is over: count what it finished, as Session._complete does. */
  function complete(st, spent) {
    if (isTimed(st)) s.elapsed += spent;
    if (st.phase !== "work") return;
    var tally = s.tallies[st.exercise_index];
    if (st.stage === null) {
      tally.holds += 1;
      tally.holdSeconds += spent;
    }
    if (st.stage === null || st.stage === "relax") {
      if (st.stage === "relax") tally.reps += 1;
      var key = st.side || "";
      tally.bySide[key] = (tally.bySide[key] || 0) + 1;
    }
  }

  /* Move through every timed step whose end has passed; speak only where we land. */
  function advance() {
    if (!program || !s.started || s.finished || s.paused) return;
    var t = now();
    var moved = false;
    while (!s.finished && isTimed(step()) && t >= s.stepEnd) {
      var st = step();
      var end = s.stepEnd;
      complete(st, st.duration_s);
      enter(s.index + 1, end, true);
      moved = true;
    }
    if (moved && !s.finished) present(step());
    render();
  }

  function ready() {
    if (!program || s.finished || s.paused) return;
    var st = step();
    if (!s.started) {
      s.started = true;
      s.startedAt = new Date().toISOString();
      s.clientId = newClientId();
      $("stop-bar").hidden = false;
      speak(st.cues.map(function (c) { return c.text; }), false);
    }
    if (["intro", "instructions", "break", "side_switch", "rest"].indexOf(st.phase) < 0) return;
    var t = now();
    complete(st, isTimed(st) ? Math.max(0, t - s.stepStart) : 0);
    enter(s.index + 1, t, false);
    render();
  }

  function pause() {
    if (!s.started || s.finished || s.paused) return;
    s.paused = true;
    s.pausedAt = now();
    render();
  }

  function resume() {
    if (!s.paused || s.finished) return;
    var shift = now() - s.pausedAt;
    s.stepStart += shift;
    s.stepEnd += shift;
    s.paused = false;
    render();
  }

  function answerPain(score, spread, numbness) {
    var st = step();
    if (st.phase !== "pain_check") return;
    var ex = exerciseOf(st);
    var tally = s.tallies[st.exercise_index];
    tally.pain = score;
    tally.spread = spread;
    tally.numbness = numbness;
    var rules = program.rules;
    if (numbness || spread || score >= rules.pain_stop_at) {
      var note = "pain " + score + "/10 after " + ex.name;
      if (spread) note += ", spread further down the leg";
      if (numbness) note += ", new numbness, tingling or weakness";
      stop(numbness ? "new_numbness_or_weakness" : spread ? "spread_down_leg" : "pain", note);
      return;
    }
    if (score >= rules.pain_note_at) {
      s.notes.push(ex.name + ": pain " + score + "/10, above the aim of 5 or less");
      speak(["Pain " + score + " out of 10 is more than we aim for. Go gently with the rest, " +
        "and stop if it gets sharp or spreads down your leg."], true);
    }
    enter(s.index + 1, now(), false);
    if (!s.finished) save(false);
    render();
  }

  function stop(reason, note) {
    if (s.finished) return;
    var st = step();
    if (s.started && isTimed(st)) {
      var spent = Math.max(0, Math.min((s.paused ? s.pausedAt : now()) - s.stepStart, st.duration_s));
      s.elapsed += spent;
      if (st.phase === "work" && st.stage === null) s.tallies[st.exercise_index].holdSeconds += spent;
    }
    s.stopped = true;
    s.paused = false;
    s.stopReason = reason;
    s.stopNote = note || null;
    closeStopPanel(false);
    speak([stopMessage(reason) || "Session stopped. What you did so far is saved."], true);
    finish();
    render();
  }

  /* The safety message for a stop about symptoms, or null (Session.stop / stop_message). */
  function stopMessage(reason) {
    if (reason === "new_numbness_or_weakness") return program.rules.numbness_stop_message;
    if (reason === "pain" || reason === "spread_down_leg") return program.rules.stop_message;
    return null;
  }

  function finish() {
    if (s.finished) return;
    s.finished = true;
    forget();
    if (s.started) save(true);
  }

  // --- the record (domain.session.SessionRecord) ----------------------------------------------

  function record() {
    var items = [];
    program.exercises.forEach(function (ex, i) {
      var tally = s.tallies[i];
      if (!tally.started) return;
      var perSide = ex.dose.sets * ex.dose.reps;
      var done = Object.keys(tally.bySide).reduce(function (sum, k) { return sum + tally.bySide[k]; }, 0);
      items.push({
        exercise_id: ex.exercise_id,
        level: ex.level,
        dose: ex.dose,
        sides_done: ex.sides.filter(function (side) { return (tally.bySide[side] || 0) >= perSide; }),
        reps_done: tally.reps,
        holds_done: tally.holds,
        hold_seconds: Math.round(tally.holdSeconds * 1000) / 1000,
        pain: tally.pain,
        spread_down_leg: tally.spread,
        new_numbness_or_weakness: tally.numbness,
        asked_easier: tally.easier,
        completed: done >= perSide * Math.max(1, ex.sides.length)
      });
    });
    return {
      status: s.stopped || !s.finished ? "stopped" : "completed",
      stop_reason: s.stopReason,
      stop_note: s.stopNote,
      elapsed_s: Math.round(s.elapsed * 1000) / 1000,
      items: items,
      notes: s.notes.slice(),
      planned_exercises: program.exercises.map(function (ex) { return ex.exercise_id; })
    };
  }

  // --- saving --------------------------------------------------------------------------------

  function newClientId() {
    if (window.sciaticaOffline) return window.sciaticaOffline.newClientId();
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function payload(final) {
    s.version += 1;
    return { client_id: s.clientId, started_at: s.startedAt, final: final, version: s.version,
      record: record() };
  }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(body, keepalive) {
    return fetch(root.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body)
    });
  }

  function save(final) {
    var body = payload(final);
    var sentence = savedSentence(final);
    setText("save-status", "Saving…");
    var sending = window.sciaticaOffline
      ? window.sciaticaOffline.post(root.dataset.saveUrl, body).then(function (result) {
        if (result.status === "queued") return "queued";
        return answerOf(result.response, final);
      })
      : post(body).then(function (r) { return answerOf(r, final); });
    return sending.then(function (outcome) {
      if (typeof outcome === "object") { showChanges(outcome.answer); outcome = outcome.outcome; }
      root.dataset.saved = outcome + (final ? "-final" : "");
      setText("save-status", outcome === "saved" ? sentence :
        outcome === "queued" ? "Saved on this device; it will be sent when you are online." :
          "Could not save. Please keep this page open and try again later.");
    }, function () {
      setText("save-status", "Could not save. Please keep this page open and try again later.");
    });
  }

  /* A final answer's program_update (what progression decided) is shown on the end screen. */
  function answerOf(response, final) {
    if (!response.ok) return "failed";
    if (!final) return "saved";
    return response.json().then(function (answer) { return { outcome: "saved", answer: answer }; },
      function () { return "saved"; });
  }

  /* A sentence, not a bare "Saved.": what is kept and where. */
  function savedSentence(final) {
    var done = record().items.filter(function (item) { return item.pain !== null; }).length;
    if (final) return "Your session is saved in your diary.";
    return "Saved: " + plural(done, "exercise") + " of " + program.exercises.length +
      " recorded so far.";
  }

  window.addEventListener("pagehide", function () {
    persist();
    if (program && s.started && !s.finished) post(payload(false), true);
  });

  window.addEventListener("beforeunload", function (event) {
    if (!program || !s.started || s.finished || leaving) return;
    persist();
    event.preventDefault();
    event.returnValue = "";
  });

  // --- what is on screen ---------------------------------------------------------------------

  var shownExercise = -1;

  function showPicture(ex) {
    $("custom-picture").hidden = !ex.custom;
    $("figure").hidden = !!ex.custom;
    if (ex.custom) {
      $("figure").textContent = ""; // never a wrong picture: the placeholder says whose it is
      $("figure-side").hidden = true;
      return;
    }
    var drawn = window.sciaticaFigure && window.sciaticaFigure.show($("figure"), ex.exercise_id);
    if (!drawn) $("figure").innerHTML = ex.picture_svg; // our own SVG, rendered by the server
  }

  /* A new step: update the words, speak its cues, announce it once. */
  function present(st) {
    var ex = exerciseOf(st);
    if (ex && st.exercise_index !== shownExercise) {
      shownExercise = st.exercise_index;
      showPicture(ex);
    }
    var texts = st.cues.map(function (c) { return c.text; });
    if (s.started) speak(texts, isTimed(st));
    if (st.phase === "instructions") showInstructions(ex);
    if (st.phase === "pain_check") showPainCheck(ex);
    var spoken = texts.join(" ");
    if (st.phase === "work" && st.stage !== null && st.stage !== "move") spoken = "";
    if (st.phase === "done") spoken = ""; // the heading says it once; focus goes there
    if (spoken) announce(spoken);
    if (st.phase === "instructions" || st.phase === "pain_check" || st.phase === "done") {
      $("player-title").focus();
    }
  }

  function showInstructions(ex) {
    setText("player-title", ex.name);
    setText("ins-dose", ex.dose_text.charAt(0).toUpperCase() + ex.dose_text.slice(1) +
      (ex.custom ? " (as your clinician prescribed)" : " (level " + ex.level + ": " + ex.level_name + ")"));
    $("ins-reason").hidden = !ex.reason;
    setText("ins-reason", ex.reason ? "Why this dose: " + ex.reason : "");
    $("ins-position").hidden = !ex.position;
    setText("ins-position", ex.position);
    $("ins-instructions").hidden = !ex.instructions;
    setText("ins-instructions", ex.instructions || "");
    fillList("ins-steps", ex.steps);
    fillList("ins-cues", ex.cues);
    fillList("ins-stop-if", ex.stop_if);
    $("ins-caution").hidden = !ex.caution;
    setText("ins-caution", ex.caution || "");
  }

  function showPainCheck(ex) {
    var form = $("pain-form");
    form.reset();
    $("pain-errors").hidden = true;
    setText("player-title", "Pain check: " + ex.name);
  }

  function timedWords(st, left) {
    var ex = exerciseOf(st);
    var secs = Math.max(1, Math.ceil(left - 1e-9));
    switch (st.phase) {
      case "work":
        if (st.stage === "move") return { prompt: ex.move_word, count: "" };
        if (st.stage === "relax") return { prompt: "Relax", count: "" };
        return { prompt: "Hold", count: String(secs) };
      case "side_switch":
        return { prompt: "Switch sides: " + st.side, count: String(secs) };
      default:
        return { prompt: "Rest", count: String(secs) };
    }
  }

  /* "Next up" during a rest, a break or a side switch: what the person gets ready for. */
  function nextUp(st) {
    if (st.phase === "rest") {
      var next = program.exercises[st.exercise_index + 1];
      return next ? "Next up: " + next.name + ", " + next.dose_text + "." : "Next up: the pain check.";
    }
    if (st.phase === "side_switch") return "Next up: " + st.side + ".";
    if (st.phase === "break") {
      var after = program.steps[s.index + 1];
      if (after && after.phase === "work" && after.stage === null) {
        var ex = exerciseOf(after);
        return "Next up: hold " + after.number + " of " + ex.dose.reps + (after.side ? ", " + after.side : "") + ".";
      }
      return "Next up: set " + (after ? after.set_number : "") + ".";
    }
    return "";
  }

  /* The figure's cycle phase for the current step at clock time t (domain/skeleton.figure_motion). */
  function figurePhase(st, t) {
    var f = st.figure;
    if (!f) return 0;
    if (!isTimed(st) || !f.move_s || reducedMotion()) return f.t_to;
    var u = Math.min(1, Math.max(0, (t - s.stepStart) / f.move_s));
    return f.t_from + (f.t_to - f.t_from) * u;
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function drawFigure() {
    if (!program || !window.sciaticaFigure || s.index < 0) return;
    var st = step();
    if (!st.figure) return;
    var t = s.paused ? s.pausedAt : (s.started && !s.finished && isTimed(st) ? now() : s.stepStart);
    window.sciaticaFigure.at(figurePhase(st, t));
    var side = $("figure-side");
    side.hidden = !(st.side && st.phase === "work");
    side.textContent = st.side ? "Working: " + st.side : "";
  }

  function frame() {
    if (program && s.started && !s.finished && !s.paused && !$("view-timed").hidden) drawFigure();
    window.requestAnimationFrame(frame);
  }

  function render() {
    if (!program) return;
    var st = step();
    var ex = exerciseOf(st);
    root.dataset.step = [st.phase, st.stage || "", st.exercise_index === null ? "" : st.exercise_index,
      st.side || ""].join("|");
    root.dataset.exerciseId = ex ? ex.exercise_id : ""; // static/camera.js counts this one
    var where = [];
    if (ex) where.push("Exercise " + (st.exercise_index + 1) + " of " + program.exercises.length);
    setText("player-where", where.join(" · ") || "Guided session");
    $("stop-bar").hidden = !s.started || s.finished || s.stopPanelOpen;

    if (s.finished) {
      showView(s.stopped ? "stopped" : "done");
      setText("player-title", s.stopped ? "Session stopped" : "Session complete");
      var safety = stopMessage(s.stopReason) !== null;
      var numb = s.stopReason === "new_numbness_or_weakness";
      $("stopped-safety").hidden = !safety;
      $("stopped-message").hidden = numb;
      $("stopped-numbness-message").hidden = !numb;
      $("stopped-plain").hidden = safety;
      $("exit").textContent = "Back to Today";
      if (!s.stopped) showSummary();
      return;
    }
    if (st.phase === "intro") { showView("intro"); return; }
    if (st.phase === "instructions") { showView("instructions"); drawFigure(); return; }
    if (st.phase === "pain_check") { showView("pain"); return; }

    showView("timed");
    setText("player-title", ex ? ex.name : "Guided session");
    var t = s.paused ? s.pausedAt : now();
    var left = Math.max(0, s.stepEnd - t);
    var words = timedWords(st, left);
    setText("timed-prompt", s.paused ? "Paused" : words.prompt);
    setText("timed-countdown", words.count);
    $("timed-side").hidden = !st.side || (st.phase === "work" && !!st.figure && !!window.sciaticaFigure);
    setText("timed-side", st.side ? "Side: " + st.side : "");
    var count = "";
    if (st.phase === "work" && ex) {
      count = (ex.kind === "hold" && st.stage === null ? "Hold " : "Rep ") + st.number + " of " + ex.dose.reps;
      if (ex.dose.sets > 1) count += " · set " + st.set_number + " of " + ex.dose.sets;
    }
    setText("timed-count", count);
    var fraction = st.duration_s ? 1 - left / st.duration_s : 1;
    if (st.stage === "hold") fraction = 1;
    if (st.stage === "relax") fraction = left / st.duration_s;
    $("pacer-fill").style.width = Math.round(Math.min(1, Math.max(0, fraction)) * 100) + "%";
    $("skip").hidden = ["break", "side_switch", "rest"].indexOf(st.phase) < 0;
    $("pause").textContent = s.paused ? "Go on" : "Pause";
    var next = nextUp(st);
    $("next-up").hidden = !next;
    setText("next-up", next);
    $("easier").hidden = st.phase !== "work" && st.phase !== "break" && st.phase !== "side_switch";
    drawFigure();
  }

  /* The end screen: what was done against the plan, pain after each exercise, what changes. */
  function showSummary() {
    var items = record().items;
    var list = $("done-summary");
    list.textContent = "";
    items.forEach(function (item) {
      var ex = program.exercises.filter(function (e) { return e.exercise_id === item.exercise_id; })[0];
      var planned = ex.dose.sets * ex.dose.reps * Math.max(1, ex.sides.length);
      var done = ex.kind === "hold" && ex.dose.hold_s ? plural(item.holds_done, "hold") : plural(item.reps_done, "rep");
      var li = document.createElement("li");
      var name = document.createElement("strong");
      name.textContent = ex.name;
      li.appendChild(name);
      var text = ": " + done + " of " + planned + (item.completed ? ", all done" : "");
      if (item.asked_easier) text += " (the easier version)";
      if (item.pain !== null) text += ". Pain after: " + item.pain + " out of 10";
      li.appendChild(document.createTextNode(text + "."));
      list.appendChild(li);
    });
    var all = items.length === program.exercises.length && items.every(function (i) { return i.completed; });
    var minutes = Math.max(1, Math.round(s.elapsed / 60));
    setText("done-lead", (all ? "You did every exercise in today’s plan" : "You did " +
      plural(items.length, "exercise") + " of " + program.exercises.length) +
      ", about " + plural(minutes, "minute") + " of movement.");
    var pains = items.filter(function (i) { return i.pain !== null; }).map(function (i) { return i.pain; });
    $("done-pain").hidden = pains.length < 2;
    if (pains.length >= 2) {
      var first = pains[0], last = pains[pains.length - 1];
      setText("done-pain", "Your pain was " + first + " out of 10 after the first exercise and " + last +
        " after the last" + (last < first ? ": it eased as you moved." : last === first ? ": it stayed the same." : "."));
    }
  }

  function showChanges(answer) {
    var update = answer && answer.program_update;
    var decisions = update && update.decisions ? update.decisions : [];
    var box = $("done-decisions");
    box.textContent = "";
    decisions.forEach(function (d) {
      var li = document.createElement("li");
      li.textContent = d.reason;
      box.appendChild(li);
    });
    $("done-changes").hidden = !decisions.length;
  }

  function showIntro() {
    var intro = program.steps[0];
    setText("intro-summary", intro.cues.length ? intro.cues[0].text : "");
    fillList("intro-list", program.exercises.map(function (ex) {
      return ex.name + ": " + ex.dose_text + (ex.reason ? ". " + ex.reason : "");
    }));
    var paused = $("intro-paused");
    paused.textContent = "";
    program.paused.forEach(function (p) {
      var para = document.createElement("p");
      para.className = "muted";
      var until = p.resume_on ? new Date(p.resume_on + "T12:00:00").toLocaleDateString("en-GB",
        { weekday: "long", day: "numeric", month: "long" }) : null;
      para.textContent = p.name + " is paused" + (until ? " until " + until : "") + ".";
      paused.appendChild(para);
    });
  }

  // --- the easier version --------------------------------------------------------------------

  function stepsOf(i) {
    var first = -1, last = -1;
    program.steps.forEach(function (st, k) {
      if (st.exercise_index === i) { if (first < 0) first = k; last = k; }
    });
    return [first, last];
  }

  /* Replace exercise i's steps by its easier version's (or return false at the easiest level). */
  function switchToEasier(i) {
    var range = stepsOf(i);
    var alt = program.steps[range[0]].easier;
    if (!alt) return false;
    Array.prototype.splice.apply(program.steps, [range[0], range[1] - range[0] + 1].concat(alt.steps));
    var ex = program.exercises[i];
    program.exercises[i] = Object.assign({}, ex, { level: alt.level, level_name: alt.level_name,
      dose: alt.dose, dose_text: alt.dose_text, sides: alt.sides,
      reason: "You asked for the easier version because it hurt." });
    return true;
  }

  function easier() {
    var st = step();
    if (!s.started || s.finished || st.exercise_index === null) return;
    var i = st.exercise_index;
    var ex = program.exercises[i];
    if (isTimed(st)) s.elapsed += Math.max(0, Math.min((s.paused ? s.pausedAt : now()) - s.stepStart, st.duration_s));
    var tally = s.tallies[i];
    s.paused = false;
    s.notes.push(ex.name + ": asked for the easier version because it hurt");
    if (switchToEasier(i)) {
      s.easierAt.push(i);
      s.tallies[i] = newTally();
      s.tallies[i].easier = true;
      shownExercise = -1;
      enter(stepsOf(i)[0], now(), false);
      setText("save-status", "Switched to the easier version: " + program.exercises[i].level_name + ".");
    } else {
      tally.easier = true;
      var range = stepsOf(i);
      var check = range[1];
      while (program.steps[check].phase !== "pain_check") check -= 1;
      enter(check, now(), false);
      setText("save-status", ex.name + " is already at its easiest: moving on after a short pain check.");
    }
    render();
  }

  // --- resume --------------------------------------------------------------------------------

  function storageKey() {
    var meta = document.querySelector('meta[name="account-id"]');
    return "sciatica.player." + (meta ? meta.getAttribute("content") : "guest") + "." + program.date;
  }

  /* Keep enough to pick up where the person left off: the step, the tallies and the save ids. */
  function persist() {
    if (!program || !s.started || s.finished) return;
    var st = step();
    var into = isTimed(st) ? Math.max(0, (s.paused ? s.pausedAt : now()) - s.stepStart) : 0;
    var saved = { signature: signature, index: s.index, into: into, elapsed: s.elapsed, tallies: s.tallies,
      notes: s.notes, clientId: s.clientId, version: s.version, startedAt: s.startedAt,
      easierAt: s.easierAt };
    try { localStorage.setItem(storageKey(), JSON.stringify(saved)); } catch (e) { /* full or private */ }
  }

  function forget() {
    try { localStorage.removeItem(storageKey()); } catch (e) { /* ignore */ }
  }

  function remembered() {
    try {
      var saved = JSON.parse(localStorage.getItem(storageKey()) || "null");
      return saved && saved.signature === signature ? saved : null;
    } catch (e) { return null; }
  }

  function offerResume() {
    var saved = remembered();
    $("resume-offer").hidden = !saved;
    $("intro-fresh").hidden = !!saved;
    if (!saved) return;
    var steps = program.steps.slice(), exercises = program.exercises.slice();
    saved.easierAt.forEach(switchToEasier);
    var st = program.steps[saved.index];
    program.steps = steps;
    program.exercises = exercises;
    var ex = st && st.exercise_index !== null ? program.exercises[st.exercise_index] : null;
    setText("resume-text", "You left today’s session" + (ex ? " at exercise " + (st.exercise_index + 1) +
      " of " + program.exercises.length + ", " + ex.name : "") + ". Pick up from there, or start again.");
    setText("player-title", "Welcome back");
  }

  function resumeSaved() {
    var saved = remembered();
    if (!saved) return;
    saved.easierAt.forEach(switchToEasier);
    s.easierAt = saved.easierAt;
    s.tallies = saved.tallies;
    s.notes = saved.notes;
    s.elapsed = saved.elapsed;
    s.clientId = saved.clientId;
    s.version = saved.version;
    s.startedAt = saved.startedAt;
    s.started = true;
    s.index = saved.index;
    // A timed step starts again from its beginning: a hold or a rep is not half-remembered.
    enter(saved.index, now(), false);
    render();
  }

  function startAgain() {
    forget();
    $("resume-offer").hidden = true;
    $("intro-fresh").hidden = false;
    setText("player-title", "Guided session");
    ready();
  }

  // --- the stop and leave panels -------------------------------------------------------------

  var pausedByPanel = false;

  function openStopPanel() {
    if (s.finished) return;
    pausedByPanel = s.started && !s.paused;
    if (pausedByPanel) pause();
    s.stopPanelOpen = true;
    $("stop-panel").hidden = false;
    $("stop-bar").hidden = true;
    $("stop-panel-title").focus();
  }

  function closeStopPanel(carryOn) {
    if (!s.stopPanelOpen) return;
    s.stopPanelOpen = false;
    $("stop-panel").hidden = true;
    if (carryOn) {
      if (pausedByPanel) resume();
      render();
      $("stop").focus();
    }
  }

  var pausedByLeave = false;

  function openLeavePanel() {
    pausedByLeave = s.started && !s.paused && !s.finished;
    if (pausedByLeave) pause();
    persist();
    $("leave-panel").hidden = false;
    $("stop-bar").hidden = true;
    $("leave-title").focus();
  }

  function closeLeavePanel() {
    $("leave-panel").hidden = true;
    if (pausedByLeave) resume();
    render();
    $("exit").focus();
  }

  // --- events --------------------------------------------------------------------------------

  root.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (link && link.dataset.action === "leave") {
      if (program && s.started && !s.finished) { event.preventDefault(); openLeavePanel(); }
      return;
    }
    if (link && link.dataset.action === "leave-confirm") { leaving = true; persist(); return; }
    if (link) { leaving = true; return; }
    var target = event.target.closest("button");
    if (!target || !program) return;
    var action = target.dataset.action;
    if (target.dataset.stop) {
      stop(target.dataset.stop, target.dataset.stop === "pain" ? "it hurts (Stop button)" : null);
      return;
    }
    if (action === "ready" || action === "skip") ready();
    else if (action === "pause") (s.paused ? resume : pause)();
    else if (action === "stop") openStopPanel();
    else if (action === "carry-on") closeStopPanel(true);
    else if (action === "easier") easier();
    else if (action === "resume") resumeSaved();
    else if (action === "restart") startAgain();
    else if (action === "stay") closeLeavePanel();
  });

  $("mute").addEventListener("click", function () {
    muted = !muted;
    try { localStorage.setItem(MUTE_KEY, muted ? "1" : "0"); } catch (e) { /* ignore */ }
    if (muted && "speechSynthesis" in window) window.speechSynthesis.cancel();
    showMute();
  });

  $("pain-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var pain = form.querySelector('input[name="pain"]:checked');
    var spread = form.querySelector('input[name="spread"]:checked');
    var numbness = form.querySelector('input[name="numbness"]:checked');
    var problems = [];
    if (!pain) problems.push(["pain-0", "Choose your pain now, from 0 to 10."]);
    if (!spread) problems.push(["spread-no", "Choose no or yes: did it spread down your leg?"]);
    if (!numbness) problems.push(["numbness-no", "Choose no or yes: any new numbness, tingling or weakness?"]);
    var box = $("pain-errors");
    if (problems.length) {
      box.innerHTML = "<h2>There is a problem</h2><ul></ul>";
      problems.forEach(function (p) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = "#" + p[0];
        a.textContent = p[1];
        li.appendChild(a);
        box.querySelector("ul").appendChild(li);
      });
      box.hidden = false;
      box.focus();
      return;
    }
    answerPain(Number(pain.value), spread.value === "yes", numbness.value === "yes");
  });

  document.addEventListener("visibilitychange", advance);
  window.setInterval(advance, TICK_MS);
  window.requestAnimationFrame(frame);

  // --- start ---------------------------------------------------------------------------------

  function buildPainScale() {
    var scale = $("pain-scale");
    for (var n = 0; n <= 10; n++) {
      var label = document.createElement("label");
      label.className = "scale-point";
      label.htmlFor = "pain-" + n;
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "pain";
      input.id = "pain-" + n;
      input.value = String(n);
      var span = document.createElement("span");
      span.textContent = String(n);
      label.appendChild(input);
      label.appendChild(span);
      scale.appendChild(label);
    }
  }

  /* Today's session: the copy the page carries (it works offline), else from the API. */
  function fetchSession() {
    var source = $("session-data");
    if (source) {
      try { return Promise.resolve(JSON.parse(source.textContent)); } catch (e) { /* fetch it */ }
    }
    return fetch(root.dataset.programUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 423 || r.status === 409) { location.reload(); throw new Error("gated"); }
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
  }

  function load() {
    showMute();
    buildPainScale();
    fetchSession()
      .then(function (data) {
        program = data;
        $("player-loading").hidden = true;
        if (!program.steps.length) {
          setText("player-loading", "There are no exercises for today.");
          $("player-loading").hidden = false;
          return;
        }
        signature = JSON.stringify([program.exercises.map(function (ex) {
          return [ex.exercise_id, ex.level, ex.dose];
        }), program.steps.length]);
        s.tallies = program.exercises.map(newTally);
        showIntro();
        enter(0, now(), true);
        offerResume();
        render();
        root.dataset.ready = "true";
      })
      .catch(function (error) {
        if (String(error.message) === "gated") return;
        setText("player-loading", "Today’s program could not be loaded. Check your connection and reload the page.");
      });
  }

  load();
})();
