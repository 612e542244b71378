//! The residents' needs survey (居民需求调查), as pure code shared by the
//! app and the collector.
//!
//! The policy asks districts to survey residents' needs before planning
//! facilities (第五条, 第二十二条). This crate holds the questionnaire
//! ([`questionnaire`], with its [`VERSION`]), the response a resident sends
//! ([`Response`]) and [`validate`], which checks every field and names each
//! failure with its path and reason, and [`aggregate`], the demand counts
//! per community and sub-district that district research builds on;
//! [`publish`] turns them into a district's tables with small counts
//! withheld by [`disclosure`]. It never asks for a name, phone
//! number, ID number, precise address or position, and it refuses free
//! text that looks like one.
//!
//! ```
//! use linli_survey::{Response, validate};
//! let body = r#"{
//!   "id": "5b0e4f1c-3d2a-4c8e-9f10-2a3b4c5d6e7f", "questionnaire": 1, "consent": true,
//!   "community": {"district_code": "110101", "subdistrict": "东四街道", "community": "示例第7社区"},
//!   "household": {"age_0_3": 0, "age_3_6": 1, "age_6_12": 0, "age_12_18": 0, "age_18_59": 2, "age_60_79": 1, "age_80_plus": 0},
//!   "needs": [{"function": "meals", "priority": 1}, {"function": "child_care", "priority": 2}],
//!   "times": ["weekday_daytime", "school_holidays"],
//!   "pay": [{"function": "meals", "band": 2}],
//!   "walk_minutes": 15
//! }"#;
//! let response: Response = serde_json::from_str(body).unwrap();
//! assert!(validate(&response).is_ok());
//! ```

pub mod aggregate;
pub mod disclosure;
pub mod gap;
pub mod publish;
pub mod questionnaire;
pub mod report;
pub mod response;
pub mod synthetic;

pub use disclosure::MIN_COUNT;
pub use publish::DistrictDemand;
pub use questionnaire::{VERSION, questionnaire};
pub use response::{FieldError, Household, Need, PayAnswer, Response, TimeNeed, validate};
