//! Fills a database with seeded synthetic answers for one district, for the
//! dashboard benchmark: `count` answers spread over the district's
//! communities in `places.json`, inserted in large transactions (this is
//! not how answers arrive; it only makes a big district quickly). Run by
//! `cargo xtask bench dashboard`.
//!
//! ```text
//! seed <database url> <district code> <count> <places.json>
//! ```

use linli_collector::Db;
use linli_facilities::places::PlaceList;
use linli_facilities::seeded::SplitMix64;
use linli_survey::synthetic::response;
use sha2::{Digest, Sha256};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, district, count, places] = args.as_slice() else {
        eprintln!("usage: seed <database url> <district code> <count> <places.json>");
        std::process::exit(2);
    };
    let count: u64 = count.parse().expect("a count");
    let list = PlaceList::from_json(&std::fs::read_to_string(places).expect("places.json"))
        .expect("a community list");
    let communities: Vec<_> = list
        .places
        .into_iter()
        .filter(|p| &p.district_code == district)
        .collect();
    assert!(
        !communities.is_empty(),
        "no communities in district {district}"
    );
    let db = Db::connect(url).await.expect("the database");
    let mut rng = SplitMix64::new(0x5EED);
    let mut done = 0;
    while done < count {
        let mut tx = db.pool.begin().await.expect("a transaction");
        for i in done..count.min(done + 5_000) {
            let r = response(&mut rng, i, &communities);
            let body = serde_json::to_string(&r).expect("answers serialise");
            let sha: String = Sha256::digest(body.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            sqlx::query(
                "INSERT INTO surveys (id, questionnaire, district_code, subdistrict, community, body, body_sha256, received_at, tally) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&r.id)
            .bind(1_i64)
            .bind(&r.community.district_code)
            .bind(&r.community.subdistrict)
            .bind(&r.community.community)
            .bind(&body)
            .bind(&sha)
            .bind(1_795_700_000_i64)
            .bind(linli_survey::aggregate::tally(&r) as i64)
            .execute(&mut *tx)
            .await
            .expect("an insert");
        }
        tx.commit().await.expect("a commit");
        done = count.min(done + 5_000);
    }
    println!(
        "seeded {count} answers over {} communities of {district}",
        communities.len()
    );
}
