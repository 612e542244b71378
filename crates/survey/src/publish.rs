//! One district's demand tables as published to district staff (issue 6):
//! a row per community, per sub-district and for the whole district, with
//! every small count, and every count of a row that fewer than
//! [`crate::disclosure::MIN_COUNT`] households answered, withheld by
//! [`crate::disclosure`].
//!
//! Each row holds the same columns (all counts of respondents, that is of
//! households): respondents, households with a member in each age band,
//! households needing each function at any priority and at first
//! priority, households needing each time of day, households per pay band
//! for each function, and households per acceptable walk. A sub-district
//! row is the sum of its communities and the district row the sum of its
//! sub-districts, column by column; in every row the walk answers add up
//! to the respondents (each response has exactly one). These are the
//! relations a reader can use, and the ones the suppression protects
//! against.
//!
//! A reader can also subtract within a row ([`differences`]): respondents
//! minus the households with a member in a band, needing a function,
//! giving it first priority, needing a time or choosing one of its pay
//! bands are the households without; a function's need minus its
//! first priority are those who gave it second or third; its need minus
//! its pay bands are those who left its pay open. None of these is
//! published, but each follows exactly when all its cells are shown or
//! can be worked out. No relation above ties two of the columns it
//! subtracts (respondents and the walk answers aside, which no difference
//! mixes), so a difference follows exactly when each of its cells does.
//! Where a difference is small (two households of a district with no
//! member aged 18 to 59) and its whole is not (a small whole is withheld
//! already), the cheapest of its subtracted cells is therefore withheld as
//! a primary cell, which the suppression keeps from being worked out.
//!
//! And a reader can read the children a parent withholds as one group
//! ([`group_leaks`]): in a column whose parent cell is shown, the withheld
//! children add up to the parent less the shown ones. Such a group must
//! not be small either, nor a difference within its row; each one that is
//! withholds one more cell, and the suppression runs again.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::aggregate::{CommunityKey, Demand};
use crate::disclosure::{Published, determined, small_cells, suppress_marked};
use crate::questionnaire::PAY_BANDS;

/// A published count of respondents; `None` where withheld.
pub type Cell = Option<u32>;

const BANDS: usize = PAY_BANDS as usize;

/// One group's published demand; every cell counts respondents
/// (households).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// Respondents (one response per household).
    pub respondents: Cell,
    /// Households with at least one member in each age band, in the
    /// questionnaire's band order.
    pub households_with_band: [Cell; 7],
    /// Households needing each function at any priority, in
    /// `ServiceFunction::ALL` order.
    pub needs: [Cell; 9],
    /// Households giving each function first priority.
    pub first_priority: [Cell; 9],
    /// Households needing services on weekday daytimes, weekday evenings,
    /// weekends and school holidays.
    pub times: [Cell; 4],
    /// For each function, households per pay band (0 to 5).
    pub pay: [[Cell; BANDS]; 9],
    /// Households per acceptable walk, in `WALK_MINUTES` order.
    pub walk: [Cell; 5],
}

/// A community's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityRow {
    /// The community (社区) name.
    pub name: String,
    /// Its demand.
    pub row: Row,
    /// The median acceptable walk, in minutes; `None` when fewer than
    /// `min_count` households answered (use the sub-district's, see
    /// [`DistrictDemand::median_walk_for`]).
    pub median_walk_minutes: Option<u8>,
}

/// A sub-district's row and its communities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubdistrictRow {
    /// The sub-district (街道 or 乡镇) name.
    pub name: String,
    /// Its demand: the sum of its communities.
    pub row: Row,
    /// The median acceptable walk, in minutes; `None` when fewer than
    /// `min_count` households answered.
    pub median_walk_minutes: Option<u8>,
    /// Its communities, by name.
    pub communities: Vec<CommunityRow>,
}

/// One district's published demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictDemand {
    /// The district's administrative code.
    pub district_code: String,
    /// The smallest count published, in respondents: cells with
    /// `0 < n < min_count` are withheld, so is every cell of a row that
    /// fewer than `min_count` households answered, and so are cells that
    /// would let a reader work one of these out.
    pub min_count: u32,
    /// The whole district: the sum of its sub-districts.
    pub total: Row,
    /// The district's median acceptable walk, in minutes; `None` when
    /// fewer than `min_count` households answered.
    pub median_walk_minutes: Option<u8>,
    /// Its sub-districts, by name.
    pub subdistricts: Vec<SubdistrictRow>,
}

impl DistrictDemand {
    /// The median acceptable walk (minutes) to plan with for a community:
    /// its own if published, else its sub-district's, else the district's.
    pub fn median_walk_for(&self, subdistrict: &str, community: &str) -> Option<u8> {
        let sub = self.subdistricts.iter().find(|s| s.name == subdistrict);
        sub.and_then(|s| {
            s.communities
                .iter()
                .find(|c| c.name == community)
                .and_then(|c| c.median_walk_minutes)
                .or(s.median_walk_minutes)
        })
        .or(self.median_walk_minutes)
    }
}

/// Builds one district's tables from per-community demand (only keys with
/// this district code are used) and withholds small cells: every count
/// with `0 < n < k` respondents, every cell of a row answered by fewer
/// than `k` households (its zeros too, which would otherwise spell out
/// those households' answers), and every cell from which one of these
/// could be worked out (see [`crate::disclosure`]). Medians of groups with
/// fewer than `k` respondents are not published.
pub fn publish(
    district_code: &str,
    communities: &BTreeMap<CommunityKey, Demand>,
    k: u32,
) -> DistrictDemand {
    let (published, layout) = build(district_code, communities);
    let mut primary = primary_cells(&published, &layout, k);
    // Then groups: what a parent row's withheld children add up to is
    // known (the parent less its shown children), so it must not be small
    // either, nor a difference within it; each leak withholds one more
    // cell, and the suppression runs again, until none is left.
    let withheld = loop {
        let withheld = suppress_marked(&published, &primary);
        let more = group_cells(&layout, &withheld, k);
        if more.is_empty() {
            break withheld;
        }
        for i in more {
            primary[i] = true;
        }
    };
    let row = |level: &Level| to_row(&level.shown(&withheld));
    let median = |level: &Level| median_walk(&level.values, k);
    DistrictDemand {
        district_code: district_code.to_owned(),
        min_count: k,
        total: row(&layout.district),
        median_walk_minutes: median(&layout.district),
        subdistricts: layout
            .subdistricts
            .iter()
            .map(|sub| SubdistrictRow {
                name: sub.name.clone(),
                row: row(&sub.level),
                median_walk_minutes: median(&sub.level),
                communities: sub
                    .communities
                    .iter()
                    .map(|(name, level)| CommunityRow {
                        name: name.clone(),
                        row: row(level),
                        median_walk_minutes: median(level),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Columns of a row, flattened: respondents, bands, needs, first priority,
/// times, pay (function-major), walk.
const RESPONDENTS: usize = 0;
const HOUSEHOLDS: usize = 1;
const NEEDS: usize = HOUSEHOLDS + 7;
const FIRST: usize = NEEDS + 9;
const TIMES: usize = FIRST + 9;
const PAY: usize = TIMES + 4;
const WALK: usize = PAY + 9 * BANDS;
const COLUMNS: usize = WALK + 5;

fn flatten(d: &Demand) -> [u32; COLUMNS] {
    let mut v = [0; COLUMNS];
    v[RESPONDENTS] = d.respondents;
    v[HOUSEHOLDS..NEEDS].copy_from_slice(&d.households_with_band);
    for (f, by_priority) in d.needs.iter().enumerate() {
        v[NEEDS + f] = by_priority.iter().sum();
        v[FIRST + f] = by_priority[0];
    }
    v[TIMES..PAY].copy_from_slice(&d.times);
    v[PAY..WALK].copy_from_slice(d.pay.as_flattened());
    v[WALK..COLUMNS].copy_from_slice(&d.walk);
    v
}

fn to_row(c: &[Cell; COLUMNS]) -> Row {
    fn take<const N: usize>(c: &[Cell], from: usize) -> [Cell; N] {
        std::array::from_fn(|i| c[from + i])
    }
    Row {
        respondents: c[RESPONDENTS],
        households_with_band: take(c, HOUSEHOLDS),
        needs: take(c, NEEDS),
        first_priority: take(c, FIRST),
        times: take(c, TIMES),
        pay: std::array::from_fn(|f| take(c, PAY + f * BANDS)),
        walk: take(c, WALK),
    }
}

/// A published row's cells, flattened as [`flatten`] does.
fn cells_of(row: &Row) -> [Cell; COLUMNS] {
    let mut c = [None; COLUMNS];
    c[RESPONDENTS] = row.respondents;
    c[HOUSEHOLDS..NEEDS].copy_from_slice(&row.households_with_band);
    c[NEEDS..FIRST].copy_from_slice(&row.needs);
    c[FIRST..TIMES].copy_from_slice(&row.first_priority);
    c[TIMES..PAY].copy_from_slice(&row.times);
    c[PAY..WALK].copy_from_slice(row.pay.as_flattened());
    c[WALK..COLUMNS].copy_from_slice(&row.walk);
    c
}

/// The differences a reader can form within a row, as (column, columns
/// subtracted from it), none of them published (see the module
/// documentation): respondents minus each age band, each need, each first
/// priority, each time and each function's pay bands together; each need
/// minus its first priority, and minus its pay bands.
fn differences() -> impl Iterator<Item = (usize, std::ops::Range<usize>)> {
    let from_respondents = (HOUSEHOLDS..PAY).map(|j| (RESPONDENTS, j..j + 1));
    let from_needs = (0..9).flat_map(|f| {
        let pay = PAY + f * BANDS..PAY + (f + 1) * BANDS;
        [
            (RESPONDENTS, pay.clone()),
            (NEEDS + f, FIRST + f..FIRST + f + 1),
            (NEEDS + f, pay),
        ]
    });
    from_respondents.chain(from_needs)
}

/// A row's difference `from − Σ minus` (`None` where the parts exceed the
/// whole, as answers outside the questionnaire could make them).
fn difference(values: &[u32; COLUMNS], from: usize, minus: std::ops::Range<usize>) -> Option<u32> {
    values[from].checked_sub(values[minus].iter().sum())
}

/// For each difference of a row with `0 < value < k`, the column to
/// withhold so that it cannot be worked out: the subtracted cell with the
/// smallest value, never the whole it is taken from (the respondents, or a
/// need that its first priority or pay bands are taken from). A whole that
/// is small itself is withheld already, which protects the difference; so
/// the cell chosen is never a zero (a difference whose subtracted cells are
/// all zero is its whole).
fn small_differences(values: &[u32; COLUMNS], k: u32) -> Vec<usize> {
    differences()
        .filter(|(from, minus)| {
            !(1..k).contains(&values[*from])
                && difference(values, *from, minus.clone()).is_some_and(|d| (1..k).contains(&d))
        })
        .filter_map(|(_, minus)| minus.min_by_key(|&j| (values[j] == 0, values[j])))
        .collect()
}

/// The primary cells: every count with `0 < n < k`, every cell of a row
/// answered by fewer than `k` households, and the cell each small
/// difference within a row withholds ([`small_differences`]).
fn primary_cells(published: &Published, layout: &Layout, k: u32) -> Vec<bool> {
    let mut primary = small_cells(published, k);
    for level in layout.levels() {
        if (1..k).contains(&level.values[RESPONDENTS]) {
            for &i in &level.cells {
                primary[i] = true;
            }
        }
        for j in small_differences(&level.values, k) {
            primary[level.cells[j]] = true;
        }
    }
    primary
}

/// The cells to withhold for the small groups ([`group_leaks`]) of every
/// parent row in `layout` with `withheld` withheld; empty when there is
/// none.
fn group_cells(layout: &Layout, withheld: &[bool], k: u32) -> Vec<usize> {
    let mut more = Vec::new();
    for (parent, children) in layout.families() {
        let shown: Vec<[Cell; COLUMNS]> = children.iter().map(|c| c.shown(withheld)).collect();
        for leak in group_leaks(&parent.shown(withheld), &shown, k) {
            more.push(to_withhold(&leak, parent, &children, withheld));
        }
    }
    more
}

/// A count of a group of households that a reader can work out from a
/// parent row (a sub-district, or the district) and its children: in a
/// column whose parent cell is shown, the children withheld there add up
/// to the parent less the children shown. Two communities withheld as a
/// pair are then one group of households with a row of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
enum GroupLeak {
    /// The withheld children of column `j` add up to a small count.
    Sum(usize),
    /// A difference within the group's row ([`differences`]) is small:
    /// every column of it has the same withheld children, so it counts the
    /// households of one group.
    Difference(usize, std::ops::Range<usize>),
}

/// The group counts of `parent` and its `children` (their shown cells)
/// with `0 < n < k`.
fn group_leaks(parent: &[Cell; COLUMNS], children: &[[Cell; COLUMNS]], k: u32) -> Vec<GroupLeak> {
    // Per column, with the parent shown: the group's value and which
    // children it holds.
    let group: Vec<Option<(u32, Vec<bool>)>> = (0..COLUMNS)
        .map(|j| {
            let shown: u32 = children.iter().filter_map(|c| c[j]).sum();
            let members = children.iter().map(|c| c[j].is_none()).collect();
            Some((parent[j]?.checked_sub(shown)?, members))
        })
        .collect();
    let mut leaks: Vec<GroupLeak> = group
        .iter()
        .enumerate()
        .filter(|(_, g)| g.as_ref().is_some_and(|(v, _)| (1..k).contains(v)))
        .map(|(j, _)| GroupLeak::Sum(j))
        .collect();
    for (from, minus) in differences() {
        let Some((whole, members)) = &group[from] else {
            continue;
        };
        let parts: Option<u32> = minus
            .clone()
            .map(|m| match &group[m] {
                Some((v, w)) if w == members => Some(*v),
                _ => None,
            })
            .sum();
        if members.contains(&true)
            && parts
                .and_then(|p| whole.checked_sub(p))
                .is_some_and(|d| (1..k).contains(&d))
        {
            leaks.push(GroupLeak::Difference(from, minus));
        }
    }
    leaks
}

/// The cell to withhold for a group `leak` of `parent` and `children`: a
/// shown child's cell of the column (for a difference, of a subtracted
/// column), the smallest that is not zero, which takes it into the group
/// (a sum then reaches `k`, since a shown count is at least `k`; a
/// difference no longer has the same children in every column); or, with
/// no such child, the parent's cell.
fn to_withhold(leak: &GroupLeak, parent: &Level, children: &[&Level], withheld: &[bool]) -> usize {
    let columns: Vec<usize> = match leak {
        GroupLeak::Sum(j) => vec![*j],
        GroupLeak::Difference(_, minus) => minus.clone().collect(),
    };
    columns
        .iter()
        .flat_map(|&j| children.iter().map(move |c| (c.values[j], c.cells[j])))
        .filter(|&(v, i)| v > 0 && !withheld[i])
        .min_by_key(|&(v, _)| v)
        .map_or_else(
            || {
                let j = columns
                    .iter()
                    .copied()
                    .filter(|&j| !withheld[parent.cells[j]])
                    .min_by_key(|&j| parent.values[j])
                    .unwrap_or(columns[0]);
                parent.cells[j]
            },
            |(_, i)| i,
        )
}

/// The name of column `j`, e.g. `needs[3]`.
fn column_name(j: usize) -> String {
    match j {
        RESPONDENTS => "respondents".to_owned(),
        j if j < NEEDS => format!("households_with_band[{}]", j - HOUSEHOLDS),
        j if j < FIRST => format!("needs[{}]", j - NEEDS),
        j if j < TIMES => format!("first_priority[{}]", j - FIRST),
        j if j < PAY => format!("times[{}]", j - TIMES),
        j if j < WALK => format!("pay[{}][{}]", (j - PAY) / BANDS, (j - PAY) % BANDS),
        j => format!("walk[{}]", j - WALK),
    }
}

/// What a reader could work out from a publication: the withheld cells
/// that follow from what it shows and the relations it states, named as
/// `sub-district/community column`, the small differences within a row
/// whose cells are all shown, named as `row whole − part − …`, and the
/// small counts of the children a row withholds, read as one group
/// ([`group_leaks`]); empty when the publication is safe.
///
/// This reads only the publication, as an outsider would: it rebuilds the
/// relations (sums up the hierarchy, walk answers adding up to the
/// respondents) from the rows and asks [`determined`] which withheld cells
/// follow, then subtracts within each row ([`differences`]).
pub fn recoverable(d: &DistrictDemand) -> Vec<String> {
    let mut p = Published::new();
    let mut names = Vec::new();
    // Small differences within a row whose cells are all shown; one with a
    // withheld cell follows only if that cell does, which `determined`
    // finds.
    let mut small = Vec::new();
    let mut add = |p: &mut Published, row: &Row, name: String| {
        let cells = cells_of(row);
        for (from, minus) in differences() {
            let shown: Option<u32> = minus.clone().map(|j| cells[j]).sum();
            if let (Some(whole), Some(parts)) = (cells[from], shown)
                && whole
                    .checked_sub(parts)
                    .is_some_and(|v| (1..d.min_count).contains(&v))
            {
                let subtracted: Vec<String> = minus.map(column_name).collect();
                small.push(format!(
                    "{name} {} − {}",
                    column_name(from),
                    subtracted.join(" − ")
                ));
            }
        }
        let index: [usize; COLUMNS] = std::array::from_fn(|j| {
            names.push((format!("{name} {}", column_name(j)), cells[j].is_none()));
            p.cell(cells[j].unwrap_or(0))
        });
        p.relate_unchecked(index[RESPONDENTS], index[WALK..COLUMNS].to_vec());
        index
    };
    // Counts of groups: what a row's withheld children add up to.
    let mut groups = Vec::new();
    let mut family = |name: &str, parent: &Row, children: Vec<&Row>| {
        let shown: Vec<[Cell; COLUMNS]> = children.into_iter().map(cells_of).collect();
        for leak in group_leaks(&cells_of(parent), &shown, d.min_count) {
            groups.push(match leak {
                GroupLeak::Sum(j) => format!("{name}, its withheld parts: {}", column_name(j)),
                GroupLeak::Difference(from, minus) => format!(
                    "{name}, its withheld parts: {} − {}",
                    column_name(from),
                    minus.map(column_name).collect::<Vec<_>>().join(" − ")
                ),
            });
        }
    };
    family(
        "district",
        &d.total,
        d.subdistricts.iter().map(|s| &s.row).collect(),
    );
    for sub in &d.subdistricts {
        family(
            &sub.name,
            &sub.row,
            sub.communities.iter().map(|c| &c.row).collect(),
        );
    }
    let total = add(&mut p, &d.total, "district".to_owned());
    let mut subs = Vec::new();
    for sub in &d.subdistricts {
        let parent = add(&mut p, &sub.row, sub.name.clone());
        let children: Vec<[usize; COLUMNS]> = sub
            .communities
            .iter()
            .map(|c| add(&mut p, &c.row, format!("{}/{}", sub.name, c.name)))
            .collect();
        for j in 0..COLUMNS {
            p.relate_unchecked(parent[j], children.iter().map(|c| c[j]).collect());
        }
        subs.push(parent);
    }
    for j in 0..COLUMNS {
        p.relate_unchecked(total[j], subs.iter().map(|c| c[j]).collect());
    }
    let withheld: Vec<bool> = names.iter().map(|(_, w)| *w).collect();
    let mut found: Vec<String> = determined(&p, &withheld)
        .into_iter()
        .map(|i| names[i].0.clone())
        .collect();
    found.append(&mut small);
    found.append(&mut groups);
    found
}

/// The median walk (minutes) of a group, published only from `k`
/// respondents up: below that it would be read off withheld walk cells.
fn median_walk(values: &[u32; COLUMNS], k: u32) -> Option<u8> {
    if values[RESPONDENTS] < k {
        return None;
    }
    let mut walk = [0; 5];
    walk.copy_from_slice(&values[WALK..COLUMNS]);
    Demand {
        walk,
        ..Demand::default()
    }
    .median_walk_minutes()
}

/// One row's true values and their cells in the publication.
#[derive(Debug)]
struct Level {
    values: [u32; COLUMNS],
    cells: [usize; COLUMNS],
}

impl Level {
    /// The row as published with `withheld` withheld.
    fn shown(&self, withheld: &[bool]) -> [Cell; COLUMNS] {
        std::array::from_fn(|j| (!withheld[self.cells[j]]).then_some(self.values[j]))
    }
}

/// A sub-district's row and its communities' rows, with their names.
#[derive(Debug)]
struct SubdistrictLevels {
    name: String,
    level: Level,
    communities: Vec<(String, Level)>,
}

/// The rows of a district: the district, then each sub-district with its
/// communities, names in order.
#[derive(Debug)]
struct Layout {
    district: Level,
    subdistricts: Vec<SubdistrictLevels>,
}

impl Layout {
    /// Every parent row with its children: the district with its
    /// sub-districts, then each sub-district with its communities.
    fn families(&self) -> impl Iterator<Item = (&Level, Vec<&Level>)> {
        std::iter::once((
            &self.district,
            self.subdistricts.iter().map(|s| &s.level).collect(),
        ))
        .chain(
            self.subdistricts
                .iter()
                .map(|s| (&s.level, s.communities.iter().map(|(_, l)| l).collect())),
        )
    }

    /// Every row: the district's, then each sub-district's and its
    /// communities'.
    fn levels(&self) -> impl Iterator<Item = &Level> {
        std::iter::once(&self.district).chain(
            self.subdistricts.iter().flat_map(|s| {
                std::iter::once(&s.level).chain(s.communities.iter().map(|(_, l)| l))
            }),
        )
    }
}

/// Registers every cell and relation of one district.
fn build(district_code: &str, communities: &BTreeMap<CommunityKey, Demand>) -> (Published, Layout) {
    let mut p = Published::new();
    let mut grouped: BTreeMap<&str, Vec<(&str, &Demand)>> = BTreeMap::new();
    for ((code, sub, name), demand) in communities {
        if code == district_code {
            grouped.entry(sub).or_default().push((name, demand));
        }
    }
    let mut subdistricts = Vec::new();
    for (sub, members) in grouped {
        let communities: Vec<(String, Level)> = members
            .into_iter()
            .map(|(name, d)| (name.to_owned(), level(&mut p, flatten(d))))
            .collect();
        let children: Vec<&Level> = communities.iter().map(|(_, l)| l).collect();
        let level = sum_of(&mut p, &children);
        subdistricts.push(SubdistrictLevels {
            name: sub.to_owned(),
            level,
            communities,
        });
    }
    let children: Vec<&Level> = subdistricts.iter().map(|s| &s.level).collect();
    let district = sum_of(&mut p, &children);
    (
        p,
        Layout {
            district,
            subdistricts,
        },
    )
}

/// Registers a row's cells and its walk relation.
fn level(p: &mut Published, values: [u32; COLUMNS]) -> Level {
    let cells = values.map(|v| p.cell(v));
    // Every response has one walk answer; a row where that does not hold
    // (answers outside the questionnaire) has no such relation to protect.
    let walked: u64 = values[WALK..COLUMNS].iter().map(|&n| u64::from(n)).sum();
    if walked == u64::from(values[RESPONDENTS]) {
        p.relate(cells[RESPONDENTS], cells[WALK..COLUMNS].to_vec());
    }
    Level { values, cells }
}

/// Registers the column sums of `children` as a row, with its relations.
fn sum_of(p: &mut Published, children: &[&Level]) -> Level {
    let mut values = [0u32; COLUMNS];
    for child in children {
        for (v, c) in values.iter_mut().zip(&child.values) {
            *v += c;
        }
    }
    let parent = level(p, values);
    for j in 0..COLUMNS {
        p.relate(
            parent.cells[j],
            children.iter().map(|c| c.cells[j]).collect(),
        );
    }
    parent
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::check::determined_by_rank;
    use crate::disclosure::{Relation, suppress};
    use linli_facilities::seeded::SplitMix64;

    /// A consistent random demand for `respondents` households.
    fn demand(rng: &mut SplitMix64, respondents: u32) -> Demand {
        let mut d = Demand {
            respondents,
            ..Demand::default()
        };
        let draw = |rng: &mut SplitMix64| {
            if respondents == 0 || rng.below(4) == 0 {
                0
            } else {
                rng.below(u64::from(respondents) + 1) as u32
            }
        };
        for slot in &mut d.households_with_band {
            *slot = draw(rng);
        }
        for by_priority in &mut d.needs {
            for slot in by_priority {
                *slot = draw(rng) / 3;
            }
        }
        for slot in &mut d.times {
            *slot = draw(rng);
        }
        // Pay is asked only for a needed service: a function's bands add
        // up to at most its need.
        for (row, by_priority) in d.pay.iter_mut().zip(&d.needs) {
            let need: u32 = by_priority.iter().sum();
            for slot in row {
                *slot = rng.below(u64::from(need / 6) + 1) as u32;
            }
        }
        for _ in 0..respondents {
            d.walk[rng.below(5) as usize] += 1;
        }
        d
    }

    fn key(sub: &str, name: &str) -> CommunityKey {
        ("110101".to_owned(), sub.to_owned(), name.to_owned())
    }

    /// The cells of a published row, in a fixed order of this test's own.
    fn cells(r: &Row) -> Vec<Cell> {
        let mut v = vec![r.respondents];
        v.extend(r.households_with_band);
        v.extend(r.needs);
        v.extend(r.first_priority);
        v.extend(r.times);
        v.extend(r.pay.iter().flatten());
        v.extend(r.walk);
        v
    }

    /// The true values of a demand, in the same order.
    fn truth(d: &Demand) -> Vec<u32> {
        let mut v = vec![d.respondents];
        v.extend(d.households_with_band);
        v.extend(d.needs.iter().map(|n| n[0] + n[1] + n[2]));
        v.extend(d.needs.iter().map(|n| n[0]));
        v.extend(d.times);
        v.extend(d.pay.iter().flatten());
        v.extend(d.walk);
        v
    }

    fn sum(rows: &[Vec<u32>]) -> Vec<u32> {
        (0..rows[0].len())
            .map(|j| rows.iter().map(|r| r[j]).sum())
            .collect()
    }

    /// Checks a publication against the input, independently of the
    /// engine: every shown cell is true, totals are the sums of the true
    /// values, small cells are withheld, and an f64 rank check over all
    /// relations a reader knows finds no withheld cell determined.
    fn audit(out: &DistrictDemand, input: &BTreeMap<CommunityKey, Demand>) {
        let k = out.min_count;
        let width = truth(&Demand::default()).len();
        let mut shown: Vec<Cell> = Vec::new();
        let mut actual: Vec<u32> = Vec::new();
        let mut relations: Vec<Relation> = Vec::new();
        let mut push_row = |row: &Row, values: &[u32]| -> usize {
            let start = shown.len();
            shown.extend(cells(row));
            actual.extend_from_slice(values);
            start
        };
        let mut sub_rows = Vec::new();
        let mut sub_values = Vec::new();
        for s in &out.subdistricts {
            let mut starts = Vec::new();
            let mut values = Vec::new();
            for c in &s.communities {
                let v = truth(&input[&key(&s.name, &c.name)]);
                starts.push(push_row(&c.row, &v));
                values.push(v);
            }
            let total = sum(&values);
            let start = push_row(&s.row, &total);
            for j in 0..total.len() {
                relations.push(Relation {
                    total: start + j,
                    parts: starts.iter().map(|s| s + j).collect(),
                });
            }
            sub_rows.push(start);
            sub_values.push(total);
        }
        let total = sum(&sub_values);
        let start = push_row(&out.total, &total);
        for j in 0..total.len() {
            relations.push(Relation {
                total: start + j,
                parts: sub_rows.iter().map(|s| s + j).collect(),
            });
        }
        for row in 0..shown.len() / width {
            let at = row * width;
            relations.push(Relation {
                total: at,
                parts: (at + width - 5..at + width).collect(),
            });
        }
        for (i, (&s, &v)) in shown.iter().zip(&actual).enumerate() {
            if let Some(n) = s {
                assert_eq!(n, v, "cell {i} is shown wrong");
            }
            if v > 0 && v < k {
                assert_eq!(s, None, "small cell {i} = {v} is shown");
            }
            let respondents = actual[i - i % width];
            if respondents > 0 && respondents < k {
                assert_eq!(s, None, "cell {i} of a row of {respondents} is shown");
            }
        }
        for r in &relations {
            let parts: u32 = r.parts.iter().map(|&i| actual[i]).sum();
            assert_eq!(actual[r.total], parts);
        }
        let withheld: Vec<bool> = shown.iter().map(Option::is_none).collect();
        let leaked = determined_by_rank(&relations, &withheld);
        assert!(leaked.is_empty(), "cells {leaked:?} can be worked out");
        // No cell follows, so a difference within a row follows only when
        // all its cells are shown: then it must not be small.
        for at in (0..shown.len()).step_by(width) {
            let values: [u32; COLUMNS] = std::array::from_fn(|j| actual[at + j]);
            for (from, minus) in differences() {
                let all_shown = std::iter::once(from)
                    .chain(minus.clone())
                    .all(|j| shown[at + j].is_some());
                let value = difference(&values, from, minus.clone()).expect("parts within whole");
                assert!(
                    !all_shown || !(1..k).contains(&value),
                    "row at {at}: {from} − {minus:?} = {value} can be worked out"
                );
            }
        }
    }

    fn sample(rng: &mut SplitMix64, small: u32) -> BTreeMap<CommunityKey, Demand> {
        let mut input = BTreeMap::new();
        input.insert(key("东四街道", "甲社区"), demand(rng, small));
        input.insert(key("东四街道", "乙社区"), demand(rng, 24));
        input.insert(key("东四街道", "丙社区"), demand(rng, 31));
        input.insert(key("朝阳门街道", "丁社区"), demand(rng, 18));
        input.insert(key("朝阳门街道", "戊社区"), demand(rng, 12));
        // Another district's community is ignored.
        input.insert(
            (
                "110102".to_owned(),
                "西长安街街道".to_owned(),
                "己社区".to_owned(),
            ),
            demand(rng, 2),
        );
        input
    }

    #[test]
    fn a_community_of_three_is_withheld_and_cannot_be_worked_out() {
        let mut rng = SplitMix64::new(7);
        for round in 0..3 {
            let input = sample(&mut rng, 3);
            let out = publish("110101", &input, crate::disclosure::MIN_COUNT);
            assert_eq!(out.subdistricts.len(), 2, "round {round}");
            let small = &out.subdistricts[0]
                .communities
                .iter()
                .find(|c| c.name == "甲社区")
                .expect("the small community is listed");
            // Every cell, zeros included: the zeros of three households
            // are their "no" answers.
            assert!(cells(&small.row).iter().all(Option::is_none));
            assert_eq!(small.median_walk_minutes, None);
            assert_eq!(
                out.median_walk_for("东四街道", "甲社区"),
                out.subdistricts[0].median_walk_minutes
            );
            let expected: u32 = input
                .iter()
                .filter(|(k, _)| k.0 == "110101")
                .map(|(_, d)| d.respondents)
                .sum();
            assert_eq!(out.total.respondents, Some(expected));
            audit(&out, &input);
            // Read as an outsider, nothing withheld follows from the rest...
            assert_eq!(recoverable(&out), Vec::<String>::new(), "round {round}");
            // ...but publish one complement of the small community's
            // respondents and that count can be worked out.
            let mut leaky = out.clone();
            let sub = &mut leaky.subdistricts[0];
            let truths: Vec<u32> = sub
                .communities
                .iter()
                .map(|c| input[&key("东四街道", &c.name)].respondents)
                .collect();
            let complement = sub
                .communities
                .iter_mut()
                .zip(truths)
                .find(|(c, _)| c.name != "甲社区" && c.row.respondents.is_none());
            if let Some((c, truth)) = complement {
                c.row.respondents = Some(truth);
                let found = recoverable(&leaky);
                assert!(
                    found.iter().any(|n| n == "东四街道/甲社区 respondents"),
                    "round {round}: {found:?}"
                );
            }
        }
    }

    #[test]
    fn households_without_an_answer_are_not_worked_out_by_subtraction() {
        // Every household of 东四街道 has a member aged 18 to 59 but two
        // of one community; all of them need meals, and one gives it first
        // priority and pay bands but for three and four households.
        let mut rng = SplitMix64::new(5);
        let mut input = BTreeMap::new();
        for (name, n) in [("甲社区", 93), ("乙社区", 40), ("丙社区", 25)] {
            let mut d = demand(&mut rng, n);
            d.households_with_band[2] = if name == "甲社区" { n - 2 } else { n };
            d.needs[0] = if name == "乙社区" {
                [37, 3, 0]
            } else {
                [n, 0, 0]
            };
            d.pay[0] = if name == "乙社区" {
                [10, 10, 10, 6, 0, 0]
            } else {
                [n, 0, 0, 0, 0, 0]
            };
            input.insert(key("东四街道", name), d);
        }
        let out = publish("110101", &input, 10);
        audit(&out, &input);
        assert_eq!(recoverable(&out), Vec::<String>::new());
        let sub = &out.subdistricts[0];
        let community = |name: &str| &sub.communities.iter().find(|c| c.name == name).unwrap().row;
        // The respondents stay shown; the band is withheld where two lack it.
        for row in [&out.total, &sub.row, community("甲社区")] {
            assert!(row.respondents.is_some());
            assert_eq!(row.households_with_band[2], None);
        }
        assert_eq!(community("乙社区").first_priority[0], None);
        assert!(community("乙社区").needs[0].is_some());
        // 丙社区: all 25 need meals, first priority: nothing small there.
        assert!(community("丙社区").first_priority[0].is_some());
        // Shown, the withheld band makes the difference of two readable.
        let mut leaky = out.clone();
        leaky.total.households_with_band[2] = Some(156);
        let found = recoverable(&leaky);
        assert!(
            found
                .iter()
                .any(|n| n == "district respondents − households_with_band[2]"),
            "{found:?}"
        );
    }

    #[test]
    fn first_priorities_and_pay_answers_are_taken_from_the_respondents_too() {
        // 48 of 50 give meals first priority and a pay band: the two who do
        // not must not be read off the respondents.
        let mut rng = SplitMix64::new(3);
        let mut input = BTreeMap::new();
        for (name, n) in [("甲社区", 50), ("乙社区", 60)] {
            let mut d = demand(&mut rng, n);
            d.needs[0] = [n - 2, 0, 0];
            d.pay[0] = [n - 2, 0, 0, 0, 0, 0];
            input.insert(key("东四街道", name), d);
        }
        let out = publish("110101", &input, 10);
        audit(&out, &input);
        assert_eq!(recoverable(&out), Vec::<String>::new());
        let row = &out.subdistricts[0].communities[0].row;
        assert!(row.respondents.is_some());
        // Respondents shown, so the first priority and the pay band are
        // withheld (with the need, taken from the respondents in the same
        // way).
        assert_eq!(
            (row.needs[0], row.first_priority[0], row.pay[0][0]),
            (None, None, None)
        );
    }

    /// Two small communities withheld whole, beside six large ones: the
    /// sub-district less the six is the pair's own row (14 households),
    /// whose small counts, and small differences, must not be readable
    /// either (a walkthrough read "1 household of the two needs meals").
    #[test]
    fn a_pair_of_withheld_communities_is_not_a_readable_group() {
        let mut leaked_before = 0;
        for seed in 0..8 {
            let mut rng = SplitMix64::new(100 + seed);
            let mut input = BTreeMap::new();
            for (c, n) in [26, 24, 18, 20, 16, 18].into_iter().enumerate() {
                input.insert(
                    key("东花市街道", &format!("示例第{c}社区")),
                    demand(&mut rng, n),
                );
            }
            input.insert(key("东花市街道", "示例第17社区"), demand(&mut rng, 7));
            input.insert(key("东花市街道", "示例第22社区"), demand(&mut rng, 7));
            input.insert(key("天坛街道", "示例第30社区"), demand(&mut rng, 40));
            let out = publish("110101", &input, 10);
            audit(&out, &input);
            assert_eq!(recoverable(&out), Vec::<String>::new(), "seed {seed}");
            // The same publication with the small communities withheld and
            // nothing more would leak through the group.
            let (published, layout) = build("110101", &input);
            let withheld = suppress_marked(&published, &primary_cells(&published, &layout, 10));
            leaked_before += group_cells(&layout, &withheld, 10).len();
        }
        assert!(leaked_before > 0, "the cases exercise the group check");
    }

    #[test]
    fn random_districts_pass_the_audit() {
        let mut rng = SplitMix64::new(11);
        for _ in 0..12 {
            let mut input = BTreeMap::new();
            for s in 0..1 + rng.below(3) {
                for c in 0..1 + rng.below(4) {
                    let n = if rng.below(3) == 0 {
                        1 + rng.below(9)
                    } else {
                        rng.below(40)
                    };
                    let d = demand(&mut rng, n as u32);
                    if n > 0 {
                        input.insert(key(&format!("街道{s}"), &format!("社区{c}")), d);
                    }
                }
            }
            let out = publish("110101", &input, 10);
            audit(&out, &input);
            assert_eq!(recoverable(&out), Vec::<String>::new());
        }
    }

    #[test]
    fn nothing_is_withheld_when_every_count_is_large_or_zero() {
        let big = |seed: u32| {
            let mut d = Demand {
                respondents: 100,
                walk: [20; 5],
                households_with_band: [10, 0, 30, 40, 50, 60, 0],
                times: [10, 0, 0, 12],
                ..Demand::default()
            };
            d.needs[2] = [10 + seed, 0, 11];
            // Ten or more of the needing households leave their pay open:
            // fewer would be a small difference.
            d.pay[2][3] = 11;
            d
        };
        let mut input = BTreeMap::new();
        input.insert(key("东四街道", "甲社区"), big(0));
        input.insert(key("东四街道", "乙社区"), big(5));
        input.insert(key("朝阳门街道", "丙社区"), big(9));
        let out = publish("110101", &input, 10);
        let rows = std::iter::once(&out.total)
            .chain(out.subdistricts.iter().map(|s| &s.row))
            .chain(
                out.subdistricts
                    .iter()
                    .flat_map(|s| s.communities.iter().map(|c| &c.row)),
            );
        for row in rows {
            assert!(cells(row).iter().all(Option::is_some), "{row:?}");
        }
        assert_eq!(out.total.respondents, Some(300));
        assert_eq!(out.total.needs[2], Some(3 * 21 + 14));
        assert_eq!(out.total.first_priority[2], Some(3 * 10 + 14));
        assert_eq!(out.median_walk_minutes, Some(15));
        assert_eq!(out.median_walk_for("朝阳门街道", "丙社区"), Some(15));
        assert_eq!(out.median_walk_for("无此街道", "无"), Some(15));
        audit(&out, &input);
    }

    #[test]
    fn serialises_withheld_cells_as_null() {
        let mut rng = SplitMix64::new(3);
        let input = sample(&mut rng, 4);
        let out = publish("110101", &input, 10);
        let json = serde_json::to_value(&out).expect("serialisable");
        assert_eq!(json["district_code"], "110101");
        assert_eq!(json["min_count"], 10);
        assert!(json["total"]["respondents"].is_u64());
        assert_eq!(json["total"]["pay"].as_array().map(Vec::len), Some(9));
        assert_eq!(json["total"]["pay"][0].as_array().map(Vec::len), Some(6));
        assert_eq!(json["total"]["walk"].as_array().map(Vec::len), Some(5));
        let sub = &json["subdistricts"][0];
        assert_eq!(sub["name"], "东四街道");
        let small = sub["communities"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["name"] == "甲社区"))
            .expect("the small community is listed");
        assert!(small["row"]["respondents"].is_null());
        assert!(small["median_walk_minutes"].is_null());
    }

    #[test]
    fn an_empty_district() {
        let out = publish("110101", &BTreeMap::new(), 10);
        assert!(out.subdistricts.is_empty());
        assert_eq!(out.total.respondents, Some(0));
        assert_eq!(out.median_walk_minutes, None);
    }

    /// A district of realistic size (about 20,000 cells) finishes.
    #[test]
    fn a_large_district_finishes() {
        let mut rng = SplitMix64::new(99);
        let mut input = BTreeMap::new();
        for s in 0..20 {
            for c in 0..11 {
                let n = match rng.below(4) {
                    0 => 1 + rng.below(9),
                    _ => 10 + rng.below(80),
                };
                let d = demand(&mut rng, n as u32);
                input.insert(key(&format!("街道{s}"), &format!("社区{c}")), d);
            }
        }
        let (p, _) = build("110101", &input);
        assert!(p.len() > 19_000);
        let withheld = suppress(&p, 10);
        assert!(determined(&p, &withheld).is_empty());
        for (i, &v) in p.values().iter().enumerate() {
            assert!(withheld[i] || v == 0 || v >= 10);
        }
    }
}
