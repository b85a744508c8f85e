// What the templates ask for with data- attributes, so that no page needs an inline <script> or an
// on…= handler: the Content-Security-Policy runs scripts from static files only. Listeners sit on
// the document, so rows that htmx swaps in later behave the same.
(function () {
  "use strict";

  // <form data-confirm="…"> and <button data-confirm="…">: ask before sending.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-confirm], input[type=submit][data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // A GET form in (or being) an element with data-drop-empty (a crispy form gets a wrapper): send
  // only the filters that are set, a short address to bookmark and share.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || !form.closest("[data-drop-empty]")) return;
    for (const field of form.elements) {
      if (field.name && !field.value) field.disabled = true;
    }
  });
})();
