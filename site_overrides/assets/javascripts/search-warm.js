/* Playbook: the search worker builds its index at the first query with words, not on every page
 * view (generator/handbook/search.py). Going to the search box is the sign a query is coming: it
 * asks the worker to build the index now, so the first results do not wait for it (typing pinyin on
 * a phone takes longer than the build). Loaded in the head (the plugin lists it in Material's
 * polyfills), before Material's bundle starts the worker, to keep a handle on it; any other worker is
 * left as it is. */
;(function () {
  "use strict"
  var Native = window.Worker
  if (typeof Native !== "function")
    return
  var search = null
  var warmed = false
  function Worker(url, options) {
    var worker = new Native(url, options)
    if (/\/workers\/search\.[^/]*\.js(\?|$)/.test(String(url)))
      search = worker
    return worker
  }
  Worker.prototype = Native.prototype
  window.Worker = Worker
  document.addEventListener("focusin", function (event) {
    var target = event.target
    if (search && !warmed && target && target.matches && target.matches("input.md-search__input")) {
      warmed = true
      search.postMessage({ type: "playbook:warm" })
    }
  })
})()
