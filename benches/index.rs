//! Criterion benchmarks of the index: bulk load, and 25 km radius queries (callback and Vec
//! forms) and 10-nearest queries, at 10k, 100k and 1M incidents of the seeded synthetic corridor.

use std::hint::black_box;
use std::time::Duration;

use conflict_risk::{CorridorScenario, IncidentIndex, IncidentSet, geo::Point};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];
const QUERIES: usize = 1_000;

fn corridor(n: usize) -> IncidentSet {
    IncidentSet::validate(CorridorScenario::new(n).generate()).0
}

/// Query centres: positions of seeded random incidents, so queries land where data is.
fn centres(set: &IncidentSet) -> Vec<Point> {
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    (0..QUERIES)
        .map(|_| set.incidents()[rng.random_range(0..set.len())].point())
        .collect()
}

fn build(c: &mut Criterion) {
    let mut g = c.benchmark_group("index_build");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for n in SIZES {
        let set = corridor(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &set, |b, set| {
            b.iter(|| IncidentIndex::new(black_box(set)));
        });
    }
    g.finish();
}

fn queries(c: &mut Criterion) {
    let mut g = c.benchmark_group("query");
    g.sample_size(20);
    for n in SIZES {
        let set = corridor(n);
        let index = IncidentIndex::new(&set);
        let qs = centres(&set);
        g.throughput(Throughput::Elements(QUERIES as u64));
        g.bench_with_input(BenchmarkId::new("radius_25km_callback", n), &qs, |b, qs| {
            b.iter(|| {
                let mut found = 0usize;
                for &q in qs {
                    index
                        .for_each_within_radius(q, 25.0, |_| found += 1)
                        .expect("valid query");
                }
                found
            });
        });
        g.bench_with_input(BenchmarkId::new("radius_25km_vec", n), &qs, |b, qs| {
            b.iter(|| {
                qs.iter()
                    .map(|&q| index.within_radius(q, 25.0).expect("valid query").len())
                    .sum::<usize>()
            });
        });
        g.bench_with_input(BenchmarkId::new("nearest_10", n), &qs, |b, qs| {
            b.iter(|| {
                qs.iter()
                    .map(|&q| index.nearest(q, 10).expect("valid query").len())
                    .sum::<usize>()
            });
        });
    }
    g.finish();
}

criterion_group!(benches, build, queries);
criterion_main!(benches);
