//! Gi* against PySAL's `esda.G_Local(star=True)` and Mann-Kendall against
//! `pymannkendall.original_test`, from outputs stored in `tests/fixtures/pysal/` (see
//! `make_fixtures.py` there).

use std::path::Path;

use conflict_risk::{GiStar, MannKendall, Neighbours, geo::Point};

fn rows(name: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pysal")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture present");
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().expect("a number")
}

#[test]
fn gi_star_matches_pysal_to_1e9() {
    let cells = rows("gi_cells.csv");
    let centres: Vec<Point> = cells
        .iter()
        .map(|r| Point::new(num(&r[0]), num(&r[1])))
        .collect();
    let values: Vec<f64> = cells.iter().map(|r| num(&r[2])).collect();
    let reference = rows("gi_reference.csv");
    assert_eq!(reference.len(), 400);
    for (rule, col) in [
        (Neighbours::DistanceBand { km: 60.0 }, 0),
        (Neighbours::KNearest { k: 6 }, 3),
    ] {
        let gi = GiStar::new(rule)
            .unwrap()
            .run(&centres, &values)
            .unwrap()
            .cells;
        let mut significant = 0;
        for (i, (ours, theirs)) in gi.iter().zip(&reference).enumerate() {
            let (g, z, p_norm) = (
                num(&theirs[col]),
                num(&theirs[col + 1]),
                num(&theirs[col + 2]),
            );
            assert!(
                (ours.g - g).abs() <= 1e-12,
                "{rule:?} cell {i}: G {} vs {g}",
                ours.g
            );
            assert!(
                (ours.z - z).abs() <= 1e-9,
                "{rule:?} cell {i}: z {} vs {z}",
                ours.z
            );
            // PySAL's p_norm is one-sided.
            assert!(
                (ours.p - 2.0 * p_norm).abs() <= 1e-9,
                "{rule:?} cell {i}: p {} vs 2·{p_norm}",
                ours.p
            );
            significant += usize::from(ours.bin.abs() >= 2);
        }
        // The planted hot area shows.
        assert!(
            significant > 20,
            "{rule:?}: {significant} significant cells"
        );
    }
}

#[test]
fn mann_kendall_matches_pymannkendall() {
    let reference = rows("mk_reference.csv");
    assert_eq!(reference.len(), 14);
    for r in reference {
        let x: Vec<f64> = r[0].split(';').map(num).collect();
        let mk = MannKendall::test(&x).unwrap();
        let close = |ours: f64, theirs: &str, what: &str| {
            let theirs = num(theirs);
            assert!(
                (ours - theirs).abs() <= 1e-9 * theirs.abs().max(1.0),
                "{what}: {ours} vs {theirs} for {x:?}"
            );
        };
        close(mk.s, &r[1], "s");
        close(mk.var_s, &r[2], "var_s");
        close(mk.z, &r[3], "z");
        close(mk.p, &r[4], "p");
        close(mk.tau, &r[5], "tau");
        close(mk.slope, &r[6], "slope");
        close(mk.intercept, &r[7], "intercept");
    }
}
