/* Playbook service worker (generator/handbook/offline.py writes CACHE and PRECACHE above this line).
   Installs every page, the search index and the assets into one cache named after the build; a new
   build is a new sw.js, which replaces that cache whole. Requests go to the network first (online
   readers always get the current pages) and fall back to the cache offline; files that are not
   precached (PDFs, decks) are kept once opened. Only this site's own GET requests are handled. */
"use strict";
var PREFIX = "playbook-";
var NETWORK_WAIT_MS = 4000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(PRECACHE.map(function (path) {
      return new Request(new URL(path, self.registration.scope).href, { cache: "reload" });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function cached(cache, request) {
  var url = new URL(request.url);
  url.hash = "";
  return cache.match(url.href, { ignoreSearch: true }).then(function (hit) {
    if (hit || !url.pathname.endsWith("/")) { return hit; }
    return cache.match(url.href + "index.html", { ignoreSearch: true });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) { return; }
  event.respondWith(caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (response) {
      if (response.status === 200 && response.type === "basic") {
        cache.put(request, response.clone()).catch(function () { /* quota: serve it uncached */ });
      }
      return response;
    });
    var slow = new Promise(function (resolve) {
      setTimeout(function () { cached(cache, request).then(function (hit) { if (hit) { resolve(hit); } }); },
                 NETWORK_WAIT_MS);
    });
    return Promise.race([network, slow]).catch(function () {
      return cached(cache, request).then(function (hit) {
        if (hit) { return hit; }
        if (request.mode === "navigate") {
          return cache.match(new URL("404.html", self.registration.scope).href).then(function (page) {
            return page || Response.error();
          });
        }
        return Response.error();
      });
    });
  }));
});
