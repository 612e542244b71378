//! Browser adapter: fetching the published dataset over HTTP.
//!
//! This is the only place the app touches the network for facility data.
//! Parsing and validation are the facilities crate's job.

use std::fmt;
use std::sync::Arc;

use linli_facilities::dataset::{Dataset, DatasetError, parse_feature_collection};

use crate::i18n::Lang;

/// Why the dataset could not be loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// The request never got an HTTP answer (offline, blocked, bad URL).
    Network { url: String, message: String },
    /// The server answered with an error status.
    Http {
        url: String,
        status: u16,
        status_text: String,
    },
    /// The body is not a usable GeoJSON FeatureCollection.
    Format { url: String, error: DatasetError },
}

impl LoadError {
    /// A sentence for the resident, naming what went wrong and where.
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (LoadError::Network { url, message }, Lang::Zh) => {
                format!("无法连接服务器（{url}）：{message}。请检查网络后重试。")
            }
            (LoadError::Network { url, message }, Lang::En) => {
                format!(
                    "Could not reach the server ({url}): {message}. Check your connection and try again."
                )
            }
            (
                LoadError::Http {
                    url,
                    status,
                    status_text,
                },
                Lang::Zh,
            ) => {
                format!("服务器返回错误 HTTP {status} {status_text}（{url}）。")
            }
            (
                LoadError::Http {
                    url,
                    status,
                    status_text,
                },
                Lang::En,
            ) => {
                format!("The server answered HTTP {status} {status_text} for {url}.")
            }
            (LoadError::Format { url, error }, Lang::Zh) => {
                format!("数据格式错误（{url}）：{error}")
            }
            (LoadError::Format { url, error }, Lang::En) => {
                format!("The data at {url} is malformed: {error}")
            }
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

/// Fetches and parses the GeoJSON dataset at `url`.
pub async fn fetch_dataset(url: String) -> Result<Arc<Dataset>, LoadError> {
    let response = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| LoadError::Network {
            url: url.clone(),
            message: e.to_string(),
        })?;
    if !response.ok() {
        return Err(LoadError::Http {
            url,
            status: response.status(),
            status_text: response.status_text(),
        });
    }
    let text = response.text().await.map_err(|e| LoadError::Network {
        url: url.clone(),
        message: e.to_string(),
    })?;
    parse_feature_collection(&text)
        .map(Arc::new)
        .map_err(|error| LoadError::Format { url, error })
}
