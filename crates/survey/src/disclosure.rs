//! Statistical disclosure control for published count tables: which cells
//! to withhold so that no small count, and nothing that reveals one, is
//! published.
//!
//! # Model
//!
//! A publication is a list of non-negative counts (cells) and the additive
//! relations between them that a reader knows or can guess, each of the
//! form `total = part + part + …` (a sub-district column is the sum of its
//! communities; a row's walk answers add up to its respondents). Cells are
//! either published (their exact value is shown) or withheld.
//!
//! * **Primary suppression.** Every cell with `0 < n < k` is withheld
//!   (`k` is normally [`MIN_COUNT`]). Zero cells are published: a zero
//!   says nobody in a group of at least `k` gave that answer, which
//!   describes no person. A zero of a *small* group does: in a community
//!   of one household, the zeros are that household's "no" answers, and
//!   the withheld cells its "yes" answers. So a caller can mark more cells
//!   sensitive ([`suppress_marked`]); [`crate::publish`] marks every cell
//!   of a row answered by fewer than `k` households, zeros included.
//! * **Determined cells.** With the published values substituted, every
//!   relation becomes a linear equation over the withheld cells. A withheld
//!   cell is *determined* when its exact value follows from these
//!   equations alone, that is when the unit vector of its column lies in
//!   the row space of the equation matrix (restricted to the withheld
//!   columns). A reader who knows the relations could work such a cell out
//!   by adding and subtracting published numbers, so it is as good as
//!   published.
//! * **Secondary suppression.** [`suppress`] withholds further cells
//!   (complements) until no withheld cell is determined.
//!
//! Only *exact* disclosure is prevented. Counts are non-negative, so a
//! reader can still bound a withheld cell (a row total of 12 with a
//! published part of 9 leaves at most 3 for the rest); such intervals are
//! not treated as disclosure, as is usual for count tables published with a
//! threshold rule. The model covers every table built from sums: two-way
//! tables with row and column totals and a grand total, hierarchies
//! (community → sub-district → district) with several columns, and both at
//! once, which is what [`crate::publish`] registers.
//!
//! # Method
//!
//! The cells are split into connected components of the relation graph
//! (two cells are linked when they appear in one relation); components are
//! independent and solved separately. Inside a component the withheld
//! cells are split again into clusters linked through relations, and each
//! cluster's equations are put into reduced row echelon form, one equation
//! at a time, with sparse rows. A withheld cell is determined exactly when
//! its column is a pivot column and its pivot row has no other nonzero
//! entry (in reduced form the combination giving a unit vector can only be
//! that row itself).
//!
//! The elimination is exact: it works modulo the prime `2^61 - 1`, with
//! `u128` products. A rank modulo a prime can only fall below the rational
//! rank when the prime divides the minors that make the difference. The
//! equation matrices here have entries 0 and ±1 and are network-like (sums
//! along hierarchies and across two-way tables, each cell in a handful of
//! relations); their nonzero minors are ±1 or small powers of two, nowhere
//! near a multiple of the prime. So the ranks, and hence which cells are
//! determined, agree with rational arithmetic, and no rounding can hide or
//! invent a dependency as it could in floating point. The tests check
//! this against floating-point elimination on thousands of random tables.

/// Smallest count published: cells with `0 < n < MIN_COUNT` respondents
/// are withheld.
pub const MIN_COUNT: u32 = 10;

/// An additive relation between cells: `values[total] == Σ values[parts]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The index of the total cell.
    pub total: usize,
    /// The indices of the cells that add up to it.
    pub parts: Vec<usize>,
}

impl Relation {
    /// The total followed by the parts.
    fn cells(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.total).chain(self.parts.iter().copied())
    }
}

/// Counts (in respondents) and the additive relations between them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    values: Vec<u32>,
    relations: Vec<Relation>,
}

impl Published {
    /// An empty publication.
    pub fn new() -> Published {
        Published::default()
    }

    /// Adds a cell holding `value` respondents; returns its index.
    pub fn cell(&mut self, value: u32) -> usize {
        self.values.push(value);
        self.values.len() - 1
    }

    /// Records that cell `total` is the sum of the cells `parts`.
    ///
    /// # Panics
    ///
    /// If an index is not a cell; in debug builds also if the values do not
    /// add up.
    pub fn relate(&mut self, total: usize, parts: Vec<usize>) {
        let n = self.values.len();
        assert!(
            total < n && parts.iter().all(|&i| i < n),
            "a relation refers to a cell that does not exist"
        );
        debug_assert_eq!(
            u64::from(self.values[total]),
            parts
                .iter()
                .map(|&i| u64::from(self.values[i]))
                .sum::<u64>(),
            "cell {total} is not the sum of {parts:?}"
        );
        self.relations.push(Relation { total, parts });
    }

    /// Records the relation like [`Published::relate`] without checking
    /// the values: for rebuilding a publication as a reader sees it, where
    /// withheld cells have no value.
    ///
    /// # Panics
    ///
    /// If an index is not a cell.
    pub fn relate_unchecked(&mut self, total: usize, parts: Vec<usize>) {
        let n = self.values.len();
        assert!(
            total < n && parts.iter().all(|&i| i < n),
            "a relation refers to a cell that does not exist"
        );
        self.relations.push(Relation { total, parts });
    }

    /// The value of cell `i`, in respondents.
    pub fn value(&self, i: usize) -> u32 {
        self.values[i]
    }

    /// Every value, by cell index.
    pub fn values(&self) -> &[u32] {
        &self.values
    }

    /// Every relation, in the order recorded.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// What a reader sees: each cell's value, or `None` where withheld.
    pub fn shown(&self, withheld: &[bool]) -> Vec<Option<u32>> {
        self.values
            .iter()
            .zip(withheld)
            .map(|(&v, &w)| (!w).then_some(v))
            .collect()
    }
}

/// Which cells to withhold (`true` = withheld), by cell index.
///
/// Primary suppression withholds every cell with `0 < n < k`; secondary
/// suppression then withholds complements until no withheld cell is
/// determined by the published cells and the relations (see the module
/// documentation). Within each connected component, rounds repeat:
///
/// 1. find the determined withheld cells;
/// 2. if none of them is primary, publish the determined ones (they are
///    complements whose value a reader can work out anyway, so showing
///    them reveals nothing new) and stop;
/// 3. otherwise, for each determined primary cell that did not gain a
///    withheld neighbour in this round, withhold one complement: an
///    unwithheld cell sharing a relation with it; failing that, one sharing
///    a relation with any withheld cell of the component; failing that, any
///    unwithheld cell of the component. The cheapest is chosen: non-zero
///    before zero, then the smallest value, then the lowest index.
///
/// Termination: every round that does not stop withholds at least one
/// cell that was published (the first determined primary cell of a round
/// always gets a complement when one exists), and the component is finite,
/// so there are at most as many rounds as cells. A round in which no
/// unwithheld cell is left also stops the loop; with relations that hold
/// it cannot happen here, since when every cell of a component is
/// withheld the equations are homogeneous and can only determine cells
/// whose true value is 0, never a cell with `0 < n < k`. (A zero marked
/// primary through [`suppress_marked`] could in principle stay determined
/// that way; the sums of [`crate::publish`] fix no single cell when all of
/// them are unknown, and its tests check the result with an independent
/// rank computation.)
///
/// Publishing the determined complements in step 2 keeps the guarantee:
/// if a withheld cell `c` is determined, then for any other withheld cell
/// `d`, `d` is determined with `c` withheld exactly when it is determined
/// with `c` published (a combination of equations giving `d` may use `c`
/// only through `c`'s own determining combination, which can be
/// subtracted). So after step 2 no withheld cell is determined.
pub fn suppress(p: &Published, k: u32) -> Vec<bool> {
    suppress_marked(p, &small_cells(p, k))
}

/// The cells with `0 < n < k`: those [`suppress`] withholds first.
pub fn small_cells(p: &Published, k: u32) -> Vec<bool> {
    p.values.iter().map(|&v| v > 0 && v < k).collect()
}

/// [`suppress`] with the primary cells given: `primary[i]` marks cell `i`
/// as one that must be withheld and must not be worked out from the rest,
/// whatever its value (zeros included).
///
/// # Panics
///
/// If `primary` has not one flag per cell.
pub fn suppress_marked(p: &Published, primary: &[bool]) -> Vec<bool> {
    assert_eq!(primary.len(), p.len(), "one flag per cell is needed");
    let mut withheld = primary.to_vec();
    let links = cell_relations(p);
    let mut ws = Workspace::new(p.len());
    for (cells, relations) in components(p) {
        if cells.iter().any(|&c| primary[c]) {
            protect(
                p,
                &Component {
                    cells: &cells,
                    relations: &relations,
                },
                &links,
                primary,
                &mut withheld,
                &mut ws,
            );
        }
    }
    withheld
}

/// The withheld cells whose exact value follows from the published cells
/// and the relations, in increasing index order. Empty for the result of
/// [`suppress`].
///
/// # Panics
///
/// If `withheld` is shorter than the number of cells.
pub fn determined(p: &Published, withheld: &[bool]) -> Vec<usize> {
    assert!(withheld.len() >= p.len(), "one flag per cell is needed");
    let all: Vec<usize> = (0..p.relations.len()).collect();
    determined_in(p, &all, withheld, &mut Workspace::new(p.len()))
}

/// The cells and relations of one connected component.
struct Component<'a> {
    cells: &'a [usize],
    relations: &'a [usize],
}

/// Secondary suppression inside one component (see [`suppress`]).
fn protect(
    p: &Published,
    comp: &Component<'_>,
    links: &[Vec<usize>],
    primary: &[bool],
    withheld: &mut [bool],
    ws: &mut Workspace,
) {
    let neighbours = |c: usize| {
        links[c]
            .iter()
            .flat_map(|&r| p.relations[r].cells())
            .filter(move |&x| x != c)
    };
    let cost = |x: usize| (p.values[x] == 0, p.values[x], x);
    loop {
        let found = determined_in(p, comp.relations, withheld, ws);
        let (sensitive, others): (Vec<usize>, Vec<usize>) =
            found.into_iter().partition(|&c| primary[c]);
        if sensitive.is_empty() {
            for c in others {
                withheld[c] = false;
            }
            return;
        }
        let mut added = Vec::new();
        for c in sensitive {
            if neighbours(c).any(|x| added.contains(&x)) {
                continue;
            }
            let snapshot: &[bool] = withheld;
            let pick = neighbours(c)
                .filter(|&x| !snapshot[x])
                .min_by_key(|&x| cost(x))
                .or_else(|| {
                    comp.cells
                        .iter()
                        .copied()
                        .filter(|&x| !snapshot[x] && neighbours(x).any(|y| snapshot[y]))
                        .min_by_key(|&x| cost(x))
                })
                .or_else(|| {
                    comp.cells
                        .iter()
                        .copied()
                        .filter(|&x| !snapshot[x])
                        .min_by_key(|&x| cost(x))
                });
            if let Some(x) = pick {
                withheld[x] = true;
                added.push(x);
            }
        }
        if added.is_empty() {
            // Only reachable when the relations do not hold (see `suppress`).
            return;
        }
    }
}

/// For each cell, the relations it appears in.
fn cell_relations(p: &Published) -> Vec<Vec<usize>> {
    let mut links = vec![Vec::new(); p.len()];
    for (r, rel) in p.relations.iter().enumerate() {
        for c in rel.cells() {
            if links[c].last() != Some(&r) {
                links[c].push(r);
            }
        }
    }
    links
}

/// The connected components of the relation graph that have relations:
/// their cells and their relations, each in increasing index order.
fn components(p: &Published) -> Vec<(Vec<usize>, Vec<usize>)> {
    let mut sets = DisjointSets::new(p.len());
    for rel in &p.relations {
        for c in &rel.parts {
            sets.union(rel.total, *c);
        }
    }
    let mut slot = vec![usize::MAX; p.len()];
    let mut out: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for (r, rel) in p.relations.iter().enumerate() {
        let root = sets.find(rel.total);
        if slot[root] == usize::MAX {
            slot[root] = out.len();
            out.push((Vec::new(), Vec::new()));
        }
        out[slot[root]].1.push(r);
    }
    for c in 0..p.len() {
        let root = sets.find(c);
        if slot[root] != usize::MAX {
            out[slot[root]].0.push(c);
        }
    }
    out
}

/// Reusable scratch space, sized to the number of cells.
struct Workspace {
    /// Per cell, its column among the withheld cells being solved, or
    /// `NONE`; reset to `NONE` after each use.
    column: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Workspace {
    fn new(cells: usize) -> Workspace {
        Workspace {
            column: vec![NONE; cells],
        }
    }
}

/// The determined withheld cells among those appearing in `relations`.
fn determined_in(
    p: &Published,
    relations: &[usize],
    withheld: &[bool],
    ws: &mut Workspace,
) -> Vec<usize> {
    // Number the withheld cells.
    let mut unknowns: Vec<usize> = Vec::new();
    for &r in relations {
        for c in p.relations[r].cells() {
            if withheld[c] && ws.column[c] == NONE {
                ws.column[c] = index_u32(unknowns.len());
                unknowns.push(c);
            }
        }
    }
    // Cluster them: withheld cells of one relation belong together.
    let mut sets = DisjointSets::new(unknowns.len());
    for &r in relations {
        let mut first = None;
        for c in p.relations[r].cells().filter(|&c| withheld[c]) {
            let u = ws.column[c] as usize;
            match first {
                None => first = Some(u),
                Some(f) => sets.union(f, u),
            }
        }
    }
    // Number each cluster's columns from 0 and collect its equations.
    let mut cluster_of_root = vec![usize::MAX; unknowns.len()];
    let mut clusters: Vec<(Vec<usize>, Vec<usize>)> = Vec::new(); // (cells, relations)
    let mut local = vec![0u32; unknowns.len()];
    for (u, &c) in unknowns.iter().enumerate() {
        let root = sets.find(u);
        if cluster_of_root[root] == usize::MAX {
            cluster_of_root[root] = clusters.len();
            clusters.push((Vec::new(), Vec::new()));
        }
        let cluster = &mut clusters[cluster_of_root[root]];
        local[u] = index_u32(cluster.0.len());
        cluster.0.push(c);
    }
    for &r in relations {
        if let Some(c) = p.relations[r].cells().find(|&c| withheld[c]) {
            let root = sets.find(ws.column[c] as usize);
            clusters[cluster_of_root[root]].1.push(r);
        }
    }

    let mut out = Vec::new();
    let mut row: Vec<(u32, u64)> = Vec::new();
    for (cells, rels) in &clusters {
        let mut basis = Basis::new(cells.len());
        for &r in rels {
            let rel = &p.relations[r];
            row.clear();
            let coefficients =
                std::iter::once((rel.total, 1)).chain(rel.parts.iter().map(|&c| (c, MINUS_ONE)));
            for (c, coefficient) in coefficients {
                if withheld[c] {
                    row.push((local[ws.column[c] as usize], coefficient));
                }
            }
            basis.insert(&row);
        }
        out.extend(basis.unit_rows().map(|col| cells[col as usize]));
    }
    for &c in &unknowns {
        ws.column[c] = NONE;
    }
    out.sort_unstable();
    out
}

fn index_u32(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 cells")
}

/// Union–find over `0..n`, with path halving and union by size.
struct DisjointSets {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> DisjointSets {
        DisjointSets {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

/// The field modulus, the Mersenne prime `2^61 - 1`.
const P: u64 = (1 << 61) - 1;
/// `-1` modulo [`P`].
const MINUS_ONE: u64 = P - 1;

fn add(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= P { s - P } else { s }
}

fn sub(a: u64, b: u64) -> u64 {
    if a >= b { a - b } else { a + P - b }
}

fn mul(a: u64, b: u64) -> u64 {
    let t = u128::from(a) * u128::from(b);
    // 2^61 ≡ 1 (mod P): fold the high bits onto the low ones. Both halves
    // are below P + 1 and P, so one subtraction suffices.
    let folded = (t as u64 & P) + (t >> 61) as u64;
    if folded >= P { folded - P } else { folded }
}

fn inverse(a: u64) -> u64 {
    // Fermat: a^(P-2) is the inverse of a nonzero a.
    let (mut base, mut exp, mut acc) = (a, P - 2, 1);
    while exp > 0 {
        if exp & 1 == 1 {
            acc = mul(acc, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    acc
}

/// A sparse matrix kept in reduced row echelon form over GF(P), grown one
/// row at a time.
struct Basis {
    /// Rows sorted by column, without zeros; each row's pivot entry is 1
    /// and every other row is 0 in that column.
    rows: Vec<Vec<(u32, u64)>>,
    /// Per column, the row whose pivot it is, or `NONE`.
    pivot_row: Vec<u32>,
    /// Dense accumulator, all zero between insertions.
    acc: Vec<u64>,
    /// Per column, whether it is in `touched`; all false between insertions.
    listed: Vec<bool>,
    /// Columns touched in `acc` during an insertion.
    touched: Vec<u32>,
}

impl Basis {
    fn new(columns: usize) -> Basis {
        Basis {
            rows: Vec::new(),
            pivot_row: vec![NONE; columns],
            acc: vec![0; columns],
            listed: vec![false; columns],
            touched: Vec::new(),
        }
    }

    /// Adds a row (entries may repeat a column; they are summed).
    fn insert(&mut self, entries: &[(u32, u64)]) {
        let Basis {
            rows,
            pivot_row,
            acc,
            listed,
            touched,
        } = self;
        fn touch(col: u32, listed: &mut [bool], touched: &mut Vec<u32>) {
            if !listed[col as usize] {
                listed[col as usize] = true;
                touched.push(col);
            }
        }
        for &(col, v) in entries {
            touch(col, listed, touched);
            acc[col as usize] = add(acc[col as usize], v);
        }
        // Reduce against existing pivots. Each basis row is zero in every
        // other pivot column, so subtracting one never changes the entry
        // at another pivot column, and the columns it brings in are never
        // pivot columns: one pass over the row's own columns is enough.
        for i in 0..touched.len() {
            let col = touched[i] as usize;
            let (b, f) = (pivot_row[col], acc[col]);
            if b == NONE || f == 0 {
                continue;
            }
            for &(c, v) in &rows[b as usize] {
                touch(c, listed, touched);
                acc[c as usize] = sub(acc[c as usize], mul(f, v));
            }
        }
        touched.sort_unstable();
        let mut new: Vec<(u32, u64)> = Vec::new();
        for &col in touched.iter() {
            listed[col as usize] = false;
            let v = std::mem::take(&mut acc[col as usize]);
            if v != 0 {
                new.push((col, v));
            }
        }
        touched.clear();
        let Some(&(pivot, lead)) = new.first() else {
            return;
        };
        let scale = inverse(lead);
        for entry in &mut new {
            entry.1 = mul(entry.1, scale);
        }
        // Clear the new pivot column from the other rows.
        for row in rows.iter_mut() {
            if let Ok(at) = row.binary_search_by_key(&pivot, |e| e.0) {
                let f = row[at].1;
                *row = subtract_scaled(row, f, &new);
            }
        }
        pivot_row[pivot as usize] = index_u32(rows.len());
        rows.push(new);
    }

    /// The pivot columns whose row has no other entry: the determined
    /// unknowns.
    fn unit_rows(&self) -> impl Iterator<Item = u32> + '_ {
        self.rows
            .iter()
            .filter(|row| row.len() == 1)
            .map(|row| row[0].0)
    }
}

/// `a - f·b` for sorted sparse rows, without zeros.
fn subtract_scaled(a: &[(u32, u64)], f: u64, b: &[(u32, u64)]) -> Vec<(u32, u64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j == b.len() || (i < a.len() && a[i].0 < b[j].0);
        let take_b = i == a.len() || (j < b.len() && b[j].0 < a[i].0);
        let (col, v) = if take_a {
            i += 1;
            a[i - 1]
        } else if take_b {
            j += 1;
            (b[j - 1].0, sub(0, mul(f, b[j - 1].1)))
        } else {
            i += 1;
            j += 1;
            (a[i - 1].0, sub(a[i - 1].1, mul(f, b[j - 1].1)))
        };
        if v != 0 {
            out.push((col, v));
        }
    }
    out
}

/// An independent check for tests: floating-point Gaussian elimination
/// with partial pivoting, sharing no code with the engine above.
#[cfg(test)]
pub(crate) mod check {
    use linli_facilities::seeded::SplitMix64;

    use super::Relation;

    const EPS: f64 = 1e-9;

    /// A row echelon form of some rows, built with partial pivoting.
    struct Echelon {
        /// Rows `0..rank`, each with its pivot column; pivots increase.
        rows: Vec<(usize, Vec<f64>)>,
    }

    impl Echelon {
        fn new(mut a: Vec<Vec<f64>>, columns: usize) -> Echelon {
            let mut rows = Vec::new();
            let mut top = 0;
            for col in 0..columns {
                if top == a.len() {
                    break;
                }
                let best = (top..a.len())
                    .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
                    .expect("rows remain");
                if a[best][col].abs() < EPS {
                    continue;
                }
                a.swap(top, best);
                let (head, below) = a.split_at_mut(top + 1);
                let pivot = &head[top];
                for row in below {
                    let f = row[col] / pivot[col];
                    if f != 0.0 {
                        for (x, y) in row[col..].iter_mut().zip(&pivot[col..]) {
                            *x -= f * y;
                        }
                    }
                }
                rows.push((col, a[top].clone()));
                top += 1;
            }
            Echelon { rows }
        }

        fn rank(&self) -> usize {
            self.rows.len()
        }

        /// The rank of these rows with `extra` appended, by carrying the
        /// elimination on to the extra row.
        fn rank_with(&self, mut extra: Vec<f64>) -> usize {
            for (col, row) in &self.rows {
                let f = extra[*col] / row[*col];
                if f != 0.0 {
                    for (x, y) in extra.iter_mut().zip(row) {
                        *x -= f * y;
                    }
                }
            }
            self.rank() + usize::from(extra.iter().any(|x| x.abs() > EPS))
        }
    }

    /// The withheld cells `c` with `rank([A; e_c]) == rank(A)`, where `A`
    /// holds the relations' coefficients on the withheld cells.
    pub(crate) fn determined_by_rank(relations: &[Relation], withheld: &[bool]) -> Vec<usize> {
        let cells: Vec<usize> = (0..withheld.len()).filter(|&i| withheld[i]).collect();
        let mut column = vec![usize::MAX; withheld.len()];
        for (j, &c) in cells.iter().enumerate() {
            column[c] = j;
        }
        let rows: Vec<Vec<f64>> = relations
            .iter()
            .map(|r| {
                let mut row = vec![0.0; cells.len()];
                if withheld[r.total] {
                    row[column[r.total]] += 1.0;
                }
                for &q in &r.parts {
                    if withheld[q] {
                        row[column[q]] -= 1.0;
                    }
                }
                row
            })
            .collect();
        let a = Echelon::new(rows, cells.len());
        cells
            .iter()
            .enumerate()
            .filter(|&(j, _)| {
                let mut unit = vec![0.0; cells.len()];
                unit[j] = 1.0;
                a.rank_with(unit) == a.rank()
            })
            .map(|(_, &c)| c)
            .collect()
    }

    /// A count for the property tests: often zero or small, sometimes
    /// large.
    pub(crate) fn count(rng: &mut SplitMix64) -> u32 {
        match rng.below(10) {
            0..=2 => 0,
            3..=6 => 1 + rng.below(9) as u32,
            _ => 10 + rng.below(60) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use linli_facilities::seeded::SplitMix64;

    use super::check::{count, determined_by_rank};
    use super::*;

    /// A table of `values` (rows × columns) with row totals, column totals
    /// and a grand total; returns the cell indices as
    /// (interior, row totals, column totals, grand total).
    #[allow(clippy::type_complexity)]
    fn two_way(
        p: &mut Published,
        values: &[Vec<u32>],
    ) -> (Vec<Vec<usize>>, Vec<usize>, Vec<usize>, usize) {
        let columns = values[0].len();
        let inner: Vec<Vec<usize>> = values
            .iter()
            .map(|row| row.iter().map(|&v| p.cell(v)).collect())
            .collect();
        let row_totals: Vec<usize> = values.iter().map(|row| p.cell(row.iter().sum())).collect();
        let column_totals: Vec<usize> = (0..columns)
            .map(|j| p.cell(values.iter().map(|row| row[j]).sum()))
            .collect();
        let grand = p.cell(values.iter().flatten().sum());
        for (i, row) in inner.iter().enumerate() {
            p.relate(row_totals[i], row.clone());
        }
        for (j, &t) in column_totals.iter().enumerate() {
            p.relate(t, inner.iter().map(|row| row[j]).collect());
        }
        p.relate(grand, row_totals.clone());
        p.relate(grand, column_totals.clone());
        (inner, row_totals, column_totals, grand)
    }

    /// Checks the guarantees of `suppress` on `p`; returns the mask.
    fn check_suppressed(p: &Published, k: u32) -> Vec<bool> {
        let withheld = suppress(p, k);
        assert_eq!(withheld.len(), p.len());
        for (i, &v) in p.values().iter().enumerate() {
            if v > 0 && v < k {
                assert!(withheld[i], "small cell {i} = {v} is published");
            }
        }
        for (i, shown) in p.shown(&withheld).into_iter().enumerate() {
            assert!(shown.is_none() || shown == Some(p.value(i)));
        }
        let leaked = determined_by_rank(p.relations(), &withheld);
        assert!(leaked.is_empty(), "cells {leaked:?} can be worked out");
        assert!(determined(p, &withheld).is_empty());
        withheld
    }

    #[test]
    fn a_small_cell_in_a_two_by_two_table_needs_four_withheld() {
        let mut p = Published::new();
        let (inner, ..) = two_way(&mut p, &[vec![3, 20], vec![15, 40]]);
        let withheld = check_suppressed(&p, MIN_COUNT);
        assert!(withheld[inner[0][0]]);
        assert!(withheld.iter().filter(|&&w| w).count() >= 4);
        // Alone it would be the difference of a total and a published cell.
        let mut only = vec![false; p.len()];
        only[inner[0][0]] = true;
        assert_eq!(determined(&p, &only), vec![inner[0][0]]);
    }

    #[test]
    fn a_lone_small_cell_takes_the_cheapest_non_zero_neighbour() {
        let mut p = Published::new();
        let cells: Vec<usize> = [4, 30, 0, 25].iter().map(|&v| p.cell(v)).collect();
        let total = p.cell(59);
        p.relate(total, cells.clone());
        let withheld = check_suppressed(&p, MIN_COUNT);
        let shown = p.shown(&withheld);
        assert_eq!(
            shown,
            vec![None, Some(30), Some(0), None, Some(59)],
            "the 4 and its complement 25 are withheld, the zero is shown"
        );
    }

    #[test]
    fn a_hierarchy_protects_small_communities_and_sub_districts() {
        // district = s1 + s2; s1 = a + b; s2 = c (one community).
        let mut p = Published::new();
        let a = p.cell(3);
        let b = p.cell(40);
        let c = p.cell(6);
        let s1 = p.cell(43);
        let s2 = p.cell(6);
        let d = p.cell(49);
        p.relate(s1, vec![a, b]);
        p.relate(s2, vec![c]);
        p.relate(d, vec![s1, s2]);
        let withheld = check_suppressed(&p, MIN_COUNT);
        assert!(withheld[a] && withheld[b] && withheld[c] && withheld[s2]);
        // s2 alone would follow from d - s1: s1 or d is withheld too.
        assert!(withheld[s1] || withheld[d]);
        // No small cells: nothing withheld.
        let mut q = Published::new();
        let x = q.cell(12);
        let y = q.cell(0);
        let t = q.cell(12);
        q.relate(t, vec![x, y]);
        assert_eq!(suppress(&q, MIN_COUNT), vec![false; 3]);
    }

    #[test]
    fn zero_cells_and_cells_outside_relations() {
        let mut p = Published::new();
        let lone = p.cell(2);
        let zero = p.cell(0);
        let big = p.cell(11);
        let withheld = check_suppressed(&p, MIN_COUNT);
        assert!(withheld[lone] && !withheld[zero] && !withheld[big]);
        assert!(determined(&Published::new(), &[]).is_empty());
    }

    #[test]
    fn modular_arithmetic() {
        for a in [1, 2, 3, 12345, P - 1, P - 2, 1 << 60] {
            assert_eq!(mul(a, inverse(a)), 1);
            assert_eq!(add(a, sub(0, a)), 0);
        }
        assert_eq!(mul(P - 1, P - 1), 1);
    }

    /// A random two-way table with totals.
    fn random_two_way(rng: &mut SplitMix64) -> Published {
        let rows = 1 + rng.below(5) as usize;
        let columns = 1 + rng.below(5) as usize;
        let values: Vec<Vec<u32>> = (0..rows)
            .map(|_| (0..columns).map(|_| count(rng)).collect())
            .collect();
        let mut p = Published::new();
        two_way(&mut p, &values);
        p
    }

    /// A random three-level hierarchy (communities → sub-districts →
    /// district) with several columns; at every level the first column is
    /// the sum of a group of columns, as respondents are of walk answers.
    fn random_hierarchy(rng: &mut SplitMix64) -> Published {
        let subdistricts = 1 + rng.below(3) as usize;
        let group = 1 + rng.below(4) as usize;
        let others = rng.below(3) as usize;
        let columns = 1 + group + others;
        let mut p = Published::new();
        let mut level_rows: Vec<Vec<usize>> = Vec::new(); // sub-district rows
        let mut sub_values: Vec<Vec<u32>> = Vec::new();
        for _ in 0..subdistricts {
            let communities = 1 + rng.below(4) as usize;
            let mut rows: Vec<Vec<usize>> = Vec::new();
            let mut sums = vec![0u32; columns];
            for _ in 0..communities {
                let mut v: Vec<u32> = (0..columns).map(|_| count(rng)).collect();
                v[0] = v[1..=group].iter().sum();
                for (s, x) in sums.iter_mut().zip(&v) {
                    *s += x;
                }
                let cells: Vec<usize> = v.iter().map(|&x| p.cell(x)).collect();
                p.relate(cells[0], cells[1..=group].to_vec());
                rows.push(cells);
            }
            let sub: Vec<usize> = sums.iter().map(|&x| p.cell(x)).collect();
            for j in 0..columns {
                p.relate(sub[j], rows.iter().map(|r| r[j]).collect());
            }
            p.relate(sub[0], sub[1..=group].to_vec());
            level_rows.push(sub);
            sub_values.push(sums);
        }
        let district: Vec<usize> = (0..columns)
            .map(|j| p.cell(sub_values.iter().map(|s| s[j]).sum()))
            .collect();
        for j in 0..columns {
            p.relate(district[j], level_rows.iter().map(|r| r[j]).collect());
        }
        p.relate(district[0], district[1..=group].to_vec());
        p
    }

    fn random_table(rng: &mut SplitMix64) -> Published {
        if rng.below(2) == 0 {
            random_two_way(rng)
        } else {
            random_hierarchy(rng)
        }
    }

    #[test]
    fn random_tables_are_protected() {
        let mut rng = SplitMix64::new(0x5eed_0001);
        let mut withheld_total = 0;
        for _ in 0..1500 {
            let p = random_table(&mut rng);
            let k = if rng.below(4) == 0 { 5 } else { MIN_COUNT };
            withheld_total += check_suppressed(&p, k).iter().filter(|&&w| w).count();
        }
        assert!(withheld_total > 0);
    }

    #[test]
    fn determined_agrees_with_an_independent_rank_check_on_random_masks() {
        let mut rng = SplitMix64::new(0x5eed_0002);
        let mut seen_determined = 0;
        for _ in 0..1000 {
            let p = random_table(&mut rng);
            let density = 2 + rng.below(6);
            let mask: Vec<bool> = (0..p.len()).map(|_| rng.below(10) < density).collect();
            let expected = determined_by_rank(p.relations(), &mask);
            seen_determined += expected.len();
            assert_eq!(determined(&p, &mask), expected);
        }
        assert!(seen_determined > 100, "the cases exercise determined cells");
    }
}
