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
    413: "Le fichier envoyé est trop volumineux.",
    429: "Trop de demandes : patientez un instant avant de réessayer."
  };

  function showMessage(text) {
    var region = document.getElementById("messages");
    if (!region) { return; }
    var paragraph = document.createElement("p");
    paragraph.className = "message message-error";
    paragraph.textContent = text;
    region.replaceChildren(paragraph);
  }

  // Never fail silently: an htmx request that is refused or cannot reach the server says so.
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 401) { return; }  // HX-Redirect to the sign-in page takes over
    showMessage(messages[status] || "Une erreur est survenue sur le serveur. Réessayez dans un instant.");
  });
  document.body.addEventListener("htmx:sendError", function () {
    showMessage("Le serveur ne répond pas : vérifiez la connexion au réseau, puis réessayez.");
  });
})();
