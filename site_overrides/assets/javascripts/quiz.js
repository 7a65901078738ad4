/* Playbook online self-check quiz: choose, submit, see right/wrong with the explanation.
   No server, no external scripts; works offline. Everything works by keyboard (native radios,
   selects and buttons); right and wrong are said in words and marks, never by colour alone, and
   the score is announced through a live region. Each .pb-quiz block carries its questions
   as native form controls and the answers in data-answer (JSON: index, or indexes in order);
   compact blocks (under procedure pages) carry them as JSON and get the same form built here. */
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

  // A word mark after an option ("✔ 正确答案", "✘ 你选的", "✘ 应为第 2 步"): the colour only repeats it.
  function mark(opt, text, cls) {
    var old = opt.querySelector(".pb-quiz-mark");
    if (old) { old.parentNode.removeChild(old); }
    if (!text) { return; }
    opt.appendChild(el("span", "pb-quiz-mark " + cls, text));
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
        if (sel.value === want[idx]) { mark(opts[i], "✔ 正确", "pb-quiz-mark-right"); }
        else { mark(opts[i], "✘ 应为第 " + want[idx] + " 步", "pb-quiz-mark-wrong"); }
      }
      correctText = answer.map(function (i) { return LETTERS[i]; }).join(" → ");
    } else {
      var checked = fs.querySelector("input[type=radio]:checked");
      answered = !!checked;
      right = answered && Number(checked.value) === answer;
      for (var j = 0; j < opts.length; j++) {
        var k2 = Number(opts[j].getAttribute("data-index"));
        opts[j].classList.toggle("pb-quiz-correct", k2 === answer);
        var chosenWrong = !!checked && k2 === Number(checked.value) && k2 !== answer;
        opts[j].classList.toggle("pb-quiz-chosen-wrong", chosenWrong);
        if (k2 === answer) { mark(opts[j], "✔ 正确答案", "pb-quiz-mark-right"); }
        else if (chosenWrong) { mark(opts[j], "✘ 你选的", "pb-quiz-mark-wrong"); }
        else { mark(opts[j], "", ""); }
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
    fs.dispatchEvent(new CustomEvent("playbook:answered", { bubbles: true, detail: { question: fs.getAttribute("data-question") || "", chosen: checked ? Number(checked.value) : null, correct: right } }));  // learner.js keeps scores and the 错题本
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
        mark(opts[j], "", "");
      }
    }
    form.querySelector(".pb-quiz-score").textContent = "";
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }  // textContent: content is never parsed as HTML
    return node;
  }

  // Build the form of a compact block (questions as JSON in <script class="pb-quiz-data">),
  // the same markup the server writes for full quiz pages.
  function render(block) {
    var src = block.querySelector("script.pb-quiz-data");
    if (!src || block.querySelector("form")) { return; }
    var data;
    try { data = JSON.parse(src.textContent); } catch (e) { return; }
    var uid = block.id || "pbq";
    var form = el("form", "pb-quiz-form");
    form.setAttribute("aria-label", data.title || "自测");
    if (data.intro) { form.appendChild(el("p", "pb-quiz-intro", data.intro)); }
    data.questions.forEach(function (q, n) {
      var name = uid + "-" + (n + 1);
      var fs = el("fieldset", "pb-quiz-q");
      fs.setAttribute("data-type", q.type);
      fs.setAttribute("data-answer", JSON.stringify(q.answer));
      var legend = el("legend");
      legend.appendChild(el("span", "pb-quiz-n", (n + 1) + "."));
      legend.appendChild(document.createTextNode(" "));
      legend.appendChild(el("span", "pb-quiz-kind", (data.kinds || {})[q.type] || ""));
      q.prompt.split("\n").forEach(function (line, i) {
        if (i) { legend.appendChild(el("br")); }
        legend.appendChild(document.createTextNode(" " + line));
      });
      fs.appendChild(legend);
      var ordering = Array.isArray(q.answer);
      if (ordering) { fs.appendChild(el("p", "pb-quiz-hint", "给每一项选出它是第几步。")); }
      q.options.forEach(function (opt, i) {
        var label = el("label", ordering ? "pb-quiz-opt pb-quiz-order" : "pb-quiz-opt");
        label.setAttribute("data-index", String(i));
        if (!ordering) {
          var radio = el("input");
          radio.type = "radio"; radio.name = name; radio.value = String(i);
          label.appendChild(radio);
          label.appendChild(document.createTextNode(" "));
        }
        label.appendChild(el("span", "pb-quiz-letter", LETTERS[i] + "."));
        label.appendChild(document.createTextNode(" "));
        label.appendChild(el("span", "pb-quiz-text", opt));
        if (ordering) {
          var sel = el("select");
          sel.name = name + "-" + i;
          sel.setAttribute("aria-label", LETTERS[i] + ". " + opt + "：是第几步");
          var none = el("option", "", "第几步？"); none.value = ""; sel.appendChild(none);
          for (var k = 0; k < q.options.length; k++) {
            var o = el("option", "", "第 " + (k + 1) + " 步"); o.value = String(k + 1); sel.appendChild(o);
          }
          label.appendChild(document.createTextNode(" "));
          label.appendChild(sel);
        }
        fs.appendChild(label);
      });
      var feedback = el("div", "pb-quiz-feedback");
      feedback.hidden = true;
      feedback.appendChild(el("p", "pb-quiz-verdict"));
      feedback.appendChild(el("p", "pb-quiz-explain", q.explanation));
      fs.appendChild(feedback);
      form.appendChild(fs);
    });
    var actions = el("div", "pb-quiz-actions");
    var submit = el("button", "md-button md-button--primary", "提交答案"); submit.type = "submit";
    var reset = el("button", "md-button", "重新作答"); reset.type = "reset";
    actions.appendChild(submit); actions.appendChild(document.createTextNode(" ")); actions.appendChild(reset);
    form.appendChild(actions);
    var score = el("p", "pb-quiz-score"); score.setAttribute("aria-live", "polite");
    form.appendChild(score);
    block.appendChild(form);
  }

  function setup(block) {
    if (block.getAttribute("data-pb-ready")) { return; }
    render(block);
    block.setAttribute("data-pb-ready", "1");
    var form = block.querySelector("form");
    if (!form) { return; }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var fss = form.querySelectorAll(".pb-quiz-q");
      var right = 0;
      for (var i = 0; i < fss.length; i++) { if (grade(fss[i])) { right++; } }
      // One live message for the whole form; focus moves to it (Shift+Tab goes back up through
      // the questions, each with its verdict and explanation under the options).
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
