/* Sciatica Care service worker, served from /sw.js so its scope is the whole site.
 *
 * Static files: served from the cache at once and refreshed in the background.
 * Today's program, the player, the check-in and GET /api/program/today: network first, the last
 * copy from the cache when offline, so a session can run on a train. Other API calls and every
 * POST go to the network only (offline.js queues entries made offline).
 * Pages are personal: they are cached only when the server answered them directly (never a
 * redirect to sign in), and offline.js deletes the page cache on sign-out.
 */
"use strict";

var VERSION = "__STATIC_VERSION__"; // replaced when served: a hash of static/
var STATIC_CACHE = "sciatica-static-" + VERSION;
var PAGE_CACHE = "sciatica-pages-v1";

var STATIC_FILES = [
  "/static/app.css",
  "/static/offline.js",
  "/static/diary.css",
  "/static/screening.css",
  "/static/checkin.js",
  "/static/program.css",
  "/static/player.css",
  "/static/player.js",
  "/static/icons/icon.svg",
  "/static/icons/icon-192.png",
  "/manifest.webmanifest"
];

var OFFLINE_PATHS = ["/today", "/session", "/check-in", "/api/program/today"];

function offlineCapable(url) {
  return OFFLINE_PATHS.some(function (path) {
    return url.pathname === path || url.pathname.indexOf(path + "/") === 0;
  });
}

function cacheIfDirect(cache, request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    return cache.put(request, response.clone()).then(function () { return response; });
  }
  return Promise.resolve(response);
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) {
      return Promise.all(STATIC_FILES.map(function (path) {
        return cache.add(path).catch(function () { /* a missing file must not stop install */ });
      }));
    }).then(function () {
      return caches.open(PAGE_CACHE).then(function (cache) {
        return Promise.all(OFFLINE_PATHS.map(function (path) {
          return fetch(path, { credentials: "same-origin" })
            .then(function (r) { return cacheIfDirect(cache, path, r); })
            .catch(function () { return null; });
        }));
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("sciatica-static-") === 0 && name !== STATIC_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function offlinePage() {
  var html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>Offline - Sciatica Care</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>" +
    "<body><main id=\"main\"><h1>You are offline</h1>" +
    "<p>This page has not been saved on this device yet. Today's program, the exercise player " +
    "and the check-in work offline once you have opened them while online.</p>" +
    "<p><a class=\"button\" href=\"/today\">Today's program</a> " +
    "<a class=\"button button-secondary\" href=\"/check-in\">Check-in</a></p>" +
    "<p><strong>In an emergency, call your local emergency number.</strong></p></main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }

  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    event.respondWith(caches.open(STATIC_CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        var fresh = fetch(request).then(function (r) { return cacheIfDirect(cache, request, r); });
        if (hit) {
          fresh.catch(function () { return null; });
          return hit;
        }
        return fresh;
      });
    }));
    return;
  }

  if (offlineCapable(url)) {
    event.respondWith(caches.open(PAGE_CACHE).then(function (cache) {
      return fetch(request).then(function (r) {
        return cacheIfDirect(cache, request, r);
      }).catch(function () {
        return cache.match(request, { ignoreSearch: true }).then(function (hit) {
          return hit || (request.mode === "navigate" ? offlinePage() : Response.error());
        });
      });
    }));
    return;
  }

  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});
