// Safety check: show a follow-up question (Q8a, "already checked by a doctor") only once the
// answer it follows makes it apply. Without JavaScript every question shows and the server drops
// follow-ups that do not apply, so this is an enhancement only. "Not sure" counts as yes (§1).
(function () {
  "use strict";
  var form = document.querySelector("form.screening");
  if (!form) return;

  function saysYes(item) {
    var checked = form.querySelector('input[name="' + item + '"]:checked');
    return !!checked && (checked.value === "yes" || checked.value === "unsure");
  }

  function applies(fieldset) {
    var all = (fieldset.dataset.askedIfAll || "").split(" ").filter(Boolean);
    var any = (fieldset.dataset.askedIfAny || "").split(" ").filter(Boolean);
    return all.every(saysYes) && (any.length === 0 || any.some(saysYes));
  }

  function update() {
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
  }

  form.addEventListener("change", update);
  update();
})();
