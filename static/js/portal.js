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

  // Errors a screen reader can find: every field Bootstrap marks invalid says so (aria-invalid) and
  // names its message (aria-describedby); the first one takes focus, so the error is read at once.
  function markInvalid(root) {
    let first = null;
    root.querySelectorAll(".is-invalid").forEach(function (field) {
      field.setAttribute("aria-invalid", "true");
      const group = field.closest(".mb-3, .form-group, td, .col, div") || field.parentElement;
      const ids = Array.from(group.querySelectorAll(".invalid-feedback, .form-text"))
        .map(function (message, index) {
          if (!message.id) message.id = (field.id || "field") + "-message-" + index;
          return message.id;
        });
      if (ids.length) field.setAttribute("aria-describedby", ids.join(" "));
      first = first || field;
    });
    return first;
  }

  function firstField(root) {
    return root.querySelector(
      "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    const invalid = markInvalid(document);
    if (invalid) invalid.focus();
  });

  // After an htmx swap, focus goes where the user's attention goes: into the form that opened (its
  // first invalid field, else its first field), or back to the row's first control when the form
  // closes. The opener is remembered so «Отмена» returns to it.
  // Only swaps the user asked for move focus: a status polled every few seconds must not pull it away.
  let opener = null;
  let openedAt = 0;
  function remember(event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target || !target.closest("[hx-get], [hx-post], [hx-put], [hx-patch], [hx-delete]")) return;
    opener = target.closest("button, a, input, select, textarea, form") || target;
    openedAt = Date.now();
  }
  document.addEventListener("click", remember, true);
  document.addEventListener("submit", remember, true);
  document.addEventListener("htmx:afterSettle", function (event) {
    const root = event.detail.elt;
    if (!root || !root.isConnected || root.closest("[aria-live]")) return;
    if (Date.now() - openedAt > 10000) return;
    openedAt = 0;
    const invalid = markInvalid(root);
    const form = root.matches("form") ? root : root.querySelector("form");
    if (invalid) {
      invalid.focus();
    } else if (form && firstField(form)) {
      firstField(form).focus();
    } else if (opener && opener.isConnected) {
      opener.focus();
    } else {
      const control = root.querySelector("a[href], button:not([disabled])");
      if (control) control.focus();
    }
  });
})();
