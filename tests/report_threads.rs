//! The report's parallel parts (the index, DBSCAN, the kernel surface, the nexus's pair
//! counts, degrees and closest approaches) must give the same report on one thread as on two:
//! every figure, to the last bit.
#![cfg(feature = "parallel")]

use conflict_risk::jiff::civil::date;
use conflict_risk::{
    ActorGroups, CorridorReport, CorridorScenario, DateWindow, IncidentIndex, IncidentSet, Nexus,
    ReportSpec, brief_sites,
};

fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

#[test]
fn the_report_is_the_same_on_one_thread_and_on_two() {
    let (set, validation) =
        IncidentSet::validate(CorridorScenario::new(20_000).seed(11).generate());
    let spec = ReportSpec::new().validation(&validation);
    let report = |threads| {
        on_threads(threads, || {
            let index = IncidentIndex::new(&set);
            let r = CorridorReport::build(&index, None, &brief_sites(), &spec).expect("built");
            (
                serde_json::to_string(&r).expect("serialised"),
                r.to_string(),
            )
        })
    };
    let (one, two) = (report(1), report(2));
    assert!(one.0.contains("colocated_pairs"));
    assert_eq!(one, two);
}

#[test]
fn the_nexus_counts_are_the_same_on_one_thread_and_on_two() {
    // Dense enough that the pair walks split across threads (they do above four million
    // point pairs per node pair; the root pairs here hold billions).
    let (set, _) = IncidentSet::validate(CorridorScenario::new(60_000).seed(12).generate());
    let years = DateWindow::new(date(2019, 1, 1), date(2024, 12, 31)).expect("a window");
    let groups = ActorGroups::corridor();
    let run = |threads| {
        on_threads(threads, || {
            let index = IncidentIndex::new(&set);
            Nexus::new("JNIM", "IS Sahel")
                .and_then(|n| n.run(&index, &groups, years))
                .expect("ran")
        })
    };
    let (one, two) = (run(1), run(2));
    assert!(one.colocated_pairs > 100_000, "{}", one.colocated_pairs);
    assert!(one.cross_k.observed > 1_000_000, "{:?}", one.cross_k);
    assert_eq!(one, two);
}
