/* Sciatica Care offline support, loaded on every page.
 *
 * 1. Registers the service worker (/sw.js) and tells it whose pages it may keep (sw.js).
 * 2. window.sciaticaOffline.post(url, body) sends a JSON entry now, or keeps it in an IndexedDB
 *    outbox when the network is down, and sends it when the browser is back online.
 *    Every entry carries a client_id (a UUID made here if the body has none); the server saves
 *    idempotently by (patient, client_id), so an entry sent twice is stored once.
 *
 * Rules of the outbox (issue 8, item 11):
 *  - Owner: an entry belongs to the account the page was rendered for (<meta name="account-id">)
 *    and is only ever sent when /api/me answers that same account; the request also carries that
 *    session's CSRF token, so a session that changed under the page is refused (403) and the entry
 *    waits. A page without an account never queues anything, and entries with no owner (made by
 *    older versions of this file) are deleted: nobody can tell whose they are.
 *  - Versions: one session's saves share a client_id; the outbox keeps the newest copy (a final
 *    save, else the highest ``version``) and never replaces it with an older one.
 *  - Answers: 2xx (including ``"stale": true``, the server kept a newer copy) -> delivered, removed.
 *    401/403 -> kept, sent after the same person signs in again. 408/429/5xx/no network -> kept,
 *    tried again later. Any other 4xx -> kept, marked refused with the server's reason and shown
 *    on every page of that account ("Try again", "Discard"), never dropped silently.
 *  - One flush at a time across tabs (Web Locks when the browser has them).
 *  - Sign-out and account deletion set the ``sc_clear_device`` cookie (and Clear-Site-Data): the
 *    next page deletes the outbox and every cache. Signing out with unsent entries asks first.
 *
 * API (for the check-in and the session player):
 *   sciaticaOffline.post(url, body) -> Promise<{status: "sent", response, clientId}
 *                                             | {status: "queued", clientId}>
 *     A direct send the server refuses is returned as "sent" with that response: the caller shows
 *     it (the check-in form re-renders with the server's errors).
 *   sciaticaOffline.newClientId()   -> a UUID string
 *   sciaticaOffline.flush()         -> Promise<number> entries delivered now
 *   sciaticaOffline.pending()       -> Promise<number> entries of this account not saved yet
 *   document event "sciatica:outbox" with detail {pending, waiting, refused} after each change.
 */
(function () {
  "use strict";

  var DB_NAME = "sciatica-offline";
  var DB_VERSION = 2;
  var STORE = "outbox";
  var LEGACY_ME_KEY = "sciatica.me";
  var CLEAR_COOKIE = "sc_clear_device";
  var LOCK_NAME = "sciatica-outbox-flush";
  var RETRY_DELAYS_MS = [15000, 60000, 300000];
  var SIGN_OUT_WAIT_MS = 5000;

  var flushing = null;
  var retryTimer = null;
  var retries = 0;
  var shown = "";

  // --- who and where -------------------------------------------------------------------------

  function metaContent(name) {
    var meta = document.querySelector('meta[name="' + name + '"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  function csrfToken() { return metaContent("csrf-token"); }

  /* The account this page was rendered for, or null on a signed-out page. */
  function pageAccount() { return metaContent("account-id") || null; }

  function isOffline() { return navigator.onLine === false; }

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

  // --- the outbox (IndexedDB) ----------------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function (event) {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE, { keyPath: "clientId" });
        } else if (event.oldVersion < 2) {
          /* Version 1 queued entries without an owner: no one may send them. */
          request.transaction.objectStore(STORE).openCursor().onsuccess = function (e) {
            var cursor = e.target.result;
            if (!cursor) { return; }
            if (!cursor.value.owner) { cursor.delete(); }
            cursor.continue();
          };
        }
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); };
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error("outbox blocked")); };
    });
  }

  /* Run work(store) in one transaction; resolves with what work returned (a request's result). */
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () {
          db.close();
          resolve(result && typeof result === "object" && "readyState" in result ? result.result : result);
        };
        tx.onerror = function () { db.close(); reject(tx.error); };
        tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function allEntries() {
    if (!("indexedDB" in window)) { return Promise.resolve([]); }
    return withStore("readonly", function (s) { return s.getAll(); }).then(function (entries) {
      return (entries || []).sort(function (a, b) { return a.queuedAt < b.queuedAt ? -1 : 1; });
    });
  }

  /* Change the stored entry only if it is still the copy we read (stamp): a newer save made
     meanwhile (another tab, the player) is never lost to an older one. */
  function updateIfSame(entry, change) {
    return withStore("readwrite", function (s) {
      var get = s.get(entry.clientId);
      get.onsuccess = function () {
        var stored = get.result;
        if (!stored || stored.stamp !== entry.stamp) { return; }
        var next = change(stored);
        if (next) { s.put(next); } else { s.delete(entry.clientId); }
      };
    });
  }

  /* True when body a is a later save of the same entry than body b. */
  function laterThan(a, b) {
    if (b.final === true && a.final !== true) { return false; }
    if (typeof a.version === "number" && typeof b.version === "number") {
      return a.version >= b.version;
    }
    return true;
  }

  function keepEntry(url, body, owner) {
    return withStore("readwrite", function (s) {
      var get = s.get(body.client_id);
      get.onsuccess = function () {
        var stored = get.result;
        if (stored && stored.owner === owner && !laterThan(body, stored.body)) { return; }
        s.put({
          clientId: body.client_id, url: url, body: body, owner: owner,
          queuedAt: new Date().toISOString(), stamp: newClientId(), refused: null
        });
      };
    });
  }

  /* A copy was delivered directly: drop a queued copy that is not later than it. */
  function forgetDelivered(body) {
    return withStore("readwrite", function (s) {
      var get = s.get(body.client_id);
      get.onsuccess = function () {
        if (get.result && !laterThan(get.result.body, body)) { s.delete(body.client_id); }
      };
    }).catch(function () { return null; });
  }

  // --- sending -------------------------------------------------------------------------------

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

  function currentMe() {
    return fetch("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (me) { return me ? { id: String(me.id), csrf: me.csrf_token } : null; });
  }

  function refusedStatus(status) {
    return status >= 400 && status < 500 && [401, 403, 408, 429].indexOf(status) < 0;
  }

  /* Server trouble or too many requests: try again later. (401/403: after signing in.) */
  function retryable(status) {
    return status >= 500 || status === 408 || status === 429;
  }

  /* The server's reason, in words: FastAPI's ``detail`` text, or its first field error. */
  function reasonOf(response) {
    var fallback = "The server did not accept it (error " + response.status + ").";
    return response.json().then(function (data) {
      var detail = data && data.detail;
      if (typeof detail === "string" && detail) { return detail; }
      if (Array.isArray(detail) && detail.length) {
        var first = detail[0] || {};
        var where = (first.loc || []).filter(function (p) { return p !== "body"; }).join(".");
        return (where ? where + ": " : "") + (first.msg || "this value is not accepted");
      }
      return fallback;
    }, function () { return fallback; });
  }

  /* Send one entry; "sent", "refused" or "stop" (keep it and everything after it for later). */
  function deliver(entry, me) {
    return send(entry.url, entry.body, me.csrf).then(function (response) {
      if (response.ok) {
        return updateIfSame(entry, function () { return null; }).then(function () { return "sent"; });
      }
      if (!refusedStatus(response.status)) { return retryable(response.status) ? "retry" : "stop"; }
      return reasonOf(response).then(function (reason) {
        return updateIfSame(entry, function (stored) {
          return Object.assign({}, stored, {
            refused: { status: response.status, reason: reason, at: new Date().toISOString() }
          });
        });
      }).then(function () { return "refused"; });
    }, function () { return "retry"; });
  }

  function withFlushLock(work) {
    if (navigator.locks && typeof navigator.locks.request === "function") {
      return navigator.locks.request(LOCK_NAME, work);
    }
    return work();
  }

  function scheduleRetry() {
    if (retryTimer || isOffline()) { return; }
    var delay = RETRY_DELAYS_MS[Math.min(retries, RETRY_DELAYS_MS.length - 1)];
    retries += 1;
    retryTimer = window.setTimeout(function () { retryTimer = null; flush(); }, delay);
  }

  function flushNow() {
    if (isOffline() || !pageAccount() || !("indexedDB" in window)) { return Promise.resolve(0); }
    return allEntries().then(function (entries) {
      if (!entries.some(function (e) { return e.owner && !e.refused; })) { return 0; }
      return currentMe().then(function (me) {
        if (!me) { return 0; } /* signed out: wait for the owner to sign in */
        return withFlushLock(function () {
          /* Read again inside the lock: another tab may have sent them meanwhile. */
          return allEntries().then(function (fresh) {
            var mine = fresh.filter(function (e) { return e.owner === me.id && !e.refused; });
            var delivered = 0;
            return mine.reduce(function (chain, entry) {
              return chain.then(function (outcome) {
                if (outcome === "stop" || outcome === "retry") { return outcome; }
                return deliver(entry, me).then(function (result) {
                  if (result === "sent") { delivered += 1; }
                  return result;
                });
              });
            }, Promise.resolve("start")).then(function (outcome) {
              if (outcome === "retry") { scheduleRetry(); } else { retries = 0; }
              return delivered;
            });
          });
        });
      });
    });
  }

  function flush() {
    if (!flushing) {
      flushing = flushNow().catch(function () { return 0; }).then(function (n) {
        flushing = null;
        return render().then(function () { return n; });
      });
    }
    return flushing;
  }

  function post(url, body) {
    var entry = Object.assign({}, body || {});
    if (!entry.client_id) { entry.client_id = newClientId(); }
    var owner = pageAccount();
    function keep() {
      if (!owner || !("indexedDB" in window)) { return Promise.reject(new Error("not signed in")); }
      return keepEntry(url, entry, owner).then(render).then(function () {
        return { status: "queued", clientId: entry.client_id };
      });
    }
    if (isOffline()) { return keep(); }
    return send(url, entry).then(function (response) {
      if (!response.ok && !refusedStatus(response.status)) {
        return keep().then(function (queued) {
          if (retryable(response.status)) { scheduleRetry(); }
          return queued;
        });
      }
      var done = response.ok && owner ? forgetDelivered(entry).then(render) : Promise.resolve();
      return done.then(function () {
        return { status: "sent", response: response, clientId: entry.client_id };
      });
    }, keep);
  }

  // --- what the person sees -------------------------------------------------------------------

  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ""; }
    return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  function describe(entry) {
    var body = entry.body || {};
    if (entry.url.indexOf("/api/sessions") === 0) {
      return "Exercise session of " + when(body.started_at || entry.queuedAt);
    }
    if (entry.url.indexOf("/api/checkins") === 0) {
      return "Check-in " + (body.day ? "for " + body.day : "of " + when(entry.queuedAt));
    }
    return "Entry of " + when(entry.queuedAt);
  }

  function container() {
    var box = document.getElementById("outbox");
    if (box) { return box; }
    var main = document.getElementById("main");
    if (!main) { return null; }
    box = document.createElement("div");
    box.id = "outbox";
    box.className = "outbox";
    main.insertBefore(box, main.firstChild);
    return box;
  }

  function part(box, id, role, className) {
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("div");
      el.id = id;
      el.className = className;
      el.setAttribute("role", role);
      el.hidden = true;
      box.appendChild(el);
    }
    return el;
  }

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text) { el.textContent = text; }
    if (className) { el.className = className; }
    return el;
  }

  function button(text, describedBy, onClick, secondary) {
    var b = element("button", text, "button button-small" + (secondary ? " button-secondary" : ""));
    b.type = "button";
    if (describedBy) { b.setAttribute("aria-describedby", describedBy); }
    b.addEventListener("click", onClick);
    return b;
  }

  function showWaiting(box, waiting) {
    var status = part(box, "offline-status", "status", "flash flash-warning offline-status");
    var offline = isOffline();
    if (!waiting && !offline) {
      status.hidden = true;
      status.textContent = "";
      return;
    }
    if (!pageAccount()) {
      status.textContent = "You are offline.";
      status.hidden = false;
      return;
    }
    var saved = waiting === 1 ? "1 entry is saved on this device" :
      waiting + " entries are saved on this device";
    status.textContent = offline
      ? "You are offline. " + (waiting ? saved + " and will be sent when you are back online." :
        "What you record now is kept on this device and sent later.")
      : saved + ", waiting to be sent.";
    status.hidden = false;
  }

  function showRefused(box, refused) {
    var panel = part(box, "outbox-refused", "alert", "flash flash-error outbox-refused");
    var signature = JSON.stringify(refused.map(function (e) { return [e.clientId, e.stamp]; }));
    if (signature === shown) { return; }
    shown = signature;
    panel.textContent = "";
    if (!refused.length) {
      panel.hidden = true;
      return;
    }
    var count = refused.length === 1 ? "1 entry could not be saved" :
      refused.length + " entries could not be saved";
    var intro = element("p");
    intro.appendChild(element("strong", count + "."));
    intro.appendChild(document.createTextNode(
      " It is kept on this device until you discard it."));
    panel.appendChild(intro);
    var list = element("ul", "", "outbox-list");
    refused.forEach(function (entry, index) {
      var item = element("li");
      var textId = "outbox-entry-" + index;
      var text = element("p", describe(entry) + " \u2014 " + entry.refused.reason);
      text.id = textId;
      item.appendChild(text);
      var actions = element("p", "", "outbox-actions");
      if (entry.refused.status !== 422) {
        actions.appendChild(button("Try again", textId, function () { tryAgain(entry); }));
      }
      actions.appendChild(button("Discard", textId, function () { discard(entry); }, true));
      item.appendChild(actions);
      list.appendChild(item);
    });
    panel.appendChild(list);
    panel.hidden = false;
  }

  /* Show this account's entries (a signed-out page shows none and leaves the outbox alone). */
  function render() {
    var account = pageAccount();
    var entries = account ? allEntries() : Promise.resolve([]);
    return entries.then(function (all) {
      var mine = all.filter(function (e) { return e.owner === account; });
      var refused = mine.filter(function (e) { return e.refused; });
      var waiting = mine.length - refused.length;
      var box = container();
      if (box) {
        showWaiting(box, waiting);
        showRefused(box, refused);
      }
      document.dispatchEvent(new CustomEvent("sciatica:outbox", {
        detail: { pending: mine.length, waiting: waiting, refused: refused.length }
      }));
      return mine.length;
    }).catch(function () { return 0; });
  }

  function focusAfterChange() {
    var panel = document.getElementById("outbox-refused");
    var target = panel && !panel.hidden ? panel : document.getElementById("main");
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  }

  function discard(entry) {
    updateIfSame(entry, function () { return null; }).then(render).then(focusAfterChange);
  }

  function tryAgain(entry) {
    updateIfSame(entry, function (stored) {
      return Object.assign({}, stored, { refused: null, stamp: newClientId() });
    }).then(flush).then(focusAfterChange);
  }

  // --- signing out ---------------------------------------------------------------------------

  function hasCookie(name) {
    return document.cookie.split(";").some(function (part) {
      return part.trim().indexOf(name + "=") === 0;
    });
  }

  /* After sign-out or account deletion: the outbox and every cache go (Clear-Site-Data does the
     same where the browser honours it). The service worker stays registered. */
  function forgetDevice() {
    var jobs = [];
    if ("indexedDB" in window) {
      jobs.push(new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      }));
    }
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }));
    }
    try { localStorage.removeItem(LEGACY_ME_KEY); } catch (e) { /* private mode */ }
    return Promise.all(jobs).then(function () {
      document.cookie = CLEAR_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
    });
  }

  function signOutNow(form) {
    HTMLFormElement.prototype.submit.call(form);
  }

  function askBeforeSignOut(form, count) {
    var box = container();
    if (!box) { signOutNow(form); return; }
    var ask = part(box, "outbox-sign-out", "alert", "flash flash-warning outbox-sign-out");
    ask.textContent = "";
    var words = count === 1 ? "1 entry is not saved to your account yet." :
      count + " entries are not saved to your account yet.";
    ask.appendChild(element("p", words + " If you sign out now, " +
      (count === 1 ? "it is" : "they are") + " deleted from this device."));
    var actions = element("p", "", "outbox-actions");
    var stay = button("Stay signed in", null, function () {
      ask.hidden = true;
      focusAfterChange();
    });
    actions.appendChild(stay);
    actions.appendChild(button("Sign out anyway", null, function () { signOutNow(form); }, true));
    ask.appendChild(actions);
    ask.hidden = false;
    stay.focus();
  }

  function guardSignOut() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form || !form.getAttribute || form.getAttribute("action") !== "/logout") { return; }
      if (!("indexedDB" in window) || !pageAccount()) { return; }
      event.preventDefault();
      var waited = new Promise(function (resolve) { window.setTimeout(resolve, SIGN_OUT_WAIT_MS); });
      Promise.race([flush(), waited]).then(render).then(function (left) {
        if (left) { askBeforeSignOut(form, left); } else { signOutNow(form); }
      }, function () { signOutNow(form); });
    }, true);
  }

  // --- start ---------------------------------------------------------------------------------

  function tellWorker() {
    var account = pageAccount();
    if (!account || !("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) { registration.active.postMessage({ type: "account", account: account }); }
    }).catch(function () { /* optional */ });
  }

  window.sciaticaOffline = {
    post: post,
    flush: flush,
    newClientId: newClientId,
    pending: function () { return render(); }
  };

  var cleaned = hasCookie(CLEAR_COOKIE) ? forgetDevice().catch(function () { return null; }) :
    Promise.resolve();
  cleaned.then(function () {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* optional */ });
    }
    tellWorker();
  });
  window.addEventListener("online", function () { retries = 0; flush(); });
  window.addEventListener("offline", function () { render(); });
  guardSignOut();
  if ("indexedDB" in window) {
    cleaned.then(function () { return pageAccount() ? flush() : render(); });
  }
}());
