//! Aggregating a whole city's answers: `n` seeded responses spread over
//! every community of `places.json`, stored as the collector stores them
//! (canonical JSON), then parsed, counted per community and published per
//! district with disclosure control; and counted from the tallies the
//! collector stores beside each answer, as the demand endpoint does. Prints
//! `BENCH` lines with the median and spread of `runs` runs; asserts no
//! time. Run by `cargo xtask bench aggregate`.
//!
//! ```text
//! cargo run --release -p linli-collector --bin aggregate -- public/data/places.json 1000000 5
//! ```

use std::collections::BTreeMap;
use std::time::Instant;

use linli_facilities::places::PlaceList;
use linli_facilities::seeded::SplitMix64;
use linli_survey::Response;
use linli_survey::aggregate::by_community;
use linli_survey::disclosure::MIN_COUNT;
use linli_survey::publish::publish;
use linli_survey::synthetic::response;

fn median_and_spread(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let places_path = args
        .first()
        .map_or("public/data/places.json", String::as_str);
    let count: u64 = args
        .get(1)
        .map_or(1_000_000, |n| n.parse().expect("a count"));
    let runs: usize = args.get(2).map_or(5, |n| n.parse().expect("runs"));
    let places = PlaceList::from_json(&std::fs::read_to_string(places_path).expect("places.json"))
        .expect("a community list");
    let mut rng = SplitMix64::new(0x9E37_79B9_7F4A_7C15);
    let stored: Vec<String> = (0..count)
        .map(|i| serde_json::to_string(&response(&mut rng, i, &places.places)).unwrap())
        .collect();
    let bytes: usize = stored.iter().map(String::len).sum();
    println!(
        "{count} answers over {} communities, {} MB of stored JSON",
        places.places.len(),
        bytes / 1_000_000
    );
    // What the collector stores beside each answer: its community and tally.
    let tallied: Vec<((String, String, String), u64)> = stored
        .iter()
        .map(|s| {
            let r: Response = serde_json::from_str(s).expect("stored answers parse");
            let c = &r.community;
            let key = (
                c.district_code.clone(),
                c.subdistrict.clone(),
                c.community.clone(),
            );
            (key, linli_survey::aggregate::tally(&r))
        })
        .collect();
    let mut from_tallies = vec![];
    let (mut parse, mut count_ms, mut publish_ms, mut total) = (vec![], vec![], vec![], vec![]);
    let mut withheld = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let responses: Vec<Response> = stored
            .iter()
            .map(|s| serde_json::from_str(s).expect("stored answers parse"))
            .collect();
        let t1 = Instant::now();
        let communities = by_community(&responses);
        let t2 = Instant::now();
        let mut districts: BTreeMap<&str, ()> = BTreeMap::new();
        for (code, _, _) in communities.keys() {
            districts.insert(code, ());
        }
        let published: Vec<_> = districts
            .keys()
            .map(|code| publish(code, &communities, MIN_COUNT))
            .collect();
        let t3 = Instant::now();
        withheld = published
            .iter()
            .flat_map(|d| &d.subdistricts)
            .flat_map(|s| &s.communities)
            .filter(|c| c.row.respondents.is_none())
            .count();
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
        // The collector's path: counting from stored tallies.
        let t4 = Instant::now();
        let mut by_tally: BTreeMap<&(String, String, String), linli_survey::aggregate::Demand> =
            BTreeMap::new();
        for (key, t) in &tallied {
            by_tally.entry(key).or_default().add_tally(*t);
        }
        assert_eq!(by_tally.len(), communities.len());
        from_tallies.push(ms(t4, Instant::now()));
        parse.push(ms(t0, t1));
        count_ms.push(ms(t1, t2));
        publish_ms.push(ms(t2, t3));
        total.push(ms(t0, t3));
    }
    for (what, v) in [
        ("parse the stored JSON", parse),
        ("count per community", count_ms),
        ("publish every district (disclosure control)", publish_ms),
        ("total", total),
        (
            "count per community from stored tallies (the collector's path)",
            from_tallies,
        ),
    ] {
        let (median, low, high) = median_and_spread(v);
        println!(
            "BENCH aggregate {count} answers, {what}: median {median:.0} ms (min {low:.0}, max {high:.0}, {runs} runs)"
        );
    }
    println!("communities with their respondents withheld: {withheld}");
}
