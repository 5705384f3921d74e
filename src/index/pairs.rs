//! Counting pairs without listing them. A [`PairTree`] is a k-d tree over unit vectors (and
//! the incidents' day spans) whose nodes keep their bounds and sizes. Two trees are walked a
//! node pair at a time: a pair of nodes wholly within the limits adds `|A| × |B|` at once, a
//! pair wholly outside is dropped, and only pairs that straddle a limit are opened (Gray &
//! Moore 2001, "N-body problems in statistical learning"). The counts are exact: the node
//! bounds are computed with the same floating-point operations as the point test, and those
//! are monotone, so a node pair judged wholly within (or outside) holds no point pair that
//! the point test would judge otherwise.

use crate::geodesy::{box_gap_2, dist2};

/// Points per leaf.
const LEAF: usize = 32;

/// Above this many point pairs, a node pair's two halves are counted on two threads.
#[cfg(feature = "parallel")]
const PARALLEL_PAIRS: u64 = 1 << 22;

/// Whether node pair `a`, `b` holds enough point pairs to be split across two threads.
fn worth_two_threads(a: &Node, b: &Node) -> bool {
    #[cfg(feature = "parallel")]
    return a.len() * b.len() > PARALLEL_PAIRS;
    #[cfg(not(feature = "parallel"))]
    {
        let _ = (a, b);
        false
    }
}

/// The two node pairs that node pair (`x`, `y`) opens into: the larger node's children (a
/// leaf is never opened), each with the other node.
fn halves(a: &Node, b: &Node, x: u32, y: u32) -> [(u32, u32); 2] {
    if !a.is_leaf() && (b.is_leaf() || a.len() >= b.len()) {
        [(a.left, y), (a.right, y)]
    } else {
        [(x, b.left), (x, b.right)]
    }
}

/// Run `a` and `b`, on two threads when the crate is built with `parallel`.
fn both<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
    _parallel: bool,
) -> (A, B) {
    #[cfg(feature = "parallel")]
    if _parallel {
        return rayon::join(a, b);
    }
    (a(), b())
}

/// What makes two points a pair: a squared chord at most `chord_2` (the great-circle distance
/// through [`crate::geodesy::km_to_chord2`]) and, with `days`, day spans `[s, e]` that come
/// within that many days of each other (`s_b ≤ e_a + days` and `s_a ≤ e_b + days`, the
/// test of [`crate::IncidentIndex::during`] over the window `[s_a − days, e_a + days]`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub(crate) chord_2: f64,
    pub(crate) days: Option<i32>,
}

impl Limits {
    /// Pairs within `chord_2`, whatever their days.
    pub(crate) fn distance(chord_2: f64) -> Limits {
        Limits {
            chord_2,
            days: None,
        }
    }

    /// The definition, one pair at a time, as the brute-force tests apply it (the leaf loops
    /// inline it over arrays).
    #[cfg(test)]
    fn pair(&self, a: &[f64; 3], b: &[f64; 3], da: [i32; 2], db: [i32; 2]) -> bool {
        dist2(a, b) <= self.chord_2
            && self.days.is_none_or(|t| {
                db[0] <= da[1].saturating_add(t) && da[0] <= db[1].saturating_add(t)
            })
    }
}

#[derive(Clone, Copy, Debug)]
struct Node {
    lo: [f64; 3],
    hi: [f64; 3],
    /// Smallest and largest first day.
    start: [i32; 2],
    /// Smallest and largest last day.
    end: [i32; 2],
    begin: u32,
    end_at: u32,
    /// Children, or 0 for a leaf (the root is node 0, never a child).
    left: u32,
    right: u32,
}

impl Node {
    fn len(&self) -> u64 {
        u64::from(self.end_at - self.begin)
    }

    fn range(&self) -> std::ops::Range<usize> {
        self.begin as usize..self.end_at as usize
    }

    fn is_leaf(&self) -> bool {
        self.left == 0
    }
}

/// How a node pair stands against the limits.
#[derive(PartialEq)]
enum Verdict {
    AllPairs,
    NoPair,
    Open,
}

/// The smallest squared chord between two nodes' boxes (a lower bound of `dist2` for every
/// pair: the same operations, in the same order, on bounds).
fn min_2(a: &Node, b: &Node) -> f64 {
    box_gap_2(&a.lo, &a.hi, &b.lo, &b.hi)
}

/// The smallest and largest squared chord from `p` to `b`'s box: the bounds of [`min_2`] and
/// [`judge`] for a node holding `p` alone (the same operations, so as exact).
fn point_to_box(p: &[f64; 3], b: &Node) -> (f64, f64) {
    let far: [f64; 3] = std::array::from_fn(|k| (b.hi[k] - p[k]).abs().max((p[k] - b.lo[k]).abs()));
    (
        box_gap_2(p, p, &b.lo, &b.hi),
        far[0] * far[0] + far[1] * far[1] + far[2] * far[2],
    )
}

fn judge(a: &Node, b: &Node, limits: &Limits) -> Verdict {
    if min_2(a, b) > limits.chord_2 {
        return Verdict::NoPair;
    }
    let far: [f64; 3] =
        std::array::from_fn(|k| (b.hi[k] - a.lo[k]).abs().max((a.hi[k] - b.lo[k]).abs()));
    let max_2 = far[0] * far[0] + far[1] * far[1] + far[2] * far[2];
    let mut all = max_2 <= limits.chord_2;
    if let Some(t) = limits.days {
        if b.start[0] > a.end[1].saturating_add(t) || a.start[0] > b.end[1].saturating_add(t) {
            return Verdict::NoPair;
        }
        all &= b.start[1] <= a.end[0].saturating_add(t) && a.start[1] <= b.end[0].saturating_add(t);
    }
    if all {
        Verdict::AllPairs
    } else {
        Verdict::Open
    }
}

/// A k-d tree over points (unit vectors) with their day spans, for counting pairs.
pub(crate) struct PairTree {
    nodes: Vec<Node>,
    points: Vec<[f64; 3]>,
    /// The points' coordinates again, one array per axis, for the leaf loops to run in
    /// vector registers (the same differences, squares and sums as [`dist2`]).
    axes: [Vec<f64>; 3],
    days: Vec<[i32; 2]>,
    /// The caller's position of each point, in tree order.
    order: Vec<u32>,
}

impl PairTree {
    /// The tree over `points` and their `days` (one span per point), for pairs judged by
    /// distance alone (`limits.days` of `None`: the days are kept but not split on) or by
    /// distance and days: nodes are then split on time too, a day weighing as much as
    /// `limits`' distance over its days, so that node pairs can fall wholly within both.
    pub(crate) fn new(points: &[[f64; 3]], days: &[[i32; 2]], limits: &Limits) -> PairTree {
        debug_assert_eq!(points.len(), days.len());
        // The points move with their days and ids while the tree is split (one array, not
        // an order into three: the splits then read memory in sequence).
        let mut items: Vec<Item> = (0u32..)
            .zip(points.iter().zip(days))
            .map(|(id, (&p, &d))| Item { p, d, id })
            .collect();
        let mut nodes = Vec::new();
        let day_weight = limits
            .days
            .map(|t| limits.chord_2.sqrt() / f64::from(t.max(1)));
        if !items.is_empty() {
            nodes = split_apart(&mut items, day_weight, 0);
        }
        PairTree {
            axes: std::array::from_fn(|k| items.iter().map(|i| i.p[k]).collect()),
            points: items.iter().map(|i| i.p).collect(),
            days: items.iter().map(|i| i.d).collect(),
            order: items.iter().map(|i| i.id).collect(),
            nodes,
        }
    }

    /// The number of points.
    pub(crate) fn len(&self) -> usize {
        self.points.len()
    }

    /// Pairs (a of `self`, b of `other`) within `limits`, counted in order: a point in both
    /// trees pairs with itself unless the caller takes it off.
    pub(crate) fn count_pairs(&self, other: &PairTree, limits: &Limits) -> u64 {
        if self.nodes.is_empty() || other.nodes.is_empty() {
            return 0;
        }
        self.cross(other, 0, 0, limits)
    }

    fn cross(&self, other: &PairTree, x: u32, y: u32, limits: &Limits) -> u64 {
        let (a, b) = (&self.nodes[x as usize], &other.nodes[y as usize]);
        match judge(a, b, limits) {
            Verdict::NoPair => 0,
            Verdict::AllPairs => a.len() * b.len(),
            Verdict::Open if a.is_leaf() && b.is_leaf() => {
                let [xs, ys, zs] = &other.axes;
                let r = b.range();
                let (xs, ys, zs) = (&xs[r.clone()], &ys[r.clone()], &zs[r.clone()]);
                let days = &other.days[r];
                // Without a day limit, every pair is within it.
                let t = limits.days.unwrap_or(i32::MAX);
                let mut n = 0;
                for i in a.range() {
                    let (p, d) = (&self.points[i], self.days[i]);
                    // The point against the other leaf's box first (in space and in days):
                    // wholly within or wholly outside spares the pair tests.
                    let (near_2, far_2) = point_to_box(p, b);
                    let d_end = d[1].saturating_add(t);
                    if near_2 > limits.chord_2
                        || b.start[0] > d_end
                        || d[0] > b.end[1].saturating_add(t)
                    {
                        continue;
                    }
                    if far_2 <= limits.chord_2
                        && b.start[1] <= d_end
                        && d[0] <= b.end[0].saturating_add(t)
                    {
                        n += b.len();
                        continue;
                    }
                    for k in 0..xs.len() {
                        let (dx, dy, dz) = (p[0] - xs[k], p[1] - ys[k], p[2] - zs[k]);
                        let near = dx * dx + dy * dy + dz * dz <= limits.chord_2;
                        let when = days[k][0] <= d[1].saturating_add(t)
                            && d[0] <= days[k][1].saturating_add(t);
                        n += u64::from(near & when);
                    }
                }
                n
            }
            Verdict::Open => {
                let [(x0, y0), (x1, y1)] = halves(a, b, x, y);
                let (l, r) = both(
                    || self.cross(other, x0, y0, limits),
                    || self.cross(other, x1, y1, limits),
                    worth_two_threads(a, b),
                );
                l + r
            }
        }
    }

    /// The smallest squared chord between a point of `self` and one of `other`, leaving out
    /// the pairs `same` names (by the callers' positions: a point in both sets); `None` when
    /// no pair is left.
    pub(crate) fn closest(&self, other: &PairTree, same: impl Fn(u32, u32) -> bool) -> Option<f64> {
        if self.nodes.is_empty() || other.nodes.is_empty() {
            return None;
        }
        let mut best = f64::INFINITY;
        self.closest_in(other, 0, 0, &same, &mut best);
        best.is_finite().then_some(best)
    }

    fn closest_in(
        &self,
        other: &PairTree,
        x: u32,
        y: u32,
        same: &impl Fn(u32, u32) -> bool,
        best: &mut f64,
    ) {
        let (a, b) = (&self.nodes[x as usize], &other.nodes[y as usize]);
        if a.is_leaf() && b.is_leaf() {
            for i in a.range() {
                for j in b.range() {
                    let d = dist2(&self.points[i], &other.points[j]);
                    if d < *best && !same(self.order[i], other.order[j]) {
                        *best = d;
                    }
                }
            }
            return;
        }
        // Open the larger node; visit the nearer child first, and a child only while it may
        // hold a closer pair.
        let children = halves(a, b, x, y);
        let gap = |(x, y): (u32, u32)| min_2(&self.nodes[x as usize], &other.nodes[y as usize]);
        let (g0, g1) = (gap(children[0]), gap(children[1]));
        let ordered = if g0 <= g1 {
            [(children[0], g0), (children[1], g1)]
        } else {
            [(children[1], g1), (children[0], g0)]
        };
        for ((cx, cy), g) in ordered {
            if g <= *best {
                self.closest_in(other, cx, cy, same, best);
            }
        }
    }

    /// For each point (by the caller's position), how many other points of the tree lie
    /// within `chord_2` of it (its degree in the graph of pairs within that distance), and
    /// how many of those pairs join a point `marked` to one not (by the caller's positions).
    /// Counted as the pairs are, a node pair at a time: a node pair wholly within adds the
    /// one node's size to every point of the other, through the node, and the additions are
    /// pushed down to the points at the end.
    pub(crate) fn degrees(&self, chord_2: f64, marked: &[bool]) -> (Vec<u64>, u64) {
        use std::sync::atomic::AtomicU64;
        if self.nodes.is_empty() {
            return (Vec::new(), 0);
        }
        let marked: Vec<bool> = self.order.iter().map(|&i| marked[i as usize]).collect();
        // Marked points per node: children come after their parent.
        let mut in_node = vec![0u64; self.nodes.len()];
        for x in (0..self.nodes.len()).rev() {
            let node = self.nodes[x];
            in_node[x] = if node.is_leaf() {
                marked[node.range()].iter().map(|&m| u64::from(m)).sum()
            } else {
                in_node[node.left as usize] + in_node[node.right as usize]
            };
        }
        let walk = DegreeWalk {
            tree: self,
            limits: Limits::distance(chord_2),
            marked: &marked,
            in_node: &in_node,
            to_nodes: self.nodes.iter().map(|_| AtomicU64::new(0)).collect(),
            to_points: self.points.iter().map(|_| AtomicU64::new(0)).collect(),
        };
        let across = walk.walk(0, 0);
        // Less each point itself, always within any distance of itself.
        let degrees = self
            .push_down(walk.to_nodes, &walk.to_points)
            .into_iter()
            .map(|d| d.saturating_sub(1))
            .collect();
        (degrees, across)
    }

    /// For each point of `self`, how many points of `other` lie within `chord_2` of it, and
    /// for each point of `other`, how many of `self` (by the callers' positions): the counts
    /// of [`degrees`](Self::degrees) between two sets, in one walk of both trees.
    pub(crate) fn counts_between(&self, other: &PairTree, chord_2: f64) -> (Vec<u64>, Vec<u64>) {
        use std::sync::atomic::AtomicU64;
        if self.nodes.is_empty() || other.nodes.is_empty() {
            return (vec![0; self.len()], vec![0; other.len()]);
        }
        let owed = |t: &PairTree| -> [Vec<AtomicU64>; 2] {
            [
                t.nodes.iter().map(|_| AtomicU64::new(0)).collect(),
                t.points.iter().map(|_| AtomicU64::new(0)).collect(),
            ]
        };
        let walk = BetweenWalk {
            trees: [self, other],
            limits: Limits::distance(chord_2),
            owed: [owed(self), owed(other)],
        };
        walk.walk(0, 0);
        let [[nodes_a, points_a], [nodes_b, points_b]] = walk.owed;
        (
            self.push_down(nodes_a, &points_a),
            other.push_down(nodes_b, &points_b),
        )
    }

    /// Each point's count (by the caller's position): what its own entry holds, plus what
    /// every node above it holds for all its points.
    fn push_down(
        &self,
        to_nodes: Vec<std::sync::atomic::AtomicU64>,
        to_points: &[std::sync::atomic::AtomicU64],
    ) -> Vec<u64> {
        use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
        let mut through: Vec<u64> = to_nodes.into_iter().map(AtomicU64::into_inner).collect();
        let mut counts = vec![0; self.len()];
        // Parents come before their children.
        for x in 0..self.nodes.len() {
            let node = self.nodes[x];
            if node.is_leaf() {
                for i in node.range() {
                    counts[self.order[i] as usize] = through[x] + to_points[i].load(Relaxed);
                }
            } else {
                through[node.left as usize] += through[x];
                through[node.right as usize] += through[x];
            }
        }
        counts
    }
}

/// The work of [`PairTree::degrees`].
struct DegreeWalk<'t> {
    tree: &'t PairTree,
    limits: Limits,
    /// Marked, in tree order.
    marked: &'t [bool],
    /// Marked points per node.
    in_node: &'t [u64],
    /// Neighbours owed to every point of a node.
    to_nodes: Vec<std::sync::atomic::AtomicU64>,
    /// Neighbours owed to one point.
    to_points: Vec<std::sync::atomic::AtomicU64>,
}

impl DegreeWalk<'_> {
    /// Add to the points of nodes `x` and `y` their neighbours in the other (in the node
    /// itself when `x == y`), each unordered pair of points met once; returns the pairs met
    /// that join a marked point to an unmarked one.
    fn walk(&self, x: u32, y: u32) -> u64 {
        use std::sync::atomic::Ordering::Relaxed;
        let nodes = &self.tree.nodes;
        let points = &self.tree.points;
        let (a, b) = (&nodes[x as usize], &nodes[y as usize]);
        let (ma, mb) = (self.in_node[x as usize], self.in_node[y as usize]);
        let parallel = worth_two_threads(a, b);
        match judge(a, b, &self.limits) {
            Verdict::NoPair => 0,
            Verdict::AllPairs if x == y => {
                // Every point is each other's (itself included: taken off at the end).
                self.to_nodes[x as usize].fetch_add(a.len(), Relaxed);
                ma * (a.len() - ma)
            }
            Verdict::AllPairs => {
                self.to_nodes[x as usize].fetch_add(b.len(), Relaxed);
                self.to_nodes[y as usize].fetch_add(a.len(), Relaxed);
                ma * (b.len() - mb) + (a.len() - ma) * mb
            }
            Verdict::Open if a.is_leaf() && b.is_leaf() => {
                let mut of_b = [0u64; LEAF];
                let mut across = 0;
                let r_2 = self.limits.chord_2;
                for i in a.range() {
                    let p = &points[i];
                    // The point against the other leaf's box first: wholly within or
                    // wholly outside spares the distances.
                    let (near_2, far_2) = point_to_box(p, b);
                    if near_2 > r_2 {
                        continue;
                    }
                    let n = if far_2 <= r_2 {
                        of_b[..b.range().len()].iter_mut().for_each(|c| *c += 1);
                        across += if self.marked[i] { b.len() - mb } else { mb };
                        b.len()
                    } else {
                        let [xs, ys, zs] = &self.tree.axes;
                        let r = b.range();
                        let (xs, ys, zs) = (&xs[r.clone()], &ys[r.clone()], &zs[r.clone()]);
                        let marks = &self.marked[r];
                        let mi = self.marked[i];
                        let (mut n, mut other) = (0, 0);
                        for k in 0..xs.len() {
                            let (dx, dy, dz) = (p[0] - xs[k], p[1] - ys[k], p[2] - zs[k]);
                            let near = u64::from(dx * dx + dy * dy + dz * dz <= r_2);
                            n += near;
                            of_b[k] += near;
                            other += near & u64::from(marks[k] != mi);
                        }
                        across += other;
                        n
                    };
                    self.to_points[i].fetch_add(n, Relaxed);
                }
                if x == y {
                    // Each pair of the leaf was met both ways.
                    return across / 2;
                }
                for (k, j) in b.range().enumerate() {
                    self.to_points[j].fetch_add(of_b[k], Relaxed);
                }
                across
            }
            Verdict::Open if x == y => {
                let (l, r) = (a.left, a.right);
                let ((ll, rr), lr) = both(
                    || both(|| self.walk(l, l), || self.walk(r, r), parallel),
                    || self.walk(l, r),
                    parallel,
                );
                ll + rr + lr
            }
            Verdict::Open => {
                let [(x0, y0), (x1, y1)] = halves(a, b, x, y);
                let (one, two) = both(|| self.walk(x0, y0), || self.walk(x1, y1), parallel);
                one + two
            }
        }
    }
}

/// The walk of [`PairTree::counts_between`]: for each tree, the neighbours in the other owed
/// to every point of a node, and to single points.
struct BetweenWalk<'t> {
    trees: [&'t PairTree; 2],
    limits: Limits,
    /// Per tree: (to nodes, to points).
    owed: [[Vec<std::sync::atomic::AtomicU64>; 2]; 2],
}

impl BetweenWalk<'_> {
    fn walk(&self, x: u32, y: u32) {
        use std::sync::atomic::Ordering::Relaxed;
        let [ta, tb] = self.trees;
        let (a, b) = (&ta.nodes[x as usize], &tb.nodes[y as usize]);
        match judge(a, b, &self.limits) {
            Verdict::NoPair => {}
            Verdict::AllPairs => {
                self.owed[0][0][x as usize].fetch_add(b.len(), Relaxed);
                self.owed[1][0][y as usize].fetch_add(a.len(), Relaxed);
            }
            Verdict::Open if a.is_leaf() && b.is_leaf() => {
                let mut of_b = [0u64; LEAF];
                let r_2 = self.limits.chord_2;
                let [xs, ys, zs] = &tb.axes;
                let r = b.range();
                let (xs, ys, zs) = (&xs[r.clone()], &ys[r.clone()], &zs[r]);
                for i in a.range() {
                    let p = &ta.points[i];
                    let (near_2, far_2) = point_to_box(p, b);
                    if near_2 > r_2 {
                        continue;
                    }
                    let n = if far_2 <= r_2 {
                        of_b[..xs.len()].iter_mut().for_each(|c| *c += 1);
                        b.len()
                    } else {
                        let mut n = 0;
                        for k in 0..xs.len() {
                            let (dx, dy, dz) = (p[0] - xs[k], p[1] - ys[k], p[2] - zs[k]);
                            let near = u64::from(dx * dx + dy * dy + dz * dz <= r_2);
                            n += near;
                            of_b[k] += near;
                        }
                        n
                    };
                    self.owed[0][1][i].fetch_add(n, Relaxed);
                }
                for (k, j) in b.range().enumerate() {
                    self.owed[1][1][j].fetch_add(of_b[k], Relaxed);
                }
            }
            Verdict::Open => {
                let [(x0, y0), (x1, y1)] = halves(a, b, x, y);
                both(
                    || self.walk(x0, y0),
                    || self.walk(x1, y1),
                    worth_two_threads(a, b),
                );
            }
        }
    }
}

/// A point with its day span and the caller's position, as the tree is built.
#[derive(Clone, Copy)]
struct Item {
    p: [f64; 3],
    d: [i32; 2],
    id: u32,
}

/// Above this many points, a subtree's two halves are built on two threads (few in the unit
/// tests, so that they take this path).
#[cfg(feature = "parallel")]
const PARALLEL_BUILD: usize = if cfg!(test) { 256 } else { 1 << 16 };

/// The nodes of the subtree over `items` (`offset` its first position in the tree), its root
/// first: large subtrees are built half and half on two threads, then joined.
fn split_apart(items: &mut [Item], day_weight: Option<f64>, offset: usize) -> Vec<Node> {
    #[cfg(feature = "parallel")]
    if items.len() > PARALLEL_BUILD {
        let mut root = Vec::with_capacity(1);
        split_root(items, day_weight, offset, &mut root);
        let half = items.len() / 2;
        let (left, right) = items.split_at_mut(half);
        let (mut l, mut r) = rayon::join(
            || split_apart(left, day_weight, offset),
            || split_apart(right, day_weight, offset + half),
        );
        // Renumber the children: the left subtree follows the root, the right the left.
        let (shift_l, shift_r) = (1, 1 + l.len() as u32);
        for (nodes, shift) in [(&mut l, shift_l), (&mut r, shift_r)] {
            for n in nodes.iter_mut().filter(|n| !n.is_leaf()) {
                n.left += shift;
                n.right += shift;
            }
        }
        root[0].left = shift_l;
        root[0].right = shift_r;
        root.reserve(l.len() + r.len());
        root.append(&mut l);
        root.append(&mut r);
        return root;
    }
    let mut nodes = Vec::with_capacity(2 * items.len() / LEAF + 2);
    split(items, day_weight, offset, &mut nodes);
    nodes
}

/// Push the root node of `items` and order `items` about its split (the median along the
/// widest axis, time weighed in when `day_weight` is given); returns the root's number.
fn split_root(
    items: &mut [Item],
    day_weight: Option<f64>,
    offset: usize,
    nodes: &mut Vec<Node>,
) -> u32 {
    let (mut lo, mut hi) = ([f64::INFINITY; 3], [f64::NEG_INFINITY; 3]);
    let (mut start, mut end) = ([i32::MAX, i32::MIN], [i32::MAX, i32::MIN]);
    for it in items.iter() {
        for k in 0..3 {
            lo[k] = lo[k].min(it.p[k]);
            hi[k] = hi[k].max(it.p[k]);
        }
        start = [start[0].min(it.d[0]), start[1].max(it.d[0])];
        end = [end[0].min(it.d[1]), end[1].max(it.d[1])];
    }
    let at = nodes.len() as u32;
    nodes.push(Node {
        lo,
        hi,
        start,
        end,
        begin: offset as u32,
        end_at: (offset + items.len()) as u32,
        left: 0,
        right: 0,
    });
    if items.len() > LEAF {
        let axis = (0..3)
            .max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b])))
            .unwrap_or(0);
        let half = items.len() / 2;
        let by_time = day_weight
            .is_some_and(|w| (f64::from(start[1]) - f64::from(start[0])) * w > hi[axis] - lo[axis]);
        if by_time {
            items.select_nth_unstable_by_key(half, |it| it.d[0]);
        } else {
            items.select_nth_unstable_by(half, |a, b| a.p[axis].total_cmp(&b.p[axis]));
        }
    }
    at
}

/// Build the subtree over `items` (`offset` its first position in the tree) and push its
/// nodes, the parent before its children; returns its node number.
fn split(items: &mut [Item], day_weight: Option<f64>, offset: usize, nodes: &mut Vec<Node>) -> u32 {
    let at = split_root(items, day_weight, offset, nodes);
    if items.len() > LEAF {
        let half = items.len() / 2;
        let (left, right) = items.split_at_mut(half);
        let l = split(left, day_weight, offset, nodes);
        let r = split(right, day_weight, offset + half, nodes);
        nodes[at as usize].left = l;
        nodes[at as usize].right = r;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{destination, km_to_chord2, unit_vector};
    use geo::Point;
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// Seeded points in clumps (so that whole nodes fall within the limits), with some on
    /// exactly `km` from another and spans exactly `days` apart.
    fn points(seed: u64, n: usize, km: f64, days: i32) -> (Vec<[f64; 3]>, Vec<[i32; 2]>) {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let mut pts = Vec::new();
        let mut spans = Vec::new();
        while pts.len() < n {
            let centre = Point::new(rng.random_range(0.0..3.0), rng.random_range(10.0..13.0));
            let start = rng.random_range(0..400);
            for _ in 0..rng.random_range(1..60) {
                let p = destination(
                    centre,
                    rng.random_range(0.0..360.0),
                    rng.random_range(0.0..km * 2.0),
                );
                let s = start + rng.random_range(0..3 * days.max(1));
                let span = [s, s + rng.random_range(0..3)];
                pts.push(unit_vector(p));
                spans.push(span);
                // A partner on the limits: exactly `km` away, exactly `days` after the end.
                if rng.random_range(0..4) == 0 {
                    pts.push(unit_vector(destination(
                        p,
                        rng.random_range(0.0..360.0),
                        km,
                    )));
                    spans.push([span[1] + days, span[1] + days + rng.random_range(0..2)]);
                }
            }
        }
        (pts, spans)
    }

    fn brute(a: &[[f64; 3]], da: &[[i32; 2]], b: &[[f64; 3]], db: &[[i32; 2]], l: &Limits) -> u64 {
        let mut n = 0;
        for (p, dp) in a.iter().zip(da) {
            for (q, dq) in b.iter().zip(db) {
                n += u64::from(l.pair(p, q, *dp, *dq));
            }
        }
        n
    }

    #[test]
    fn pair_counts_equal_a_brute_force_count_on_and_off_the_limits() {
        for seed in 0..12u64 {
            let (km, days) = (10.0 + seed as f64 * 7.0, (seed % 4) as i32 * 10);
            let (pa, da) = points(seed, 700, km, days);
            let (pb, db) = points(seed + 100, 500, km, days);
            let all = [
                Limits {
                    chord_2: km_to_chord2(km),
                    days: Some(days),
                },
                Limits::distance(km_to_chord2(km)),
                Limits {
                    chord_2: km_to_chord2(km * 10.0),
                    days: Some(days),
                },
            ];
            for limits in all {
                let want = brute(&pa, &da, &pb, &db, &limits);
                let within_a = brute(&pa, &da, &pa, &da, &limits);
                // Exact whichever limits shaped the trees (they only steer the splits).
                for shape in all {
                    let (ta, tb) = (
                        PairTree::new(&pa, &da, &shape),
                        PairTree::new(&pb, &db, &shape),
                    );
                    assert_eq!(ta.count_pairs(&tb, &limits), want, "seed {seed}");
                    // Within one set: every ordered pair, each point with itself.
                    assert_eq!(ta.count_pairs(&ta, &limits), within_a, "seed {seed}");
                }
            }
            // Degrees: each point's count of others within the distance.
            let chord_2 = km_to_chord2(km);
            let marked: Vec<bool> = (0..pa.len()).map(|i| i % 3 == 0).collect();
            let (degrees, across) =
                PairTree::new(&pa, &da, &Limits::distance(chord_2)).degrees(chord_2, &marked);
            let mut want_across = 0;
            for (i, p) in pa.iter().enumerate() {
                let want = pa.iter().filter(|q| dist2(p, q) <= chord_2).count() as u64 - 1;
                assert_eq!(degrees[i], want, "seed {seed}, point {i}");
                want_across += (0..pa.len())
                    .filter(|&j| marked[i] && !marked[j] && dist2(p, &pa[j]) <= chord_2)
                    .count() as u64;
            }
            assert_eq!(across, want_across, "seed {seed}");
            // Counts between two sets: each point's count of the other's within the distance.
            let (pb, db) = points(seed + 100, 500, km, days);
            let l = Limits::distance(chord_2);
            let (of_a, of_b) =
                PairTree::new(&pa, &da, &l).counts_between(&PairTree::new(&pb, &db, &l), chord_2);
            for (mine, theirs, counts) in [(&pa, &pb, &of_a), (&pb, &pa, &of_b)] {
                assert_eq!(counts.len(), mine.len());
                for (i, p) in mine.iter().enumerate() {
                    let want = theirs.iter().filter(|q| dist2(p, q) <= chord_2).count() as u64;
                    assert_eq!(counts[i], want, "seed {seed}, point {i}");
                }
            }
        }
    }

    #[test]
    fn the_closest_pair_equals_a_brute_force_search() {
        for seed in 0..20u64 {
            let (pa, da) = points(seed, 300, 20.0, 0);
            let (mut pb, mut db) = points(seed + 50, 200, 20.0, 0);
            // Some points of A in B too: the pairs of a point with itself are left out.
            pb.extend_from_slice(&pa[..10]);
            db.extend_from_slice(&da[..10]);
            let same =
                |x: u32, y: u32| y as usize >= pb.len() - 10 && x == y - (pb.len() - 10) as u32;
            let mut want = f64::INFINITY;
            for (x, p) in pa.iter().enumerate() {
                for (y, q) in pb.iter().enumerate() {
                    if !same(x as u32, y as u32) {
                        want = want.min(dist2(p, q));
                    }
                }
            }
            let l = Limits::distance(1.0);
            let got = PairTree::new(&pa, &da, &l).closest(&PairTree::new(&pb, &db, &l), same);
            assert_eq!(got, Some(want), "seed {seed}");
        }
        let one = PairTree::new(
            &[unit_vector(Point::new(1.0, 12.0))],
            &[[0, 0]],
            &Limits::distance(1.0),
        );
        assert_eq!(one.closest(&one, |_, _| true), None);
        assert_eq!(one.closest(&one, |_, _| false), Some(0.0));
    }

    #[test]
    fn empty_and_tiny_trees() {
        let l = Limits {
            chord_2: km_to_chord2(1.0),
            days: Some(0),
        };
        let none = PairTree::new(&[], &[], &l);
        let one = PairTree::new(&[unit_vector(Point::new(1.0, 12.0))], &[[5, 5]], &l);
        assert_eq!(none.count_pairs(&one, &l), 0);
        assert_eq!(one.count_pairs(&one, &l), 1);
        assert_eq!(one.degrees(1.0, &[true]), (vec![0], 0));
        assert_eq!(none.degrees(1.0, &[]), (Vec::new(), 0));
        assert_eq!(one.counts_between(&none, 1.0), (vec![0], Vec::new()));
        assert_eq!(one.counts_between(&one, 1.0), (vec![1], vec![1]));
    }
}
