/* Playbook online self-check quiz: choose, submit, see right/wrong with the explanation.
   No server, no external scripts; works offline. Each .pb-quiz block carries its questions
   as native form controls and the answers in data-answer (JSON: index, or indexes in order). */
(function () {
  "use strict";
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  function answerOf(fs) {
    try { return JSON.parse(fs.getAttribute("data-answer")); } catch (e) { return null; }
  }

  function optionText(fs, i) {
    var opt = fs.querySelector('.pb-quiz-opt[data-index="' + i + '"] .pb-quiz-text');
    return opt ? opt.textContent : "";
  }

  function grade(fs) {
    var answer = answerOf(fs);
    var opts = fs.querySelectorAll(".pb-quiz-opt");
    var right = false, answered = false, correctText;
    if (Array.isArray(answer)) {
      // ordering: answer lists option indexes in the right order; option answer[k] is step k+1
      var want = {};
      answer.forEach(function (optIndex, k) { want[optIndex] = String(k + 1); });
      right = true;
      for (var i = 0; i < opts.length; i++) {
        var sel = opts[i].querySelector("select");
        var idx = opts[i].getAttribute("data-index");
        if (sel.value) { answered = true; }
        if (sel.value !== want[idx]) { right = false; }
      }
      correctText = answer.map(function (i) { return LETTERS[i]; }).join(" → ");
    } else {
      var checked = fs.querySelector("input[type=radio]:checked");
      answered = !!checked;
      right = answered && Number(checked.value) === answer;
      for (var j = 0; j < opts.length; j++) {
        var k2 = Number(opts[j].getAttribute("data-index"));
        opts[j].classList.toggle("pb-quiz-correct", k2 === answer);
        opts[j].classList.toggle("pb-quiz-chosen-wrong", !!checked && k2 === Number(checked.value) && k2 !== answer);
      }
      correctText = LETTERS[answer] + ". " + optionText(fs, answer);
    }
    fs.classList.remove("pb-quiz-right", "pb-quiz-wrong");
    fs.classList.add(right ? "pb-quiz-right" : "pb-quiz-wrong");
    var verdict = fs.querySelector(".pb-quiz-verdict");
    if (right) {
      verdict.textContent = "✔ 回答正确";
    } else {
      verdict.textContent = (answered ? "✘ 回答错误" : "✘ 未作答") + "。正确答案：" + correctText;
    }
    fs.querySelector(".pb-quiz-feedback").hidden = false;
    return right;
  }

  function clear(form) {
    var fss = form.querySelectorAll(".pb-quiz-q");
    for (var i = 0; i < fss.length; i++) {
      fss[i].classList.remove("pb-quiz-right", "pb-quiz-wrong");
      fss[i].querySelector(".pb-quiz-feedback").hidden = true;
      var opts = fss[i].querySelectorAll(".pb-quiz-opt");
      for (var j = 0; j < opts.length; j++) {
        opts[j].classList.remove("pb-quiz-correct", "pb-quiz-chosen-wrong");
      }
    }
    form.querySelector(".pb-quiz-score").textContent = "";
  }

  function setup(block) {
    if (block.getAttribute("data-pb-ready")) { return; }
    block.setAttribute("data-pb-ready", "1");
    var form = block.querySelector("form");
    if (!form) { return; }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var fss = form.querySelectorAll(".pb-quiz-q");
      var right = 0;
      for (var i = 0; i < fss.length; i++) { if (grade(fss[i])) { right++; } }
      var score = form.querySelector(".pb-quiz-score");
      score.textContent = "答对 " + right + " / " + fss.length + " 题";
      score.setAttribute("tabindex", "-1");
      score.focus();
    });
    form.addEventListener("reset", function () { clear(form); });
  }

  function init() {
    var blocks = document.querySelectorAll(".pb-quiz");
    for (var i = 0; i < blocks.length; i++) { setup(blocks[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Material for MkDocs instant navigation swaps pages without reloading: re-init on each page.
  if (typeof window.document$ !== "undefined" && window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  }
})();
