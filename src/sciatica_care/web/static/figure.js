/* Sciatica Care demonstration figure: draws an exercise's stick figure at a given cycle phase.
 *
 * The frames come from the server (#figure-data, reports/exercise_picture.figure_model): the same
 * skeleton, scene and colours as the animated SVG, sampled densely through every movement. The
 * player decides the phase from its own state (script step "figure", domain/skeleton.figure_motion)
 * and calls window.sciaticaFigure.show(container, id) once per exercise and .at(phase) as time
 * passes, so the figure holds while a hold counts down, moves with the rep pacer and stops when
 * the session pauses. A part away from its start pose is drawn in the accent colour, so the eye
 * goes to the side that is working. No library; nothing here keeps time.
 */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var models = {};
  var source = document.getElementById("figure-data");
  if (source) {
    try {
      JSON.parse(source.textContent).forEach(function (m) { models[m.id] = m; });
    } catch (e) { /* no figure: the player still works */ }
  }

  var model = null;
  var shapes = [];
  var head = null;
  var index = {};
  var shownPhase = null;

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  /* Joint coordinates at phase t: linear between the two sampled frames around it. */
  function frameAt(t) {
    var ph = model.phases, fr = model.frames;
    if (t <= ph[0]) return fr[0];
    for (var i = 1; i < ph.length; i++) {
      if (t <= ph[i]) {
        var span = ph[i] - ph[i - 1];
        var u = span > 0 ? (t - ph[i - 1]) / span : 1;
        var a = fr[i - 1], b = fr[i], out = new Array(a.length);
        for (var k = 0; k < a.length; k++) out[k] = a[k] + (b[k] - a[k]) * u;
        return out;
      }
    }
    return fr[fr.length - 1];
  }

  function xy(frame, joint) { var i = index[joint] * 2; return [frame[i], frame[i + 1]]; }

  function show(container, id) {
    model = models[id] || null;
    container.textContent = "";
    shapes = [];
    head = null;
    shownPhase = null;
    if (!model) return false;
    index = {};
    model.joints.forEach(function (j, i) { index[j] = i; });
    var svg = el("svg", { viewBox: model.view_box.join(" "), role: "img",
      "aria-labelledby": "figure-title figure-desc", "class": "figure-svg" });
    var title = el("title", { id: "figure-title" });
    title.textContent = model.name;
    var desc = el("desc", { id: "figure-desc" });
    desc.textContent = model.description;
    svg.appendChild(title);
    svg.appendChild(desc);
    var vb = model.view_box;
    svg.appendChild(el("rect", { x: vb[0], y: vb[1], width: vb[2], height: vb[3], fill: model.background }));
    svg.appendChild(el("polygon", { points: model.mat, fill: model.mat_colour, stroke: model.mat_colour,
      "stroke-width": 6, "stroke-linejoin": "round" }));
    var f = model.floor;
    svg.appendChild(el("line", { x1: f[0], y1: f[1], x2: f[2], y2: f[3], stroke: model.floor_colour,
      "stroke-width": 4, "stroke-linecap": "round" }));
    model.chains.forEach(function (chain) {
      if (chain.name === "head") {
        head = el("circle", { r: model.head_radius, fill: model.skin, stroke: chain.colour,
          "stroke-width": chain.width });
        svg.appendChild(head);
        return;
      }
      var line = el("polyline", { fill: "none", stroke: chain.colour, "stroke-width": chain.width,
        "stroke-linecap": "round", "stroke-linejoin": "round", "class": chain.name });
      svg.appendChild(line);
      shapes.push({ chain: chain, node: line });
    });
    container.appendChild(svg);
    at(0);
    return true;
  }

  function at(t) {
    if (!model) return;
    t = Math.min(1, Math.max(0, t));
    if (shownPhase !== null && Math.abs(shownPhase - t) < 1e-4) return;
    shownPhase = t;
    var frame = frameAt(t);
    var rest = model.frames[0];
    shapes.forEach(function (shape) {
      var moved = 0;
      var points = shape.chain.joints.map(function (j) {
        var p = xy(frame, j), r = xy(rest, j);
        moved = Math.max(moved, Math.hypot(p[0] - r[0], p[1] - r[1]));
        return p[0].toFixed(1) + "," + p[1].toFixed(1);
      });
      shape.node.setAttribute("points", points.join(" "));
      shape.node.setAttribute("stroke", moved > model.active_px ? shape.chain.accent : shape.chain.colour);
    });
    if (head) {
      var h = xy(frame, "head");
      head.setAttribute("cx", h[0].toFixed(1));
      head.setAttribute("cy", h[1].toFixed(1));
    }
    var container = shapes.length ? shapes[0].node.ownerSVGElement : null;
    if (container) container.setAttribute("data-phase", t.toFixed(3));
  }

  window.sciaticaFigure = { show: show, at: at, has: function (id) { return !!models[id]; } };
})();
