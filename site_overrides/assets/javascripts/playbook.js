// Copy buttons for 规范用语: one is added to every phrase callout (the page's HTML has none, so
// search and print never see the button), and it copies the phrase's exact words. No network, no dependencies.
(function () {
  "use strict";
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { document.body.removeChild(area); }
    return Promise.resolve();
  }
  function addButtons() {
    var phrases = document.querySelectorAll(".pb-phrase");
    for (var i = 0; i < phrases.length; i++) {
      if (phrases[i].querySelector(".pb-copy")) continue;
      var button = document.createElement("button");
      button.className = "pb-copy";
      button.type = "button";
      button.textContent = "复制";
      button.setAttribute("aria-label", "复制这句规范用语");
      phrases[i].appendChild(button);
    }
  }
  // One polite live region says "copied" to screen readers (the button's own text change is not announced).
  function announce(text) {
    var region = document.getElementById("pb-announce");
    if (!region) {
      region = document.createElement("div");
      region.id = "pb-announce";
      region.className = "pb-visually-hidden";
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  }
  function onClick(event) {
    var button = event.target.closest && event.target.closest(".pb-copy");
    if (!button) return;
    var words = button.parentNode.querySelector(".pb-phrase-text");
    copyText(words ? words.textContent : "").then(function () {
      button.textContent = "已复制";
      button.classList.add("pb-copied");
      announce("已复制这句规范用语");
      setTimeout(function () { button.textContent = "复制"; button.classList.remove("pb-copied"); }, 1500);
    });
  }
  // Glossary terms (<abbr title>) take keyboard focus, so Material's tooltip with the definition
  // shows for keyboard users too, not only on mouse hover.
  function focusableTerms() {
    var terms = document.querySelectorAll(".md-content abbr[title]");
    for (var i = 0; i < terms.length; i++) {
      if (!terms[i].hasAttribute("tabindex")) { terms[i].setAttribute("tabindex", "0"); }
    }
  }
  // WCAG 1.4.13: a definition shown on hover or focus is dismissed with Escape while the pointer and
  // the focus stay where they are. Material shows it again when the term is next hovered or focused.
  function onKeydown(event) {
    if (event.key !== "Escape") return;
    var open = document.querySelectorAll(".md-tooltip2--active");
    for (var i = 0; i < open.length; i++) { open[i].classList.remove("md-tooltip2--active"); }
  }
  function init() { addButtons(); focusableTerms(); }
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKeydown);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
