// A wide table scrolls sideways inside its own box (.table-responsive), so that a phone never has
// to scroll the whole page; a table without one is put in one. A box that scrolls must be reachable without a mouse (axe rule
// scrollable-region-focusable): it takes the focus (tabindex="0", arrow keys then scroll it) and is
// a named region, named after the table's caption or the heading above it. Boxes that fit are left
// alone: a focus stop that scrolls nothing would only lengthen the way through the page.
(function () {
  "use strict";

  function nameOf(box) {
    if (box.dataset.scrollLabel) return box.dataset.scrollLabel;
    const caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    for (let node = box; node && node !== document.body; node = node.parentElement) {
      for (let before = node.previousElementSibling; before; before = before.previousElementSibling) {
        const heading = before.matches("h1, h2, h3, h4, h5, h6") ? before : before.querySelector("h1, h2, h3, h4, h5, h6");
        if (heading && heading.textContent.trim()) return heading.textContent.trim().replace(/\s+/g, " ");
      }
    }
    return "Таблица";
  }

  // Tables a template left without the box get one: any table may meet a screen narrower than it.
  function wrapTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.closest(".table-responsive")) return;
      const box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  function mark(root) {
    wrapTables(root || document);
    (root || document).querySelectorAll(".table-responsive").forEach(function (box) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.dataset.scrollRegion = "";
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", "Прокручиваемая таблица: " + nameOf(box));
          box.dataset.scrollRegion = "named";
        }
      } else if (!scrolls && box.dataset.scrollRegion !== undefined) {
        // Marked here before (a narrower window): it no longer scrolls, so it is no longer a stop.
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        if (box.dataset.scrollRegion === "named") box.removeAttribute("aria-label");
        delete box.dataset.scrollRegion;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { mark(document); });
  document.addEventListener("htmx:afterSettle", function () { mark(document); });
  let pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { mark(document); }, 150);
  });
})();
