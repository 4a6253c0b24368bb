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
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var status = xhr.status;
    if (status === 401) { return; }  // HX-Redirect to the sign-in page takes over
    var text = (status === 503 || status === 507) ? serverMessage(xhr) : null;
    showMessage(text || messages[status] || "Une erreur est survenue sur le serveur. Réessayez dans un instant.");
  });
  document.body.addEventListener("htmx:sendError", function () {
    showMessage("Le serveur ne répond pas : vérifiez la connexion au réseau, puis réessayez.");
  });

  // A swap that replaced the focused element (a button in a list that is redrawn) would
  // leave the keyboard focus on <body>, far from the next action: put it on the redrawn
  // region's heading, or on the region itself. Out-of-band swaps (messages) do not count.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var focused = document.activeElement;
    if (focused && focused !== document.body && focused.isConnected) { return; }
    var region = event.target;
    var target = event.detail.target;
    if (!region.id || !target || target.id !== region.id || !region.isConnected) { return; }
    var landing = region.querySelector("h1, h2, h3") || region;
    if (!landing.hasAttribute("tabindex")) { landing.setAttribute("tabindex", "-1"); }
    landing.focus({ preventScroll: true });
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

  if (window.htmx) { window.htmx.onLoad(scanDrafts); }
  scanDrafts(document);
})();
