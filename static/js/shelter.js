// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Buttons that need this script (class "js-only") stay hidden without it.
  document.documentElement.classList.add("js");

  // After a failed submit, put the error summary at the top of the screen and focus it, so
  // that it is read out. Without JavaScript, its ``autofocus`` brings it into the screen.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus({ preventScroll: true });
      summary.scrollIntoView({ block: "start" });
    }
  });

  // The header menu: Escape or a click elsewhere closes it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) {
        menu.removeAttribute("open");
      }
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  function copyWithoutClipboardApi(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var copied = document.execCommand("copy");
    document.body.removeChild(area);
    return copied;
  }

  // data-copy names the element to copy; data-copy-text, when present, is copied instead of
  // its text (an IBAN shown in groups is copied without spaces).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    var text = button.getAttribute("data-copy-text");
    if (text === null) {
      text = source.value !== undefined ? source.value : source.textContent.trim();
    }
    var done = function () {
      var label = button.getAttribute("data-copied");
      if (label) {
        var original = button.innerHTML;
        button.textContent = label;
        window.setTimeout(function () { button.innerHTML = original; }, 2000);
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {
        if (copyWithoutClipboardApi(text)) { done(); }
      });
    } else if (copyWithoutClipboardApi(text)) {
      done();
    }
  });

  // A print button (team sheet, week sheet): shown as a plain button, the browser prints.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
