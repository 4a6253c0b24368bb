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

  // « Copier les codes » (recovery codes): shown only when the clipboard can be written.
  function revealCopy(root) {
    if (!navigator.clipboard) { return; }
    root.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  }
  revealCopy(document);
  document.addEventListener("htmx:load", function (event) { revealCopy(event.detail.elt); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.querySelector(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    var lines = Array.prototype.map.call(source.querySelectorAll("code"), function (code) {
      return code.textContent;
    });
    navigator.clipboard.writeText(lines.join("\n")).then(function () {
      if (status) { status.textContent = "Codes copiés."; }
    });
  });
})();
