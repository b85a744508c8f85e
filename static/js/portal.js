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

  // One live region for what htmx brings: the page's own alerts are read only on a full load,
  // a swapped-in error or a failed request would pass in silence. It exists (empty) from the
  // start, as screen readers announce changes of a region, not a region that appears.
  const FAILED = "Действие не выполнено: сервер ответил ошибкой. Обновите страницу и попробуйте ещё раз.";
  const OFFLINE = "Действие не выполнено: нет связи с сервером. Проверьте подключение и попробуйте ещё раз.";
  function liveRegion() {
    let region = document.getElementById("live-region");
    if (!region) {
      region = document.createElement("div");
      region.id = "live-region";
      region.setAttribute("role", "alert");
      region.setAttribute("aria-atomic", "true");
      region.className = "visually-hidden";
      document.body.appendChild(region);
    }
    return region;
  }
  function announce(text, visible) {
    const region = liveRegion();
    // A failed request shows nothing else on the page: then the message is seen, not only heard.
    region.className = visible ? "alert alert-danger position-fixed bottom-0 end-0 m-3 shadow" : "visually-hidden";
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }
  function errorsIn(root) {
    return Array.from(root.querySelectorAll(".invalid-feedback, [role=alert]"))
      .filter(function (element) { return element.id !== "live-region"; })
      .map(function (element) { return element.textContent.trim(); })
      .filter(Boolean)
      .join(" ");
  }
  document.addEventListener("DOMContentLoaded", liveRegion);
  document.addEventListener("htmx:responseError", function () { announce(FAILED, true); });
  document.addEventListener("htmx:sendError", function () { announce(OFFLINE, true); });

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
    const errors = errorsIn(root);
    if (errors) announce(errors, false);
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

  // <input type=checkbox data-check-all="cp">: «выбрать все на странице» ticks every box named cp.
  // Unticking one row unticks it again, since the server reads a ticked «все» as the whole page
  // (that is how the box works without a script).
  document.addEventListener("change", function (event) {
    const box = event.target;
    if (box.type !== "checkbox") return;
    if (box.dataset.checkAll) {
      document.querySelectorAll('input[type=checkbox][name="' + box.dataset.checkAll + '"]').forEach(function (row) {
        row.checked = box.checked;
      });
    } else if (box.name && !box.checked) {
      const all = document.querySelector('input[data-check-all="' + box.name + '"]');
      if (all) all.checked = false;
    }
  });
})();
