// The commune combobox of the structure form (templates/directory/_commune_field.html).
// Its options come from the server (GET /communes, directory/_commune_options.html); choosing
// one fills the commune, its postal code and its INSEE code. Without JavaScript the server
// resolves what was typed. No inline script (strict CSP): everything is delegated from <body>.
(function () {
  "use strict";

  function listboxOf(input) { return document.getElementById(input.getAttribute("aria-controls")); }
  function options(listbox) { return Array.from(listbox.querySelectorAll('[role="option"]')); }
  function current(listbox) { return listbox.querySelector('[role="option"][aria-selected="true"]'); }

  // Highlight, open and close as the map editor's combobox does (static/js/app.js).
  var shared = window.allerversListbox;
  var highlight = shared.highlight, open = shared.open, close = shared.close;

  function say(form, text) {
    var note = form.querySelector("#commune-insee");
    if (note) { note.textContent = text; }
  }

  function choose(input, option) {
    var form = input.form;
    var listbox = listboxOf(input);
    input.value = option.dataset.name;
    form.querySelector("[data-commune-insee]").value = option.dataset.insee;
    var postal = form.querySelector('[name="postal_code"]');
    var served = (option.dataset.postalCodes || "").split(" ");
    if (option.dataset.postal) {
      postal.value = option.dataset.postal;
    } else if (served.indexOf(postal.value.trim()) === -1) {
      postal.value = "";  // several codes: the user types theirs (checked on saving)
    }
    say(form, "Code INSEE " + option.dataset.insee + (option.dataset.epci ? " · " + option.dataset.epci : ""));
    if (listbox) { close(input, listbox); }
    input.focus();
  }

  document.body.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-commune-search]")) { return; }
    var listbox = listboxOf(input);
    if (!listbox) { return; }
    var list = options(listbox);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!list.length) { return; }
      event.preventDefault();
      open(input, listbox);
      var index = list.indexOf(current(listbox));
      var step = event.key === "ArrowDown" ? 1 : -1;
      highlight(input, listbox, list[(index + step + list.length) % list.length]);
    } else if (event.key === "Escape" && !listbox.hidden) {
      event.preventDefault();
      close(input, listbox);
    } else if (event.key === "Enter" && !listbox.hidden && current(listbox)) {
      event.preventDefault();  // Enter chooses; a second Enter sends the form
      choose(input, current(listbox));
    }
  });

  // What is typed is no longer the chosen commune: its INSEE code goes (the server resolves).
  document.body.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-commune-search]")) { return; }
    var insee = input.form && input.form.querySelector("[data-commune-insee]");
    if (insee && insee.value) { insee.value = ""; say(input.form, ""); }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var listbox = event.detail.target;
    if (!listbox || listbox.id !== "commune-options") { return; }
    listbox = document.getElementById("commune-options");
    var input = document.querySelector('[data-commune-search][aria-controls="commune-options"]');
    if (!input || !listbox) { return; }
    if (listbox.dataset.q !== input.value.trim() || !options(listbox).length) { close(input, listbox); return; }
    open(input, listbox);
  });

  // A click (or a tap) chooses; mousedown keeps the focus in the field meanwhile.
  document.body.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("#commune-options")) { event.preventDefault(); }
  });
  document.body.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest('#commune-options [role="option"]');
    if (!option) { return; }
    var input = document.querySelector('[data-commune-search][aria-controls="commune-options"]');
    if (input) { choose(input, option); }
  });

  document.body.addEventListener("focusout", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-commune-search]")) { return; }
    var listbox = listboxOf(input);
    if (listbox) { close(input, listbox); }
  });
})();
