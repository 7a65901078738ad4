// Copy buttons for 规范用语. No network, no dependencies.
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
  function onClick(event) {
    var button = event.target.closest && event.target.closest(".pb-copy");
    if (!button) return;
    copyText(button.getAttribute("data-copy") || "").then(function () {
      button.textContent = "已复制";
      button.classList.add("pb-copied");
      setTimeout(function () { button.textContent = "复制"; button.classList.remove("pb-copied"); }, 1500);
    });
  }
  document.addEventListener("click", onClick);
})();
