// Aller-vers: the little glue htmx needs. No inline scripts anywhere (strict CSP).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Flask-WTF's CSRFProtect accepts the token in this header on every htmx request.
  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  var messages = {
    400: "La demande a été refusée : votre session a peut-être expiré. Rechargez la page, puis recommencez.",
    403: "Vous n'avez pas accès à cette action.",
    404: "Cette page n'existe pas ou vous n'y avez pas accès.",
    413: "Le fichier ou le texte envoyé est trop volumineux : découpez-le, puis réessayez.",
    429: "Trop de demandes : patientez un instant avant de réessayer.",
    503: "Service momentanément indisponible : patientez une minute, puis réessayez.",
    507: "Enregistrement impossible : l'espace disque du serveur est plein. Rien n'a été enregistré."
  };

  function showMessage(text) {
    var region = document.getElementById("messages");
    if (!region) { return; }
    var paragraph = document.createElement("p");
    paragraph.className = "message message-error";
    paragraph.textContent = text;
    region.replaceChildren(paragraph);
  }

  // The server's own words (its error fragment), e.g. why the database refused a save.
  function serverMessage(xhr) {
    var page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var paragraph = page.querySelector(".error-page p");
    return paragraph ? paragraph.textContent : null;
  }

  // Never fail silently: an htmx request that is refused or cannot reach the server says so.
  // A helper request (the password meter) fails quietly: its form says the same on submit.
  function isQuiet(event) {
    var elt = event.detail.elt;
    return Boolean(elt && elt.closest && elt.closest("[data-quiet-errors]"));
  }

  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var status = xhr.status;
    if (status === 401 || isQuiet(event)) { return; }  // 401: HX-Redirect to sign-in takes over
    var text = (status === 503 || status === 507) ? serverMessage(xhr) : null;
    showMessage(text || messages[status] || "Une erreur est survenue sur le serveur. Réessayez dans un instant.");
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    if (isQuiet(event)) { return; }
    showMessage("Le serveur ne répond pas : vérifiez la connexion au réseau, puis réessayez.");
  });

  // A swap that replaced the focused element (a button in a list that is redrawn) would
  // leave the keyboard focus on <body>, far from the next action: put it on the redrawn
  // region's heading, or on the region itself. Out-of-band swaps (messages) do not count.
  // A redraw caused by someone else's change (static/js/live.js) never moves the focus.
  function causedElsewhere(event) {
    var config = event.detail.requestConfig, cause = config && config.triggeringEvent;
    return Boolean(cause && (cause.type === "liveEntriesChanged" || cause.type === "liveMapChanged"));
  }

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var focused = document.activeElement;
    if (focused && focused !== document.body && focused.isConnected) { return; }
    if (causedElsewhere(event)) { return; }
    var region = event.target;
    var target = event.detail.target;
    if (!region.id || !target || target.id !== region.id || !region.isConnected) { return; }
    var landing = region.querySelector("h1, h2, h3") || region;
    if (!landing.hasAttribute("tabindex")) { landing.setAttribute("tabindex", "-1"); }
    landing.focus({ preventScroll: true });
  });

  // A form sent back with its errors (422, or 409 for an edit conflict): the keyboard goes to
  // the first field to correct, never to <body>.
  function visible(element) { return element.getClientRects().length > 0; }
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    var region = event.detail.elt;
    if (region && !region.isConnected && region.id) { region = document.getElementById(region.id); }  // swapped outerHTML
    if (!xhr || (xhr.status !== 422 && xhr.status !== 409) || !region || !region.isConnected) { return; }
    var invalid = Array.from(region.querySelectorAll('[aria-invalid="true"]')).filter(visible)[0];
    if (invalid) { invalid.focus(); }
  });

  // The messages region is the page's live region (role=status): it must stay the same element
  // for screen readers to read what changed, so its content is replaced, not the element.
  // A message with an undo button takes the focus (after a removal, the next action is there).
  document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    var fragment = event.detail.fragment;
    if (!target || target.id !== "messages" || !fragment || !fragment.querySelector) { return; }
    var incoming = fragment.querySelector("#messages");
    if (!incoming) { return; }
    event.detail.shouldSwap = false;
    var hadFocus = target.contains(document.activeElement);
    target.replaceChildren.apply(target, Array.from(incoming.childNodes));
    if (window.htmx) { window.htmx.process(target); }
    var undo = target.querySelector("form button");
    if (undo) {
      undo.focus();
    } else if (hadFocus) {
      target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });

  // ----- comboboxes of the map workspace (templates/maps/_entry_form.html, _link_form.html) ---

  function normalise(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function shownOptions(listbox) {
    return Array.from(listbox.querySelectorAll('[role="option"]')).filter(function (o) { return !o.hidden; });
  }

  function highlighted(listbox) { return listbox.querySelector('[role="option"][aria-selected="true"]'); }

  function highlight(input, listbox, option) {
    listbox.querySelectorAll('[aria-selected="true"]').forEach(function (o) { o.setAttribute("aria-selected", "false"); });
    if (option) {
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      if (option.scrollIntoView) { option.scrollIntoView({ block: "nearest" }); }
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function openList(input, listbox) { listbox.hidden = false; input.setAttribute("aria-expanded", "true"); }

  function closeList(input, listbox) {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    highlight(input, listbox, null);
  }

  // The same listbox behaviour for the other comboboxes (static/js/communes.js).
  window.allerversListbox = { highlight: highlight, open: openList, close: closeList };

  function moveHighlight(input, listbox, step) {
    var list = shownOptions(listbox);
    if (!list.length) { return; }
    openList(input, listbox);
    var index = list.indexOf(highlighted(listbox));
    var next = index < 0 ? (step > 0 ? 0 : list.length - 1) : (index + step + list.length) % list.length;
    highlight(input, listbox, list[next]);
  }

  // 1. The directory search: its options come from the server (maps/_structure_results.html);
  //    Enter adds the highlighted one at once, with default influence and position.
  function searchListbox(input) { return document.getElementById(input.getAttribute("aria-controls")); }

  function answered(input, listbox) {
    return listbox && listbox.dataset.q !== undefined && listbox.dataset.q === input.value.trim();
  }

  function chooseStructure(input, option) {
    var form = input.form;
    var listbox = searchListbox(input);
    if (listbox) { closeList(input, listbox); }
    if (option.dataset.create !== undefined) {  // « Créer … » : the new-structure fields, named
      var details = form.querySelector("#entry-new");
      details.open = true;
      var name = form.querySelector('[name="new_name"]');
      name.value = option.dataset.create;
      form.querySelector('[name="new_commune"]').focus();
      return;
    }
    form.querySelector("[data-ws-chosen]").value = option.dataset.structureId;
    form.requestSubmit();
  }

  document.body.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-ws-search]")) { return; }
    var listbox = searchListbox(input);
    if (!listbox) { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      moveHighlight(input, listbox, event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Escape" && !listbox.hidden) {
      event.preventDefault();
      closeList(input, listbox);
    } else if (event.key === "Enter") {
      var newName = input.form.querySelector('[name="new_name"]');
      if (!input.value.trim() && newName && newName.value.trim()) { return; }  // sends the new one
      event.preventDefault();
      var option = answered(input, listbox) && (highlighted(listbox) || shownOptions(listbox)[0]);
      if (option) {
        chooseStructure(input, option);
      } else if (input.value.trim().length >= 2) {
        // The answer to what was typed is on its way: choose its first option when it comes.
        input.dataset.pendingEnter = "true";
        if (window.htmx) { window.htmx.trigger(input, "search"); }
      }
    }
  });

  document.body.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-ws-search]")) { delete event.target.dataset.pendingEnter; }
  });

  function resultsArrived(listbox) {
    var input = document.querySelector('[data-ws-search][aria-controls="' + listbox.id + '"]');
    if (!input) { return; }
    var first = shownOptions(listbox)[0];
    if (!first) { closeList(input, listbox); return; }
    openList(input, listbox);
    highlight(input, listbox, first);
    if (input.dataset.pendingEnter && answered(input, listbox)) {
      delete input.dataset.pendingEnter;
      chooseStructure(input, first);
    }
  }

  // 2. « De … vers … »: the selects of the link form become type-ahead comboboxes over the
  //    structures of the map; the select stays (hidden) and carries the value to the server.
  //    Tab or Enter takes the highlighted structure; Enter in the last one saves the link.
  function enhanceSelect(select) {
    if (select.dataset.wsEnhanced) { return; }
    select.dataset.wsEnhanced = "true";
    var input = document.createElement("input");
    var listbox = document.createElement("ul");
    var wrapper = document.createElement("div");
    input.type = "text";
    input.id = select.id + "-saisie";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", select.id + "-options");
    input.dataset.wsPair = select.id;
    input.wsSelect = select;
    input.wsListbox = listbox;
    listbox.wsInput = input;
    ["aria-invalid", "aria-describedby"].forEach(function (name) {
      if (select.hasAttribute(name)) { input.setAttribute(name, select.getAttribute(name)); }
    });
    listbox.id = select.id + "-options";
    listbox.className = "ws-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;
    var label = select.form.querySelector('label[for="' + select.id + '"]');
    if (label) {
      label.htmlFor = input.id;
      listbox.setAttribute("aria-label", "Suggestions pour « " + label.textContent.trim() + " »");
    }
    Array.from(select.options).forEach(function (option) {
      if (!option.value) { return; }
      var item = document.createElement("li");
      item.id = listbox.id + "-" + option.value;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.value = option.value;
      item.textContent = option.textContent;
      listbox.appendChild(item);
    });
    input.value = select.value ? select.selectedOptions[0].textContent : "";
    wrapper.className = "ws-combo";
    wrapper.appendChild(input);
    wrapper.appendChild(listbox);
    select.parentNode.insertBefore(wrapper, select);
    var focusHere = document.activeElement === select || select.hasAttribute("autofocus");
    select.hidden = true;
    select.tabIndex = -1;
    if (focusHere) {
      input.focus();
      input.select();
    }
  }

  // Held by reference, not looked up by id: a form being swapped out has the same ids as the
  // one coming in (and Chrome sends focusout to a focused field while removing it).
  function pairParts(input) {
    return { select: input.wsSelect, listbox: input.wsListbox };
  }

  function filterPair(input, listbox) {
    var words = normalise(input.value).split(" ").filter(Boolean);
    var starting = null;
    var first = null;
    Array.from(listbox.children).forEach(function (item) {
      var text = normalise(item.textContent);
      var shown = words.every(function (word) { return text.indexOf(word) >= 0; });
      item.hidden = !shown;
      if (shown && !first) { first = item; }
      if (shown && !starting && words.length && text.indexOf(words[0]) === 0) { starting = item; }
    });
    return starting || first;
  }

  function choosePair(input, item) {
    var parts = pairParts(input);
    parts.select.value = item.dataset.value;
    input.value = item.textContent;
    input.removeAttribute("aria-invalid");
    closeList(input, parts.listbox);
    parts.select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // What is typed but not chosen: the highlighted structure if any, else nothing (the server
  // then says which structure is missing) — never a different structure kept from before.
  function settlePair(input) {
    var parts = pairParts(input);
    var chosen = parts.select.selectedOptions[0];
    if (chosen && chosen.value && chosen.textContent === input.value) { closeList(input, parts.listbox); return; }
    var item = !parts.listbox.hidden && highlighted(parts.listbox);
    if (!item && input.value.trim()) { item = filterPair(input, parts.listbox); }
    if (item && input.value.trim()) { choosePair(input, item); return; }
    parts.select.value = "";
    closeList(input, parts.listbox);
  }

  function nextPairInput(input) {
    var inputs = Array.from(input.form.querySelectorAll("[data-ws-pair]"));
    return inputs[inputs.indexOf(input) + 1] || null;
  }

  document.body.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.wsPair || !input.wsSelect) { return; }
    var parts = pairParts(input);
    if (!input.value.trim()) { parts.select.value = ""; closeList(input, parts.listbox); return; }
    var first = filterPair(input, parts.listbox);
    if (first) { openList(input, parts.listbox); } else { closeList(input, parts.listbox); }
    highlight(input, parts.listbox, first);
  });

  document.body.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.wsPair || !input.wsSelect) { return; }
    var parts = pairParts(input);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (parts.listbox.hidden && !input.value.trim()) {
        Array.from(parts.listbox.children).forEach(function (item) { item.hidden = false; });
      }
      moveHighlight(input, parts.listbox, event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Escape" && !parts.listbox.hidden) {
      event.preventDefault();
      closeList(input, parts.listbox);
    } else if (event.key === "Tab") {
      settlePair(input);
    } else if (event.key === "Enter") {
      event.preventDefault();
      settlePair(input);
      var next = nextPairInput(input);
      if (next) {
        next.focus();
        next.select();
      } else {
        input.form.requestSubmit();
      }
    }
  });

  document.body.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input.dataset && input.dataset.wsPair && input.wsSelect && input.isConnected) { settlePair(input); }
  });

  // Clicking into a box that holds a chosen structure selects its text: typing replaces it.
  document.body.addEventListener("mouseup", function (event) {
    var input = event.target;
    if (!input.wsSelect || input.selectionStart !== input.selectionEnd || !input.wsSelect.value) { return; }
    if (input.dataset.wsClicked) { return; }  // a second click places the caret
    input.dataset.wsClicked = "true";
    input.select();
  });
  document.body.addEventListener("focusout", function (event) {
    if (event.target.dataset) { delete event.target.dataset.wsClicked; }
  });

  // A click on an option (either combobox) chooses it; the press does not take the focus away.
  document.body.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest('.ws-listbox [role="option"]')) { event.preventDefault(); }
  });
  document.body.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest('.ws-listbox [role="option"]');
    if (!item) { return; }
    var input = item.parentNode.wsInput || document.querySelector('[aria-controls="' + item.parentNode.id + '"]');
    if (!input) { return; }
    if (input.matches("[data-ws-search]")) { chooseStructure(input, item); } else { choosePair(input, item); }
  });

  // 3. The rest of the link form: a wished link has no level yet — the level moves to « niveau
  //    souhaité » (and back); Enter on the status or the level saves, as in a text field.
  document.body.addEventListener("change", function (event) {
    var radio = event.target;
    var form = radio.form;
    if (radio.name !== "status" || !form || !form.matches("[data-ws-link-form]")) { return; }
    var level = form.elements.level;
    var desired = form.elements.desired_level;
    if (!level || !desired) { return; }
    if (radio.value === "souhaite" && level.value) {
      form.dataset.wsLevel = level.value;
      if (!desired.value) { desired.value = level.value; desired.closest("details").open = true; }
      level.value = "";
    } else if (radio.value !== "souhaite" && !level.value && form.dataset.wsLevel) {
      level.value = form.dataset.wsLevel;
    }
  });

  document.body.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || !field.form || !field.form.matches("[data-ws-link-form]")) { return; }
    if (field.type === "radio" || field.tagName === "SELECT") {
      event.preventDefault();
      field.form.requestSubmit();
    }
  });

  // Printable pages: a button instead of an inline onclick (strict CSP).
  document.body.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  // Long forms keep a copy of what is typed in this browser, so that nothing is lost if the
  // session expires before saving: restored on the next visit, cleared once saved.
  function fieldsOf(form) {
    return Array.from(form.elements).filter(function (f) {
      return f.name && f.name !== "csrf_token" && f.name !== "version" && (f.tagName === "TEXTAREA" || f.type === "text");
    });
  }

  function keepDraft(form) {
    var key = "allervers-draft-" + form.dataset.draftKey;
    var saved = JSON.parse(window.localStorage.getItem(key) || "null");
    if (saved) {
      var restored = false;
      fieldsOf(form).forEach(function (f) {
        if (saved[f.name] && saved[f.name] !== f.value && !f.value) { f.value = saved[f.name]; restored = true; }
      });
      if (restored) {
        var note = document.createElement("p");
        note.className = "message message-info";
        note.setAttribute("role", "status");
        note.textContent = "Nous avons retrouvé ce que vous aviez saisi dans ce navigateur sans l'enregistrer : relisez, puis enregistrez.";
        form.prepend(note);
      }
    }
    form.addEventListener("input", function () {
      var values = {};
      fieldsOf(form).forEach(function (f) { values[f.name] = f.value; });
      window.localStorage.setItem(key, JSON.stringify(values));
    });
  }

  function scanDrafts(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("form[data-draft-key]").forEach(function (form) {
      if (!form.dataset.draftKept) { form.dataset.draftKept = "true"; keepDraft(form); }
    });
    (root.querySelectorAll ? root : document).querySelectorAll("[data-draft-clear]").forEach(function (el) {
      el.dataset.draftClear.split(" ").forEach(function (key) { window.localStorage.removeItem("allervers-draft-" + key); });
    });
  }

  // Drafts are kept per person; signing out of a shared computer leaves none behind.
  document.body.addEventListener("submit", function (event) {
    if (!event.target.matches("form[data-clear-drafts]")) { return; }
    Object.keys(window.localStorage).forEach(function (key) {
      if (key.indexOf("allervers-draft-") === 0) { window.localStorage.removeItem(key); }
    });
  });

  function scanWorkspace(root) {
    var scope = root.querySelectorAll ? root : document;
    if (scope.id === "structure-results") { resultsArrived(scope); }
    scope.querySelectorAll("select[data-ws-combobox]").forEach(enhanceSelect);
    if (scope.matches && scope.matches("select[data-ws-combobox]")) { enhanceSelect(scope); }
  }

  if (window.htmx) {
    window.htmx.onLoad(scanDrafts);
    window.htmx.onLoad(scanWorkspace);
  }
  scanDrafts(document);
  scanWorkspace(document);
})();
