/* The heat/cold pack timer (clinical-spec.md §5: timer with alarm, skin check after).
 *
 * Time is read from the clock (Date.now) on every tick, never counted in ticks, so the countdown
 * stays right when the tab is in the background and the browser slows its timers down. At zero the
 * alarm sounds (WebAudio beeps), the phone vibrates, the box flashes and an alert is announced;
 * the after-check form then records how long the pack was on. Without this file the page simply
 * says when to take the pack off and shows the after-check form.
 */
(function () {
  "use strict";

  var box = document.getElementById("timer");
  var form = document.getElementById("after-form");
  if (!box || !form) { return; }

  var name = box.getAttribute("data-name");
  var plannedMs = parseFloat(box.getAttribute("data-minutes")) * 60000;
  var clock = document.getElementById("timer-clock");
  var prompt = document.getElementById("timer-prompt");
  var alarmText = document.getElementById("timer-alarm");
  var pauseButton = document.getElementById("timer-pause");
  var stopButton = document.getElementById("timer-stop");
  var durationField = document.getElementById("duration_s");
  var runningPrompt = prompt.textContent;
  var title = document.title;

  var runStart = Date.now();
  var accumulated = 0;
  var paused = false;
  var finished = false;
  var ticker = null;
  var audio = null;
  var beeper = null;

  function elapsed() { return accumulated + (paused || finished ? 0 : Date.now() - runStart); }

  function show(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var text = Math.floor(total / 60) + ":" + String(total % 60).padStart(2, "0");
    clock.textContent = text;
    document.title = (finished ? "Time is up" : text) + " – " + name + " timer";
  }

  function audioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return null; }
    if (!audio) { audio = new Ctx(); }
    if (audio.state === "suspended") { audio.resume(); }
    return audio;
  }

  function beep() {
    var ctx = audioContext();
    if (!ctx) { return; }
    [0, 0.35].forEach(function (offset) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, ctx.currentTime + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + offset + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + offset);
      osc.stop(ctx.currentTime + offset + 0.3);
    });
  }

  function silence() {
    if (beeper) { clearInterval(beeper); beeper = null; }
    if (navigator.vibrate) { navigator.vibrate(0); }
  }

  function revealForm(reason) {
    form.hidden = false;
    durationField.value = (Math.min(elapsed(), plannedMs) / 1000).toFixed(1);
    if (reason) {
      var choice = form.querySelector('input[name="stop_reason"][value="' + reason + '"]');
      if (choice) { choice.checked = true; }
    }
  }

  function alarm() {
    if (finished) { return; }
    accumulated = plannedMs;
    finished = true;
    clearInterval(ticker);
    show(0);
    box.classList.add("timer-alarm");
    alarmText.hidden = false;
    prompt.textContent = "Time is up: take the pack off now, then check your skin below.";
    pauseButton.hidden = true;
    stopButton.textContent = "Pack is off: stop the alarm";
    var rings = 0;
    beep();
    if (navigator.vibrate) { navigator.vibrate([400, 200, 400, 200, 400]); }
    beeper = setInterval(function () {
      rings += 1;
      beep();
      if (navigator.vibrate && rings % 3 === 0) { navigator.vibrate([400, 200, 400]); }
      if (rings > 120) { silence(); }
    }, 1000);
    revealForm("");
  }

  function showEndTime(left) {
    var end = document.getElementById("timer-end-time");
    if (end) {
      end.textContent = new Date(Date.now() + left).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    }
  }

  function tick() {
    if (finished) { return; }
    var left = plannedMs - elapsed();
    showEndTime(left);
    if (left <= 0) { alarm(); return; }
    show(left);
  }

  pauseButton.addEventListener("click", function () {
    audioContext();
    if (paused) {
      paused = false;
      runStart = Date.now();
      pauseButton.textContent = "Pause";
      prompt.textContent = runningPrompt;
    } else {
      accumulated = elapsed();
      paused = true;
      pauseButton.textContent = "Resume";
      prompt.textContent = "Paused. The pack should be off while the timer is paused.";
    }
    tick();
  });

  stopButton.addEventListener("click", function () {
    if (finished) {
      silence();
      stopButton.hidden = true;
      form.querySelector("h2").scrollIntoView({ block: "start" });
      return;
    }
    accumulated = elapsed();
    finished = true;
    clearInterval(ticker);
    box.classList.remove("timer-alarm");
    prompt.textContent = "Pack off. Tell us why and check your skin below.";
    pauseButton.hidden = true;
    stopButton.hidden = true;
    document.title = "Pack off – " + title;
    revealForm("other");
    form.querySelector("h2").scrollIntoView({ block: "start" });
  });

  form.addEventListener("submit", function () {
    silence();
    durationField.value = (Math.min(elapsed(), plannedMs) / 1000).toFixed(1);
  });

  if (form.querySelector(".error-summary")) {
    finished = true; /* the after-check came back with a problem: just show it */
    return;
  }
  box.querySelectorAll(".timer-controls, .timer-note").forEach(function (el) { el.hidden = false; });
  form.hidden = true;
  document.addEventListener("visibilitychange", tick);
  document.addEventListener("pointerdown", function () { audioContext(); }, { once: true });
  ticker = setInterval(tick, 250);
  tick();

  window.sciaticaTimer = { elapsed: elapsed, alarm: alarm };
}());
