/* Sciatica Care offline support, loaded on every page.
 *
 * 1. Registers the service worker (/sw.js) that keeps today's program, the player, the check-in
 *    and the static files available without a network.
 * 2. window.sciaticaOffline.post(url, body) sends a JSON entry now, or keeps it in an IndexedDB
 *    outbox when the network is down, and sends it when the browser is back online.
 *    Every entry carries a client_id (a UUID made here if the body has none); the server saves
 *    idempotently by (patient, client_id), so an entry sent twice is stored once.
 *
 * API (for the check-in and the session player):
 *   sciaticaOffline.post(url, body) -> Promise<{status: "sent", response, clientId}
 *                                             | {status: "queued", clientId}>
 *   sciaticaOffline.newClientId()   -> a UUID string
 *   sciaticaOffline.flush()         -> Promise<number> entries delivered now
 *   sciaticaOffline.pending()       -> Promise<number> entries waiting
 *   document event "sciatica:outbox" with detail {pending} after each change.
 *
 * Entries are tagged with the account that made them and only ever sent for that account.
 */
(function () {
  "use strict";

  var DB_NAME = "sciatica-offline";
  var STORE = "outbox";
  var ME_KEY = "sciatica.me";
  var PAGE_CACHE = "sciatica-pages-v1";
  var flushing = null;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "clientId" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function allEntries() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function removeEntry(id) { return withStore("readwrite", function (s) { s.delete(id); }); }
  function putEntry(entry) { return withStore("readwrite", function (s) { s.put(entry); }); }

  function knownMe() {
    try { return JSON.parse(localStorage.getItem(ME_KEY) || "null"); } catch (e) { return null; }
  }

  function refreshMe() {
    return fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (me) {
        var value = { id: me ? me.id : null, csrf: me ? me.csrf_token : csrfToken() };
        try { localStorage.setItem(ME_KEY, JSON.stringify(value)); } catch (e) { /* private mode */ }
        return value;
      });
  }

  function send(url, body, token) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRF-Token": token || csrfToken()
      },
      body: JSON.stringify(body)
    });
  }

  function announce() {
    return allEntries().then(function (entries) {
      var me = knownMe();
      var mine = entries.filter(function (e) { return !me || e.owner === null || e.owner === me.id; });
      showStatus(mine.length);
      document.dispatchEvent(new CustomEvent("sciatica:outbox", { detail: { pending: mine.length } }));
      return mine.length;
    }).catch(function () { return 0; });
  }

  function showStatus(pending) {
    var box = document.getElementById("offline-status");
    var offline = navigator.onLine === false;
    if (!pending && !offline) {
      if (box) { box.hidden = true; }
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "offline-status";
      box.className = "flash flash-warning offline-status";
      box.setAttribute("role", "status");
      var main = document.getElementById("main");
      if (!main) { return; }
      main.insertBefore(box, main.firstChild);
    }
    box.hidden = false;
    var waiting = pending === 1 ? "1 entry is saved on this device" :
      pending + " entries are saved on this device";
    box.textContent = offline
      ? "You are offline. " + (pending ? waiting + " and will be sent when you are back online." :
        "What you record now is kept on this device and sent later.")
      : waiting + ", waiting to be sent.";
  }

  function post(url, body) {
    var entry = Object.assign({}, body || {});
    if (!entry.client_id) { entry.client_id = newClientId(); }
    function keep() {
      var me = knownMe();
      return putEntry({
        clientId: entry.client_id, url: url, body: entry,
        owner: me ? me.id : null, queuedAt: new Date().toISOString()
      }).then(announce).then(function () { return { status: "queued", clientId: entry.client_id }; });
    }
    if (navigator.onLine === false) { return keep(); }
    return send(url, entry).then(function (response) {
      return { status: "sent", response: response, clientId: entry.client_id };
    }, keep);
  }

  function flushNow() {
    if (navigator.onLine === false) { return Promise.resolve(0); }
    return allEntries().then(function (entries) {
      if (!entries.length) { return 0; }
      return refreshMe().then(function (me) {
        if (me.id === null) { return 0; }
        var delivered = 0;
        var mine = entries.filter(function (e) { return e.owner === null || e.owner === me.id; });
        return mine.reduce(function (chain, e) {
          return chain.then(function (stop) {
            if (stop) { return true; }
            return send(e.url, e.body, me.csrf).then(function (r) {
              if (r.ok || r.status === 409 || r.status === 422 || r.status === 404) {
                delivered += r.ok ? 1 : 0;
                return removeEntry(e.clientId).then(function () { return false; });
              }
              return true; /* signed out or server trouble: keep it, try later */
            }, function () { return true; });
          });
        }, Promise.resolve(false)).then(function () { return delivered; });
      });
    }).then(function (n) { return announce().then(function () { return n; }); })
      .catch(function () { return 0; });
  }

  function flush() {
    if (!flushing) {
      flushing = flushNow().then(function (n) { flushing = null; return n; });
    }
    return flushing;
  }

  function forgetPagesOnSignOut() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form && form.getAttribute && form.getAttribute("action") === "/logout" && window.caches) {
        caches.delete(PAGE_CACHE);
        try { localStorage.removeItem(ME_KEY); } catch (e) { /* ignore */ }
      }
    }, true);
  }

  window.sciaticaOffline = {
    post: post,
    flush: flush,
    newClientId: newClientId,
    pending: function () { return announce(); }
  };

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* optional */ });
  }
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", function () { announce(); });
  forgetPagesOnSignOut();
  if ("indexedDB" in window) {
    var me = knownMe();
    var token = csrfToken();
    var ready = (token && navigator.onLine !== false && (!me || me.csrf !== token))
      ? refreshMe().catch(function () { return null; }) : Promise.resolve(me);
    ready.then(function () { return flush(); });
  }
}());
