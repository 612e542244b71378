// Linli's service worker: after the first visit the app opens with no
// network at all.
//
// - The app shell (index.html, the hashed JS, wasm and CSS, the web app
//   manifest and icons) and the small data files every page needs (the
//   dataset manifest, the holiday calendar, the community list) are cached
//   when the worker installs. `cargo xtask dist` writes their names and a
//   version made from them into this file, so every release is a new
//   worker with its own shell cache; the old one is deleted when the new
//   worker takes over.
// - District shards are cached as they are seen (and the page hands over
//   the ones it loaded before the worker was in control), and served from
//   the cache while a fresh copy is fetched in the background.
// - Pages are fetched from the network first and fall back to the cached
//   index.html, so a shared link opens offline too.
// - The API is never cached: survey answers wait in the page's IndexedDB
//   outbox, which sends them when the connection returns; a page hidden or
//   closed with answers waiting asks for a Background Sync, and this worker
//   sends them then (below).

const VERSION = "__LINLI_VERSION__";
const SHELL = __LINLI_SHELL__;
const DATA = __LINLI_DATA__;
const SHELL_CACHE = "linli-shell-" + VERSION;
const DATA_CACHE = "linli-data";

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all([
      caches.open(SHELL_CACHE).then((c) => c.addAll(SHELL)),
      caches.open(DATA_CACHE).then((c) => c.addAll(DATA)),
    ]).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith("linli-shell-") && k !== SHELL_CACHE)
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

// The page lists the data files it fetched before this worker controlled
// it, so that they are cached too.
self.addEventListener("message", (event) => {
  const urls = event.data && event.data.cacheData;
  if (!Array.isArray(urls)) return;
  const own = urls.filter((u) => new URL(u, self.location).origin === self.location.origin);
  event.waitUntil(
    caches.open(DATA_CACHE).then((c) =>
      Promise.all(
        own.map((u) => c.match(u).then((hit) => hit || c.add(u).catch(() => undefined))),
      ),
    ),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.includes("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() =>
        caches.match("./", { cacheName: SHELL_CACHE }).then((hit) => hit || Response.error()),
      ),
    );
  } else if (url.pathname.includes("/data/")) {
    event.respondWith(
      caches.open(DATA_CACHE).then((cache) =>
        cache.match(request).then((hit) => {
          const fresh = fetch(request)
            .then((response) => {
              if (response.ok) cache.put(request, response.clone());
              return response;
            })
            .catch(() => hit || Response.error());
          if (hit) {
            event.waitUntil(fresh.catch(() => undefined));
            return hit;
          }
          return fresh;
        }),
      ),
    );
  } else {
    event.respondWith(
      caches.match(request, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(request)),
    );
  }
});

// Background Sync: the page asks for a sync ("linli-outbox") when it is
// hidden with answers waiting in its IndexedDB outbox, and the
// browser fires it once the device is online, even if Linli is no longer
// open. The worker then sends what waits, as the page's sender does, and
// removes a record only on the collector's own confirmation (200 or 201
// naming the record, not redirected). Anything else stays for the page,
// which reads refusals; a failure to reach the collector, or an answer
// from it meaning "later", rejects, so that the browser tries again.
const OUTBOX_DB = "linli";
const OUTBOX = "outbox";

function idbRequest(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openOutbox() {
  const request = indexedDB.open(OUTBOX_DB, 1);
  request.onupgradeneeded = () => {
    if (!request.result.objectStoreNames.contains(OUTBOX)) {
      request.result.createObjectStore(OUTBOX, { keyPath: "id" });
    }
  };
  return idbRequest(request);
}

async function sendOutbox() {
  const db = await openOutbox();
  try {
    const records = await idbRequest(db.transaction(OUTBOX).objectStore(OUTBOX).getAll());
    let again = false;
    for (const record of records) {
      if (record.refused) continue;
      let response;
      try {
        response = await fetch(new URL(record.path, self.registration.scope), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: record.body,
        });
      } catch (_) {
        again = true;
        break;
      }
      const text = await response.text().catch(() => "");
      let named = null;
      try {
        named = JSON.parse(text).id;
      } catch (_) {}
      if (!response.redirected && (response.status === 200 || response.status === 201) && named === record.id) {
        const tx = db.transaction(OUTBOX, "readwrite");
        tx.objectStore(OUTBOX).delete(record.id);
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
        const pages = await self.clients.matchAll({ type: "window" });
        for (const page of pages) page.postMessage({ linliDelivered: record.id });
      } else if (response.status === 429 || response.status >= 500) {
        again = true;
        break;
      }
    }
    if (again) throw new Error("the collector could not be reached; the browser will try again");
  } finally {
    db.close();
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "linli-outbox") event.waitUntil(sendOutbox());
});
