//! The facility record: one site of a community embedded service facility
//! (社区嵌入式服务设施) and the services it offers.
//!
//! Field names follow the published GeoJSON properties one to one, so that
//! `docs/dataset.md` documents both.

use chrono::NaiveDate;
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

    /// The unit a price for this function is usually quoted in: per meal
    /// for meals, per month for infant and after-school care, per day for
    /// elder care, per hour for housekeeping, per session for the rest. The
    /// finder's maximum price and the survey's pay bands are in this unit.
    pub fn price_unit(self) -> PriceUnit {
        match self {
            ServiceFunction::Meals => PriceUnit::PerMeal,
            ServiceFunction::InfantCare | ServiceFunction::ChildCare => PriceUnit::PerMonth,
            ServiceFunction::ElderCare => PriceUnit::PerDay,
            ServiceFunction::Housekeeping => PriceUnit::PerHour,
            ServiceFunction::Health
            | ServiceFunction::Sports
            | ServiceFunction::Culture
            | ServiceFunction::Play => PriceUnit::PerSession,
        }
    }

    /// Whether the function is one of the four that 第八条 asks a pilot
    /// site to offer at least two of: elder care, infant care, child care
    /// and community meals, what most residents come for.
    pub fn is_core(self) -> bool {
        matches!(
            self,
            ServiceFunction::ElderCare
                | ServiceFunction::InfantCare
                | ServiceFunction::ChildCare
                | ServiceFunction::Meals
        )
    }

    /// What the function's capacity counts, where the policy counts one:
    /// childcare places (托位) for infant and after-school care, beds (床位)
    /// for elder care. Other functions have none.
    pub fn capacity_kind(self) -> Option<CapacityKind> {
        match self {
            ServiceFunction::InfantCare | ServiceFunction::ChildCare => {
                Some(CapacityKind::ChildcarePlaces)
            }
            ServiceFunction::ElderCare => Some(CapacityKind::ElderBeds),
            _ => None,
        }
    }

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
            Category::BasicPublic => "Basic public service",
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
    /// The operator's name for the service, e.g. "日间照料" or "全日托".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Hours in OpenStreetMap `opening_hours` syntax; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening_hours: Option<String>,
    /// The hours as the source wrote them, e.g. "周一至周五 8:00-17:00".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_text: Option<String>,
    /// Prices, in yuan; empty when unknown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prices: Vec<Price>,
    /// Childcare places or elder-care beds, where they apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    /// The ages accepted, where the service is for an age group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ages: Option<AgeRange>,
    /// True for services with no fixed site, such as meal delivery: the
    /// facility's point is then its base, not where the service happens.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_fixed_site: bool,
}

/// A facility site as published: the GeoJSON Feature's properties plus its
/// point geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    /// Stable identifier, unique within the dataset.
    pub id: String,
    /// The record's version, raised by one on every change (starts at 1).
    pub version: u32,
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
    /// Position in WGS-84; in GeoJSON this is the geometry, not a property.
    #[serde(skip)]
    pub position: LonLat,
    /// Complex or scattered (第九条).
    pub form: Form,
    /// The organisation that runs the site.
    pub operator: String,
    /// How building and running are shared between government and operator.
    pub operating_model: OperatingModel,
    /// The institution's phone number; never a personal mobile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Accessibility features; empty when none are known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accessibility: Vec<Accessibility>,
    /// The day the record was last checked against the site.
    #[serde(deserialize_with = "crate::date::deserialize")]
    pub last_verified: NaiveDate,
    /// Whether the site is part of the city's pilot (第八条 applies).
    pub pilot: bool,
    /// The services offered; never empty in a valid record.
    pub services: Vec<Service>,
}

impl Facility {
    /// Whether any service of this facility provides `function`.
    pub fn offers(&self, function: ServiceFunction) -> bool {
        self.services.iter().any(|s| s.function == function)
    }

    /// The distinct functions offered, in policy order.
    pub fn functions(&self) -> Vec<ServiceFunction> {
        ServiceFunction::ALL
            .into_iter()
            .filter(|&f| self.offers(f))
            .collect()
    }
}

/// How the facility site is laid out (第九条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// 综合体: one integrated complex.
    Complex,
    /// 插花式: scattered single-function sites.
    Scattered,
}

impl Form {
    /// The Chinese term.
    pub fn label_zh(self) -> &'static str {
        match self {
            Form::Complex => "综合体",
            Form::Scattered => "插花式",
        }
    }
}

/// Who builds and who runs the facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatingModel {
    /// 公建民营: publicly built, privately run.
    PublicBuiltPrivateRun,
    /// 民办公助: privately run with public subsidy.
    PrivateRunPublicAided,
    /// 政府购买服务: the government buys the service.
    GovernmentPurchase,
    /// 公办公营: publicly built and run.
    PublicRun,
    /// 民办: privately built and run.
    PrivateRun,
    /// Any other arrangement.
    Other,
}

impl OperatingModel {
    /// The Chinese term.
    pub fn label_zh(self) -> &'static str {
        match self {
            OperatingModel::PublicBuiltPrivateRun => "公建民营",
            OperatingModel::PrivateRunPublicAided => "民办公助",
            OperatingModel::GovernmentPurchase => "政府购买服务",
            OperatingModel::PublicRun => "公办公营",
            OperatingModel::PrivateRun => "民办",
            OperatingModel::Other => "其他",
        }
    }
}

/// An accessibility feature of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Accessibility {
    /// 无障碍入口: an entrance without steps, or with a ramp.
    StepFreeEntrance,
    /// 电梯: a lift to every public floor.
    Lift,
    /// 无障碍卫生间: an accessible toilet.
    AccessibleToilet,
    /// 扶手: handrails along corridors.
    Handrails,
    /// 轮椅借用: wheelchairs to borrow.
    WheelchairLoan,
    /// 无障碍停车位: accessible parking.
    AccessibleParking,
    /// 盲道: tactile paving.
    TactilePaving,
    /// 助听环路: a hearing loop.
    HearingLoop,
}

impl Accessibility {
    /// The Chinese term.
    pub fn label_zh(self) -> &'static str {
        match self {
            Accessibility::StepFreeEntrance => "无障碍入口",
            Accessibility::Lift => "电梯",
            Accessibility::AccessibleToilet => "无障碍卫生间",
            Accessibility::Handrails => "扶手",
            Accessibility::WheelchairLoan => "轮椅借用",
            Accessibility::AccessibleParking => "无障碍停车位",
            Accessibility::TactilePaving => "盲道",
            Accessibility::HearingLoop => "助听环路",
        }
    }
}

/// What a price is charged per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceUnit {
    /// 每餐.
    PerMeal,
    /// 每天.
    PerDay,
    /// 每月.
    PerMonth,
    /// 每小时.
    PerHour,
    /// 每次.
    PerSession,
}

impl PriceUnit {
    /// The Chinese unit, as in "15 元/餐".
    pub fn label_zh(self) -> &'static str {
        match self {
            PriceUnit::PerMeal => "餐",
            PriceUnit::PerDay => "天",
            PriceUnit::PerMonth => "月",
            PriceUnit::PerHour => "小时",
            PriceUnit::PerSession => "次",
        }
    }

    /// The English unit, as in "¥15 per meal".
    pub fn label_en(self) -> &'static str {
        match self {
            PriceUnit::PerMeal => "meal",
            PriceUnit::PerDay => "day",
            PriceUnit::PerMonth => "month",
            PriceUnit::PerHour => "hour",
            PriceUnit::PerSession => "session",
        }
    }
}

/// A group of people a reduced price applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    /// 60 周岁及以上.
    #[serde(rename = "age_60_plus")]
    Age60Plus,
    /// 80 周岁及以上.
    #[serde(rename = "age_80_plus")]
    Age80Plus,
    /// 低保、低收入家庭.
    LowIncome,
    /// 残疾人.
    Disabled,
    /// 独居、空巢老人.
    LivingAlone,
    /// 本社区居民.
    LocalResident,
}

impl Eligibility {
    /// The Chinese term.
    pub fn label_zh(self) -> &'static str {
        match self {
            Eligibility::Age60Plus => "60周岁及以上",
            Eligibility::Age80Plus => "80周岁及以上",
            Eligibility::LowIncome => "低保及低收入家庭",
            Eligibility::Disabled => "残疾人",
            Eligibility::LivingAlone => "独居老人",
            Eligibility::LocalResident => "本社区居民",
        }
    }
}

/// One price of a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// The amount in yuan (元); 0 means free. Whole amounts are written
    /// without a fraction (`15`, not `15.0`).
    #[serde(serialize_with = "whole_or_fraction")]
    pub amount_yuan: f64,
    /// What the amount is charged per.
    pub unit: PriceUnit,
    /// Who this price is for; empty means everyone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eligible: Vec<Eligibility>,
    /// What the price covers, e.g. "全日托" or "一荤两素".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Writes whole yuan amounts as integers, which keeps shards small.
fn whole_or_fraction<S: serde::Serializer>(amount: &f64, s: S) -> Result<S::Ok, S::Error> {
    if amount.fract() == 0.0 && amount.abs() < 1e15 {
        s.serialize_i64(*amount as i64)
    } else {
        s.serialize_f64(*amount)
    }
}

/// What is counted by a capacity figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityKind {
    /// 托位: childcare places.
    ChildcarePlaces,
    /// 床位: elder-care beds.
    ElderBeds,
}

/// Places or beds, with the date they were counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// Places or beds.
    pub kind: CapacityKind,
    /// Free now.
    pub available: u32,
    /// In all.
    pub total: u32,
    /// The day the figures were counted.
    #[serde(deserialize_with = "crate::date::deserialize")]
    pub updated: NaiveDate,
}

/// The ages a service accepts, in months (so that "6 months to 3 years" is
/// exact); `max_months` is exclusive and `None` means no upper limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeRange {
    /// Youngest accepted age, in months.
    pub min_months: u32,
    /// The age, in months, from which a person is no longer accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_months: Option<u32>,
}

impl AgeRange {
    /// Whether the range overlaps `[from, to)` months.
    pub fn overlaps(self, from_months: u32, to_months: Option<u32>) -> bool {
        let starts_before_end = to_months.is_none_or(|to| self.min_months < to);
        let ends_after_start = self.max_months.is_none_or(|max| max > from_months);
        starts_before_end && ends_after_start
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

    #[test]
    fn only_care_functions_count_places_or_beds() {
        let counted: Vec<_> = ServiceFunction::ALL
            .into_iter()
            .filter_map(|f| f.capacity_kind().map(|k| (f, k)))
            .collect();
        assert_eq!(
            counted,
            [
                (ServiceFunction::ElderCare, CapacityKind::ElderBeds),
                (ServiceFunction::InfantCare, CapacityKind::ChildcarePlaces),
                (ServiceFunction::ChildCare, CapacityKind::ChildcarePlaces),
            ]
        );
    }

    #[test]
    fn age_ranges_overlap_half_open() {
        let infants = AgeRange {
            min_months: 6,
            max_months: Some(36),
        };
        assert!(infants.overlaps(0, Some(36)));
        assert!(!infants.overlaps(36, Some(72)));
        assert!(!infants.overlaps(0, Some(6)));
        let seniors = AgeRange {
            min_months: 60 * 12,
            max_months: None,
        };
        assert!(seniors.overlaps(60 * 12, None));
        assert!(!seniors.overlaps(0, Some(18 * 12)));
    }
}
