// The two JavaScript peers of the finder, bundled by esbuild from
// node_modules into one ES module at bench time (`cargo xtask bench peers`).
//
// Both answer the finder's question: which facilities lie within the
// walking reach of a point and have a wanted function (open at the
// benchmark time, when asked), nearest first, ties by id. JavaScript has no
// evaluator for Linli's holiday calendar, so both filter by two bitmasks
// per facility computed once by the Rust crate: the functions a facility
// offers, and the functions of its services open at the benchmark's fixed
// time.

import distance from '@turf/distance';
import KDBush from 'kdbush';
import { around } from 'geokdbush';

/** The mean Earth radius of the Rust crate (through `geo`) and of turf. */
const EARTH_RADIUS_M = 6371008.8;
/** geokdbush measures on a sphere of this radius. */
const GEOKDBUSH_RADIUS_KM = 6371;

/** Decoding, shared by both peers: the features of the GeoJSON text. */
export function parse(text) {
  return JSON.parse(text).features;
}

/** Peer B's index: kdbush over the features' positions, ids = indices. */
export function buildIndex(features) {
  const index = new KDBush(features.length);
  for (const feature of features) {
    const [lon, lat] = feature.geometry.coordinates;
    index.add(lon, lat);
  }
  index.finish();
  return index;
}

function byId(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Peer A, the idiomatic JavaScript finder: `@turf/distance` to every
 * feature, then `Array.filter` and `Array.sort`. The masks are in each
 * feature's properties (`function_mask`, `open_mask`). Returns features.
 */
export function findA(features, query) {
  const from = [query.lon, query.lat];
  const mask = query.open ? 'open_mask' : 'function_mask';
  return features
    .map((feature) => ({ feature, metres: distance(from, feature, { units: 'meters' }) }))
    .filter(
      ({ feature, metres }) =>
        metres <= query.reachM && (feature.properties[mask] & query.functions) !== 0,
    )
    .sort((a, b) => a.metres - b.metres || byId(a.feature.properties.id, b.feature.properties.id))
    .map(({ feature }) => feature);
}

/**
 * Peer B, the best JavaScript we know: kdbush with `geokdbush.around`,
 * radius = the walking reach, the masks as a predicate over typed arrays.
 * geokdbush returns indices nearest first. Its sphere is 6,371 km, so the
 * reach is passed as the same angle on that sphere: the same facilities
 * come back as by the haversine distance on the mean radius.
 */
export function findB(peer, query) {
  const masks = query.open ? peer.openMasks : peer.functionMasks;
  const wanted = query.functions;
  const radiusKm = (query.reachM / EARTH_RADIUS_M) * GEOKDBUSH_RADIUS_KM;
  return around(peer.index, query.lon, query.lat, Infinity, radiusKm, (i) => (masks[i] & wanted) !== 0);
}
