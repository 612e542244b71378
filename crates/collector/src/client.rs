//! A minimal HTTP/1.1 client and a retrying survey sender, for the load
//! benchmark and the crash test: what a resident's device does, without a
//! browser. One request per connection; `Content-Length` bodies only.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An HTTP answer: status, `Retry-After` in seconds if given, and the body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
    /// The body as text.
    pub body: String,
}

/// POSTs `body` as JSON to `path` on `addr` (`host:port`).
pub async fn post_json(addr: &str, path: &str, body: &str) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no HTTP status line"))?;
    let retry_after = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
        .and_then(|(_, v)| v.trim().parse().ok());
    Ok(Answer {
        status,
        retry_after,
        body: body.to_owned(),
    })
}

/// What sending one survey until it is confirmed took.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The final status: 201 or 200 when confirmed.
    pub status: u16,
    /// Attempts made.
    pub attempts: u32,
    /// Time from the first attempt to the confirmation.
    pub latency: Duration,
    /// 5xx answers seen on the way.
    pub server_errors: u32,
}

/// Sends `body` until the collector confirms it (201 or 200) or refuses
/// it for good (4xx other than 429), retrying network errors, 5xx and 429
/// with exponential backoff from 50 ms to 2 s (or `Retry-After`), as the
/// app's queue does. Gives up after `deadline`.
pub async fn send_until_confirmed(addr: &str, path: &str, body: &str, deadline: Instant) -> Sent {
    let start = Instant::now();
    let mut backoff = Duration::from_millis(50);
    let mut attempts = 0;
    let mut server_errors = 0;
    loop {
        attempts += 1;
        let wait = match post_json(addr, path, body).await {
            Ok(a) if a.status == 200 || a.status == 201 => {
                return Sent {
                    status: a.status,
                    attempts,
                    latency: start.elapsed(),
                    server_errors,
                };
            }
            Ok(a) if a.status == 429 => a.retry_after.map_or(backoff, Duration::from_secs),
            Ok(a) if a.status >= 500 => {
                server_errors += 1;
                backoff
            }
            Ok(a) => {
                return Sent {
                    status: a.status,
                    attempts,
                    latency: start.elapsed(),
                    server_errors,
                };
            }
            Err(_) => backoff,
        };
        if Instant::now() + wait > deadline {
            return Sent {
                status: 0,
                attempts,
                latency: start.elapsed(),
                server_errors,
            };
        }
        tokio::time::sleep(wait).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

/// The communities of 东四街道 in the sample's `places.json`: a collector
/// serving the dataset takes answers only from listed communities.
const DONGSI: [u8; 11] = [1, 6, 7, 9, 10, 19, 20, 21, 22, 23, 24];

/// A valid survey body with `id`, varied by `n`.
pub fn sample_survey(id: &str, n: u64) -> String {
    let functions = ["meals", "elder_care", "infant_care", "child_care", "health"];
    let f = functions[(n % 5) as usize];
    format!(
        r#"{{"id":"{id}","questionnaire":1,"consent":true,"community":{{"district_code":"110101","subdistrict":"东四街道","community":"示例第{}社区"}},"household":{{"age_0_3":{},"age_3_6":0,"age_6_12":1,"age_12_18":0,"age_18_59":2,"age_60_79":{},"age_80_plus":0}},"needs":[{{"function":"{f}","priority":1}}],"times":["weekday_daytime"],"pay":[{{"function":"{f}","band":{}}}],"walk_minutes":15}}"#,
        DONGSI[(n % DONGSI.len() as u64) as usize],
        n % 2,
        n % 3,
        n % 6
    )
}

/// A UUID-shaped id made from a run number and a counter (unique per
/// run; the collector only checks the shape).
pub fn test_id(run: u32, n: u64) -> String {
    format!("{run:08x}-0000-4000-8000-{n:012x}")
}
