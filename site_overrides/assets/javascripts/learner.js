/* Playbook learner: 我已读完, self-check scores, 错题本, 入职路径 progress and the 规范用语 drill,
   kept only in this browser (localStorage, one versioned key). Nothing is sent anywhere; the pages
   carry no personal data, only ids and versions to compare with. Content text is written with
   textContent, never parsed as HTML. Over http(s) it also registers the offline service worker. */
(function () {
  "use strict";
  var KEY = "playbook:learner:v1";
  var RIGHT_TO_LEAVE = 2;  // a mistake leaves the 错题本 after this many right answers
  var DAY_MS = 86400000;

  // ---- storage -------------------------------------------------------------------------------
  function fresh() { return { v: 1, read: {}, quiz: {}, mistakes: {}, cards: {}, paths: {} }; }

  function load() {
    var data = null;
    try { data = JSON.parse(window.localStorage.getItem(KEY)); } catch (e) { data = null; }
    if (!data || data.v !== 1 || typeof data !== "object") { return fresh(); }
    ["read", "quiz", "mistakes", "cards", "paths"].forEach(function (k) {
      if (!data[k] || typeof data[k] !== "object") { data[k] = {}; }
    });
    return data;
  }

  function save(data) {
    try { window.localStorage.setItem(KEY, JSON.stringify(data)); } catch (e) { /* private mode: session only */ }
  }

  function clearAll() {
    try { window.localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
  }

  // ---- helpers -------------------------------------------------------------------------------
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function siteBase() {
    // Material writes the path from this page to the site root into #__config ("." or "..").
    var base = ".";
    var cfg = document.getElementById("__config");
    if (cfg) { try { base = JSON.parse(cfg.textContent).base || "."; } catch (e) { base = "."; } }
    return base.replace(/\/$/, "") + "/";
  }

  function pagePath() {
    // This page's path from the site root (procedures/x.html, or procedures/x/ with directory URLs).
    var root = new URL(siteBase(), window.location.href).href;
    var here = window.location.href.split("#")[0].split("?")[0];
    return here.indexOf(root) === 0 ? here.slice(root.length) : "";
  }

  function hash(text) {  // FNV-1a, 32 bits: a short stable id for a question without one
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ("0000000" + h.toString(16)).slice(-8);
  }

  function day(iso) {
    var d = new Date(iso);
    return (d.getMonth() + 1) + "月" + d.getDate() + "日";
  }

  function readState(data, pid, version) {
    var r = data.read[pid];
    if (!r) { return "unread"; }
    return !version || r.version === version ? "done" : "outdated";
  }

  var STATE_TEXT = { done: "✔ 已读完", outdated: "有更新，请重读", unread: "未读" };

  function isDue(card, now) { return !card || new Date(card.due).getTime() <= now; }

  // ---- procedure page: 我已读完 ---------------------------------------------------------------
  function procedureBlock() { return document.querySelector("[data-learner-procedure]"); }

  function showRead(block, data) {
    var pid = block.getAttribute("data-learner-procedure");
    var state = readState(data, pid, block.getAttribute("data-learner-version"));
    var out = block.querySelector("[data-learner-state]");
    var button = block.querySelector("[data-mark-read]");
    var q = data.quiz[pid];
    out.textContent = (state === "done" ? "✔ 已读完（" + day(data.read[pid].at) + "）" : state === "outdated"
      ? "有更新，请重读：这个流程在你读过之后改过了" : "") + (q ? " 上次自测答对 " + q.right + " / " + q.total + " 题" : "");
    button.setAttribute("aria-pressed", state === "done" ? "true" : "false");
    button.textContent = state === "done" ? "已读完 ✔" : "我已读完";
    block.setAttribute("data-learner-read", state);
  }

  function initProcedure() {
    var block = procedureBlock();
    if (!block) {
      if (document.querySelector(".pb-quiz fieldset[data-procedure]")) { dropRetired(null); }  // a quiz page
      return;
    }
    dropRetired(block);
    showRead(block, load());
    block.querySelector("[data-mark-read]").addEventListener("click", function () {
      var data = load();
      data.read[block.getAttribute("data-learner-procedure")] = {
        version: block.getAttribute("data-learner-version") || "", at: new Date().toISOString() };
      save(data);
      showRead(block, data);
    });
  }

  // ---- self-check answers: score and 错题本 --------------------------------------------------
  // quiz.js dispatches "playbook:answered" on each graded question (fieldset); details are read here.
  var pending = null;
  var countedRight = {};  // a question answered right counts once per visit of the page

  function promptOf(fs) {
    var legend = fs.querySelector("legend");
    if (!legend) { return ""; }
    var copy = legend.cloneNode(true);
    all(".pb-quiz-n, .pb-quiz-kind", copy).forEach(function (n) { n.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function optionTexts(fs) {
    return all(".pb-quiz-opt", fs).map(function (o) {
      var t = o.querySelector(".pb-quiz-text");
      return t ? t.textContent : "";
    });
  }

  function chosenText(fs) {
    var checked = fs.querySelector("input[type=radio]:checked");
    if (checked) {
      var opt = fs.querySelector('.pb-quiz-opt[data-index="' + checked.value + '"] .pb-quiz-text');
      return "ABCDEFGHIJ".charAt(Number(checked.value)) + ". " + (opt ? opt.textContent : "");
    }
    var picks = all(".pb-quiz-opt", fs).map(function (o) {
      var sel = o.querySelector("select");
      return { letter: "ABCDEFGHIJ".charAt(Number(o.getAttribute("data-index"))), n: sel && sel.value ? Number(sel.value) : 99 };
    });
    if (!picks.some(function (p) { return p.n !== 99; })) { return "（未作答）"; }
    picks.sort(function (a, b) { return a.n - b.n; });
    return "你排的顺序：" + picks.map(function (p) { return p.letter; }).join(" → ");
  }

  function questionId(fs, pid, detail) {
    return (detail && detail.question) || fs.getAttribute("data-question")
      || pid + ":" + hash(promptOf(fs) + "|" + optionTexts(fs).join("|"));
  }

  function dropRetired(block) {
    // Mistakes made on this page whose question it no longer asks (the content changed) leave: on a
    // procedure page those of its procedure, on a quiz page those whose 去重做 is this page.
    var pid = block ? block.getAttribute("data-learner-procedure") : "";
    var here = pagePath();
    var asked = {};
    all(".pb-quiz fieldset.pb-quiz-q").forEach(function (fs) { asked[questionId(fs, pid, null)] = true; });
    var data = load(), changed = false;
    Object.keys(data.mistakes).forEach(function (qid) {
      var m = data.mistakes[qid];
      var mine = m.redo ? m.redo === here : block && m.procedure === pid;
      if (mine && !asked[qid]) { delete data.mistakes[qid]; changed = true; }
    });
    if (changed) { save(data); }
  }

  function sitePath(href) {
    // A link's target as a path from the site root (what pagePath gives for the page itself).
    var root = new URL(siteBase(), window.location.href).href;
    var there = new URL(href, window.location.href).href.split("#")[0];
    return there.indexOf(root) === 0 ? there.slice(root.length) : "";
  }

  function onAnswered(ev) {
    // On a procedure page the answer counts for its procedure (score and 错题本); on a quiz page a
    // question names the procedure it drills, and a wrong answer goes into the 错题本 with a link
    // back to that procedure and one to redo it here.
    var block = procedureBlock();
    var fs = ev.target;
    if (!fs || !fs.querySelector) { return; }
    var pid = block ? block.getAttribute("data-learner-procedure") : fs.getAttribute("data-procedure");
    if (!pid) { return; }
    var detail = ev.detail || {};
    var prompt = promptOf(fs);
    var qid = questionId(fs, pid, detail);
    var explain = fs.querySelector(".pb-quiz-explain");
    var step = explain ? /第\s*(\d+)\s*[步–-]/.exec(explain.textContent) : null;
    var data = load();
    var entry = data.mistakes[qid];
    var answered = fs.querySelector("input[type=radio]:checked") || all("select", fs).some(function (sel) { return sel.value; });
    if (!detail.correct && answered) {  // a question left blank is not a mistake
      var h1 = document.querySelector("h1");
      data.mistakes[qid] = {
        procedure: pid, page: block ? pagePath() : sitePath(fs.getAttribute("data-procedure-page") || ""),
        title: block ? (h1 ? h1.firstChild.textContent : pid) : fs.getAttribute("data-procedure-title") || pid,
        prompt: prompt, chosen: chosenText(fs),
        step: step ? Number(step[1]) : 0, right: 0, wrong: (entry ? entry.wrong : 0) + 1, at: new Date().toISOString() };
      if (!block) { data.mistakes[qid].redo = pagePath(); }
    } else if (entry && !countedRight[qid]) {
      countedRight[qid] = true;
      entry.right += 1;
      if (entry.right >= RIGHT_TO_LEAVE) { delete data.mistakes[qid]; }
    }
    if (!block) { save(data); return; }  // a quiz page's score is not one procedure's self-check
    if (!pending) {
      pending = { pid: pid, right: 0, total: 0 };
      window.setTimeout(function () {  // every question of one submit is graded in the same task
        var d = load();
        d.quiz[pending.pid] = { right: pending.right, total: pending.total, at: new Date().toISOString() };
        save(d);
        pending = null;
        var block = procedureBlock();
        if (block) { showRead(block, d); }
      }, 0);
    }
    pending.total += 1;
    if (detail.correct) { pending.right += 1; }
    save(data);
  }

  // ---- 入职路径 page ------------------------------------------------------------------------
  function phraseState(card, now) {
    if (!card) { return "未练"; }
    return isDue(card, now) ? "该复习了" : "已练 · 下次 " + day(card.due);
  }

  function initPath() {
    var root = document.querySelector("[data-learner-path]");
    if (!root) { return; }
    var data = load();
    var rid = root.getAttribute("data-learner-role");
    if (rid && !data.paths[rid]) {  // the paths this learner follows: the home page shows these
      data.paths[rid] = new Date().toISOString();
      save(data);
    }
    var now = Date.now();
    var done = 0, total = 0, next = null;
    all("[data-learner-stage]", root).forEach(function (stage) {
      var sDone = 0, sTotal = 0;
      all("[data-learner-item]", stage).forEach(function (li) {
        var pid = li.getAttribute("data-learner-item");
        var state = readState(data, pid, li.getAttribute("data-learner-version"));
        li.setAttribute("data-learner-read", state);
        li.querySelector("[data-learner-state]").textContent = STATE_TEXT[state];
        var q = data.quiz[pid];
        li.querySelector("[data-learner-score]").textContent = q ? "自测 " + q.right + "/" + q.total : "";
        sTotal += 1; total += 1;
        if (state === "done") { sDone += 1; done += 1; } else if (!next) { next = li.querySelector("a"); }
      });
      var dueHere = 0;
      all("[data-learner-phrase]", stage).forEach(function (li) {
        var card = data.cards[li.getAttribute("data-learner-phrase")];
        li.querySelector("[data-learner-state]").textContent = phraseState(card, now);
        if (card && isDue(card, now)) { dueHere += 1; }
      });
      stage.querySelector("[data-learner-stage-progress]").textContent =
        "已读完 " + sDone + " / " + sTotal + " 个流程" + (dueHere ? "，" + dueHere + " 条用语该复习了" : "");
      stage.setAttribute("data-learner-complete", sTotal && sDone === sTotal ? "true" : "false");
    });
    var count = root.querySelector("[data-path-progress]");
    count.setAttribute("data-path-progress", done + "/" + total);
    count.textContent = done + " / " + total;
    var nextOut = root.querySelector("[data-learner-next]");
    nextOut.textContent = "";
    if (next) {
      nextOut.appendChild(document.createTextNode("下一步：读"));
      var a = el("a", "", next.textContent);
      a.href = next.getAttribute("href");
      nextOut.appendChild(a);
    } else {
      var drill = root.querySelector("[data-learner-drill-link]");
      nextOut.appendChild(document.createTextNode("流程都读完了。下一步："));
      if (drill) {
        var b = el("a", "", "练习规范用语");
        b.href = drill.getAttribute("href");
        nextOut.appendChild(b);
      } else {
        nextOut.appendChild(document.createTextNode("复习错题本"));
      }
    }
  }

  // ---- home page ---------------------------------------------------------------------------
  function initHome() {
    var root = document.querySelector("[data-learner-home]");
    if (!root) { return; }
    var data = load();
    var now = Date.now();
    var started = false;
    all("[data-learner-role]", root).forEach(function (li) {
      var items = (li.getAttribute("data-learner-procedures") || "").split(" ").filter(Boolean);
      var phrases = (li.getAttribute("data-learner-phrases") || "").split(" ").filter(Boolean);
      var done = 0, touched = false;
      items.forEach(function (item) {
        var cut = item.lastIndexOf(":");
        var pid = item.slice(0, cut);
        if (data.read[pid]) { touched = true; }
        if (readState(data, pid, item.slice(cut + 1)) === "done") { done += 1; }
      });
      var due = phrases.filter(function (ph) { return data.cards[ph] && isDue(data.cards[ph], now); }).length;
      if (phrases.some(function (ph) { return data.cards[ph]; })) { touched = true; }
      var followed = Object.keys(data.paths).length > 0;
      li.hidden = followed ? !data.paths[li.getAttribute("data-learner-role")] : !touched;
      if (!li.hidden) { started = true; }
      li.querySelector("[data-learner-role-progress]").textContent = "已读完 " + done + " / " + items.length + " 个流程";
      var dueOut = li.querySelector("[data-learner-role-due]");
      if (dueOut) { dueOut.textContent = due ? "（" + due + " 条该复习了）" : ""; }
    });
    var mistakes = Object.keys(data.mistakes).length;
    if (mistakes) { started = true; }
    root.querySelector("[data-learner-mistakes-count]").textContent = mistakes ? "（" + mistakes + " 道题待重做）" : "";
    root.querySelector("[data-learner-empty]").hidden = started;
  }

  // ---- 错题本 ---------------------------------------------------------------------------------
  function initMistakes() {
    var root = document.querySelector("[data-learner-mistakes]");
    if (!root) { return; }
    var data = load();
    var list = root.querySelector("[data-learner-mistake-list]");
    list.textContent = "";
    var ids = Object.keys(data.mistakes).sort(function (a, b) {
      return String(data.mistakes[b].at).localeCompare(String(data.mistakes[a].at));
    });
    var base = siteBase();
    ids.forEach(function (qid) {
      var m = data.mistakes[qid];
      var li = el("li", "pb-learner-mistake");
      li.setAttribute("data-mistake", qid);
      li.appendChild(el("p", "pb-learner-mistake-prompt", m.prompt));
      li.appendChild(el("p", "pb-learner-mistake-chosen", "你选的：" + m.chosen));
      var where = el("p", "pb-learner-mistake-where");
      var page = base + (m.page || "procedures/" + encodeURIComponent(m.procedure) + ".html");
      var a = el("a", "", m.title + (m.step ? " 第 " + m.step + " 步" : ""));
      a.href = page + (m.step ? "#step-" + m.step : "");
      where.appendChild(document.createTextNode("出自："));
      where.appendChild(a);
      where.appendChild(document.createTextNode(" · "));
      var redo = el("a", "", "去重做");
      redo.href = m.redo ? base + m.redo : page + "#self-check";
      where.appendChild(redo);
      where.appendChild(document.createTextNode(" · 再答对 " + (RIGHT_TO_LEAVE - m.right) + " 次移出"));
      li.appendChild(where);
      list.appendChild(li);
    });
    root.querySelector("[data-learner-mistakes-count]").textContent = String(ids.length);
    root.querySelector("[data-learner-mistakes-empty]").hidden = ids.length > 0;
  }

  // ---- 规范用语练习 (drill) -------------------------------------------------------------------
  var FOLD = /[\s\p{P}\p{S}\p{Z}]/gu;  // punctuation, symbols and spaces are forgiven

  function fold(text) { return text.normalize("NFKC").toLowerCase().replace(FOLD, ""); }

  function diff(want, got) {
    // Longest common subsequence, character by character: "=" kept, "-" missing, "+" typed extra.
    var a = Array.from(want), b = Array.from(got);
    var n = a.length, m = b.length, i, j;
    var t = [];
    for (i = 0; i <= n; i++) { t.push(new Array(m + 1).fill(0)); }
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
      }
    }
    var ops = [];
    i = 0; j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) { ops.push(["=", a[i]]); i++; j++; }
      else if (j < m && (i >= n || t[i][j + 1] >= t[i + 1][j])) { ops.push(["+", b[j]]); j++; }
      else { ops.push(["-", a[i]]); i++; }
    }
    return ops;
  }

  function scheduler() {
    var F = window.FSRS;
    if (!F) { return null; }
    return { F: F, s: F.fsrs(F.generatorParameters({ learning_steps: ["10m"], relearning_steps: ["10m"], enable_fuzz: false })) };
  }

  var RATINGS = { good: "Good", hard: "Hard", again: "Again" };

  function initDrill() {
    var root = document.querySelector("[data-drill]");
    if (!root) { return; }
    var fsrs = scheduler();
    var cards = all("[data-drill-card]", root);
    var status = root.querySelector("[data-drill-status]");
    if (!fsrs) { status.textContent = "练习程序没有加载成功，请刷新页面。"; return; }

    function dueCards() {
      var data = load(), now = Date.now();
      return cards.filter(function (c) { return isDue(data.cards[c.getAttribute("data-drill-card")], now); });
    }

    function show(focus) {
      var due = dueCards();
      root.querySelector("[data-drill-due]").textContent = String(due.length);
      root.querySelector("[data-drill-due]").setAttribute("data-drill-due", String(due.length));
      cards.forEach(function (c) { c.hidden = c !== due[0]; });
      if (due.length) {
        status.textContent = "";
        reset(due[0]);
        if (focus) { due[0].querySelector("[data-drill-input]").focus(); }  // keyboard users go on typing
        return;
      }
      var data = load(), soonest = null;
      cards.forEach(function (c) {
        var card = data.cards[c.getAttribute("data-drill-card")];
        if (card && (!soonest || card.due < soonest)) { soonest = card.due; }
      });
      status.textContent = "现在没有要练的卡片了。" + (soonest ? "下一张 " + day(soonest) + " " +
        new Date(soonest).toTimeString().slice(0, 5) + " 到期，到时再来。" : "");
    }

    function reset(card) {
      card.querySelector("[data-drill-input]").value = "";
      card.querySelector("[data-drill-answer]").hidden = true;
      var verdict = card.querySelector(".pb-drill-verdict");
      verdict.removeAttribute("data-drill-result");
      verdict.textContent = "";
      card.querySelector("[data-drill-diff]").textContent = "";
    }

    function check(card, typed) {
      var text = card.querySelector(".pb-drill-text").textContent;
      var verdict = card.querySelector(".pb-drill-verdict");
      var out = card.querySelector("[data-drill-diff]");
      out.textContent = "";
      card.querySelector("[data-drill-answer]").hidden = false;
      if (!fold(typed)) { verdict.removeAttribute("data-drill-result"); verdict.textContent = "原文如下，对照着说一遍。"; return; }
      var ops = diff(fold(text), fold(typed));
      var right = ops.every(function (op) { return op[0] === "="; });
      verdict.setAttribute("data-drill-result", right ? "correct" : "wrong");
      verdict.textContent = right ? "✔ 一字不差（标点和空格不算）" : "✘ 有出入：下面标出了不同的字";
      if (right) { return; }
      out.appendChild(el("span", "pb-drill-legend", "对照（不计标点；黄底是漏了或说错的字，划掉的是多出或打错的字）："));
      out.appendChild(el("br"));
      ops.forEach(function (op) {
        var node = op[0] === "=" ? document.createTextNode(op[1])
          : el(op[0] === "-" ? "mark" : "del", op[0] === "-" ? "pb-drill-missing" : "pb-drill-extra", op[1]);
        if (op[0] === "-") { node.title = "漏了或说错的字"; }
        if (op[0] === "+") { node.title = "多出或打错的字"; }
        out.appendChild(node);
      });
    }

    function rate(card, how) {
      var data = load();
      var id = card.getAttribute("data-drill-card");
      var now = new Date();
      var prev = data.cards[id] ? fsrs.F.TypeConvert.card(data.cards[id]) : fsrs.F.createEmptyCard(now);
      var next = fsrs.s.next(prev, now, fsrs.F.Rating[RATINGS[how]]).card;
      var stored = {};
      Object.keys(next).forEach(function (k) {
        var v = next[k];
        stored[k] = v instanceof Date ? v.toISOString() : v;
      });
      data.cards[id] = stored;
      save(data);
      show(true);
    }

    cards.forEach(function (card) {
      card.querySelector("[data-drill-check]").addEventListener("click", function () {
        check(card, card.querySelector("[data-drill-input]").value);
      });
      card.querySelector("[data-drill-input]").addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); check(card, ev.target.value); }
      });
      card.querySelector("[data-drill-show]").addEventListener("click", function () { check(card, ""); });
      all("[data-drill-rate]", card).forEach(function (button) {
        button.addEventListener("click", function () { rate(card, button.getAttribute("data-drill-rate")); });
      });
    });
    show();
  }

  // ---- clear, offline, start -----------------------------------------------------------------
  function initClear() {
    all("[data-learner-clear]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!window.confirm("清除这台设备上的全部学习记录（已读、自测成绩、错题本、用语练习）？")) { return; }
        clearAll();
        refresh();
      });
    });
  }

  function registerOffline() {
    // Over http(s) only: opened from disk (file://) the site works as it always has.
    if (!/^https?:$/.test(window.location.protocol) || !("serviceWorker" in navigator)) { return; }
    var root = new URL(siteBase(), window.location.href);
    var link = document.createElement("link");  // installable: "添加到主屏幕"
    link.rel = "manifest";
    link.href = new URL("manifest.webmanifest", root).href;
    document.head.appendChild(link);
    navigator.serviceWorker.register(new URL("sw.js", root).href, { scope: root.href }).catch(function () {
      /* no service worker (an old browser, a private window): the site works online as before */
    });
  }

  function refresh() {
    var block = procedureBlock();
    if (block) { showRead(block, load()); }
    initPath();
    initHome();
    initMistakes();
    var drill = document.querySelector("[data-drill]");
    if (drill && drill.getAttribute("data-drill-ready")) { window.location.reload(); }
  }

  function init() {
    document.addEventListener("playbook:answered", onAnswered);
    initProcedure();
    initPath();
    initHome();
    initMistakes();
    initDrill();
    var drill = document.querySelector("[data-drill]");
    if (drill) { drill.setAttribute("data-drill-ready", "1"); }
    initClear();
    registerOffline();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
