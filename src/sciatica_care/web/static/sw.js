/* Sciatica Care service worker, served from /sw.js so its scope is the whole site.
 *
 * Static files: served from the cache at once and refreshed in the background.
 * Today's program, the player, the check-in, GET /api/program/today and GET /api/sessions/today
 * (the session the player fetches when its page has none): network first, the last copy from the
 * cache when offline, so a session can run on a train. Other API calls and every
 * POST go to the network only (offline.js queues entries made offline).
 * Pages are personal, so they are kept per account: every signed-in page tells this worker its
 * account (offline.js posts {type: "account"}); the worker remembers it, deletes every other
 * account's pages, and caches and serves pages only from that account's cache. Until a page has
 * named an account (a new worker, or after sign-out deleted every cache) no page is cached or
 * served from the cache. Only direct answers are cached, never a redirect to sign in.
 */
"use strict";

var VERSION = "__STATIC_VERSION__"; // replaced when served: a hash of static/
var STATIC_CACHE = "sciatica-static-" + VERSION;
var PAGE_CACHE_PREFIX = "sciatica-pages-";
var ACCOUNT_CACHE = "sciatica-account";
var ACCOUNT_KEY = "/__sciatica/account";
var ACCOUNT_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

var STATIC_FILES = [
  "/static/app.css",
  "/static/offline.js",
  "/static/diary.css",
  "/static/screening.css",
  "/static/bodymap.js",
  "/static/checkin.js",
  "/static/program.css",
  "/static/player.css",
  "/static/player.js",
  "/static/figure.js",
  "/static/icons/icon.svg",
  "/static/icons/icon-192.png",
  "/manifest.webmanifest"
];

var OFFLINE_PATHS = ["/today", "/session", "/check-in", "/api/program/today", "/api/sessions/today"];

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

/* The account whose pages may be cached and served, or null (read each time: the worker may be
   stopped between events, and sign-out deletes this cache). */
function currentAccount() {
  return caches.match(ACCOUNT_KEY, { cacheName: ACCOUNT_CACHE }).then(function (hit) {
    return hit ? hit.text() : null;
  }).then(function (account) {
    return account && ACCOUNT_PATTERN.test(account) ? account : null;
  }, function () { return null; });
}

function pageCacheName(account) { return PAGE_CACHE_PREFIX + account; }

function forgetOtherAccounts(account) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PAGE_CACHE_PREFIX) === 0 && name !== pageCacheName(account);
    }).map(function (name) { return caches.delete(name); }));
  });
}

/* Keep the offline pages of the account now signed in, once per account. */
function warm(account) {
  return caches.open(pageCacheName(account)).then(function (cache) {
    return Promise.all(OFFLINE_PATHS.map(function (path) {
      return fetch(path, { credentials: "same-origin" })
        .then(function (r) { return cacheIfDirect(cache, path, r); })
        .catch(function () { return null; });
    }));
  });
}

function useAccount(account) {
  return currentAccount().then(function (known) {
    if (known === account) { return null; }
    return forgetOtherAccounts(account).then(function () {
      return caches.open(ACCOUNT_CACHE);
    }).then(function (cache) {
      return cache.put(ACCOUNT_KEY, new Response(account));
    }).then(function () { return warm(account); });
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "account" || typeof data.account !== "string") { return; }
  if (!ACCOUNT_PATTERN.test(data.account)) { return; }
  event.waitUntil(useAccount(data.account));
});

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) {
      return Promise.all(STATIC_FILES.map(function (path) {
        return cache.add(path).catch(function () { /* a missing file must not stop install */ });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    Promise.all([caches.keys(), currentAccount()]).then(function (found) {
      var names = found[0];
      var keep = found[1] ? pageCacheName(found[1]) : null;
      return Promise.all(names.filter(function (name) {
        var oldStatic = name.indexOf("sciatica-static-") === 0 && name !== STATIC_CACHE;
        var otherPages = name.indexOf(PAGE_CACHE_PREFIX) === 0 && name !== keep;
        return oldStatic || otherPages;
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
    event.respondWith(currentAccount().then(function (account) {
      return fetch(request).then(function (response) {
        if (!account) { return response; }
        return caches.open(pageCacheName(account)).then(function (cache) {
          return cacheIfDirect(cache, request, response);
        }).catch(function () { return response; });
      }, function () {
        var hit = account ? caches.match(request, {
          cacheName: pageCacheName(account), ignoreSearch: true
        }) : Promise.resolve(undefined);
        return hit.then(function (found) {
          return found || (request.mode === "navigate" ? offlinePage() : Response.error());
        });
      });
    }));
    return;
  }

  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(offlinePage));
  }
});
