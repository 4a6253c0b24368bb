// Aller-vers: small helpers of the pages of issue #15 (no inline script: strict CSP).
// The header menu's disclosures (<details>) close as a menu bar's do: opening one
// closes the others, Escape closes it and gives the focus back to its summary, a click
// elsewhere closes it. Without this script each still opens and closes on its own.
(function () {
  "use strict";

  function openMenus() {
    return Array.prototype.slice.call(document.querySelectorAll(".site-nav details[open]"));
  }

  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches(".site-nav details.nav-group") || !opened.open) { return; }
    openMenus().forEach(function (other) {
      if (other !== opened && other.matches(".nav-group")) { other.open = false; }
    });
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var inside = event.target.closest && event.target.closest(".site-nav details[open]");
    if (!inside) { return; }
    inside.open = false;
    inside.querySelector("summary").focus();
  });

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });

  // A « Imprimer » button (the self-assessment summary): shown only when this script runs.
  function revealPrint(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) { button.hidden = false; });
  }
  revealPrint(document);
  document.addEventListener("htmx:load", function (event) { revealPrint(event.detail.elt); });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });

  // A « Copier » button: copies the field it names by id (a reset link shown once) or the
  // <code> lines of the element it names (recovery codes); says so aloud.
  function revealCopy(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = !navigator.clipboard;
    });
  }
  revealCopy(document);
  document.addEventListener("htmx:load", function (event) { revealCopy(event.detail.elt); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy").replace(/^#/, ""));
    var status = button.parentElement.querySelector("[data-copy-status]");
    var isField = "value" in source && source.tagName !== "BUTTON";
    var text = isField ? source.value : Array.prototype.map.call(
      source.querySelectorAll("code"), function (code) { return code.textContent; }).join("\n");
    navigator.clipboard.writeText(text).then(function () {
      if (status) { status.textContent = isField ? "Lien copié." : "Codes copiés."; }
    }, function () {
      if (isField) { source.select(); }
      if (status) { status.textContent = "Copie impossible : sélectionnez le texte et copiez-le."; }
    });
  });
})();
