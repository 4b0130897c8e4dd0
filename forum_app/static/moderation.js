// Keyboard shortcuts for moderating one answer. Progressive enhancement only: the page is plain forms
// and links that work with Tab and Enter, and without this file.
// a approves (and the page goes on to the next answer), h holds, n or j goes to the next answer, k to the
// previous one, ? shows or hides the list of shortcuts at the top of the page. A single key acts only
// while focus is not in a box you type in, never with Ctrl, Alt or Meta (so the browser's and screen
// readers' own commands still work), and the shortcuts can be switched off (WCAG 2.1.4), which this
// device remembers.
(function () {
  "use strict";
  var help = document.querySelector("[data-moderation-help]");
  if (!help) { return; }
  var STORE = "moderation-shortcuts";
  var panel = help.querySelector("[data-moderation-help-panel]");
  var opener = help.querySelector("[data-moderation-help-toggle]");
  var toggle = help.querySelector("[data-shortcuts-toggle]");
  var status = document.querySelector("[data-moderation-status]");
  var approve = document.querySelector("form[data-moderation-approve]");
  var hold = document.querySelector("form[data-moderation-hold]");
  var next = document.querySelector("[data-moderation-next]");
  var previous = document.querySelector("[data-moderation-previous]");
  var keys = window.forumKeys;
  var send = keys.send;
  var announce = keys.announcer(status);

  function setOpen(open) {
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", open ? "true" : "false");
  }

  help.hidden = false;
  var shortcutsOn = keys.shortcutSwitch(STORE, toggle);
  opener.addEventListener("click", function () { setOpen(panel.hidden); });

  document.addEventListener("keydown", function (event) {
    if (keys.leaveAlone(event)) { return; }
    var key = event.key || "";
    if (key === "?") {  // the list opens even with the shortcuts off, so they can be switched back on
      event.preventDefault();
      setOpen(panel.hidden);
      return;
    }
    if (!shortcutsOn() || key.length !== 1 || event.shiftKey) { return; }
    var lower = key.toLowerCase();
    if (lower === "a") {
      event.preventDefault();
      if (approve) { send(approve); } else { announce("This answer cannot be approved here."); }
    } else if (lower === "h") {
      event.preventDefault();
      if (hold) { send(hold); } else { announce("This answer is already held."); }
    } else if (lower === "n" || lower === "j") {
      event.preventDefault();
      if (next) { window.location.assign(next.href); } else { announce("This is the last answer."); }
    } else if (lower === "k") {
      event.preventDefault();
      if (previous) { window.location.assign(previous.href); } else { announce("This is the first answer."); }
    }
  });
})();
