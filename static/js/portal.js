/* Partner portal: progressive enhancement for the server-rendered pages.
 *
 * Loaded (synchronously, it is small) from <head> of base.html under CSP script-src 'self'.
 * No inline handlers: every behaviour is an attribute read by delegated listeners on document,
 * so it also works for content htmx swaps in later. Every page works without this file.
 *
 *   [data-dialog-open="ID"]        click: dialog#ID.showModal(); focus returns to the opener on close
 *   [data-dialog-close]            click: close the enclosing <dialog> (Escape closes natively)
 *   dialog[open]:modal             Tab / Shift+Tab wrap around inside it (focus never leaves it)
 *   dialog[data-autoshow]          shown modally on load and after every htmx swap (then the attribute
 *                                  is removed); without JS the CSS shows it in the page flow
 *   dialog[data-light-dismiss], dialog.panel   a click on the backdrop closes it
 *   [data-copy="ID"]               copy #ID's value (input/textarea) or text; then un-hide
 *                                  [data-copied-for="ID"] for a few seconds and announce "Copied"
 *                                  (data-copied-text on the button overrides the announcement)
 *   [data-toggle-target="ID"]      expand/collapse #ID (toggles its hidden attribute, keeps
 *                                  aria-expanded/aria-controls in step). On a link, the href is the
 *                                  no-JS fallback (e.g. ?expand=42) and is not followed.
 *   select[data-autosubmit]        submit its form on change (="ID": as if button #ID was pressed)
 *   form[data-confirm="Text"], button/a[data-confirm]   window.confirm() first
 *   form[data-submit-once]         ignore a second submit; disable its submit buttons meanwhile
 *   [data-enable-when-checked="ID"] disabled until checkbox #ID is ticked (the server validates too)
 *   [data-dismiss]                 remove the enclosing .message-bar / [data-dismissible]
 *   [data-nav-toggle]              show/hide the left navigation on narrow screens
 *   details.menu                   one open at a time; closes on outside click, Escape, focus leaving
 *   nav.tabs a[hx-get]             aria-current follows the tab htmx loaded
 *   <body data-nav-section="X">    (block nav_section) marks .leftnav [data-nav="X"] as current
 */
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  var openers = new WeakMap();
  var lastActivator = null;

  function byId(id) {
    return id ? doc.getElementById(id) : null;
  }

  function text(key, fallback) {
    return (doc.body && doc.body.dataset[key]) || fallback;
  }

  function focusSafely(el) {
    if (el && el.isConnected && typeof el.focus === "function") {
      el.focus();
      return doc.activeElement === el;
    }
    return false;
  }

  /* Live-region announcements. Content outside an open modal dialog is inert, so a dialog gets
     its own .sr-status region (created when it opens, ahead of the announcement). */
  function ensureStatus(container) {
    var region = container.querySelector(":scope > .sr-status");
    if (!region) {
      region = doc.createElement("div");
      region.className = "sr-only sr-status";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      container.appendChild(region);
    }
    return region;
  }

  function announce(from, message) {
    var region = ensureStatus((from && from.closest("dialog")) || doc.body);
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = message;
    }, 50);
  }

  /* Dialogs ------------------------------------------------------------------------------- */
  function openDialog(dialog, opener) {
    if (!dialog || dialog.open) return;
    openers.set(dialog, opener || doc.activeElement);
    ensureStatus(dialog);
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
  }

  function openerOf(el) {
    var dialog = el && el.closest ? el.closest("dialog") : null;
    return (dialog && openers.get(dialog)) || el;
  }

  function autoshow() {
    var dialogs = doc.querySelectorAll("dialog[data-autoshow]");
    Array.prototype.forEach.call(dialogs, function (dialog) {
      dialog.removeAttribute("data-autoshow");
      if (!dialog.open) openDialog(dialog, lastActivator);
    });
  }

  // "close" does not bubble: listen in the capture phase.
  doc.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!(dialog instanceof HTMLDialogElement)) return;
    var opener = openers.get(dialog);
    openers.delete(dialog);
    if (!focusSafely(opener)) {
      // The opener was replaced (e.g. by an htmx swap): try an element with the same id, then main.
      if (!(opener && opener.id && focusSafely(byId(opener.id)))) focusSafely(byId("main"));
    }
    // Dialogs loaded by htmx into #dialog-host are single-use.
    if (dialog.parentElement && dialog.parentElement.id === "dialog-host") dialog.remove();
  }, true);

  function backdropClick(dialog, event) {
    if (!(dialog.hasAttribute("data-light-dismiss") || dialog.classList.contains("panel"))) return false;
    var r = dialog.getBoundingClientRect();
    var inside = event.clientX >= r.left && event.clientX <= r.right &&
      event.clientY >= r.top && event.clientY <= r.bottom;
    // Keyboard-generated clicks have no coordinates (0,0): never treat them as a backdrop click.
    if (!inside && (event.clientX || event.clientY)) {
      dialog.close();
      return true;
    }
    return false;
  }

  /* Copy to clipboard ----------------------------------------------------------------------- */
  function selectContents(el) {
    if (el.matches("input, textarea")) {
      el.select();
      return;
    }
    var range = doc.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function legacyCopy(el, button) {
    selectContents(el);
    var ok = false;
    try {
      ok = doc.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    focusSafely(button);
    return ok;
  }

  function copyFeedback(button, id, ok) {
    if (ok) {
      var notes = doc.querySelectorAll('[data-copied-for="' + CSS.escape(id) + '"]');
      Array.prototype.forEach.call(notes, function (note) {
        note.hidden = false;
        window.clearTimeout(note._portalTimer);
        note._portalTimer = window.setTimeout(function () {
          note.hidden = true;
        }, 4000);
      });
      button.classList.add("is-copied");
      window.setTimeout(function () {
        button.classList.remove("is-copied");
      }, 4000);
      announce(button, button.getAttribute("data-copied-text") || text("i18nCopied", "Copied"));
    } else {
      announce(button, text("i18nCopyFailed", "Could not copy. The text is selected: press Ctrl+C to copy it."));
    }
  }

  function copy(button) {
    var id = button.getAttribute("data-copy");
    var source = byId(id);
    if (!source) return;
    var value = source.matches("input, textarea") ? source.value : source.textContent.trim();
    var done = function () { copyFeedback(button, id, true); };
    var fallback = function () {
      var ok = legacyCopy(source, button);
      copyFeedback(button, id, ok);
      if (!ok) selectContents(source);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(done, fallback);
    } else {
      fallback();
    }
  }

  /* Expand / collapse --------------------------------------------------------------------- */
  function syncToggle(control) {
    var target = byId(control.getAttribute("data-toggle-target"));
    if (!target) return;
    control.setAttribute("aria-controls", target.id);
    control.setAttribute("aria-expanded", String(!target.hidden));
    if (control.tagName === "A") control.setAttribute("role", "button");
  }

  function toggle(control) {
    var target = byId(control.getAttribute("data-toggle-target"));
    if (!target) return;
    var expand = target.hidden;
    target.hidden = !expand;
    var controls = doc.querySelectorAll('[data-toggle-target="' + CSS.escape(target.id) + '"]');
    Array.prototype.forEach.call(controls, syncToggle);
    if (expand) {
      var first = target.querySelector("[autofocus], [data-focus-on-expand]");
      if (first) first.focus();
    }
  }

  /* Checkbox-gated controls --------------------------------------------------------------- */
  function syncEnabled(scope) {
    var gated = (scope || doc).querySelectorAll("[data-enable-when-checked]");
    Array.prototype.forEach.call(gated, function (el) {
      var box = byId(el.getAttribute("data-enable-when-checked"));
      if (box) el.disabled = !box.checked;
    });
  }

  /* Menus (details.menu) ------------------------------------------------------------------ */
  function closeMenus(except) {
    var open = doc.querySelectorAll("details.menu[open]");
    Array.prototype.forEach.call(open, function (menu) {
      if (!except || !menu.contains(except)) menu.open = false;
    });
  }

  /* Navigation ---------------------------------------------------------------------------- */
  function toggleNav(button) {
    var nav = byId(button.getAttribute("aria-controls"));
    if (!nav) return;
    var open = !nav.classList.contains("is-open");
    nav.classList.toggle("is-open", open);
    button.setAttribute("aria-expanded", String(open));
  }

  function applyNavSection() {
    var section = (doc.body.getAttribute("data-nav-section") || "").trim();
    if (!section) return;
    var links = doc.querySelectorAll(".leftnav [data-nav]");
    var match = Array.prototype.some.call(links, function (a) { return a.dataset.nav === section; });
    if (!match) return;
    Array.prototype.forEach.call(links, function (a) {
      if (a.dataset.nav === section) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
  }

  /* Initialisation (page load and every htmx swap) ---------------------------------------- */
  function init(scope) {
    scope = scope || doc;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-toggle-target]"), syncToggle);
    syncEnabled(doc);
    autoshow();
  }

  function releaseForms(scope) {
    var forms = scope ? [scope] : doc.querySelectorAll("form[data-submitting]");
    Array.prototype.forEach.call(forms, function (form) {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
      Array.prototype.forEach.call(form.querySelectorAll("[data-disabled-by-submit]"), function (b) {
        b.removeAttribute("data-disabled-by-submit");
        b.disabled = false;
      });
    });
  }

  /* Event delegation ---------------------------------------------------------------------- */
  // Capture phase, so that a refusal also stops htmx's own handlers on the element.
  doc.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("[data-confirm]:not(form)") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (form.hasAttribute("data-submit-once")) {
      if (form.hasAttribute("data-submitting")) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      form.setAttribute("data-submitting", "");
      form.setAttribute("aria-busy", "true");
      // Disable after the submission has captured the submitter's name/value.
      window.setTimeout(function () {
        Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]"), function (b) {
          if (!b.disabled) {
            b.disabled = true;
            b.setAttribute("data-disabled-by-submit", "");
          }
        });
      }, 0);
    }
  }, true);

  doc.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var el;

    if (target instanceof HTMLDialogElement && target.open && backdropClick(target, event)) return;

    if ((el = target.closest("[data-dialog-open]"))) {
      var dialog = byId(el.getAttribute("data-dialog-open"));
      if (dialog) {
        event.preventDefault();
        openDialog(dialog, el);
      }
    } else if ((el = target.closest("[data-dialog-close]"))) {
      var enclosing = el.closest("dialog");
      if (enclosing) {
        event.preventDefault();
        enclosing.close(el.value || "");
      }
    } else if ((el = target.closest("[data-copy]"))) {
      event.preventDefault();
      copy(el);
    } else if ((el = target.closest("[data-toggle-target]"))) {
      event.preventDefault();
      toggle(el);
    } else if ((el = target.closest("[data-dismiss]"))) {
      var bar = el.closest(".message-bar, [data-dismissible]");
      if (bar) {
        bar.remove();
        focusSafely(byId("main"));
      }
    } else if ((el = target.closest("[data-nav-toggle]"))) {
      toggleNav(el);
    }
    closeMenus(target);
  });

  doc.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof Element)) return;
    if (el.matches("select[data-autosubmit]") && el.form) {
      // data-autosubmit="ID": submit as if the button #ID was pressed (its name and value are sent).
      var button = el.getAttribute("data-autosubmit") && doc.getElementById(el.getAttribute("data-autosubmit"));
      if (button) button.click();
      else if (typeof el.form.requestSubmit === "function") el.form.requestSubmit();
      else el.form.submit();
    }
    if (el.matches("input[type=checkbox]")) syncEnabled(doc);
  });

  // "toggle" does not bubble either: one open menu at a time.
  doc.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu instanceof HTMLDetailsElement && menu.classList.contains("menu") && menu.open) closeMenus(menu);
  }, true);

  /* Focus trap: a modal <dialog> makes the page inert, but Tab past its last control would leave
     for the browser's own UI (and the page body). Wrap around inside the dialog instead. */
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled])," +
    " textarea:not([disabled]), summary, output[tabindex], [tabindex]:not([tabindex='-1'])";

  function trapTab(event) {
    var dialog = doc.querySelector("dialog[open]:modal");
    if (!dialog) return;
    var items = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
      return !el.closest("[hidden]") && el.getClientRects().length > 0;
    });
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1];
    var active = doc.activeElement;
    var outside = !dialog.contains(active);
    if (event.shiftKey && (outside || active === first || active === dialog)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (outside || active === last)) {
      event.preventDefault();
      first.focus();
    }
  }

  doc.addEventListener("keydown", function (event) {
    if (event.key === "Tab") {
      trapTab(event);
      return;
    }
    if (event.key !== "Escape") return;
    var menu = event.target instanceof Element ? event.target.closest("details.menu[open]") : null;
    if (menu) {
      menu.open = false;
      focusSafely(menu.querySelector("summary"));
      event.preventDefault();
    }
  });

  doc.addEventListener("focusin", function (event) {
    closeMenus(event.target);
  });

  /* htmx integration ---------------------------------------------------------------------- */
  // The element htmx reports is the form for a submit: the button pressed (focused) is the opener.
  doc.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var active = doc.activeElement;
    lastActivator = openerOf(elt && elt.contains && active && active !== doc.body && elt.contains(active) ? active : elt);
  });

  doc.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && elt.closest ? elt.closest("form") : null;
    if (form) releaseForms(form);
    if (!elt || !event.detail.successful || !elt.closest) return;
    var tabs = elt.closest("nav.tabs");
    if (tabs && elt.tagName === "A") {
      Array.prototype.forEach.call(tabs.querySelectorAll("a"), function (a) {
        if (a === elt) a.setAttribute("aria-current", "page");
        else a.removeAttribute("aria-current");
      });
    }
  });

  doc.addEventListener("htmx:afterSwap", function () {
    init(doc);
  });

  doc.addEventListener("DOMContentLoaded", function () {
    applyNavSection();
    init(doc);
  });

  // Back/forward cache: forms left "submitting" and menus left open would look stuck.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      releaseForms();
      closeMenus(null);
    }
  });
})();
