//! Workbooks (`.xlsx`, `.xls`, `.ods`) read as ACLED and UCDP GED tables: the sheet chosen by
//! its header or by name, rows numbered as the sheet numbers them, date cells as dates.
//!
//! The fixtures are written by `tests/fixtures/make_workbooks.py` (invented rows; see there
//! what each row holds).

use std::path::PathBuf;

use conflict_risk::io::{Format, LoadReport, read_sites_from};
use conflict_risk::{Error, Loaded, ReadOptions, read_acled, read_any, read_path, read_ucdp};

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A file of its own in the temp directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> TempFile {
        let path = std::env::temp_dir().join(format!(
            "conflict-risk-workbooks-{}-{name}",
            std::process::id()
        ));
        std::fs::write(&path, bytes).expect("write temp file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn message(e: Error) -> String {
    e.to_string()
}

/// What every copy of the "Events" sheet (xlsx, ods, xls) reads as.
fn assert_events_sheet(loaded: &Loaded, kind: &str) {
    let r: &LoadReport = &loaded.report;
    assert_eq!(r.format, Format::AcledCsv);
    assert_eq!(r.sheet.as_deref(), Some("Events"), "{r}");
    assert_eq!(
        r.container.as_deref(),
        Some(format!("{kind} workbook, sheet \"Events\"").as_str())
    );
    assert_eq!(
        r.text_form(),
        format!("cells of an {kind} workbook, sheet \"Events\"")
    );
    assert_eq!(r.separator, None);
    assert_eq!(r.line_ends, "");
    assert_eq!(r.record_word(), "row");
    // Seven rows under the header on row 3 (row 8 is empty and skipped).
    assert_eq!(
        (r.rows_seen, r.accepted, r.rejected.len()),
        (7, 6, 1),
        "{r}"
    );
    let bad = &r.rejected[0];
    assert_eq!(bad.line, 9, "the sheet's own row number");
    assert_eq!(bad.source_id.as_deref(), Some("TST1005"));
    assert_eq!(bad.problems.len(), 1, "{r}");
    assert_eq!(
        (
            bad.problems[0].field.as_str(),
            bad.problems[0].value.as_str(),
            bad.problems[0].reason.as_str()
        ),
        ("latitude", "abc", "not a number")
    );
    assert_eq!(r.warnings.len(), 1, "{r}");
    assert_eq!(
        (r.warnings[0].line, r.warnings[0].field.as_str()),
        (10, "fatalities")
    );
    let text = r.to_string();
    assert!(
        text.contains("rejected row 9 (id TST1005), latitude = \"abc\": not a number"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "text: cells of an {kind} workbook, sheet \"Events\""
        )),
        "{text}"
    );
    assert!(!text.contains("UTF-8"), "no encoding for cells: {text}");
    assert_eq!(loaded.lines, [4, 5, 6, 7, 10, 11]);
    let got: Vec<(&str, String)> = loaded
        .incidents
        .iter()
        .map(|i| (i.source_id.as_str(), i.date.start.to_string()))
        .collect();
    assert_eq!(
        got,
        [
            ("TST1001", "2021-02-16".to_string()), // a date cell
            ("TST1002", "2021-02-16".to_string()), // the text 16-Feb-21
            ("TST1003", "2021-02-17".to_string()), // the number 44244 in a General cell
            ("TST1004", "2021-02-18".to_string()), // a date cell at 14:30
            ("TST1006", "2021-02-19".to_string()), // a date cell
            ("TST1007", "2021-02-18".to_string()), // the number 44245.5
        ]
    );
    let dates = r.dates.as_ref().expect("dates read");
    assert_eq!(
        dates.forms,
        [
            ("YYYY-MM-DD".to_string(), 4),
            ("D-Mon-YY".to_string(), 1),
            ("Excel serial number".to_string(), 2)
        ]
    );
    let first = &loaded.incidents[0];
    assert_eq!(
        first.primary_actor.as_ref().map(|a| a.name.as_str()),
        Some("Jama\u{2019}atu Ahl as-Sunna (invented)")
    );
    assert_eq!(first.location_name.as_deref(), Some("Tanguiéta road"));
    assert_eq!((first.lat, first.lon), (10.95, 0.80));
    assert_eq!(first.fatalities.best, 3);
    assert_eq!(first.country.map(|c| c.to_string()).as_deref(), Some("TGO"));
    // An empty cell is a missing value: TST1003 has no admin2 and no second actor.
    let third = &loaded.incidents[2];
    assert_eq!(third.admin2, None);
    assert!(third.secondary_actor.is_none());
    // 2.0 in a fatalities cell is the count 2.
    assert_eq!(loaded.incidents[5].fatalities.best, 2);
}

#[test]
fn xlsx_events_sheet_is_found_after_the_notes_sheet() {
    let loaded = read_path(fixture_path("acled_workbook.xlsx"), ReadOptions::new()).expect("reads");
    assert_events_sheet(&loaded, "xlsx");
}

#[test]
fn ods_reads_as_the_xlsx_does() {
    let loaded = read_path(fixture_path("acled_workbook.ods"), ReadOptions::new()).expect("reads");
    assert_events_sheet(&loaded, "ods");
}

#[test]
fn xls_reads_as_the_xlsx_does() {
    // Excel 97-2003 files were refused by their OLE signature; calamine reads them.
    let loaded = read_path(fixture_path("acled_workbook.xls"), ReadOptions::new()).expect("reads");
    assert_events_sheet(&loaded, "xls");
}

#[test]
fn workbooks_are_known_by_content_not_name() {
    // A stream has no name at all.
    for (name, kind) in [
        ("acled_workbook.xlsx", "xlsx"),
        ("acled_workbook.ods", "ods"),
        ("acled_workbook.xls", "xls"),
    ] {
        let bytes = fixture(name);
        let loaded = read_any(bytes.as_slice(), ReadOptions::new()).expect("reads");
        assert_eq!(loaded.report.source, "<reader>");
        assert_events_sheet(&loaded, kind);
        // A wrong extension does not matter either.
        let misnamed = TempFile::new(&format!("{kind}.csv"), &bytes);
        let loaded = read_path(&misnamed.0, ReadOptions::new()).expect("reads");
        assert_events_sheet(&loaded, kind);
    }
}

#[test]
fn the_sheet_option_picks_a_sheet() {
    let path = fixture_path("acled_workbook.xlsx");
    for name in ["GED", "ged"] {
        let loaded = read_path(&path, ReadOptions::new().sheet(name)).expect("reads");
        let r = &loaded.report;
        assert_eq!(r.format, Format::UcdpCsv);
        assert_eq!(r.sheet.as_deref(), Some("GED"));
        assert_eq!(r.container.as_deref(), Some("xlsx workbook, sheet \"GED\""));
        assert_eq!(
            (r.rows_seen, r.accepted, r.rejected.len()),
            (3, 2, 1),
            "{r}"
        );
        assert_eq!(r.rejected[0].line, 4);
        assert_eq!(r.rejected[0].problems[0].field, "best");
        assert_eq!(
            r.rejected[0].problems[0].reason,
            "negative, but a count cannot be"
        );
        let got: Vec<(&str, String, String)> = loaded
            .incidents
            .iter()
            .map(|i| {
                (
                    i.source_id.as_str(),
                    i.date.start.to_string(),
                    i.date.end.to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("900001", "2023-01-05".into(), "2023-01-05".into()),
                ("900002", "2023-01-07".into(), "2023-01-08".into()),
            ]
        );
        assert_eq!(loaded.lines, [2, 3]);
    }
    // Naming the ACLED sheet reads it as the automatic choice does.
    let loaded = read_path(&path, ReadOptions::new().sheet("Events")).expect("reads");
    assert_events_sheet(&loaded, "xlsx");
}

#[test]
fn an_unknown_sheet_is_an_error_listing_the_sheets() {
    let path = fixture_path("acled_workbook.xlsx");
    let e =
        message(read_path(&path, ReadOptions::new().sheet("Sheet9")).expect_err("no such sheet"));
    assert!(
        e.ends_with("has no sheet named \"Sheet9\"; its sheets are \"Notes\", \"Events\", \"GED\""),
        "{e}"
    );
    // A sheet that is there but holds no events table.
    let e = message(read_path(&path, ReadOptions::new().sheet("Notes")).expect_err("notes"));
    assert!(e.contains("sheet \"Notes\" is not an events table"), "{e}");
    assert!(e.contains("`about_this_workbook`"), "{e}");
}

#[test]
fn a_workbook_without_events_names_each_sheet_and_its_columns() {
    let e = message(
        read_path(fixture_path("no_events.xlsx"), ReadOptions::new()).expect_err("no events"),
    );
    assert!(
        e.contains(
            "is an Excel workbook (.xlsx), and none of its sheets reads as ACLED or UCDP GED"
        ),
        "{e}"
    );
    assert!(
        e.contains("sheet \"Notes\" has `about_this_workbook`"),
        "{e}"
    );
    assert!(
        e.contains(
            "sheet \"Counts\" holds aggregated counts, not events (no point coordinates); its \
             first row has `country`, `admin1`, `month`, `year`, `events`, `fatalities`"
        ),
        "{e}"
    );
    assert!(e.contains("ReadOptions::sheet"), "{e}");
}

#[test]
fn the_acled_and_ucdp_readers_take_their_own_sheet() {
    let bytes = fixture("acled_workbook.xlsx");
    let acled = read_acled(bytes.as_slice(), ReadOptions::new()).expect("acled");
    assert_events_sheet(&acled, "xlsx");
    // The UCDP reader passes over the ACLED sheet to the first UCDP one.
    let ucdp = read_ucdp(bytes.as_slice(), ReadOptions::new()).expect("ucdp");
    assert_eq!(ucdp.report.sheet.as_deref(), Some("GED"));
    assert_eq!(ucdp.report.accepted, 2);
    // The .ods has no UCDP sheet: the refusal says what each sheet is.
    let ods = fixture("acled_workbook.ods");
    let e = message(read_ucdp(ods.as_slice(), ReadOptions::new()).expect_err("no ucdp sheet"));
    assert!(e.contains("none of its sheets reads as UCDP GED"), "{e}");
    assert!(
        e.contains("sheet \"Events\" reads as ACLED, not UCDP GED"),
        "{e}"
    );
    // A sheet named for a reader is read in that reader's layout, or refused for its columns.
    let e = message(
        read_acled(bytes.as_slice(), ReadOptions::new().sheet("GED")).expect_err("not acled"),
    );
    assert!(e.contains("no event date column"), "{e}");
}

#[test]
fn strict_mode_names_the_sheet_row() {
    let e = read_path(
        fixture_path("acled_workbook.xlsx"),
        ReadOptions::new().strict(true),
    )
    .expect_err("row 9 is bad");
    match e {
        Error::Parse { line, field, .. } => assert_eq!((line, field.as_str()), (9, "latitude")),
        other => panic!("{other}"),
    }
}

#[test]
fn damaged_workbooks_are_refused_in_words() {
    // An OLE signature with nothing readable behind it.
    let mut ole = vec![0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
    ole.extend(std::iter::repeat_n(0u8, 600));
    let e = message(read_any(ole.as_slice(), ReadOptions::new()).expect_err("broken xls"));
    assert!(
        e.starts_with("<reader> looks like an Excel 97-2003 workbook (.xls) but cannot be read: "),
        "{e}"
    );
    // The .xlsx cut short: its zip directory is gone.
    let xlsx = fixture("acled_workbook.xlsx");
    let cut = &xlsx[..xlsx.len() / 2];
    let e = message(read_any(cut, ReadOptions::new()).expect_err("cut xlsx"));
    assert!(e.contains("cannot be read"), "{e}");
    // The "Events" sheet's compressed bytes damaged: the zip's checksum catches it, and the
    // sheet is passed over, in a note, for the next one that reads.
    let part = b"xl/worksheets/sheet2.xml";
    let at = xlsx
        .windows(part.len())
        .position(|w| w == part)
        .expect("the Events sheet's part");
    let mut damaged = xlsx.clone();
    for b in &mut damaged[at + 60..at + 90] {
        *b ^= 0x5a;
    }
    let loaded = read_any(damaged.as_slice(), ReadOptions::new()).expect("GED reads");
    assert_eq!(loaded.report.sheet.as_deref(), Some("GED"));
    assert_eq!(loaded.report.notes.len(), 1, "{}", loaded.report);
    assert!(
        loaded.report.notes[0].starts_with("sheet \"Events\" was passed over: it cannot be read"),
        "{}",
        loaded.report
    );
    let e = message(read_acled(damaged.as_slice(), ReadOptions::new()).expect_err("no ACLED"));
    assert!(e.contains("sheet \"Events\" cannot be read"), "{e}");
    let e = message(
        read_any(damaged.as_slice(), ReadOptions::new().sheet("Events")).expect_err("damaged"),
    );
    assert!(
        e.contains("sheet \"Events\" of an Excel workbook (.xlsx) cannot be read"),
        "{e}"
    );
}

#[test]
fn a_file_named_as_a_workbook_is_read_by_its_content() {
    // "Excel" downloads that are tab-separated text under an .xls name read as the text.
    let tsv = "event_id_cnty\tevent_date\tlatitude\tlongitude\tfatalities\n\
               TST1\t2021-02-16\t10.95\t0.80\t1\n";
    let file = TempFile::new("tab.xls", tsv.as_bytes());
    let loaded = read_path(&file.0, ReadOptions::new()).expect("reads as text");
    assert_eq!(loaded.report.accepted, 1);
    assert_eq!(loaded.report.separator, Some('\t'));
    assert_eq!(loaded.report.sheet, None);
    // A web page under an .xlsx name: the refusal says the name promised a workbook.
    let file = TempFile::new("page.xlsx", b"<html><body>Not found</body></html>\n");
    let e = message(read_path(&file.0, ReadOptions::new()).expect_err("a web page"));
    assert!(
        e.contains("the name ends in .xlsx, but the content is not a workbook"),
        "{e}"
    );
}

#[test]
fn the_site_reader_takes_csv_only() {
    let bytes = fixture("acled_workbook.xlsx");
    let e = message(read_sites_from(bytes.as_slice()).expect_err("a workbook"));
    assert!(
        e.contains("is an Excel workbook (.xlsx), and this reader takes CSV text only"),
        "{e}"
    );
}

#[test]
fn a_file_calamine_would_panic_on_is_refused_before() {
    // The workbook fuzz target found that calamine 0.38 fails an assertion (utils.rs, `to_u32`)
    // instead of returning an error when a sector of an OLE file's table is cut short by the
    // end of the file: here a header of 512-byte sectors whose one FAT sector holds 6 bytes.
    // The crate walks the compound file as calamine would and refuses it first.
    let mut file = vec![0u8; 512 + 6];
    file[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    file[30] = 0x09;
    file[32] = 0x06;
    file[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    for k in 1..109 {
        file[76 + 4 * k..80 + 4 * k].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    }
    file[512..516].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes()); // sector 0 holds the FAT
    let e = message(read_any(file.as_slice(), ReadOptions::new()).expect_err("refused"));
    assert_eq!(
        e,
        "<reader> looks like an Excel 97-2003 workbook (.xls) but cannot be read: its sectors \
         are cut short or point past the table of sectors (a damaged file)"
    );
}

#[test]
fn a_panic_inside_calamine_is_an_error_in_words() {
    // A sheet that the workbook's globals place past the end of its stream: calamine 0.38
    // slices the stream there and panics; the crate catches it and refuses the file in words.
    let mut xls = fixture("acled_workbook.xls");
    let boundsheet = [0x85, 0x00, 0x0D, 0x00];
    let at = (0..xls.len() - 4)
        .find(|&i| xls[i..i + 4] == boundsheet)
        .expect("the first sheet's BoundSheet record");
    xls[at + 4..at + 8].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
    let e = message(read_any(xls.as_slice(), ReadOptions::new()).expect_err("refused"));
    assert_eq!(
        e,
        "<reader> looks like an Excel 97-2003 workbook (.xls) but cannot be read: the workbook \
         reader failed on it (a damaged or unusual file?)"
    );
}

#[test]
fn a_looping_ole_sector_table_is_refused_before_calamine_reads_it() {
    // Found by the workbook fuzz target: a damaged .xls whose sector table loops. calamine 0.38
    // follows the loop, allocating until the process is killed; the crate checks first.
    let bytes = fixture("xls_sector_loop.bin");
    let e = message(read_any(bytes.as_slice(), ReadOptions::new()).expect_err("refused"));
    assert_eq!(
        e,
        "<reader> looks like an Excel 97-2003 workbook (.xls) but cannot be read: its table of \
         sectors loops back on itself (a damaged file)"
    );
}
