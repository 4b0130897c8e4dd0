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
  var hints = document.querySelectorAll("[data-shortcut-hint]");

  function remembered() {
    try { return window.localStorage.getItem(STORE) !== "off"; } catch (error) { return true; }
  }

  function remember(on) {
    try { window.localStorage.setItem(STORE, on ? "on" : "off"); } catch (error) { /* private mode */ }
  }

  function showHints(on) {
    Array.prototype.forEach.call(hints, function (hint) { hint.hidden = !on; });
  }

  function setOpen(open) {
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", open ? "true" : "false");
  }

  help.hidden = false;
  toggle.checked = remembered();
  showHints(toggle.checked);
  toggle.addEventListener("change", function () { remember(toggle.checked); showHints(toggle.checked); });
  opener.addEventListener("click", function () { setOpen(panel.hidden); });

  // Focus is somewhere a key types something: leave every key alone.
  function typing(element) {
    if (!element || !element.tagName) { return false; }
    if (element.isContentEditable) { return true; }
    var tag = element.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select") { return true; }
    if (tag === "input") {
      return ["checkbox", "radio", "submit", "button", "reset", "hidden"].indexOf(element.type) === -1;
    }
    return false;
  }

  function announce(text) {
    if (status) { status.textContent = text; }
  }

  function send(form) {
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) { return; }
    if (typing(event.target)) { return; }
    var key = event.key || "";
    if (key === "?") {  // the list opens even with the shortcuts off, so they can be switched back on
      event.preventDefault();
      setOpen(panel.hidden);
      return;
    }
    if (!toggle.checked || key.length !== 1 || event.shiftKey) { return; }
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
