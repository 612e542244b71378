//! The facility record: one site of a community embedded service facility
//! (社区嵌入式服务设施) and the services it offers.
//!
//! Field names follow the published GeoJSON properties one to one, so that
//! `docs/dataset.md` documents both.

use serde::{Deserialize, Serialize};

use crate::geometry::LonLat;

/// One of the nine service functions named by the policy (第二条, 第十三至二十一条).
///
/// The serialised form is the stable snake_case code used in the dataset
/// and in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceFunction {
    /// 养老服务: day care, short stays, rehabilitation, aid rental, bathing.
    ElderCare,
    /// 婴幼儿托育: care for children under 3 (full-day, half-day, hourly).
    InfantCare,
    /// 儿童托管: after-school and holiday care for children of 3–18.
    ChildCare,
    /// 社区助餐: community canteens and meal delivery.
    Meals,
    /// 家政便民: housekeeping and convenience services.
    Housekeeping,
    /// 健康服务: family doctors, consultation, 24-hour medicine machines.
    Health,
    /// 体育健身: sports and fitness.
    Sports,
    /// 文化休闲: culture and leisure.
    Culture,
    /// 儿童游憩: children's play.
    Play,
}

impl ServiceFunction {
    /// All nine functions, in the order the policy lists them.
    pub const ALL: [ServiceFunction; 9] = [
        ServiceFunction::ElderCare,
        ServiceFunction::InfantCare,
        ServiceFunction::ChildCare,
        ServiceFunction::Meals,
        ServiceFunction::Housekeeping,
        ServiceFunction::Health,
        ServiceFunction::Sports,
        ServiceFunction::Culture,
        ServiceFunction::Play,
    ];

    /// The stable code used in the dataset and in URLs, e.g. `"elder_care"`.
    pub fn code(self) -> &'static str {
        match self {
            ServiceFunction::ElderCare => "elder_care",
            ServiceFunction::InfantCare => "infant_care",
            ServiceFunction::ChildCare => "child_care",
            ServiceFunction::Meals => "meals",
            ServiceFunction::Housekeeping => "housekeeping",
            ServiceFunction::Health => "health",
            ServiceFunction::Sports => "sports",
            ServiceFunction::Culture => "culture",
            ServiceFunction::Play => "play",
        }
    }

    /// Parses a code as produced by [`ServiceFunction::code`].
    pub fn from_code(code: &str) -> Option<ServiceFunction> {
        ServiceFunction::ALL.into_iter().find(|f| f.code() == code)
    }

    /// The policy's Chinese term.
    pub fn label_zh(self) -> &'static str {
        match self {
            ServiceFunction::ElderCare => "养老服务",
            ServiceFunction::InfantCare => "婴幼儿托育",
            ServiceFunction::ChildCare => "儿童托管",
            ServiceFunction::Meals => "社区助餐",
            ServiceFunction::Housekeeping => "家政便民",
            ServiceFunction::Health => "健康服务",
            ServiceFunction::Sports => "体育健身",
            ServiceFunction::Culture => "文化休闲",
            ServiceFunction::Play => "儿童游憩",
        }
    }

    /// An English label.
    pub fn label_en(self) -> &'static str {
        match self {
            ServiceFunction::ElderCare => "Elder care",
            ServiceFunction::InfantCare => "Infant care (under 3)",
            ServiceFunction::ChildCare => "After-school child care",
            ServiceFunction::Meals => "Community meals",
            ServiceFunction::Housekeeping => "Housekeeping",
            ServiceFunction::Health => "Health",
            ServiceFunction::Sports => "Sports and fitness",
            ServiceFunction::Culture => "Culture and leisure",
            ServiceFunction::Play => "Children's play",
        }
    }
}

/// The policy's three service categories (第八条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 基本公共服务: government-guaranteed, often free.
    BasicPublic,
    /// 普惠非基本公共服务: affordable, price-capped.
    Affordable,
    /// 便民商业: commercial.
    Commercial,
}

impl Category {
    /// The policy's Chinese term.
    pub fn label_zh(self) -> &'static str {
        match self {
            Category::BasicPublic => "基本公共服务",
            Category::Affordable => "普惠服务",
            Category::Commercial => "便民商业",
        }
    }

    /// An English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Category::BasicPublic => "Basic public (free)",
            Category::Affordable => "Affordable (普惠)",
            Category::Commercial => "Commercial",
        }
    }
}

/// A name in Chinese, with an optional English form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Name {
    /// The Chinese name, as the operator publishes it.
    pub zh: String,
    /// An English name, when one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

/// One service offered at a facility.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Which of the nine functions this service provides.
    pub function: ServiceFunction,
    /// Basic public, affordable or commercial.
    pub category: Category,
}

/// A facility site as published: the GeoJSON Feature's properties plus its
/// point geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct Facility {
    /// Stable identifier, unique within the dataset.
    pub id: String,
    /// The facility's name.
    pub name: Name,
    /// GB/T 2260 district code, e.g. `"110101"` for 东城区.
    pub district_code: String,
    /// District name, e.g. `"东城区"`.
    pub district_name: String,
    /// Sub-district or town (街道/乡镇).
    pub subdistrict: String,
    /// Community (社区).
    pub community: String,
    /// Street address.
    pub address: String,
    /// Position in WGS-84.
    pub position: LonLat,
    /// The services offered; never empty in a valid record.
    pub services: Vec<Service>,
}

impl Facility {
    /// Whether any service of this facility provides `function`.
    pub fn offers(&self, function: ServiceFunction) -> bool {
        self.services.iter().any(|s| s.function == function)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_codes_round_trip() {
        for f in ServiceFunction::ALL {
            assert_eq!(ServiceFunction::from_code(f.code()), Some(f));
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.code()));
        }
        assert_eq!(ServiceFunction::from_code("elderly"), None);
    }
}
