// The one script of the site: copy buttons. Pages work without it (the buttons stay hidden and
// the text can be selected by hand); with it, a button copies the text of the element it names.
(function () {
  "use strict";

  function textOf(target) {
    return target.value !== undefined ? target.value : target.textContent;
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function announce(message) {
    var status = document.getElementById("copy-status");
    if (status) { status.textContent = message; }
  }

  function onClick(event) {
    var button = event.currentTarget;
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    copy(textOf(target)).then(function () {
      button.textContent = button.getAttribute("data-copied");
      button.setAttribute("data-state", "copied");
      announce(button.getAttribute("data-copied"));
      window.setTimeout(function () {
        button.textContent = label;
        button.removeAttribute("data-state");
      }, 2000);
    }, function () {
      button.setAttribute("data-state", "failed");
      announce(button.getAttribute("data-failed"));
    });
  }

  function init() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", onClick);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
