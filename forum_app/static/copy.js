// Progressive enhancement only: a "Copy code" button beside a code the parent must keep. Without this
// file (or without a clipboard) there is no button, and the page still says to write the code down.
(function () {
  "use strict";
  if (!navigator.clipboard || !navigator.clipboard.writeText) { return; }
  var places = document.querySelectorAll("[data-copy-target]");
  Array.prototype.forEach.call(places, function (place) {
    var code = document.getElementById(place.getAttribute("data-copy-target"));
    var status = place.querySelector("[data-copy-status]");
    if (!code || !status) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary";
    button.textContent = place.getAttribute("data-copy-label");
    button.addEventListener("click", function () {
      status.textContent = "";
      navigator.clipboard.writeText(code.textContent.trim()).then(
        function () { status.textContent = place.getAttribute("data-copy-done"); },
        function () { status.textContent = place.getAttribute("data-copy-failed"); }
      );
    });
    place.insertBefore(button, status);
    place.hidden = false;
  });
})();
