/* Camera counting in the guided player (issue 11, item 4), opt-in for this session only.
 *
 * The pose model (@mediapipe/pose, served by the app under /static/pose/) runs in this page:
 * the video never leaves the device. Only each frame's 33 landmarks [x, y, z, visibility] and one
 * number, the picture's mean brightness (worked out here from a 32×24 copy, for the "too dark"
 * advice), go, batched every ~300 ms, to /api/motion/track, where the same Python detectors as
 * the CLI count; the answer's live count is shown beside the program's own counter, and its
 * camera warnings (nobody in the picture, out of it, too small, too dark, camera not at the side)
 * in plain words: in a polite live region under the camera's picture (#camera-warnings), and,
 * while the person exercises, each in one short line beside the count (#camera-alert): the panel
 * is then below the fold of a phone, and the person must see them without scrolling.
 * Where to put the camera (issue 11, item 3) shows before it starts and at each exercise's
 * instructions, so a move to another place (bird dog: level with the hips) is seen in time.
 * The camera never moves the player on: every button keeps working, and the person's own count
 * is what is saved.
 * The server keeps nothing between batches: its sealed snapshot comes back with the next batch.
 */
(function () {
  "use strict";

  var root = document.getElementById("player");
  var panel = document.getElementById("camera");
  if (!root || !panel) return;

  var BATCH_MS = 300;
  var FRAME_MS = 66; // ~15 pose estimates a second is plenty on a phone
  var WARNING_KEEP = 2; // a warning goes once this many answers in a row lack it: no flicker
  var LUMA_W = 32, LUMA_H = 24;
  var setup = null;
  var c = {
    on: false, exercise: "", snapshot: null, frames: [], sending: false, t0: 0, lastT: -1,
    pose: null, stream: null, busy: false, timer: null, seen: 0, sent: 0, state: null,
    brightness: null, warned: {}, warningKey: ""
  };
  var luma = null;

  function $(id) { return document.getElementById(id); }

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function currentExercise() { return root.dataset.exerciseId || ""; }

  function tracked(id) { return !!(setup && setup.advice && setup.advice[id]); }

  function showAdvice(id) {
    var list = $("camera-advice");
    list.textContent = "";
    (setup.advice[id] || []).forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      list.appendChild(li);
    });
  }

  /* The timed part of an exercise (reps, holds and the pauses between them) is on screen. */
  function exercising() { return !$("view-timed").hidden; }

  /* Show the panel while a tracked exercise is on; start afresh when the exercise changes. The
   * camera's place is shown until the person starts the exercise with the camera on. */
  function follow() {
    var id = currentExercise();
    var finished = root.dataset.step && root.dataset.step.indexOf("done") === 0;
    panel.hidden = !setup || !tracked(id) || !!finished;
    $("camera-advice").hidden = !setup || !setup.available || (c.on && exercising());
    if (id !== c.exercise) {
      c.exercise = id;
      c.snapshot = null; c.frames = []; c.lastT = -1; c.state = null;
      c.t0 = performance.now();
      if (tracked(id)) showAdvice(id);
      c.warned = {};
      showCount();
    }
    $("camera-count").hidden = !c.on || !tracked(id);
    showWarnings();
  }

  function words(state) {
    if (!state) return "Camera: looking for you…";
    if (!state.has_pose) return "Camera: cannot see you";
    if (state.phase === "positioning") return "Camera: getting into position…";
    var ex = setup.counts && setup.counts[c.exercise];
    var text = ex === "holds"
      ? "Camera: " + state.holds + (state.holds === 1 ? " hold" : " holds")
      : "Camera: " + state.reps + (state.reps === 1 ? " rep" : " reps");
    if (state.holding && state.hold_seconds !== null) {
      text += " · holding " + state.holding + " " + state.hold_seconds.toFixed(1) + " s";
    }
    return text;
  }

  function showCount() {
    var text = words(c.state);
    $("camera-count").textContent = text;
    $("camera-status").textContent = c.on ? text : "";
    root.dataset.cameraReps = c.state ? String(c.state.reps) : "";
    root.dataset.cameraHolds = c.state ? String(c.state.holds) : "";
    root.dataset.cameraPhase = c.state ? c.state.phase : "";
    root.dataset.cameraFrames = String(c.seen);
    root.dataset.cameraSent = String(c.sent);
  }


  /* The latest answer's warnings in its order, then those it lacks for the first time; never
   * "nobody in the picture" together with advice about where the body is. */
  function noteWarnings(list) {
    list = list || [];
    var kept = {};
    var nobody = list.some(function (w) { return w.code === "no_pose"; });
    var somebody = list.some(function (w) { return w.code !== "no_pose" && w.code !== "too_dark"; });
    list.forEach(function (w) { kept[w.code] = { message: w.message, title: w.title || w.message, missed: 0 }; });
    Object.keys(c.warned).forEach(function (code) {
      if (kept[code]) return;
      if (code === "no_pose" ? somebody : code !== "too_dark" && nobody) return;
      var was = c.warned[code];
      kept[code] = { message: was.message, title: was.title, missed: was.missed + 1 };
    });
    c.warned = kept;
    showWarnings();
  }

  /* Warnings the server gave lately, in the order first seen; rewritten only when they change,
   * so a screen reader hears each change once. They follow the answers, not the clock: on a slow
   * phone a warning stays until the pictures show it is fixed. The whole advice goes in the live
   * region under the camera's picture; while the person exercises, each one's short title shows
   * beside the count too (hidden from screen readers, which hear the whole advice). */
  function showWarnings() {
    var codes = [], messages = [], titles = [];
    Object.keys(c.warned).forEach(function (code) {
      var w = c.warned[code];
      if (c.on && w.missed < WARNING_KEEP) { codes.push(code); messages.push(w.message); titles.push(w.title); }
      else delete c.warned[code];
    });
    $("camera-alert").hidden = !codes.length || !exercising() || !tracked(c.exercise);
    var key = codes.join(" ");
    if (key === c.warningKey) return;
    c.warningKey = key;
    fill($("camera-warnings"), messages);
    fill($("camera-alert"), titles);
    root.dataset.cameraWarnings = key;
  }

  function fill(box, lines) {
    box.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
  }

  function clearWarnings() { c.warned = {}; showWarnings(); }

  /* Mean luma (0–255, BT.601 as OpenCV's grey) of a tiny copy of the picture: one number leaves
   * the page, never a pixel. */
  function brightnessOf(video) {
    try {
      if (!luma) {
        var canvas = document.createElement("canvas");
        canvas.width = LUMA_W; canvas.height = LUMA_H;
        luma = canvas.getContext("2d", { willReadFrequently: true });
      }
      luma.drawImage(video, 0, 0, LUMA_W, LUMA_H);
      var px = luma.getImageData(0, 0, LUMA_W, LUMA_H).data;
      var sum = 0;
      for (var i = 0; i < px.length; i += 4) sum += 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
      var mean = sum / (LUMA_W * LUMA_H);
      return isFinite(mean) ? round(mean, 1) : null;
    } catch (e) {
      return null;
    }
  }

  function round(v, digits) {
    var f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  /* One pose result as a landmark-stream frame; anything odd is a frame without a pose. */
  function toFrame(results) {
    var t = Math.max(c.lastT, round((performance.now() - c.t0) / 1000, 3));
    c.lastT = t;
    var brightness = c.brightness;
    var points = results.poseLandmarks;
    if (!points || points.length !== 33) return { t: t, landmarks: null, brightness: brightness };
    var out = [];
    for (var i = 0; i < 33; i++) {
      var p = points[i];
      var v = Math.min(1, Math.max(0, p.visibility === undefined ? 0 : p.visibility));
      var row = [round(p.x, 5), round(p.y, 5), round(p.z, 5), round(v, 4)];
      if (!row.every(isFinite)) return { t: t, landmarks: null, brightness: brightness };
      out.push(row);
    }
    c.seen += 1;
    return { t: t, landmarks: out, brightness: brightness };
  }

  function send() {
    if (!c.on || c.sending || !c.frames.length || !tracked(c.exercise)) return;
    var video = $("camera-video");
    var aspect = video.videoWidth && video.videoHeight ? video.videoWidth / video.videoHeight : 4 / 3;
    aspect = Math.min(5, Math.max(0.2, aspect));
    var exercise = c.exercise;
    var batch = c.frames.splice(0, setup.max_frames);
    c.sending = true;
    fetch(panel.dataset.trackUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify({ exercise: exercise, aspect: aspect, snapshot: c.snapshot, frames: batch })
    }).then(function (r) {
      return r.json().then(function (answer) { return { status: r.status, answer: answer }; });
    }).then(function (reply) {
      c.sending = false;
      if (exercise !== c.exercise) return;
      if (reply.status === 200) {
        c.sent += batch.length;
        c.snapshot = reply.answer.snapshot;
        if (reply.answer.state) c.state = reply.answer.state;
        noteWarnings(reply.answer.warnings);
      } else if (reply.status === 422) {
        c.snapshot = null; c.state = null; c.lastT = -1; c.t0 = performance.now(); // start again
        clearWarnings();
      }
      showCount();
    }, function () { c.sending = false; });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.Pose) { resolve(); return; }
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("the pose model did not load")); };
      document.head.appendChild(script);
    });
  }

  function estimate() {
    if (!c.on) return;
    var video = $("camera-video");
    if (c.busy || video.readyState < 2 || !tracked(c.exercise)) {
      c.timer = window.setTimeout(estimate, FRAME_MS);
      return;
    }
    c.busy = true;
    c.brightness = brightnessOf(video);
    c.pose.send({ image: video }).then(function () {
      c.busy = false;
      c.timer = window.setTimeout(estimate, FRAME_MS);
    }, function () {
      c.busy = false;
      c.timer = window.setTimeout(estimate, FRAME_MS * 4);
    });
  }

  function start() {
    if (c.on) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      $("camera-missing").textContent = "This browser cannot use a camera here.";
      $("camera-missing").hidden = false;
      return;
    }
    $("camera-start").disabled = true;
    $("camera-status").textContent = "Starting the camera…";
    $("camera-live").hidden = false;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "user", width: 640, height: 480 }, audio: false })
      .then(function (stream) {
        c.stream = stream;
        var video = $("camera-video");
        video.srcObject = stream;
        return video.play();
      })
      .then(function () { return loadScript(setup.pose_url + "pose.js"); })
      .then(function () {
        c.pose = new window.Pose({ locateFile: function (f) { return setup.pose_url + f; } });
        c.pose.setOptions({ modelComplexity: 0, smoothLandmarks: true, enableSegmentation: false,
          minDetectionConfidence: 0.5, minTrackingConfidence: 0.5 });
        c.pose.onResults(function (results) {
          if (!c.on) return;
          c.frames.push(toFrame(results));
          if (c.frames.length > 3 * setup.max_frames) c.frames.splice(0, c.frames.length - 3 * setup.max_frames);
        });
        c.on = true;
        c.t0 = performance.now(); c.lastT = -1; c.snapshot = null; c.state = null;
        $("camera-setup").hidden = true;
        showCount();
        follow();
        estimate();
      })
      .catch(function (error) {
        stop();
        $("camera-missing").textContent = "The camera could not start (" + (error && error.name || "error") +
          "). You can count yourself as usual.";
        $("camera-missing").hidden = false;
      });
  }

  function stop() {
    c.on = false;
    if (c.timer) window.clearTimeout(c.timer);
    if (c.stream) c.stream.getTracks().forEach(function (track) { track.stop(); });
    c.stream = null;
    if (c.pose) { try { c.pose.close(); } catch (e) { /* already closed */ } }
    c.pose = null;
    c.frames = [];
    clearWarnings();
    $("camera-video").srcObject = null;
    $("camera-live").hidden = true;
    $("camera-setup").hidden = false;
    $("camera-start").disabled = false;
    follow();
    showCount();
  }

  $("camera-start").addEventListener("click", start);
  $("camera-stop").addEventListener("click", stop);
  window.addEventListener("pagehide", function () { if (c.on) stop(); });

  fetch(panel.dataset.setupUrl, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (answer) {
      if (!answer) return;
      setup = answer;
      if (!answer.available) {
        $("camera-setup").hidden = true;
        $("camera-missing").textContent = answer.how_to_add;
        $("camera-missing").hidden = false;
      }
      c.exercise = null;
      follow();
      window.setInterval(follow, BATCH_MS);
      window.setInterval(send, BATCH_MS);
    }, function () { /* offline: no camera counting */ });
})();
