//! The questionnaire: its version, its steps and the choices each offers.
//!
//! The app draws the survey from this definition, and the collector
//! validates against the same one, so the two cannot drift apart. A change
//! to a question or a choice raises [`VERSION`].

use linli_facilities::model::{PriceUnit, ServiceFunction};
use serde::Serialize;

/// The questionnaire's version. Responses carry it; the collector accepts
/// only this one.
pub const VERSION: u32 = 1;

/// The longest open comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

/// The most people of one age band in a household.
pub const MAX_PER_BAND: u8 = 20;

/// The acceptable walking times offered, in minutes.
pub const WALK_MINUTES: [u8; 5] = [5, 10, 15, 20, 30];

/// Priorities: 1 is the most needed.
pub const PRIORITIES: [u8; 3] = [1, 2, 3];

/// What each priority means, as the survey offers it and the codebook
/// explains it: `(priority, Chinese, English)`.
pub const PRIORITY_LABELS: [(u8, &str, &str); 3] = [
    (1, "最迫切", "most urgent"),
    (2, "比较需要", "quite needed"),
    (3, "一般", "would be useful"),
];

/// The age bands of household members, in the order asked, as
/// `(field, Chinese label, English label)`. The bands are whole years of
/// age and do not overlap: a child of exactly 3 is counted in `age_3_6`
/// ("3–5 岁"), as the labels say (they had read "0–3 岁" and "3–6 岁", so a
/// 3-year-old fitted two).
pub const AGE_BANDS: [(&str, &str, &str); 7] = [
    ("age_0_3", "3 岁以下", "Under 3"),
    ("age_3_6", "3–5 岁", "3–5 years"),
    ("age_6_12", "6–11 岁", "6–11 years"),
    ("age_12_18", "12–17 岁", "12–17 years"),
    ("age_18_59", "18–59 岁", "18–59 years"),
    ("age_60_79", "60–79 岁", "60–79 years"),
    ("age_80_plus", "80 岁及以上", "80 and over"),
];

/// What a resident is willing to pay for a function, asked in bands of the
/// unit that function is usually charged in: band 0 means "only if free",
/// bands 1 to 4 run up to each limit in turn, and band 5 is above the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PayScale {
    /// The unit of the amounts.
    pub unit: PriceUnit,
    /// Upper limits of bands 1 to 4, in yuan per unit.
    pub limits_yuan: [u32; 4],
}

/// The pay scale asked for `function`. The limits follow the price ranges
/// of community services in the policy's categories: 普惠 meals around
/// 10–30 元, 普惠 childcare a few thousand 元 a month.
pub fn pay_scale(function: ServiceFunction) -> PayScale {
    let limits_yuan = match function.price_unit() {
        PriceUnit::PerMeal => [10, 20, 30, 40],
        PriceUnit::PerMonth => [1000, 2000, 3000, 4000],
        PriceUnit::PerDay => [50, 100, 150, 200],
        PriceUnit::PerHour => [30, 50, 70, 100],
        PriceUnit::PerSession => [10, 20, 50, 100],
    };
    PayScale {
        unit: function.price_unit(),
        limits_yuan,
    }
}

impl PayScale {
    /// What band `band` (0 to 5) covers, in Chinese, as the survey asks
    /// it: "只接受免费", "不超过 10 元/餐", "10–20 元/餐", "40 元/餐以上".
    pub fn band_zh(&self, band: u8) -> String {
        let unit = format!("元/{}", self.unit.label_zh());
        let l = self.limits_yuan;
        match band {
            0 => "只接受免费".to_owned(),
            1 => format!("不超过 {} {unit}", l[0]),
            b if b >= 5 => format!("{} {unit}以上", l[3]),
            b => format!("{}–{} {unit}", l[usize::from(b) - 2], l[usize::from(b) - 1]),
        }
    }

    /// [`PayScale::band_zh`] in English: "Only if free", "Up to 10 yuan
    /// per meal", "10–20 yuan per meal", "Over 40 yuan per meal".
    pub fn band_en(&self, band: u8) -> String {
        let unit = format!("yuan per {}", self.unit.label_en());
        let l = self.limits_yuan;
        match band {
            0 => "Only if free".to_owned(),
            1 => format!("Up to {} {unit}", l[0]),
            b if b >= 5 => format!("Over {} {unit}", l[3]),
            b => format!("{}–{} {unit}", l[usize::from(b) - 2], l[usize::from(b) - 1]),
        }
    }
}

/// The number of pay bands (0 to 5).
pub const PAY_BANDS: u8 = 6;

/// The times a service can be needed, as `(code, Chinese, English)`.
pub const TIMES: [(&str, &str, &str); 4] = [
    ("weekday_daytime", "工作日白天", "Weekday daytime"),
    ("weekday_evening", "工作日晚上", "Weekday evenings"),
    ("weekend", "周末", "Weekends"),
    ("school_holidays", "寒暑假", "School holidays"),
];

/// One step of the survey, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Step {
    /// The PIPL consent notice, with an explicit "agree".
    Consent,
    /// The community, chosen from the dataset's list.
    Community,
    /// Household members by age band.
    Household,
    /// Services needed, with priority.
    Needs,
    /// Days and times needed.
    Times,
    /// Willingness to pay, per needed service.
    Pay,
    /// Acceptable walking time.
    Walk,
    /// An optional open comment.
    Comment,
}

/// The questionnaire of this [`VERSION`]: its steps in order.
pub fn questionnaire() -> [Step; 8] {
    [
        Step::Consent,
        Step::Community,
        Step::Household,
        Step::Needs,
        Step::Times,
        Step::Pay,
        Step::Walk,
        Step::Comment,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay_bands_read_as_asked() {
        let meals = pay_scale(ServiceFunction::Meals);
        let bands: Vec<String> = (0..PAY_BANDS).map(|b| meals.band_zh(b)).collect();
        assert_eq!(
            bands,
            [
                "只接受免费",
                "不超过 10 元/餐",
                "10–20 元/餐",
                "20–30 元/餐",
                "30–40 元/餐",
                "40 元/餐以上"
            ]
        );
        let care = pay_scale(ServiceFunction::InfantCare);
        assert_eq!(care.band_en(0), "Only if free");
        assert_eq!(care.band_en(1), "Up to 1000 yuan per month");
        assert_eq!(care.band_en(3), "2000–3000 yuan per month");
        assert_eq!(care.band_en(5), "Over 4000 yuan per month");
    }

    #[test]
    fn pay_scales_rise_and_every_function_has_one() {
        for f in ServiceFunction::ALL {
            let s = pay_scale(f);
            assert!(s.limits_yuan.windows(2).all(|w| w[0] < w[1]), "{f:?}");
            assert!(s.limits_yuan[0] > 0);
        }
        assert_eq!(pay_scale(ServiceFunction::Meals).unit, PriceUnit::PerMeal);
    }

    #[test]
    fn consent_comes_first() {
        assert_eq!(questionnaire()[0], Step::Consent);
    }
}
