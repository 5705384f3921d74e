//! Criterion benchmarks of DBSCAN on the seeded synthetic corridor, at 10k, 100k and 1M
//! incidents, for 25 km / 5 points and 5 km / 10 points.

use std::hint::black_box;
use std::time::Duration;

use conflict_risk::{CorridorScenario, Dbscan, IncidentIndex, IncidentSet};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn dbscan(c: &mut Criterion) {
    let mut g = c.benchmark_group("dbscan");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for n in [10_000, 100_000, 1_000_000] {
        let (set, _) = IncidentSet::validate(CorridorScenario::new(n).generate());
        let index = IncidentIndex::new(&set);
        g.throughput(Throughput::Elements(n as u64));
        for (eps_km, min_points) in [(25.0, 5), (5.0, 10)] {
            let params = Dbscan::new(eps_km, min_points).expect("valid parameters");
            let id = BenchmarkId::new(format!("{eps_km}km_{min_points}"), n);
            g.bench_with_input(id, &index, |b, index| {
                b.iter(|| params.run(black_box(index)))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, dbscan);
criterion_main!(benches);
