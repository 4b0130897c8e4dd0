// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen reader and keyboard users hear the problem first.
  // A fragment kept in the address (after the skip link, "#main" survives the form's post and redirect)
  // makes the browser focus its target once the page has loaded: focus the summary again then.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    if (window.location.hash) { window.addEventListener("load", function () { summary.focus(); }); }
  }
  // A second tap on a submit button while the page is sending does nothing (the server is idempotent too).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending === "true") { event.preventDefault(); return; }
    form.dataset.sending = "true";
    window.setTimeout(function () { form.dataset.sending = "false"; }, 3000);
  });
})();

// Options that stand alone ("None of these", "We are not sure yet"): ticking one unticks the others in
// its group, and ticking another unticks it. Without this file the server refuses the combination.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-exclusive-group] input[type=checkbox]") || !box.checked) { return; }
    var group = box.closest("[data-exclusive-group]");
    var others = group.querySelectorAll("input[type=checkbox]");
    for (var i = 0; i < others.length; i += 1) {
      var other = others[i];
      if (other !== box && (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
        other.checked = false;
      }
    }
  });
})();
