// The benchmark page: the finder in wasm (ours) and two JavaScript peers
// over the same dataset, driven step by step from
// `tests/e2e/src/bin/peers.rs` through WebDriver. Each step is a function
// of `window.bench`; it returns plain JSON and asserts no time.

import init, { Finder, SearchFinder } from './linli_bench_page.js';
import { buildIndex, findA, findB, parse } from './peers.js';

/** Fields per query in `Finder.plan`. */
const PLAN_STRIDE = 7;

let wasm = null;
/** The national dataset's GeoJSON body as fetched, one feature per line. */
let national = new Uint8Array(0);
/** Where each feature's line ends in `national` (byte offsets). */
let lineEnds = [];
/** The national dataset's search file, as fetched. */
let searchFile = new Uint8Array(0);
/** The loaded state: our finder, our finder through the search file, the peers' data, the queries. */
let ours = null;
let searched = null;
let peer = null;
let queries = [];

const NEWLINE = 10;
const COMMA = 44;
const CLOSING = new TextEncoder().encode('\n]}\n');

/**
 * The first `count` features of the national dataset as a GeoJSON body's
 * bytes, as a server would send a file of that many.
 */
function bytesOf(count) {
  if (count === lineEnds.length) return national;
  if (count < 1 || count > lineEnds.length) throw new Error(`no dataset of ${count} features`);
  let end = lineEnds[count - 1];
  if (national[end - 1] === COMMA) end -= 1;
  const body = new Uint8Array(end + CLOSING.length);
  body.set(national.subarray(0, end));
  body.set(CLOSING, end);
  return body;
}

async function setup() {
  wasm = await init();
  const response = await fetch('national.geojson');
  if (!response.ok) throw new Error(`national.geojson: HTTP ${response.status}`);
  national = new Uint8Array(await response.arrayBuffer());
  const search = await fetch('national.search');
  if (!search.ok) throw new Error(`national.search: HTTP ${search.status}`);
  searchFile = new Uint8Array(await search.arrayBuffer());
  lineEnds = [];
  // Line 0 is the collection's header; features follow one per line.
  let at = national.indexOf(NEWLINE);
  for (;;) {
    const next = national.indexOf(NEWLINE, at + 1);
    if (next < 0 || national[at + 1] !== 0x7b) break;
    lineEnds.push(next);
    at = next;
  }
  return { bytes: national.length, searchBytes: searchFile.length, features: lineEnds.length };
}

/** What the page can see of its memory. */
function memory() {
  const m = performance.memory;
  return {
    usedJSHeapSize: m ? m.usedJSHeapSize : null,
    totalJSHeapSize: m ? m.totalJSHeapSize : null,
    wasmBytes: wasm.memory.buffer.byteLength,
  };
}

/**
 * Ours: decode and index `count` features from the body's bytes (timed:
 * `Finder.load`, which copies them into wasm memory, checks UTF-8, parses
 * and indexes).
 */
function loadOurs(count) {
  const body = bytesOf(count);
  if (ours) ours.free();
  ours = null;
  const t0 = performance.now();
  const loaded = Finder.load(body);
  const ms = performance.now() - t0;
  ours = loaded;
  if (ours.skipped() !== 0) throw new Error(`ours skipped ${ours.skipped()} records`);
  queries = [];
  return { ms, parseMs: ours.parse_ms(), indexMs: ours.index_ms(), count: ours.count() };
}

/**
 * Ours as the app loads a shard with a search file: the search file's
 * bytes decoded and indexed (timed: `SearchFinder.load`, which copies them
 * into wasm memory); the records stay unparsed in the body. The search
 * file describes the whole national dataset, so only that size.
 */
function loadSearch() {
  if (searched) searched.free();
  searched = null;
  const t0 = performance.now();
  const loaded = SearchFinder.load(searchFile);
  const ms = performance.now() - t0;
  searched = loaded;
  return { ms, decodeMs: searched.decode_ms(), indexMs: searched.index_ms(), count: searched.count() };
}

/**
 * The peers from the same bytes: `TextDecoder` (what `response.json()`
 * does first), `JSON.parse`, then the kdbush index, each timed.
 */
function loadPeers(count) {
  const body = bytesOf(count);
  peer = null;
  const t0 = performance.now();
  const text = new TextDecoder().decode(body);
  const t1 = performance.now();
  const features = parse(text);
  const t2 = performance.now();
  const index = buildIndex(features);
  const t3 = performance.now();
  peer = { features, index, functionMasks: null, openMasks: null };
  queries = [];
  return { decodeMs: t1 - t0, parseMs: t2 - t1, indexMs: t3 - t2, ms: t3 - t0, count: features.length };
}

/** Hands the peers their masks and makes the seeded queries. */
function prepare(count) {
  if (!ours || !peer) throw new Error('load both first');
  if (ours.count() !== count || peer.features.length !== count) {
    throw new Error(`ours has ${ours.count()} facilities, the peers ${peer.features.length}; expected ${count}`);
  }
  ours.keep_masks();
  peer.functionMasks = ours.function_masks();
  peer.openMasks = ours.open_masks();
  peer.features.forEach((feature, i) => {
    feature.properties.function_mask = peer.functionMasks[i];
    feature.properties.open_mask = peer.openMasks[i];
  });
  const plan = ours.plan(200);
  queries = [];
  for (let i = 0; i < plan.length; i += PLAN_STRIDE) {
    queries.push({
      lon: plan[i],
      lat: plan[i + 1],
      functions: plan[i + 2],
      walk: plan[i + 3],
      senior: plan[i + 4] === 1,
      open: plan[i + 5] === 1,
      reachM: plan[i + 6],
    });
  }
  // Ids line up by index: the same file, no record skipped.
  const ids = ours.ids(Uint32Array.from({ length: count }, (_, i) => i));
  const stray = ids.findIndex((id, i) => id !== peer.features[i].properties.id);
  if (stray >= 0) throw new Error(`facility ${stray}: ours ${ids[stray]}, peers ${peer.features[stray].properties.id}`);
  return { queries: queries.length };
}

const runOurs = (q) => ours.query(q.lon, q.lat, q.functions, q.walk, q.senior, q.open);
const runA = (q) => findA(peer.features, q);
const runB = (q) => findB(peer, q);
// A diagnostic, not one of the three: our grid index with the peers' masks.
const runMasked = (q) => ours.query_masked(q.lon, q.lat, q.functions, q.walk, q.senior, q.open);
// Ours through the search file, checked by id (its facilities are numbered
// in the grid's order); not timed: the same search over the same index.
const runSearched = (q) => searched.query(q.lon, q.lat, q.functions, q.walk, q.senior, q.open);
const IMPLEMENTATIONS = [
  ['ours', runOurs],
  ['a', runA],
  ['b', runB],
  ['masked', runMasked],
];

/** Every query through all three; the ids must be the same, in order. */
function check() {
  const mismatches = [];
  let results = 0;
  const idOf = (i) => peer.features[i].properties.id;
  queries.forEach((q, n) => {
    const want = ours.ids(runOurs(q));
    const got = {
      a: runA(q).map((f) => f.properties.id),
      b: Array.from(runB(q), idOf),
      masked: Array.from(runMasked(q), idOf),
    };
    if (searched && searched.count() === peer.features.length) got.search = searched.ids(runSearched(q));
    results += want.length;
    for (const [name, ids] of Object.entries(got)) {
      const same = ids.length === want.length && ids.every((id, i) => id === want[i]);
      if (!same) {
        const at = ids.findIndex((id, i) => id !== want[i]);
        mismatches.push({
          query: n,
          peer: name,
          params: q,
          ours: want.length,
          theirs: ids.length,
          firstDifference: at < 0 ? Math.min(ids.length, want.length) : at,
          oursIds: want.slice(0, 12),
          theirIds: ids.slice(0, 12),
        });
      }
    }
  });
  return {
    queries: queries.length,
    meanResults: results / queries.length,
    searchChecked: Boolean(searched && searched.count() === peer.features.length),
    mismatches: mismatches.slice(0, 5),
    mismatched: mismatches.length,
  };
}

/**
 * Times every query in batches: each query repeated and the batch timed,
 * since `performance.now()` moves in 100 µs steps without cross-origin
 * isolation. The repeat count is set per implementation from a first pass
 * over all queries so that a batch of a mean query lasts about `batchMs`
 * (at least once, at most 1,000 times). All implementations run in turn
 * per query, the order rotating so that none always runs after another.
 * Returns milliseconds per query for each, and the repeat counts.
 */
function time(batchMs) {
  const samples = {};
  const repeat = {};
  let sink = 0;
  for (const [name, run] of IMPLEMENTATIONS) {
    const t0 = performance.now();
    for (const q of queries) sink += run(q).length;
    const mean = (performance.now() - t0) / queries.length;
    repeat[name] = Math.min(1000, Math.max(1, Math.ceil(batchMs / mean)));
    samples[name] = [];
  }
  queries.forEach((q, n) => {
    for (let k = 0; k < IMPLEMENTATIONS.length; k += 1) {
      const [name, run] = IMPLEMENTATIONS[(n + k) % IMPLEMENTATIONS.length];
      const times = repeat[name];
      const t0 = performance.now();
      for (let r = 0; r < times; r += 1) sink += run(q).length;
      samples[name].push((performance.now() - t0) / times);
    }
  });
  return { ...samples, repeat, sink };
}

window.bench = { setup, memory, loadOurs, loadSearch, loadPeers, prepare, check, time };
window.benchReady = true;
