// Coding some words of an answer from the keyboard: select words in the answer, press p, and they go
// into "Code some words" with their place in the answer's text; focus moves to the theme, and Enter
// there codes them. Progressive enhancement only: without this file the form takes copied words.
(function () {
  "use strict";
  var form = document.querySelector("[data-phrase-form]");
  var container = document.querySelector("[data-answer-text]");
  if (!form || !container || !window.forumKeys) { return; }
  var words = form.querySelector("[data-phrase-words]");
  var start = form.querySelector("[data-phrase-start]");
  var theme = form.querySelector("[data-phrase-theme]");
  var save = form.querySelector("[data-phrase-save]");
  var text = container.getAttribute("data-answer-text") || "";
  var status = document.querySelector("[data-coding-status]");
  var announce = window.forumKeys.announcer(status);
  var toggle = document.querySelector("[data-shortcuts-toggle]");

  function escapeRegExp(value) { return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // The selected words' place in the answer's text: [start, end], or null if they are not in it.
  // The page shows the text's lines as paragraphs, so any spaces or line breaks match any others.
  function place(selected) {
    var wanted = selected.trim();
    if (!wanted) { return null; }
    var exact = text.indexOf(wanted);
    if (exact >= 0) { return [exact, exact + wanted.length]; }
    var pattern = wanted.split(/\s+/).map(escapeRegExp).join("\\s+");
    var found = new RegExp(pattern).exec(text);
    return found ? [found.index, found.index + found[0].length] : null;
  }

  function selectionInAnswer() {
    var selection = window.getSelection ? window.getSelection() : null;
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return ""; }
    var range = selection.getRangeAt(0);
    if (!container.contains(range.commonAncestorContainer)) { return ""; }
    return selection.toString();
  }

  function take() {
    var found = place(selectionInAnswer());
    if (!found) {
      announce("Select some words in the answer first.");
      return false;
    }
    words.value = text.slice(found[0], found[1]);
    start.value = String(found[0]);
    theme.focus();
    announce("Words chosen: " + words.value + ". Choose their theme, then press Enter.");
    return true;
  }

  // Typed or pasted words: their place is found again when the form is sent.
  words.addEventListener("input", function () { start.value = ""; });

  document.addEventListener("keydown", function (event) {
    if (window.forumKeys.leaveAlone(event) || (toggle && !toggle.checked)) { return; }
    if ((event.key || "").toLowerCase() === "p" && !event.shiftKey) {
      if (take()) { event.preventDefault(); }
    }
  });

  // Enter on the theme codes the words (a closed select does nothing with Enter on its own).
  theme.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      window.forumKeys.send(form, save);
    }
  });
})();
