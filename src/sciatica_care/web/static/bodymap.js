/* The tappable body map (clinical-spec.md §6), one script for every page that shows it (the
 * check-in and the safety check both call the macro checkin/macros.html body_map).
 *
 * Choose "pain" or "numbness", tap a zone of a leg to mark how far down it reaches, tap it again
 * to clear. The radio buttons (data-side, data-kind) are the truth: a tap checks one of them and
 * the figure redraws from them. A zone is filled when the furthest zone marked is in its
 * data-fills (the server's path down the leg, domain.body_map.path_down), so marking the calf
 * fills buttock, thigh and calf. The lists fold into "Choose from lists instead" unless the
 * page keeps them open (data-keep-open, e.g. when one has an error).
 *
 * A tap dispatches "bodymap:change" (bubbling) on the map, for the page's own script.
 */
(function () {
  "use strict";

  function attach(map) {
    var scope = map.closest("form") || document;

    function value(side, kind) {
      var input = scope.querySelector(
        'input[data-side="' + side + '"][data-kind="' + kind + '"]:checked'
      );
      return input ? input.value : "0";
    }
    function radio(side, kind, zone) {
      return scope.querySelector(
        'input[data-side="' + side + '"][data-kind="' + kind + '"][value="' + zone + '"]'
      );
    }
    function lit(shape, kind) {
      var far = value(shape.getAttribute("data-side"), kind);
      var fills = (shape.getAttribute("data-fills") || "").split(" ");
      return {
        far: far === shape.getAttribute("data-zone"),
        path: far !== "0" && fills.indexOf(far) >= 0
      };
    }
    function redraw() {
      map.querySelectorAll("polygon.zone").forEach(function (shape) {
        var state = lit(shape, "pain");
        shape.classList.toggle("pain-on", state.far);
        shape.classList.toggle("pain-path", state.path && !state.far);
      });
      map.querySelectorAll("polygon.numb-overlay").forEach(function (shape) {
        var state = lit(shape, "numbness");
        shape.classList.toggle("numb-on", state.far);
        shape.classList.toggle("numb-path", state.path && !state.far);
      });
    }

    map.querySelectorAll(".bodymap-js-only").forEach(function (el) { el.hidden = false; });
    map.querySelectorAll(".bodymap-no-js").forEach(function (el) { el.hidden = true; });
    map.querySelectorAll("details[data-zone-lists]").forEach(function (el) {
      if (!el.hasAttribute("data-keep-open")) { el.open = false; }
    });
    map.classList.add("bodymap-live");
    map.querySelectorAll("svg").forEach(function (svg) {
      svg.addEventListener("click", function (event) {
        var shape = event.target.closest("polygon.zone");
        if (!shape) { return; }
        var mode = map.querySelector('input[name="map_mode"]:checked');
        var kind = mode ? mode.value : "pain";
        var side = shape.getAttribute("data-side");
        var zone = shape.getAttribute("data-zone");
        var target = radio(side, kind, value(side, kind) === zone ? "0" : zone);
        if (target) { target.checked = true; }
        redraw();
        map.dispatchEvent(new CustomEvent("bodymap:change", { bubbles: true }));
      });
    });
    scope.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches("[data-side]")) { redraw(); }
    });
    map.bodyMapRedraw = redraw;
    redraw();
  }

  document.querySelectorAll("[data-bodymap]").forEach(attach);
})();
