//! `datatool import`: a district's facility list (CSV or XLSX, Chinese
//! headers, GCJ-02 or BD-09 coordinates, free-text hours) into the published
//! format, with a report of every row that was rejected or flagged.
//!
//! Every row ends in exactly one of three places, and the report lists each
//! one by its spreadsheet row number: imported, imported with warnings, or
//! rejected with the reason. Empty rows are reported too. Nothing is dropped
//! silently.
//!
//! Columns are found by their Chinese headers ([`DEFAULT_HEADERS`]); a TOML
//! mapping file can name other headers:
//!
//! ```toml
//! [columns]
//! name = "机构名称"
//! lon = "X坐标"
//! lat = "Y坐标"
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use linli_facilities::dataset::{Found, Severity, check_facility, is_personal_mobile};
use linli_facilities::districts::{self, District};
use linli_facilities::geometry::LonLat;
use linli_facilities::hours_text;
use linli_facilities::model::{
    AgeRange, Capacity, CapacityKind, Category, Facility, Form, Name, OperatingModel, Price,
    PriceUnit, Service, ServiceFunction,
};
use serde::Deserialize;

use crate::publish::sha256_hex;

/// The coordinate system of the source list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Crs {
    /// WGS-84, as GPS and GeoJSON use.
    Wgs84,
    /// GCJ-02, as Amap, Tencent and WeChat use.
    Gcj02,
    /// BD-09, as Baidu uses.
    Bd09,
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Crs::Wgs84 => "WGS-84",
            Crs::Gcj02 => "GCJ-02",
            Crs::Bd09 => "BD-09",
        })
    }
}

impl Crs {
    /// Converts a source position into WGS-84, to 6 decimal places.
    pub fn to_wgs84(self, lon: f64, lat: f64) -> LonLat {
        let (lon, lat) = match self {
            Crs::Wgs84 => (lon, lat),
            Crs::Gcj02 => coordtransform::gcj02_to_wgs84(lon, lat),
            Crs::Bd09 => coordtransform::bd09_to_wgs84(lon, lat),
        };
        let round = |x: f64| (x * 1e6).round() / 1e6;
        LonLat::new(round(lon), round(lat))
    }
}

/// The fields a district list can have, each with the headers it is known by.
pub const DEFAULT_HEADERS: &[(&str, &[&str])] = &[
    ("id", &["编号", "设施编号", "ID"]),
    ("name", &["设施名称", "名称", "机构名称", "站点名称"]),
    ("district", &["所属区", "区", "区县", "行政区"]),
    (
        "subdistrict",
        &["街道", "街道（乡镇）", "街道(乡镇)", "街乡", "乡镇"],
    ),
    ("community", &["社区", "所属社区", "社区（村）"]),
    ("address", &["地址", "详细地址", "设施地址"]),
    ("lon", &["经度", "X坐标", "lng", "lon"]),
    ("lat", &["纬度", "Y坐标", "lat"]),
    (
        "functions",
        &["服务内容", "服务功能", "服务类型", "服务项目"],
    ),
    ("category", &["服务类别", "服务性质", "类别"]),
    ("hours", &["开放时间", "营业时间", "服务时间"]),
    ("phone", &["联系电话", "电话", "服务电话"]),
    ("operator", &["运营机构", "运营单位", "运营主体"]),
    ("operating_model", &["运营模式", "运营方式"]),
    ("form", &["设施形态", "建设形式", "形态"]),
    ("pilot", &["是否试点", "试点"]),
    (
        "meal_price",
        &["助餐价格", "餐费", "餐费（元）", "餐费(元)"],
    ),
    ("beds_total", &["床位数", "养老床位"]),
    ("beds_available", &["空余床位", "空闲床位"]),
    ("places_total", &["托位数", "托育托位"]),
    ("places_available", &["空余托位", "空闲托位"]),
    ("updated", &["更新日期", "核实日期", "统计日期"]),
];

/// Fields without which a row cannot become a record.
const REQUIRED: &[&str] = &["name", "district", "lon", "lat", "functions"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Mapping {
    columns: BTreeMap<String, String>,
}

/// What happened to one source row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Imported without remarks.
    Imported,
    /// Imported; the notes say what was changed or is doubtful.
    Flagged(Vec<String>),
    /// Not imported, and why.
    Rejected(Vec<String>),
    /// The row has no values.
    Empty,
}

/// One line of the import report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReport {
    /// The spreadsheet row number (the header is row 1).
    pub row: usize,
    /// The row's facility name, when it has one.
    pub name: Option<String>,
    /// What happened to it.
    pub outcome: Outcome,
}

/// The result of an import: the records, and what happened to every row.
#[derive(Debug, Clone)]
pub struct Import {
    /// Records that were imported, with or without warnings.
    pub facilities: Vec<Facility>,
    /// One entry per source row, in row order.
    pub rows: Vec<RowReport>,
    /// The source file's name.
    pub source: String,
    /// The source coordinate system.
    pub crs: Crs,
}

impl Import {
    /// How many rows ended in each outcome: (imported, flagged, rejected, empty).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        self.rows
            .iter()
            .fold((0, 0, 0, 0), |(i, f, r, e), row| match row.outcome {
                Outcome::Imported => (i + 1, f, r, e),
                Outcome::Flagged(_) => (i, f + 1, r, e),
                Outcome::Rejected(_) => (i, f, r + 1, e),
                Outcome::Empty => (i, f, r, e + 1),
            })
    }
}

impl fmt::Display for Import {
    /// The report as district staff read it: totals first, then every row
    /// that needs attention.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ok, flagged, rejected, empty) = self.counts();
        writeln!(
            f,
            "导入报告 Import report: {} (coordinates {} → WGS-84)",
            self.source, self.crs
        )?;
        writeln!(
            f,
            "{} rows: {} imported, {} imported with warnings, {} rejected, {} empty",
            self.rows.len(),
            ok,
            flagged,
            rejected,
            empty
        )?;
        for row in &self.rows {
            let name = row
                .name
                .as_deref()
                .map(|n| format!(" 「{n}」"))
                .unwrap_or_default();
            match &row.outcome {
                Outcome::Imported => {}
                Outcome::Empty => writeln!(f, "row {}: empty row, skipped", row.row)?,
                Outcome::Flagged(notes) => {
                    for note in notes {
                        writeln!(f, "row {}{name}: warning: {note}", row.row)?;
                    }
                }
                Outcome::Rejected(reasons) => {
                    for reason in reasons {
                        writeln!(f, "row {}{name}: REJECTED: {reason}", row.row)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Reads `path` (`.csv` or `.xlsx`) and turns its rows into records.
///
/// `as_of` is the date used for `last_verified` and capacity counts when the
/// list has no date column: the day the district handed the list over.
pub fn import_file(
    path: &Path,
    crs: Crs,
    mapping: Option<&Path>,
    as_of: NaiveDate,
) -> Result<Import, String> {
    let table = read_table(path)?;
    let headers = match mapping {
        Some(m) => {
            let text = std::fs::read_to_string(m)
                .map_err(|e| format!("cannot read {}: {e}", m.display()))?;
            let mapping: Mapping =
                toml::from_str(&text).map_err(|e| format!("{}: {e}", m.display()))?;
            Some(mapping.columns)
        }
        None => None,
    };
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    import_table(&table, headers.as_ref(), crs, as_of, source)
}

/// A table of cells as text; the first row holds the headers.
pub type Table = Vec<Vec<String>>;

fn read_table(path: &Path) -> Result<Table, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok(parse_csv(&bytes)?)
        }
        "xlsx" | "xls" | "xlsm" | "ods" => read_workbook(path),
        _ => Err(format!("{}: expected a .csv or .xlsx file", path.display())),
    }
}

/// Parses CSV bytes in UTF-8 (with or without BOM) or, as Excel on Chinese
/// Windows writes it, GB18030.
pub fn parse_csv(bytes: &[u8]) -> Result<Table, String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.trim_start_matches('\u{feff}').to_owned(),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err("the CSV file is neither UTF-8 nor GB18030 text".into());
            }
            text.into_owned()
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|rec| rec.iter().map(|c| c.trim().to_owned()).collect())
                .map_err(|e| format!("CSV: {e}"))
        })
        .collect()
}

fn read_workbook(path: &Path) -> Result<Table, String> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut workbook =
        open_workbook_auto(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| format!("{} has no worksheet", path.display()))?
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.trim().to_owned(),
                    Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => {
                        format!("{}", *x as i64)
                    }
                    Data::Float(x) => x.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
                    // Excel stores dates as days since 1899-12-30.
                    Data::DateTime(d) => excel_date(d.as_f64()),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Error(e) => format!("#{e:?}"),
                })
                .collect()
        })
        .collect())
}

fn excel_date(serial: f64) -> String {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date");
    (epoch + chrono::Duration::days(serial.floor() as i64))
        .format("%Y-%m-%d")
        .to_string()
}

/// Turns a table into records. `headers` overrides the default header names.
pub fn import_table(
    table: &Table,
    headers: Option<&BTreeMap<String, String>>,
    crs: Crs,
    as_of: NaiveDate,
    source: String,
) -> Result<Import, String> {
    let header_row = table.first().ok_or("the file is empty: no header row")?;
    let columns = locate_columns(header_row, headers)?;
    let mut facilities: Vec<Facility> = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, cells) in table.iter().enumerate().skip(1) {
        let row = i + 1;
        let source_row = Row {
            cells,
            columns: &columns,
        };
        if cells.iter().all(|c| c.trim().is_empty()) {
            rows.push(RowReport {
                row,
                name: None,
                outcome: Outcome::Empty,
            });
            continue;
        }
        let name = Some(source_row.get("name").to_owned()).filter(|n| !n.is_empty());
        let outcome = match build(&source_row, crs, as_of) {
            Err(reasons) => Outcome::Rejected(reasons),
            Ok((facility, notes)) => {
                let key = format!("{}|{}", facility.name.zh, facility.address);
                if let Some(first) = seen.get(&key).or_else(|| seen.get(&facility.id)) {
                    Outcome::Rejected(vec![format!(
                        "duplicate of row {first} (same name and address, or same id); the first is kept"
                    )])
                } else {
                    seen.insert(key, row);
                    seen.insert(facility.id.clone(), row);
                    facilities.push(facility);
                    if notes.is_empty() {
                        Outcome::Imported
                    } else {
                        Outcome::Flagged(notes)
                    }
                }
            }
        };
        rows.push(RowReport { row, name, outcome });
    }
    Ok(Import {
        facilities,
        rows,
        source,
        crs,
    })
}

/// Column index of every known field, by header.
fn locate_columns(
    header_row: &[String],
    overrides: Option<&BTreeMap<String, String>>,
) -> Result<HashMap<String, usize>, String> {
    let known: Vec<&str> = DEFAULT_HEADERS.iter().map(|(f, _)| *f).collect();
    if let Some(map) = overrides
        && let Some(bad) = map.keys().find(|k| !known.contains(&k.as_str()))
    {
        return Err(format!(
            "mapping: unknown field {bad:?}; fields are {}",
            known.join(", ")
        ));
    }
    let mut columns = HashMap::new();
    for (field, names) in DEFAULT_HEADERS {
        let wanted: Vec<&str> = match overrides.and_then(|m| m.get(*field)) {
            Some(header) => vec![header.as_str()],
            None => names.to_vec(),
        };
        if let Some(index) = header_row.iter().position(|h| wanted.contains(&h.trim())) {
            columns.insert((*field).to_owned(), index);
        }
    }
    let missing: Vec<String> = REQUIRED
        .iter()
        .filter(|f| !columns.contains_key(**f))
        .map(|f| format!("{f} ({})", header_names(f).join(" / ")))
        .collect();
    if missing.is_empty() {
        Ok(columns)
    } else {
        Err(format!(
            "no column for {}; the headers are: {}. Name the columns with --mapping.",
            missing.join(", "),
            header_row.join(", ")
        ))
    }
}

fn header_names(field: &str) -> Vec<&'static str> {
    DEFAULT_HEADERS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, n)| n.to_vec())
        .unwrap_or_default()
}

/// The header a field was read from, for messages.
fn column_name(field: &str) -> &'static str {
    header_names(field).first().copied().unwrap_or("?")
}

fn district_of(text: &str) -> Option<&'static District> {
    let t = text.trim();
    if matches!(
        t,
        "经开区" | "北京经济技术开发区" | "亦庄" | "经济技术开发区" | "开发区"
    ) {
        return districts::by_code(districts::ETDZ_CODE);
    }
    districts::BEIJING.iter().find(|d| {
        d.code == t
            || d.name_zh == t
            || d.name_zh.trim_end_matches('区') == t
            || d.name_en.eq_ignore_ascii_case(t)
    })
}

fn function_of(label: &str) -> Option<ServiceFunction> {
    let l = label.trim();
    ServiceFunction::ALL
        .into_iter()
        .find(|f| f.label_zh() == l || f.code() == l)
        .or(match l {
            "养老" | "日间照料" | "养老照料" | "助浴" => {
                Some(ServiceFunction::ElderCare)
            }
            "托育" | "婴幼儿照护" => Some(ServiceFunction::InfantCare),
            "托管" | "课后托管" | "儿童托管服务" => Some(ServiceFunction::ChildCare),
            "助餐" | "老年餐桌" | "长者食堂" | "社区食堂" => {
                Some(ServiceFunction::Meals)
            }
            "家政" | "便民服务" => Some(ServiceFunction::Housekeeping),
            "医疗" | "健康" | "卫生服务" => Some(ServiceFunction::Health),
            "体育" | "健身" => Some(ServiceFunction::Sports),
            "文化" | "文体活动" => Some(ServiceFunction::Culture),
            "儿童游乐" | "游憩" => Some(ServiceFunction::Play),
            _ => None,
        })
}

fn category_of(text: &str) -> Option<Category> {
    let t = text.trim();
    if t.contains("基本公共") || t == "公益" || t == "免费" {
        Some(Category::BasicPublic)
    } else if t.contains("普惠") {
        Some(Category::Affordable)
    } else if t.contains("商业") || t.contains("市场") {
        Some(Category::Commercial)
    } else {
        None
    }
}

fn operating_model_of(text: &str) -> OperatingModel {
    match text.trim() {
        "公建民营" => OperatingModel::PublicBuiltPrivateRun,
        "民办公助" => OperatingModel::PrivateRunPublicAided,
        "政府购买服务" => OperatingModel::GovernmentPurchase,
        "公办公营" | "公办" => OperatingModel::PublicRun,
        "民办" => OperatingModel::PrivateRun,
        _ => OperatingModel::Other,
    }
}

fn date_of(text: &str) -> Option<NaiveDate> {
    let t = text
        .trim()
        .replace(['/', '.', '年', '月'], "-")
        .replace('日', "");
    NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()
}

fn number_of(text: &str) -> Option<f64> {
    let t = text.trim().trim_end_matches(['元', '个', '张', ' ']);
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Builds one record from a row, or gives every reason it cannot.
/// One source row with the column of each field.
struct Row<'a> {
    cells: &'a [String],
    columns: &'a HashMap<String, usize>,
}

impl<'a> Row<'a> {
    /// The cell of `field`, or "" when the list has no such column.
    fn get(&self, field: &str) -> &'a str {
        self.columns
            .get(field)
            .and_then(|&c| self.cells.get(c))
            .map_or("", String::as_str)
    }
}

fn build(
    row: &Row<'_>,
    crs: Crs,
    as_of: NaiveDate,
) -> Result<(Facility, Vec<String>), Vec<String>> {
    let get = |field: &str| row.get(field);
    let mut reasons = Vec::new();
    let mut notes = Vec::new();
    for field in REQUIRED {
        if get(field).trim().is_empty() {
            reasons.push(format!("{}: empty", column_name(field)));
        }
    }
    let district = district_of(get("district"));
    if district.is_none() && !get("district").is_empty() {
        reasons.push(format!(
            "{}: {:?} is not a Beijing district",
            column_name("district"),
            get("district")
        ));
    }
    let (lon, lat) = (number_of(get("lon")), number_of(get("lat")));
    if (lon.is_none() && !get("lon").is_empty()) || (lat.is_none() && !get("lat").is_empty()) {
        reasons.push(format!(
            "经度/纬度: {:?}, {:?} are not numbers",
            get("lon"),
            get("lat")
        ));
    }
    let mut functions = Vec::new();
    for label in get("functions")
        .split(['、', ',', '，', '/', ';', '；', ' '])
        .filter(|s| !s.trim().is_empty())
    {
        match function_of(label) {
            Some(f) if !functions.contains(&f) => functions.push(f),
            Some(_) => {}
            None => reasons.push(format!(
                "{}: {label:?} is not one of the nine service functions",
                column_name("functions")
            )),
        }
    }
    let category = match get("category") {
        "" => {
            notes.push(format!(
                "{}: empty, taken as 普惠 (affordable)",
                column_name("category")
            ));
            Category::Affordable
        }
        text => category_of(text).unwrap_or_else(|| {
            notes.push(format!(
                "{}: {text:?} not understood, taken as 普惠 (affordable)",
                column_name("category")
            ));
            Category::Affordable
        }),
    };
    let (Some(district), Some(lon), Some(lat)) = (district, lon, lat) else {
        return Err(reasons);
    };
    if !reasons.is_empty() {
        return Err(reasons);
    }
    let position = crs.to_wgs84(lon, lat);

    let hours_source = get("hours").trim();
    let (opening_hours, hours_text) = if hours_source.is_empty() {
        notes.push(format!("{}: empty, hours unknown", column_name("hours")));
        (None, None)
    } else {
        match hours_text::translate(hours_source) {
            Ok(osm) => (Some(osm), Some(hours_source.to_owned())),
            Err(e) => {
                notes.push(format!(
                    "{}: {hours_source:?} has no known pattern ({:?} not understood); kept as text, shown as hours unknown",
                    column_name("hours"),
                    e.fragment
                ));
                (None, Some(hours_source.to_owned()))
            }
        }
    };
    let mut phone = Some(get("phone").trim().to_owned()).filter(|p| !p.is_empty());
    if phone.as_deref().is_some_and(is_personal_mobile) {
        notes.push(format!(
            "{}: a personal mobile number was removed and not published; ask for the institution's number",
            column_name("phone")
        ));
        phone = None;
    }
    let updated = match get("updated") {
        "" => as_of,
        text => date_of(text).unwrap_or_else(|| {
            notes.push(format!(
                "{}: {text:?} is not a date, used {as_of}",
                column_name("updated")
            ));
            as_of
        }),
    };
    let count = |field: &str| -> Option<u32> {
        let text = get(field);
        number_of(text)
            .filter(|x| *x >= 0.0 && x.fract() == 0.0)
            .map(|x| x as u32)
    };
    let capacity = |kind, total: &str, available: &str| match (count(total), count(available)) {
        (Some(total), Some(available)) => Some(Capacity {
            kind,
            available,
            total,
            updated,
        }),
        _ => None,
    };
    let services = functions
        .iter()
        .map(|&function| {
            let mut s = Service {
                function,
                category,
                name: None,
                opening_hours: opening_hours.clone(),
                hours_text: hours_text.clone(),
                prices: Vec::new(),
                capacity: None,
                ages: None,
                no_fixed_site: false,
            };
            match function {
                ServiceFunction::Meals => {
                    if let Some(amount) = number_of(get("meal_price")) {
                        s.prices.push(Price {
                            amount_yuan: amount,
                            unit: PriceUnit::PerMeal,
                            eligible: Vec::new(),
                            note: None,
                        });
                    }
                }
                ServiceFunction::ElderCare => {
                    s.capacity = capacity(CapacityKind::ElderBeds, "beds_total", "beds_available");
                    s.ages = Some(AgeRange {
                        min_months: 60 * 12,
                        max_months: None,
                    });
                }
                ServiceFunction::InfantCare => {
                    s.capacity = capacity(
                        CapacityKind::ChildcarePlaces,
                        "places_total",
                        "places_available",
                    );
                    s.ages = Some(AgeRange {
                        min_months: 0,
                        max_months: Some(36),
                    });
                }
                _ => {}
            }
            s
        })
        .collect();
    let name = get("name").trim().to_owned();
    let address = get("address").trim().to_owned();
    let id = match get("id").trim() {
        "" => format!(
            "{}-{}",
            district.code,
            &sha256_hex(format!("{name}|{address}").as_bytes())[..10]
        ),
        given => given.to_owned(),
    };
    let facility = Facility {
        id,
        version: 1,
        name: Name { zh: name, en: None },
        district_code: district.code.to_owned(),
        district_name: district.name_zh.to_owned(),
        subdistrict: get("subdistrict").trim().to_owned(),
        community: get("community").trim().to_owned(),
        address,
        position,
        form: if get("form").contains("插花")
            || (!get("form").contains("综合") && functions.len() < 3)
        {
            Form::Scattered
        } else {
            Form::Complex
        },
        operator: get("operator").trim().to_owned(),
        operating_model: operating_model_of(get("operating_model")),
        phone,
        accessibility: Vec::new(),
        last_verified: updated,
        pilot: matches!(get("pilot").trim(), "是" | "Y" | "y" | "yes" | "true" | "1"),
        services,
    };
    split_problems(check_facility(&facility), &mut reasons, &mut notes);
    if reasons.is_empty() {
        Ok((facility, notes))
    } else {
        Err(reasons)
    }
}

/// Sorts the record checks into rejections and warnings, naming the
/// columns a district list has rather than the published field paths.
fn split_problems(found: Vec<Found>, reasons: &mut Vec<String>, notes: &mut Vec<String>) {
    for Found {
        field,
        reason,
        severity,
    } in found
    {
        let column = match field.as_str() {
            "geometry.coordinates" => "经度/纬度".to_owned(),
            "properties.phone" => column_name("phone").to_owned(),
            f if f.ends_with("opening_hours") => column_name("hours").to_owned(),
            f if f.contains("capacity") => "床位/托位".to_owned(),
            f if f.contains("prices") => column_name("meal_price").to_owned(),
            "properties.services" => column_name("functions").to_owned(),
            other => other.to_owned(),
        };
        let line = format!("{column}: {reason}");
        match severity {
            Severity::Error => reasons.push(line),
            Severity::Warning => notes.push(line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_chinese_map_coordinates_to_wgs84() {
        // Tiananmen: GCJ-02 (116.397428, 39.90923) is about 600 m off WGS-84.
        let wgs = LonLat::new(116.391_25, 39.907_83);
        let gcj = LonLat::new(116.397_428, 39.909_23);
        assert!((500.0..650.0).contains(&gcj.distance_m(wgs)));
        assert!(Crs::Gcj02.to_wgs84(gcj.lon, gcj.lat).distance_m(wgs) < 30.0);
        // BD-09 lies further off, 1.3–1.4 km in Beijing, and converts back.
        let (bd_lon, bd_lat) = coordtransform::wgs84_to_bd09(wgs.lon, wgs.lat);
        assert!((1_200.0..1_500.0).contains(&LonLat::new(bd_lon, bd_lat).distance_m(wgs)));
        assert!(Crs::Bd09.to_wgs84(bd_lon, bd_lat).distance_m(wgs) < 2.0);
        assert_eq!(Crs::Wgs84.to_wgs84(116.1, 39.9), LonLat::new(116.1, 39.9));
    }

    #[test]
    fn knows_district_and_function_spellings() {
        assert_eq!(district_of("东城").unwrap().code, "110101");
        assert_eq!(district_of("110108").unwrap().name_zh, "海淀区");
        assert_eq!(district_of("亦庄").unwrap().code, districts::ETDZ_CODE);
        assert!(district_of("天津市").is_none());
        assert_eq!(function_of("老年餐桌"), Some(ServiceFunction::Meals));
        assert_eq!(function_of("婴幼儿托育"), Some(ServiceFunction::InfantCare));
        assert_eq!(function_of("卡拉OK"), None);
        assert_eq!(
            date_of("2026年11月3日"),
            NaiveDate::from_ymd_opt(2026, 11, 3)
        );
    }

    #[test]
    fn reads_gb18030_csv() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("设施名称,所属区\n示例站,东城区\n");
        let table = parse_csv(&bytes).unwrap();
        assert_eq!(table[1], ["示例站", "东城区"]);
    }
}
