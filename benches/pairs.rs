//! Criterion benchmarks of the nexus between JNIM and IS Sahel on the seeded synthetic
//! corridor at 10k, 100k and 1M incidents: the co-located pairs (50 km, 30 days), the
//! cross-K count and its normal test (50 km), and the closest approach per year, all counted
//! a tree node pair at a time; and the report's two pairs (JNIM with IS Sahel and with
//! Ansaru) through `Nexus::run_all`, JNIM's counts shared.

use std::hint::black_box;
use std::time::Duration;

use conflict_risk::jiff::civil::date;
use conflict_risk::{ActorGroups, CorridorScenario, DateWindow, IncidentIndex, IncidentSet, Nexus};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn nexus(c: &mut Criterion) {
    let mut g = c.benchmark_group("nexus");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let groups = ActorGroups::corridor();
    let years = DateWindow::new(date(2019, 1, 1), date(2024, 12, 31)).expect("a valid window");
    let meet = Nexus::new("JNIM", "IS Sahel").expect("valid groups");
    let both = [
        meet.clone(),
        Nexus::new("JNIM", "Ansaru").expect("valid groups"),
    ];
    // `cargo test --all-targets` runs each bench once in a debug build: 1M only when measuring.
    let sizes: &[usize] = if cfg!(debug_assertions) {
        &[10_000]
    } else {
        &[10_000, 100_000, 1_000_000]
    };
    for &n in sizes {
        let (set, _) = IncidentSet::validate(CorridorScenario::new(n).generate());
        let index = IncidentIndex::new(&set);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("jnim_is_sahel", n), &index, |b, index| {
            b.iter(|| meet.run(black_box(index), &groups, years))
        });
        g.bench_with_input(BenchmarkId::new("report_pairs", n), &index, |b, index| {
            b.iter(|| Nexus::run_all(&both, black_box(index), &groups, years))
        });
    }
    g.finish();
}

criterion_group!(benches, nexus);
criterion_main!(benches);
