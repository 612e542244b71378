//! Interface text, Chinese first with English available.
//!
//! Every message lives in [`Msg`] so that the compiler checks that each one
//! has both languages. Domain labels (service functions, categories) come
//! from `linli_facilities::model`.

use linli_facilities::finder::AgeBand;
use linli_facilities::model::{Category, ServiceFunction};

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Picks the Chinese or the English of a pair.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A fixed piece of interface text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    AppName,
    Tagline,
    SwitchLanguage,
    SampleBanner,
    ServiceFilter,
    AllServices,
    Position,
    SamplePosition,
    Loading,
    LoadFailed,
    Retry,
    /// An empty list; what would find something is offered below it.
    NoResults,
    /// An empty list that a time asked for empties.
    NothingOpenNow,
    NothingOpenThen,
    /// An empty list that neither a longer walk, any time nor fewer
    /// filters would fill.
    NothingFarther,
    SkippedRecords,
    StraightLine,
    WalkAbout,
    Minutes,
    Metres,
    ResultsHeading,
    /// The link that takes the keyboard past the header and the filters.
    SkipToResults,
    /// The link that takes the keyboard past the header to the survey or a
    /// facility page.
    SkipToContent,
    WalkTime,
    WalkSpeed,
    SpeedStandard,
    SpeedSenior,
    OpenNow,
    PartlyOpenNow,
    ClosedNow,
    HoursUnknown,
    /// The hours shown are an ordinary day's: the year's holidays are not
    /// in the calendar yet.
    HolidaysUnlisted,
    /// A facility whose services' hours wait on the year's holidays.
    HoursUnconfirmed,
    Filters,
    CategoryFilter,
    AllCategories,
    AgeFilter,
    AnyAge,
    MaxPrice,
    /// Which prices the maximum is compared with.
    MaxPriceHint,
    OpenNowFilter,
    FreePlacesFilter,
    ElderMode,
    MyPosition,
    UseMyLocation,
    OpeningSoon,
    /// Open, closing soon after a walk there.
    ClosingSoon,
    ClosedToday,
    Today,
    /// The states at a chosen time rather than now.
    OpenThen,
    PartlyOpenThen,
    ClosedThen,
    OpeningSoonThen,
    ClosingSoonThen,
    /// Open, but closed by the end of the walk there.
    ClosesBeforeArrival,
    ClosesBeforeArrivalThen,
}

impl Msg {
    /// The message in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        use Msg::*;
        match self {
            AppName => lang.pick("邻里", "Linli"),
            Tagline => lang.pick("社区嵌入式服务设施查找", "Find community services near you"),
            SwitchLanguage => lang.pick("English", "中文"),
            SampleBanner => lang.pick(
                "示例数据：以下设施为演示用，并非真实设施。",
                "Sample data: these facilities are for demonstration and do not exist.",
            ),
            ServiceFilter => lang.pick("服务类型", "Service"),
            AllServices => lang.pick("全部服务", "All services"),
            Position => lang.pick("当前位置", "Your position"),
            SamplePosition => lang.pick(
                "尚未设置，暂按示例位置（东城区东四附近）计算步行时间",
                "Not set yet: walks are from a sample position near Dongsi, Dongcheng",
            ),
            Loading => lang.pick("正在加载设施数据…", "Loading facilities…"),
            LoadFailed => lang.pick("设施数据加载失败", "Could not load the facility data"),
            Retry => lang.pick("重试", "Try again"),
            NoResults => lang.pick(
                "步行范围内没有符合条件的设施。下面的办法能找到一些：",
                "No facility within this walk matches. One of these finds some:",
            ),
            NothingOpenNow => lang.pick(
                "步行范围内现在没有正在营业的符合条件的设施。",
                "Nothing within this walk that matches is open now.",
            ),
            NothingOpenThen => lang.pick(
                "步行范围内在所选时间没有营业的符合条件的设施。",
                "Nothing within this walk that matches is open at the chosen time.",
            ),
            NothingFarther => lang.pick(
                "步行 30 分钟内也没有符合条件的设施。可以选择其他服务类型，或换一个社区。",
                "Nothing matches within a 30-minute walk either. Try another service or another community.",
            ),
            SkippedRecords => lang.pick("条记录有误，已跳过", "records were invalid and skipped"),
            StraightLine => lang.pick("直线", "straight line"),
            WalkAbout => lang.pick("步行约", "about"),
            Minutes => lang.pick("分钟", "min walk"),
            Metres => lang.pick("米", "m"),
            ResultsHeading => lang.pick("附近设施（由近到远）", "Nearby facilities, nearest first"),
            SkipToResults => lang.pick("跳到查找结果", "Skip to the results"),
            SkipToContent => lang.pick("跳到正文", "Skip to the main content"),
            WalkTime => lang.pick("步行时间", "Walking time"),
            WalkSpeed => lang.pick("步行速度", "Walking speed"),
            SpeedStandard => lang.pick("一般（每分钟约60米）", "Standard (about 60 m a minute)"),
            SpeedSenior => lang.pick("长者（每分钟约45米）", "Senior (about 45 m a minute)"),
            OpenNow => lang.pick("营业中", "Open now"),
            PartlyOpenNow => lang.pick("部分服务营业中", "Some services open now"),
            ClosedNow => lang.pick("现在未营业", "Closed now"),
            HoursUnknown => lang.pick("营业时间未知", "Hours unknown"),
            HoursUnconfirmed => lang.pick("开放时间待确认", "Hours to be confirmed"),
            HolidaysUnlisted => lang.pick(
                "节假日安排未收录，按平日时间",
                "usual hours: the year's holidays are not listed yet",
            ),
            Filters => lang.pick("筛选条件", "Filters"),
            CategoryFilter => lang.pick("服务类别", "Category"),
            AllCategories => lang.pick("全部类别", "Any category"),
            AgeFilter => lang.pick("服务对象年龄", "Age"),
            AnyAge => lang.pick("不限年龄", "Any age"),
            MaxPrice => lang.pick(
                "最高价格（元，按各服务的常用计价单位；不填为不限）",
                "Maximum price (yuan, in each service's usual unit; empty for any)",
            ),
            MaxPriceHint => lang.pick(
                "按所有服务对象都适用的价格比较；针对部分人群的优惠价见各设施。",
                "Compared with the price all of a service's users pay; reduced prices for some groups are on each facility's page.",
            ),
            OpenNowFilter => lang.pick("现在营业", "Open now"),
            FreePlacesFilter => lang.pick("只看有空余托位或床位的", "With free places only"),
            ElderMode => lang.pick("长辈模式", "Senior mode"),
            MyPosition => lang.pick("我的位置", "My location"),
            UseMyLocation => lang.pick("使用我的位置", "Use my location"),
            OpeningSoon => lang.pick("即将营业", "Opening soon"),
            ClosingSoon => lang.pick("即将结束营业", "Closing soon"),
            ClosedToday => lang.pick("今日休息", "Closed today"),
            Today => lang.pick("今日", "Today"),
            OpenThen => lang.pick("届时营业", "Open then"),
            PartlyOpenThen => lang.pick("届时部分服务营业", "Some services open then"),
            ClosedThen => lang.pick("届时未营业", "Closed then"),
            OpeningSoonThen => lang.pick("届时即将营业", "Opening soon then"),
            ClosingSoonThen => lang.pick("届时即将结束营业", "Closes soon after that time"),
            ClosesBeforeArrival => lang.pick("走到时已结束营业", "Closed by the time you walk there"),
            ClosesBeforeArrivalThen => lang.pick("那时出发，走到时已结束营业", "Closed by the time you would walk there"),
        }
    }
}

/// A day without its year: "11月30日" or "30 Nov".
pub fn short_date(d: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match lang {
        Lang::Zh => format!("{}月{}日", d.month(), d.day()),
        Lang::En => format!("{} {}", d.day(), MONTHS[d.month0() as usize]),
    }
}

/// A weekday's short name: "周四", "Thu".
pub fn weekday_label(d: chrono::Weekday, lang: Lang) -> &'static str {
    let i = d.num_days_from_monday() as usize;
    match lang {
        Lang::Zh => ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][i],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

/// What a panel whose load has failed `failures` times in a row adds, from
/// the second failure: a retry that fails the same way says so.
pub fn failed_again(failures: u32, lang: Lang) -> Option<String> {
    (failures > 1).then(|| match lang {
        Lang::Zh => format!("重试后仍未成功（已失败 {failures} 次）。"),
        Lang::En => format!("Trying again did not help ({failures} attempts failed)."),
    })
}

/// Formats "N results" in `lang`.
pub fn result_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("共 {n} 处"),
        Lang::En if n == 1 => "1 facility".to_owned(),
        Lang::En => format!("{n} facilities"),
    }
}

/// An age band's label, in whole years of age as the survey's are, e.g.
/// "3–5 岁": the bands do not overlap, so a child of 6 fits one ("3–6 岁"
/// and "6–12 岁" had both seemed to fit).
pub fn age_label(band: AgeBand, lang: Lang) -> &'static str {
    match (band, lang) {
        (AgeBand::Under3, Lang::Zh) => "3 岁以下（托育）",
        (AgeBand::From3To6, Lang::Zh) => "3–5 岁",
        (AgeBand::From6To12, Lang::Zh) => "6–11 岁",
        (AgeBand::From12To18, Lang::Zh) => "12–17 岁",
        (AgeBand::Senior, Lang::Zh) => "60 岁及以上",
        (AgeBand::Under3, Lang::En) => "Under 3 (infant care)",
        (AgeBand::From3To6, Lang::En) => "3–5 years",
        (AgeBand::From6To12, Lang::En) => "6–11 years",
        (AgeBand::From12To18, Lang::En) => "12–17 years",
        (AgeBand::Senior, Lang::En) => "60 and over",
    }
}

/// A walking-time option, e.g. "15 分钟".
pub fn walk_option(minutes: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{minutes} 分钟以内"),
        Lang::En => format!("Within {minutes} min"),
    }
}

/// An English reading of a price note that publishers write often (the
/// notes are free Chinese text: what a price covers or whom it is for),
/// for English pages; `None` for any other note, which is then shown as
/// written.
pub fn price_note_en(note: &str) -> Option<&'static str> {
    Some(match note.trim() {
        "全日托" => "full day",
        "半日托" => "half day",
        "计时托" => "by the hour",
        "一荤两素" => "one meat and two vegetable dishes",
        "含配送费" => "delivery included",
        "签约居民" => "residents signed up with a family doctor",
        "轮椅租赁" => "wheelchair hire",
        "兴趣课程" => "interest classes",
        "健康咨询、文娱活动" => "health advice and recreation",
        _ => return None,
    })
}

/// An English name for a service's own Chinese name where that name says
/// what kind of service it is (长者食堂, a seniors' canteen; 助浴, help
/// with bathing) rather than being a proper name: the kinds the brief's
/// services come as. `None` for any other name, which English pages show
/// as written, marked as Chinese.
pub fn service_name_en(name: &str) -> Option<&'static str> {
    Some(match name.trim() {
        "养老驿站" => "elder-care station",
        "日间照料" => "day care",
        "短期托养" => "short-term residential care",
        "康复护理" => "rehabilitation care",
        "辅具租赁" => "assistive devices for hire",
        "助浴" => "help with bathing",
        "长者食堂" => "seniors' canteen",
        "助餐送餐上门" => "meals delivered to the home",
        "托育" => "infant care",
        "课后托管" => "after-school care",
        "家政服务" => "housekeeping",
        "家庭医生签约服务" => "signing up with a family doctor",
        "24小时自助药柜" => "24-hour self-service medicine cabinet",
        "健身室" => "fitness room",
        "文化活动室" => "activity room",
        "儿童游戏区" => "children's play area",
        _ => return None,
    })
}

/// A service's own name as shown in `lang` ([`service_name_en`] in
/// English where there is one), and whether it is Chinese on an English
/// page, to be marked so.
pub fn service_name_shown(name: &str, lang: Lang) -> (String, bool) {
    match (lang, service_name_en(name)) {
        (Lang::En, Some(en)) => (en.to_owned(), false),
        (Lang::En, None) => (name.to_owned(), true),
        (Lang::Zh, _) => (name.to_owned(), false),
    }
}

/// The label of a service function in `lang`.
pub fn function_label(f: ServiceFunction, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => f.label_zh(),
        Lang::En => f.label_en(),
    }
}

/// A category's label: "普惠服务", "Affordable (普惠)".
pub fn category_label(c: Category, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => c.label_zh(),
        Lang::En => c.label_en(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_naturally() {
        assert_eq!(result_count(Lang::Zh, 3), "共 3 处");
        assert_eq!(result_count(Lang::En, 1), "1 facility");
        assert_eq!(result_count(Lang::En, 0), "0 facilities");
    }

    #[test]
    fn the_finders_age_bands_read_as_the_surveys_do() {
        // The same whole years of age, so that a child fits one band in
        // either place.
        let survey = linli_survey::questionnaire::AGE_BANDS;
        let bands = [
            AgeBand::Under3,
            AgeBand::From3To6,
            AgeBand::From6To12,
            AgeBand::From12To18,
        ];
        for (band, (_, zh, en)) in bands.into_iter().zip(survey) {
            assert!(age_label(band, Lang::Zh).starts_with(zh), "{band:?}");
            assert!(age_label(band, Lang::En).starts_with(en), "{band:?}");
        }
        // Each band's first and last year, from its months.
        for band in &bands[1..] {
            let (from, to) = band.months();
            let (first, last) = (from / 12, to.unwrap() / 12 - 1);
            assert_eq!(age_label(*band, Lang::Zh), format!("{first}–{last} 岁"));
        }
    }

    #[test]
    fn languages_switch_back_and_forth() {
        assert_eq!(Lang::default(), Lang::Zh);
        assert_eq!(Lang::Zh.other().other(), Lang::Zh);
        assert_eq!(Msg::SwitchLanguage.text(Lang::Zh), "English");
    }

    /// Every service of the published sample's shards.
    fn sample_services() -> Vec<linli_facilities::model::Service> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/data");
        let mut services = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "geojson") {
                let text = std::fs::read_to_string(&path).unwrap();
                let shard = linli_facilities::dataset::parse_feature_collection(&text).unwrap();
                services.extend(shard.facilities.into_iter().flat_map(|f| f.services));
            }
        }
        services
    }

    #[test]
    fn the_samples_service_names_read_in_english() {
        // Every service name of the published sample has an English one.
        let names: std::collections::BTreeSet<String> = sample_services()
            .into_iter()
            .filter_map(|s| s.name)
            .collect();
        assert!(names.len() >= 10, "{names:?}");
        for name in &names {
            assert!(!service_name_shown(name, Lang::En).1, "{name}");
            assert_eq!(service_name_shown(name, Lang::Zh), (name.clone(), false));
        }
        assert_eq!(
            service_name_shown("长者食堂", Lang::En),
            ("seniors' canteen".to_owned(), false)
        );
        // Any other name is shown as written, marked as Chinese.
        assert_eq!(
            service_name_shown("邻里互助角", Lang::En),
            ("邻里互助角".to_owned(), true)
        );
    }

    #[test]
    fn common_price_notes_read_in_english() {
        // Every note of the published sample has an English reading.
        let notes: std::collections::BTreeSet<String> = sample_services()
            .into_iter()
            .flat_map(|s| s.prices)
            .filter_map(|p| p.note)
            .collect();
        assert!(!notes.is_empty());
        for note in &notes {
            assert!(price_note_en(note).is_some(), "{note}");
        }
        assert_eq!(price_note_en(" 全日托 "), Some("full day"));
        // Any other note is shown as written.
        assert_eq!(price_note_en("周末加收 10 元"), None);
    }
}
