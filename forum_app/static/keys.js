// What the pages with keyboard shortcuts share (coding.js, moderation.js load after this file): the
// remembered on/off switch (WCAG 2.1.4), which keys to leave alone, sending a form, and the list of
// keys in a dialog.
(function () {
  "use strict";

  // The shortcuts' switch: on unless switched off on this device (``store`` in localStorage); the
  // hints beside buttons show while it is on. Returns whether the shortcuts are on now.
  function shortcutSwitch(store, toggle) {
    var hints = document.querySelectorAll("[data-shortcut-hint]");
    function remembered() {
      try { return window.localStorage.getItem(store) !== "off"; } catch (error) { return true; }
    }
    function remember(on) {
      try { window.localStorage.setItem(store, on ? "on" : "off"); } catch (error) { /* private mode */ }
    }
    function showHints(on) {
      Array.prototype.forEach.call(hints, function (hint) { hint.hidden = !on; });
    }
    if (toggle) {
      toggle.checked = remembered();
      toggle.addEventListener("change", function () { remember(toggle.checked); showHints(toggle.checked); });
    }
    showHints(!toggle || toggle.checked);
    return function () { return !toggle || toggle.checked; };
  }

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

  // A key that is not a shortcut: handled already, with Ctrl, Alt or Meta (the browser's and screen
  // readers' own commands), mid-composition, or typed into a box.
  function leaveAlone(event) {
    return event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || event.isComposing ||
      typing(event.target);
  }

  // Say ``text`` in the page's live region ``status`` (if it has one).
  function announcer(status) {
    return function (text) { if (status) { status.textContent = text; } };
  }

  function send(form, button) {
    if (form.requestSubmit) { form.requestSubmit(button || undefined); } else { form.submit(); }
  }

  // The list of keys, a plain section of the page (``section``, labelled by its heading), moved into a
  // modal dialog that the ``openers`` links open and its close button, Escape (or the caller, on "?")
  // close, giving the focus back to where it was. Null without the section or where browsers lack dialogs (the section
  // then stays where it is, and the links lead to it).
  function shortcutsDialog(section, openers) {
    var dialog = document.createElement("dialog");
    if (!section || typeof dialog.showModal !== "function") { return null; }
    // The close button is there only while the dialog is open: no hidden, empty target otherwise.
    var close = document.createElement("button");
    var back = null;
    close.type = "button";
    close.className = "button button--secondary shortcuts-dialog__close";
    close.textContent = "Close";
    close.autofocus = true;
    close.addEventListener("click", function () { dialog.close(); });
    dialog.className = "shortcuts-dialog";
    dialog.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
    section.parentNode.insertBefore(dialog, section);
    dialog.appendChild(section);
    dialog.addEventListener("click", function (event) {  // a click on the backdrop
      if (event.target === dialog) { dialog.close(); }
    });
    dialog.addEventListener("close", function () {
      close.remove();
      if (back && back.focus && document.contains(back)) { back.focus(); }
      back = null;
    });
    function open() {
      if (dialog.open) { return; }
      back = document.activeElement;
      dialog.appendChild(close);
      dialog.showModal();
    }
    Array.prototype.forEach.call(openers, function (link) {
      link.addEventListener("click", function (event) { event.preventDefault(); open(); });
    });
    return {open: open, close: function () { dialog.close(); }, isOpen: function () { return dialog.open; }};
  }

  window.forumKeys = {
    shortcutSwitch: shortcutSwitch, leaveAlone: leaveAlone, announcer: announcer, send: send,
    shortcutsDialog: shortcutsDialog
  };
})();
