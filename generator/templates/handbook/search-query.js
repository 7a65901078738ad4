/* playbook: search query segmentation (generator/handbook/search.py puts this in front of
 * Material's search worker and calls playbookSearchQuery where Material segments Han runs).
 *
 * A run of Han characters (with Latin letters or digits attached) is cut into the fewest pieces
 * the index knows (its own terms, the synonyms, the stop words), then fewest single characters:
 * - stop words (怎么, 什么, 的 …) are dropped;
 * - Latin letters and digits are a piece of their own (VIP客户 -> vip + 客户) unless the mixed word
 *   is itself indexed (4s店), and keep Material's trailing wildcard (a word being typed);
 * - a known word is searched exactly (no wildcard), with the other forms of its synonym group
 *   that the content has (首付 -> 首期款, 首期房款); a word only tags have is searched with its
 *   parts as well;
 * - only a single Han character left over gets the wildcard, with half the weight of a word;
 * - terms only another form brought are not shown as missing on a result that lacks them.
 * The stop words and synonym groups come from the index (config.playbook), sent at set-up.
 *
 * playbookLazyIndex: Material builds the lunr index at set-up, on every page a reader opens, though
 * most page views never search; it is built at the first query with words instead (Material asks
 * an empty one as soon as the worker is ready: that one is answered without an index), or as soon
 * as the page says the reader went to the search box (a "playbook:warm" message, sent by
 * site_overrides/assets/javascripts/search-warm.js; Material's own handler never sees it).
 */
;(function (scope) {
  "use strict"
  var WORD = 10, CHAR = 5, MAX = 12
  var HAN = /\p{sc=Han}/u, LATIN = /[a-z0-9]/
  var RUN = /[\p{sc=Han}a-z0-9]*\p{sc=Han}[\p{sc=Han}a-z0-9]*/gu
  var settings = { stop: Object.create(null), forms: Object.create(null), absent: Object.create(null) }

  scope.addEventListener("message", function (ev) {
    var data = ev.data && ev.data.data
    if (!data || !data.config || !Array.isArray(data.docs))
      return
    var own = data.config.playbook || {}
    settings = { stop: Object.create(null), forms: Object.create(null), absent: Object.create(null) }
    ;(own.stop || []).forEach(function (w) { settings.stop[w] = true })
    ;(own.absent || []).forEach(function (w) { settings.absent[w] = true })
    ;(own.synonyms || []).forEach(function (group) {
      group.forEach(function (w) { settings.forms[w] = group })
    })
  })

  function has(index, word) {
    return Object.prototype.hasOwnProperty.call(index, word)
  }

  function inText(index, word) {
    var p = has(index, word) && index[word]
    return !!p && ["title", "text"].some(function (f) { return p[f] && Object.keys(p[f]).length > 0 })
  }

  /* Fewest pieces, then fewest single characters: [{text, kind: "word"|"latin"|"char"}]. */
  function segment(run, known) {
    var n = run.length, best = [[0, 0, -1, ""]]
    for (var i = 0; i < n; i++) {
      if (!best[i])
        continue
      var next = []
      if (LATIN.test(run[i]) && (i === 0 || !LATIN.test(run[i - 1]))) {
        var e = i
        while (e < n && LATIN.test(run[e])) e++
        next.push([e, "latin"])
      }
      for (var j = i + 2; j <= Math.min(n, i + MAX); j++)
        if (known(run.slice(i, j)))
          next.push([j, "word"])
      if (HAN.test(run[i]))
        next.push([i + 1, "char"])
      for (var k = 0; k < next.length; k++) {
        var end = next[k][0], kind = next[k][1]
        var cost = [best[i][0] + 1, best[i][1] + (kind === "char" ? 1 : 0), i, kind]
        var old = best[end]
        if (!old || cost[0] < old[0] || (cost[0] === old[0] && cost[1] < old[1]))
          best[end] = cost
      }
    }
    var pieces = []
    for (var at = n; at > 0 && best[at]; at = best[at][2])
      pieces.unshift({ text: run.slice(best[at][2], at), kind: best[at][3] })
    return pieces
  }

  function term(piece, index) {
    if (piece.kind === "char")
      return piece.text + "*^" + CHAR
    return piece.text + (piece.kind === "latin" ? "*^" : "^") + WORD
  }

  /* A word as the index has it: itself, or the indexed pieces it is made of. A word only tags
     have whole (五项确认, a term the text has cut into 五项 确认) is searched whole, and each of
     its pieces is required, as in a quoted phrase (where every term is already required). The
     other forms of a synonym group bring no single characters (首期款 -> 首期, not 款*). */
  function indexed(index, word, typed, quoted) {
    if (inText(index, word))
      return [word + "^" + WORD]
    var parts = segment(word, function (w) { return inText(index, w) })
      .filter(function (p) { return typed || p.kind !== "char" })
    var out = parts.map(function (p) { return term(p, index) })
    if (!has(index, word) || quoted)
      return out
    return [word + "^" + WORD].concat(parts.length > 1 && typed ? out.map(function (t) { return "+" + t }) : out)
  }

  function terms(run, index, quoted, extra) {
    var known = function (w) { return has(index, w) || w in settings.stop || w in settings.forms }
    var out = []
    segment(run, known).forEach(function (piece) {
      if (piece.text in settings.stop)
        return
      if (piece.kind === "char" || quoted || !(piece.text in settings.forms)) {
        out.push.apply(out, piece.kind === "word" ? indexed(index, piece.text, true, quoted) : [term(piece, index)])
        return
      }
      // The typed form, and the other forms of its group that the content has.
      settings.forms[piece.text].forEach(function (form) {
        if (form === piece.text || !(form in settings.absent)) {
          var found = indexed(index, form, form === piece.text, false)
          out.push.apply(out, found)
          if (form !== piece.text)
            found.forEach(function (t) { extra[bare(t)] = true })
        }
      })
    })
    return out.filter(function (t, i) { return out.indexOf(t) === i })
  }

  function bare(term) {
    return term.replace(/^\+/, "").replace(/\^\d+$/, "").replace(/\*$/, "")
  }

  /* Terms another form of a typed word brought (首期房款 for 首付): a result without them does not
     list them as missing, and they do not count in Material's share of the query a result has.
     Material asks lunr.stopWordFilter which unmatched terms to count; it is asked of nothing else
     once the index is built (a Chinese index uses lunr.zh's pipeline). */
  var quiet = Object.create(null)

  function quieten(lunr) {
    if (!lunr || (lunr.stopWordFilter && lunr.stopWordFilter.playbook))
      return
    var original = lunr.stopWordFilter
    var filter = function (token) {
      if (String(token) in quiet)
        return undefined
      return original ? original(token) : token
    }
    filter.playbook = true
    lunr.stopWordFilter = filter
  }

  /* The query with each run replaced by its terms; a "quoted phrase" gets no synonyms. */
  scope.playbookSearchQuery = function (query, index) {
    var extra = Object.create(null), typed = Object.create(null)
    var out = query.toLowerCase().split('"').map(function (part, i) {
      return part.replace(RUN, function (run) {
        var found = terms(run, index, i % 2 === 1, extra)
        found.forEach(function (t) { if (!(bare(t) in extra)) typed[bare(t)] = true })
        return found.join(" ")
      })
    }).join('"')
    quiet = Object.create(null)
    Object.keys(extra).forEach(function (t) { if (!(t in typed)) quiet[t] = true })
    quieten(scope.lunr)
    return out
  }

  var warm = false, build = null
  scope.addEventListener("message", function (ev) {
    if (!ev.data || ev.data.type !== "playbook:warm")
      return
    ev.stopImmediatePropagation()  // not a message type Material's worker knows
    warm = true
    if (build)
      build()
  })

  scope.playbookLazyIndex = function (make) {
    var index = null
    build = function () {
      if (!index) {
        index = make()
        scope.playbookSearchIndexBuilt = true  // for tests and anyone debugging: the index now exists
      }
      return index
    }
    scope.playbookSearchSetUp = true  // likewise: set-up is done, the index is built when asked
    if (warm)
      build()
    return {
      search: function (query) {
        if (!index && !String(query).trim())
          return { items: [] }
        return build().search(query)
      }
    }
  }
})(self)
