// Aller-vers: « Afficher le mot de passe » beside new-password fields (no inline script:
// strict CSP). The button is hidden until this script runs, since without it it does nothing.
(function () {
  "use strict";

  function reveal(root) {
    root.querySelectorAll("[data-password-toggle]").forEach(function (button) {
      button.hidden = false;
    });
  }
  reveal(document);
  document.addEventListener("htmx:load", function (event) { reveal(event.detail.elt); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-password-toggle]");
    if (!button) { return; }
    var input = document.getElementById(button.getAttribute("data-password-toggle"));
    if (!input) { return; }
    var shown = input.type === "password";
    input.type = shown ? "text" : "password";
    button.setAttribute("aria-pressed", shown ? "true" : "false");
  });
})();
