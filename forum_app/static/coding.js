// Keyboard shortcuts for the coding pages: coding an answer, and coding it blind for double coding.
// A form opts in with ``data-coding-form``: its inputs with ``data-key`` tick a theme or choose a
// sentiment, Enter saves (with its ``data-coding-save`` button), and ``data-workspace-keys`` adds the
// coding workspace's own: "a" (accept the suggestions and save) and "u" (send the ``data-coding-undo``
// form). "n"/"j" follow the page's ``data-coding-skip`` link, where it has one; "?" opens the list of
// keys in a dialog.
// Progressive enhancement only: the page is a plain form that works with Tab, Space and Enter, and
// without this file, the list of keys then a plain section of the page.
// A single key acts only while focus is not in a box you type in, never with Ctrl, Alt or Meta (so the
// browser's and screen readers' own commands still work), and the shortcuts can be switched off
// (WCAG 2.1.4), which this device remembers.
(function () {
  "use strict";
  var form = document.querySelector("[data-coding-form]");
  if (!form) { return; }
  var STORE = "coding-shortcuts";
  var help = document.querySelector("[data-coding-help]");
  var toggle = document.querySelector("[data-shortcuts-toggle]");
  var status = document.querySelector("[data-coding-status]");
  var skip = document.querySelector("[data-coding-skip]");
  var undo = document.querySelector("[data-coding-undo]");
  var save = form.querySelector("[data-coding-save]");
  var workspace = form.hasAttribute("data-workspace-keys");
  var byKey = {};
  Array.prototype.forEach.call(form.querySelectorAll("input[data-key]"), function (input) {
    byKey[input.getAttribute("data-key")] = input;
  });

  var keys = window.forumKeys;
  var send = keys.send;
  var announce = keys.announcer(status);
  var list = keys.shortcutsDialog(document.querySelector("[data-shortcuts]"),
    document.querySelectorAll("[data-shortcuts-open]"));

  if (help) { help.hidden = false; }
  var shortcutsOn = keys.shortcutSwitch(STORE, toggle);

  // Enter keeps its own meaning on links, buttons and summaries.
  function activates(element) {
    var tag = element && element.tagName ? element.tagName.toLowerCase() : "";
    return tag === "a" || tag === "button" || tag === "summary" ||
      (tag === "input" && (element.type === "submit" || element.type === "button"));
  }

  function labelOf(input) {
    var label = input.labels && input.labels[0];
    if (!label) { return input.value; }
    var copy = label.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("kbd"), function (kbd) { kbd.remove(); });
    return copy.textContent.trim();
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

  function choose(input) {
    input.checked = input.type === "checkbox" ? !input.checked : true;
    input.dispatchEvent(new Event("change", {bubbles: true}));
    announce(labelOf(input) + (input.type === "checkbox" ? (input.checked ? ": ticked" : ": not ticked") : ": chosen"));
  }

  document.addEventListener("keydown", function (event) {
    if (keys.leaveAlone(event) || !shortcutsOn()) { return; }
    var target = event.target;
    if (target && target.closest && target.closest("[data-own-keys]")) { return; }  // another form's keys
    var key = event.key || "";
    if (list && list.isOpen()) {  // the list's dialog: only "?" (and Escape, the dialog's own) closes it
      if (key === "?") { event.preventDefault(); list.close(); }
      return;
    }
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
      choose(input);
    } else if (lower === "a" && workspace) {
      event.preventDefault();
      acceptSuggestions();
      send(form, save);
    } else if (lower === "n" || lower === "j") {
      event.preventDefault();
      if (skip) { window.location.assign(skip.href); } else { announce("There is no other answer to go to."); }
    } else if (lower === "u" && workspace) {
      event.preventDefault();
      if (undo) { send(undo); } else { announce("You have nothing to undo."); }
    } else if (key === "?" && list) {
      event.preventDefault();
      list.open();
    }
  });
})();
