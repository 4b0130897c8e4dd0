// Keyboard shortcuts for the coding page. Progressive enhancement only: the page is a plain form that
// works with Tab, Space and Enter, and without this file.
// A single key acts only while focus is not in a box you type in, never with Ctrl, Alt or Meta (so the
// browser's and screen readers' own commands still work), and the shortcuts can be switched off
// (WCAG 2.1.4), which this device remembers.
(function () {
  "use strict";
  var form = document.querySelector("[data-coding-form]");
  if (!form) { return; }
  var STORE = "coding-shortcuts";
  var help = document.querySelector("[data-coding-help]");
  var list = help ? help.querySelector("details") : null;
  var toggle = document.querySelector("[data-shortcuts-toggle]");
  var status = document.querySelector("[data-coding-status]");
  var skip = document.querySelector("[data-coding-skip]");
  var undo = document.querySelector("[data-coding-undo]");
  var save = form.querySelector("[data-coding-save]");
  var hints = document.querySelectorAll("[data-shortcut-hint]");
  var byKey = {};
  Array.prototype.forEach.call(form.querySelectorAll("input[data-key]"), function (input) {
    byKey[input.getAttribute("data-key")] = input;
  });

  function remembered() {
    try { return window.localStorage.getItem(STORE) !== "off"; } catch (error) { return true; }
  }

  function remember(on) {
    try { window.localStorage.setItem(STORE, on ? "on" : "off"); } catch (error) { /* private mode */ }
  }

  function showHints(on) {
    Array.prototype.forEach.call(hints, function (hint) { hint.hidden = !on; });
  }

  if (help) { help.hidden = false; }
  if (toggle) {
    toggle.checked = remembered();
    toggle.addEventListener("change", function () { remember(toggle.checked); showHints(toggle.checked); });
  }
  showHints(!toggle || toggle.checked);

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

  // Enter keeps its own meaning on links, buttons and the shortcuts' summary.
  function activates(element) {
    var tag = element && element.tagName ? element.tagName.toLowerCase() : "";
    return tag === "a" || tag === "button" || tag === "summary" ||
      (tag === "input" && (element.type === "submit" || element.type === "button"));
  }

  function announce(text) {
    if (status) { status.textContent = text; }
  }

  function labelOf(input) {
    var label = input.labels && input.labels[0];
    if (!label) { return input.value; }
    var copy = label.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("kbd"), function (kbd) { kbd.remove(); });
    return copy.textContent.trim();
  }

  function send(which, button) {
    if (which.requestSubmit) { which.requestSubmit(button || undefined); } else { which.submit(); }
  }

  function acceptSuggestions() {
    Array.prototype.forEach.call(form.querySelectorAll("input[name=theme], input[name=sentiment]"), function (input) {
      if (input.type === "checkbox") {
        input.checked = input.hasAttribute("data-suggested");
      } else if (input.hasAttribute("data-suggested")) {
        input.checked = true;
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.isComposing) { return; }
    if (toggle && !toggle.checked) { return; }
    var target = event.target;
    if (typing(target)) { return; }
    if (target && target.closest && target.closest("[data-own-keys]")) { return; }  // another form's keys
    var key = event.key || "";
    if (key === "Enter") {
      if (activates(target)) { return; }
      event.preventDefault();
      send(form, save);
      return;
    }
    if (key.length !== 1 || key === " ") { return; }
    if (event.shiftKey && key !== "?") { return; }
    var lower = key.toLowerCase();
    var input = byKey[lower];
    if (!input && /^Digit[0-9]$/.test(event.code || "")) { input = byKey[event.code.slice(5)]; }  // AZERTY
    if (input) {
      event.preventDefault();
      input.checked = input.type === "checkbox" ? !input.checked : true;
      input.dispatchEvent(new Event("change", {bubbles: true}));
      announce(labelOf(input) + (input.type === "checkbox" ? (input.checked ? ": ticked" : ": not ticked") : ": chosen"));
      return;
    }
    if (lower === "a") {
      event.preventDefault();
      acceptSuggestions();
      send(form, save);
    } else if (lower === "n" || lower === "j") {
      event.preventDefault();
      if (skip) { window.location.assign(skip.href); } else { announce("There is no other answer to go to."); }
    } else if (lower === "u") {
      event.preventDefault();
      if (undo) { send(undo); } else { announce("You have nothing to undo."); }
    } else if (key === "?" && list) {
      event.preventDefault();
      list.open = !list.open;
    }
  });
})();
