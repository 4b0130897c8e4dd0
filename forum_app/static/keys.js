// What the pages with keyboard shortcuts share (coding.js, moderation.js load after this file): the
// remembered on/off switch (WCAG 2.1.4), which keys to leave alone, and sending a form.
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

  window.forumKeys = {shortcutSwitch: shortcutSwitch, leaveAlone: leaveAlone, announcer: announcer, send: send};
})();
