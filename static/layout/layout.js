// The page's small-screen folds and the quick jump's keys: what htmx and CSS cannot do.
// - A button with class "fold-toggle" (hidden until this runs, so without JavaScript
//   everything simply shows) folds the element it controls on narrow screens: the header's
//   menu, the VM table's filters. layout.css hides ".has-fold:not(.is-open)" there only.
// - Quick jump: "/" anywhere but in a field focuses it; Enter opens the first suggestion
//   (a focused one opens itself), or sends the form while the suggestions shown are not yet
//   those for what is typed (the server then opens the one clear match, or lists them); the
//   arrow keys walk the suggestions; Escape closes them.
"use strict";
(function () {
  function setUpFolds() {
    document.querySelectorAll(".fold-toggle[aria-controls]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("aria-controls"));
      if (!target || button.dataset.foldReady) return;
      button.dataset.foldReady = "1";
      target.classList.add("has-fold");
      button.hidden = false;
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(open));
        target.classList.toggle("is-open", open);
      });
    });
  }

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function options() {
    return Array.prototype.slice.call(document.querySelectorAll("#jump-suggestions .jump-option"));
  }

  function closeSuggestions() {
    var box = document.getElementById("jump-suggestions");
    if (box) box.replaceChildren();
  }

  function onKey(evt) {
    var field = document.getElementById("jump-q");
    if (!field) return;
    var active = document.activeElement;
    if (evt.key === "/" && !typing(active) && !evt.ctrlKey && !evt.metaKey && !evt.altKey) {
      evt.preventDefault();
      field.focus();
      field.select();
      return;
    }
    var list = options();
    var index = list.indexOf(active);
    // Suggestions for what was typed before the last keys are not what Enter should open.
    var shown = document.querySelector("#jump-suggestions .jump-list");
    var current = shown && shown.getAttribute("data-needle") === field.value.trim();
    if (active === field && evt.key === "Enter" && current && list.length) {
      evt.preventDefault();
      window.location.assign(list[0].href);
    } else if ((active === field || index >= 0) && evt.key === "ArrowDown" && list.length) {
      evt.preventDefault();
      list[Math.min(index + 1, list.length - 1)].focus();
    } else if (index >= 0 && evt.key === "ArrowUp") {
      evt.preventDefault();
      if (index === 0) field.focus();
      else list[index - 1].focus();
    } else if ((active === field || index >= 0) && evt.key === "Escape") {
      closeSuggestions();
      field.focus();
    }
  }

  function onClick(evt) {
    var form = document.getElementById("quick-jump");
    if (form && !form.contains(evt.target)) closeSuggestions();
  }

  document.addEventListener("DOMContentLoaded", setUpFolds);
  document.addEventListener("htmx:afterSettle", setUpFolds);
  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onClick);
})();
