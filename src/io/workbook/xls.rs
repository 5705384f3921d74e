//! Checks made on an Excel 97-2003 workbook (`.xls`) before calamine reads it: calamine 0.38
//! reads every sheet of an `.xls` when the file is opened, sized by what the file declares, so
//! a damaged file can make it follow a looping chain of sectors or ask for more memory than
//! the machine has. Neither is an error or a panic that could be caught: the process dies.
//! These checks find both beforehand, walking the file as calamine would, and refuse it in
//! words.

use std::io::Read;

/// The most cells a sheet of an `.xls` can hold: 65,536 rows × 256 columns (BIFF8). A sheet
/// that declares more, or whose cells lie further apart, is damaged.
const MAX_CELLS: u64 = 65_536 * 256;

/// calamine lays a sheet's cells out as a dense grid from its first row and column to its
/// last: a grid larger than this (32 MB of cells) that is more than [`SPARSE`] times the cells
/// it holds is a few cells scattered far apart, which would cost far more memory than the
/// file's size (a 9 KB file, half a gigabyte).
const SPARSE_FLOOR: u64 = 1 << 20;

/// See [`SPARSE_FLOOR`]: a table exported to a sheet fills its grid; one with notes beside
/// it fills a good part of it.
const SPARSE: u64 = 64;

/// Why calamine must not be given these bytes, in words; `None` when it can read them safely
/// (it may still refuse them itself, which is an error it returns).
pub(super) fn refusal(bytes: &[u8]) -> Option<String> {
    let stream = match workbook_stream(bytes) {
        Ok(stream) => stream,
        Err(Unsafe::Loops) => {
            return Some("its table of sectors loops back on itself (a damaged file)".into());
        }
        Err(Unsafe::Vast) => {
            return Some(
                "its table of sectors names more sectors than the file holds (a damaged file)"
                    .into(),
            );
        }
        Err(Unsafe::Panics) => {
            return Some(
                "its sectors are cut short or point past the table of sectors (a damaged file)"
                    .into(),
            );
        }
    }?;
    let Some(sheets) = sheet_sizes(&stream) else {
        return Some("its sheets overlap one another (a damaged file)".into());
    };
    if let Some(why) = sheets.iter().find_map(too_large) {
        return Some(why);
    }
    // calamine holds every sheet at once, each as a grid of cells and one of formulas, and
    // reserves what a sheet declares while reading it.
    over_budget(&sheets, bytes.len() as u64)
}

/// Why these sheets would take too much memory in calamine for a file of `file_bytes`, if
/// they would.
fn over_budget(sheets: &[SheetSize], file_bytes: u64) -> Option<String> {
    let held: u64 = sheets
        .iter()
        .map(|s| s.grid * CELL_BYTES + s.formulas * FORMULA_BYTES)
        .sum();
    let reserved = sheets.iter().map(|s| s.declared).max().unwrap_or(0) * RESERVED_BYTES;
    let budget = MIN_BUDGET.max(64 * file_bytes);
    (held + reserved > budget).then(|| {
        format!(
            "its {} sheets would take {} MB in the workbook reader, more than {} MB for a file \
             of {} KB: sheets repeated or spread far apart (a damaged file?)",
            sheets.len(),
            (held + reserved) >> 20,
            budget >> 20,
            file_bytes >> 10
        )
    })
}

/// The memory calamine 0.38 takes per cell of a sheet's grid, of its formula grid, and per
/// cell it reserves for a sheet's declared size.
const CELL_BYTES: u64 = std::mem::size_of::<calamine::Data>() as u64;
const FORMULA_BYTES: u64 = std::mem::size_of::<String>() as u64;
const RESERVED_BYTES: u64 = std::mem::size_of::<calamine::Cell<calamine::Data>>() as u64;

/// The memory a workbook may take in calamine whatever its size: 256 MB (a full sheet of
/// 65,536 × 256 cells is 512 MB, and is allowed when the file is large enough to hold it).
const MIN_BUDGET: u64 = 256 << 20;

/// Why a sheet of this size must not be read, if it must not.
fn too_large(size: &SheetSize) -> Option<String> {
    let most = size.declared.max(size.grid).max(size.formulas);
    if most > MAX_CELLS {
        Some(format!(
            "a sheet declares or spans {most} cells, more than an .xls sheet can hold \
             (65,536 rows × 256 columns): a damaged file"
        ))
    } else if size.grid > SPARSE_FLOOR && size.grid > SPARSE * size.cells {
        Some(format!(
            "a sheet's {} cells lie so far apart that the grid from its first to its last \
             row and column holds {} cells, which the workbook reader would set aside {} MB \
             for: stray cells far from the table? Delete them, or save the sheet as CSV",
            size.cells,
            size.grid,
            (size.grid * CELL_BYTES) >> 20
        ))
    } else {
        None
    }
}

/// What calamine 0.38 would do with a compound file that cannot be made safe by a check on
/// the workbook stream.
#[derive(Debug, PartialEq)]
enum Unsafe {
    /// A chain of sectors loops: calamine would follow it until memory runs out.
    Loops,
    /// The sector table names more sectors than the file holds (the same ones again and
    /// again): calamine would read each into memory.
    Vast,
    /// A sector is cut short or past the table's end where calamine would index into it: it
    /// panics (caught, but not where panics abort), so the file is refused before.
    Panics,
}

/// Where calamine 0.38 stops reading a compound file.
enum Stop {
    /// It returns an error (reading on where it can: `Workbook`, then `Book`).
    Fails,
    /// It panics (caught by the reader): it reads no sheet.
    Panics,
    /// It would read the same sectors into memory more times than the file has sectors.
    Vast,
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;

/// The signature a compound file starts with, as calamine checks it.
const OLE_SIGNATURE: [u8; 8] = *b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// calamine 0.38's store of a compound file's sectors, as it behaves: the sectors read from
/// the file (after its header) as they are first asked for and kept, a sector cut short by
/// the end of the file zero-filled once read.
struct Sectors {
    data: Vec<u8>,
    size: usize,
    maxid: u32,
}

impl Sectors {
    fn get(&mut self, id: u32, file: &mut &[u8]) -> Result<&[u8], Stop> {
        if self.maxid < id {
            return Err(Stop::Fails);
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        if end > self.data.len() {
            let mut len = self.data.len();
            self.data.resize(end, 0);
            while len < end {
                let read = file.read(&mut self.data[len..end]).unwrap_or(0);
                if read == 0 {
                    // calamine slices `start..len`, which panics when `start > len`.
                    return self.data.get(start..len).ok_or(Stop::Panics);
                }
                len += read;
            }
        }
        Ok(&self.data[start..end])
    }

    /// The chain of sectors from `id`, up to `len` bytes.
    fn chain(
        &mut self,
        mut id: u32,
        fats: &[u32],
        file: &mut &[u8],
        len: usize,
    ) -> Result<Vec<u8>, Stop> {
        let mut chain = Vec::new();
        while id != ENDOFCHAIN {
            let sector = self.get(id, file)?;
            let take = sector.len().min(len - chain.len());
            chain.extend_from_slice(&sector[..take]);
            if chain.len() >= len {
                break;
            }
            id = *fats.get(id as usize).ok_or(Stop::Panics)?;
        }
        Ok(chain)
    }
}

/// Little-endian 32-bit words, as calamine reads them: a length that is not a multiple of 4
/// fails its assertion.
fn words(b: &[u8]) -> Result<Vec<u32>, Stop> {
    if !b.len().is_multiple_of(4) {
        return Err(Stop::Panics);
    }
    Ok(b.chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect())
}

/// A directory entry: its name (UTF-16 up to the first NUL, as calamine decodes it), first
/// sector and length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// The workbook stream calamine 0.38 would read from these bytes (`Workbook`, else `Book`),
/// found by reading the compound file step by step as it does; `Ok(None)` when calamine
/// would fail or panic before reading a sheet (the reader then refuses the file with its
/// error), `Err` when it would never return.
fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, Unsafe> {
    const RESERVED: u32 = 0xFFFF_FFFA;
    const DIFSECT: u32 = 0xFFFF_FFFC;
    let size: usize = match bytes.get(30..32) {
        Some([0x09, 0]) => 512,
        Some([0x0C, 0]) => 4096,
        _ => return Ok(None),
    };
    if bytes.len() < size || bytes[..8] != OLE_SIGNATURE || u16_at(bytes, 32) != 6 {
        return Ok(None);
    }
    let version = u16_at(bytes, 26);
    let dir_start = u32_at(bytes, 48);
    let mini_fat_start = u32_at(bytes, 60);
    let mini_fat_len = u32_at(bytes, 64) as usize;
    let maxid = bytes.len() / size;
    let mut file = &bytes[size..];
    let mut sectors = Sectors {
        data: Vec::new(),
        size,
        maxid: maxid as u32,
    };
    let Ok(mut difat) = words(&bytes[76..512]) else {
        return Ok(None);
    };
    let mut read = |sectors: &mut Sectors, file: &mut &[u8]| -> Result<_, Stop> {
        let mut id = u32_at(bytes, 68);
        let mut hops = 0usize;
        while id < RESERVED {
            hops += 1;
            if hops > maxid.saturating_add(1) {
                return Err(Stop::Fails);
            }
            difat.extend(words(sectors.get(id, file)?)?);
            id = difat.pop().ok_or(Stop::Fails)?;
        }
        if difat.iter().filter(|&&id| id < DIFSECT).count() > maxid + 1 {
            return Err(Stop::Vast);
        }
        let mut fats = Vec::new();
        for &id in difat.iter().filter(|&&id| id < DIFSECT) {
            fats.extend(words(sectors.get(id, file)?)?);
        }
        Ok(fats)
    };
    let fats = match read(&mut sectors, &mut file) {
        Ok(fats) => fats,
        Err(stop) => return halt(stop),
    };
    if chain_loops(&fats, maxid) {
        return Err(Unsafe::Loops);
    }
    let directory = match sectors.chain(dir_start, &fats, &mut file, usize::MAX) {
        Ok(directory) => directory,
        Err(stop) => return halt(stop),
    };
    let entries: Vec<Entry> = directory
        .chunks_exact(128)
        .map(|e| {
            let (name, _, _) = encoding_rs::UTF_16LE.decode(&e[..64]);
            let name = name.split('\0').next().unwrap_or_default().to_string();
            let len = if size == 512 {
                u32_at(e, 120) as usize
            } else {
                u64::from(u32_at(e, 120)) as usize | ((u32_at(e, 124) as usize) << 32)
            };
            Entry {
                name,
                start: u32_at(e, 116),
                len,
            }
        })
        .collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    if version != 3 && root.start == ENDOFCHAIN {
        return Ok(None);
    }
    let (mini_fats, ministream) = if mini_fat_len > 0 {
        let mini = sectors
            .chain(root.start, &fats, &mut file, root.len)
            .and_then(|ministream| {
                let fats = sectors.chain(mini_fat_start, &fats, &mut file, mini_fat_len * size)?;
                Ok((words(&fats)?, ministream))
            });
        match mini {
            Ok(mini) => mini,
            Err(stop) => return halt(stop),
        }
    } else {
        (Vec::new(), Vec::new())
    };
    let mut mini_sectors = Sectors {
        data: ministream,
        size: 64,
        maxid: (maxid * 8) as u32,
    };
    for name in ["Workbook", "Book"] {
        let Some(entry) = entries
            .iter()
            .find(|e| e.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
        else {
            continue;
        };
        let stream = if entry.len < 4096 {
            mini_sectors.chain(entry.start, &mini_fats, &mut file, entry.len)
        } else {
            sectors.chain(entry.start, &fats, &mut file, entry.len)
        };
        match stream {
            Ok(stream) => return Ok(Some(stream)),
            Err(Stop::Fails | Stop::Vast) => continue,
            Err(Stop::Panics) => return Err(Unsafe::Panics),
        }
    }
    Ok(None)
}

/// Where the walk stops: calamine's error (`Ok(None)`: it refuses the file itself), or a
/// state it must not be given the file in.
fn halt(stop: Stop) -> Result<Option<Vec<u8>>, Unsafe> {
    match stop {
        Stop::Fails => Ok(None),
        Stop::Panics => Err(Unsafe::Panics),
        Stop::Vast => Err(Unsafe::Vast),
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The records of a BIFF stream as calamine 0.38 walks them: type and data, the CONTINUE
/// records after a record passed over with it. The walk stops where calamine's would fail
/// (a record cut short).
struct Records<'a> {
    stream: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let s = self.stream;
        let len = usize::from(u16_at(s, 2));
        if s.len() < 4 || s.len() < len + 4 {
            return None;
        }
        let (typ, data, mut next) = (u16_at(s, 0), &s[4..4 + len], &s[4 + len..]);
        const CONTINUE: u16 = 0x003C;
        while next.len() > 4 && u16_at(next, 0) == CONTINUE {
            let len = usize::from(u16_at(next, 2));
            if next.len() < len + 4 {
                return None;
            }
            next = &next[len + 4..];
        }
        self.stream = next;
        Some((typ, data))
    }
}

/// The cells a range of sheet positions spans, as calamine allocates it (a dense grid from
/// the first row and column to the last).
#[derive(Default)]
struct Span {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        let widen = |r: &mut Option<(u32, u32)>, v: u32| {
            *r = Some(r.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
        };
        widen(&mut self.rows, row);
        widen(&mut self.cols, col);
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1),
            _ => 0,
        }
    }
}

/// What calamine 0.38 would set aside for one sheet, in cells.
#[derive(Clone, Debug, Default, PartialEq)]
struct SheetSize {
    /// The most a DIMENSIONS record of it declares (reserved, not written).
    declared: u64,
    /// The dense grid its cells span (written whole).
    grid: u64,
    /// The dense grid its formulas span (written whole).
    formulas: u64,
    /// The cells its records hold.
    cells: u64,
}

/// For each sheet the workbook's globals point to (their BoundSheet records, up to the
/// globals' end), the cells calamine would set aside for it; `None` when the sheets overlap
/// (walking them all would cover the stream many times over, as no whole file does).
fn sheet_sizes(stream: &[u8]) -> Option<Vec<SheetSize>> {
    const BOUNDSHEET: u16 = 0x0085;
    const EOF: u16 = 0x000A;
    let starts: Vec<usize> = Records { stream }
        .take_while(|&(typ, _)| typ != EOF)
        .filter(|&(typ, data)| typ == BOUNDSHEET && data.len() >= 4)
        .map(|(_, data)| u32_at(data, 0) as usize)
        .filter(|&at| at <= stream.len())
        .collect();
    let mut walked = 0usize;
    let mut seen: std::collections::BTreeMap<usize, SheetSize> = Default::default();
    let mut sizes = Vec::with_capacity(starts.len());
    for at in starts {
        if let Some(size) = seen.get(&at) {
            sizes.push(size.clone());
            continue;
        }
        let (size, length) = sheet_size(&stream[at..]);
        walked += length;
        if walked > 2 * stream.len() + (64 << 10) {
            return None;
        }
        seen.insert(at, size.clone());
        sizes.push(size);
    }
    Some(sizes)
}

/// The cells calamine 0.38 would set aside while reading one sheet's records: it reserves
/// what DIMENSIONS declares, then lays its cells (and formulas) out as a dense grid. Records
/// it would skip (embedded charts' substreams) are skipped the same way. With the size, the
/// bytes walked.
fn sheet_size(sheet: &[u8]) -> (SheetSize, usize) {
    let (mut cells, mut formulas) = (Span::default(), Span::default());
    let mut size = SheetSize::default();
    let mut records = 0u64;
    let mut formula_at = (0u32, 0u32);
    let (mut seen_bof, mut depth) = (false, 0usize);
    let mut records_of = Records { stream: sheet };
    for (typ, data) in records_of.by_ref() {
        records += 1;
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => (),
            }
            continue;
        }
        let at = (u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)));
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x0200 => size.declared = size.declared.max(records + dimensions(data)),
            // Number, Label, RString, BoolErr, Rk, LabelSst: one cell at (row, col).
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                cells.add(at.0, at.1);
                size.cells += 1;
            }
            // String: the value of the formula before it.
            0x0207 => cells.add(formula_at.0, formula_at.1),
            // MulRk: a row of six-byte values from its first column on (calamine counts the
            // columns from the values, past 65,535 if need be, once their count agrees with
            // the last column written at the end).
            0x00BD if data.len() >= 12 => {
                let n = (data.len() as u64 - 6) / 6;
                cells.add(at.0, at.1);
                cells.add(at.0, at.1 + n as u32 - 1);
                size.cells += n;
            }
            0x0006 if data.len() >= 20 => {
                formula_at = at;
                cells.add(at.0, at.1);
                formulas.add(at.0, at.1);
                size.cells += 1;
            }
            0x000A => break,
            _ => (),
        }
    }
    size.grid = cells.cells();
    size.formulas = formulas.cells();
    (size, sheet.len() - records_of.stream.len())
}

/// The cells a DIMENSIONS record makes calamine 0.38 reserve, worked out as it works them
/// out (its row and column counts wrap around as 32-bit numbers in a release build).
fn dimensions(data: &[u8]) -> u64 {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)),
            u32::from(u16_at(data, 2)),
            u32::from(u16_at(data, 4)),
            u32::from(u16_at(data, 6)),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u32::from(u16_at(data, 8)),
            u32::from(u16_at(data, 10)),
        ),
        _ => return 0,
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return 1;
    }
    let rows = (last_row - 1).wrapping_sub(first_row).wrapping_add(1);
    let cols = (last_col - 1).wrapping_sub(first_col).wrapping_add(1);
    u64::from(rows) * u64::from(cols)
}

/// Whether a chain of the sector table (FAT) loops. calamine 0.38 follows the directory's
/// chain with no length limit and other chains up to lengths the file declares, so a loop
/// makes it allocate until the process is killed: no error, no panic to catch. A file that is
/// whole has no loop.
fn chain_loops(fat: &[u32], maxid: usize) -> bool {
    // Each sector points to the next of its chain (calamine reads a sector only up to
    // `maxid`): look for a cycle, walking each sector once.
    let n = fat.len();
    let mut state = vec![0u8; n]; // 0 unseen, 1 on the current walk, 2 done
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut walk = Vec::new();
        let mut at = start;
        loop {
            state[at] = 1;
            walk.push(at);
            let next = fat[at] as usize;
            if next >= n || next > maxid {
                break; // the chain ends (ENDOFCHAIN and the other marks are past any sector)
            }
            match state[next] {
                0 => at = next,
                1 => return true,
                _ => break, // joins a chain already walked
            }
        }
        for w in walk {
            state[w] = 2;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sectors` blocks of 512 bytes, the first a compound-file header of 512-byte sectors
    /// (64-byte mini sectors) and the rest zeros.
    fn ole_header(sectors: usize) -> Vec<u8> {
        let mut file = vec![0u8; 512 * sectors];
        file[..8].copy_from_slice(&OLE_SIGNATURE);
        file[30] = 0x09;
        file[32] = 0x06;
        file
    }

    #[test]
    fn a_looping_ole_sector_chain_is_found() {
        // A header of 512-byte sectors whose one FAT sector (sector 0) makes sector 1 point to
        // sector 2 and sector 2 back to 1; the directory starts at sector 1.
        let mut file = ole_header(4);
        file[44] = 1; // one FAT sector
        file[48] = 1; // directory at sector 1
        file[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes()); // no DIFAT sector
        for (k, id) in [0u32].into_iter().chain([0xFFFF_FFFF; 108]).enumerate() {
            file[76 + 4 * k..80 + 4 * k].copy_from_slice(&id.to_le_bytes());
        }
        let fat_at = 512; // sector 0
        let entries = [0xFFFF_FFFDu32, 2, 1, 0xFFFF_FFFE];
        for (k, e) in entries.iter().enumerate() {
            file[fat_at + 4 * k..fat_at + 4 * k + 4].copy_from_slice(&e.to_le_bytes());
        }
        assert_eq!(workbook_stream(&file), Err(Unsafe::Loops));
        // Ended where it should, the chain is fine.
        file[fat_at + 8..fat_at + 12].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        assert_eq!(workbook_stream(&file), Ok(None));
        // The fixture, a whole file written by xlwt, has no loop.
        let xls = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/acled_workbook.xls"
        ))
        .expect("fixture");
        assert!(matches!(workbook_stream(&xls), Ok(Some(_))));
        assert_eq!(workbook_stream(b"\xD0\xCF\x11\xE0 too short"), Ok(None));
    }

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    fn cell(typ: u16, row: u16, col: u16, len: usize) -> Vec<u8> {
        let mut data = vec![0u8; len];
        data[..2].copy_from_slice(&row.to_le_bytes());
        data[2..4].copy_from_slice(&col.to_le_bytes());
        record(typ, &data)
    }

    #[test]
    fn sheet_sizes_as_calamine_would_allocate_them() {
        let bof = record(0x0809, &[0; 16]);
        let eof = record(0x000A, &[]);
        // A full BIFF8 sheet, corner to corner: the most there can be, and no more.
        let full = [
            bof.clone(),
            cell(0x0203, 0, 0, 14),
            cell(0x027E, 65_535, 255, 10),
            eof.clone(),
        ]
        .concat();
        assert_eq!(
            sheet_size(&full).0,
            SheetSize {
                declared: 0,
                grid: MAX_CELLS,
                formulas: 0,
                cells: 2
            }
        );
        // A label at column 300 widens the grid past what a sheet can hold.
        let wide = [
            bof.clone(),
            cell(0x0203, 0, 0, 14),
            cell(0x027E, 65_535, 255, 10),
            cell(0x00FD, 9, 300, 10),
            eof.clone(),
        ]
        .concat();
        assert_eq!(sheet_size(&wide).0.grid, 65_536 * 301);
        // A MulRk: values from its first column on, the last column written at its end. Its
        // columns are counted from the values, as calamine counts them, past 65,535 when the
        // last column wraps around.
        let mulrk = |first: u16, values: usize, last: u16| {
            let mut data = vec![0u8; 6 + 6 * values];
            data[2..4].copy_from_slice(&first.to_le_bytes());
            let end = data.len();
            data[end - 2..].copy_from_slice(&last.to_le_bytes());
            [bof.clone(), record(0x00BD, &data), eof.clone()].concat()
        };
        let of = |sheet: Vec<u8>| {
            let (size, _) = sheet_size(&sheet);
            (size.grid, size.cells)
        };
        assert_eq!(of(mulrk(250, 3, 252)), (3, 3));
        assert_eq!(of(mulrk(65_535, 2, 0)), (2, 2));
        // Cells of an embedded chart's substream are skipped, as calamine skips them, and the
        // sheet's end stops the walk.
        let chart = [
            bof.clone(),
            cell(0x0203, 3, 3, 14),
            bof.clone(),
            cell(0x0203, 60_000, 200, 14),
            eof.clone(),
            cell(0x0203, 5, 4, 14),
            eof.clone(),
            cell(0x0203, 60_000, 200, 14),
        ]
        .concat();
        assert_eq!(
            (sheet_size(&chart).0.grid, sheet_size(&chart).0.cells),
            (3 * 2, 2)
        );
        // DIMENSIONS: rows 0..=99 by columns 0..=9 is reserved as 1,000 cells; a last row
        // before the first wraps around as it does in calamine.
        let dims = |first: u32, last: u32| {
            let mut d = first.to_le_bytes().to_vec();
            d.extend(last.to_le_bytes());
            d.extend(0u16.to_le_bytes());
            d.extend(10u16.to_le_bytes());
            d.extend([0, 0]);
            d
        };
        assert_eq!(dimensions(&dims(0, 100)), 1_000);
        assert_eq!(dimensions(&dims(7, 3)), (u64::from(u32::MAX) - 3) * 10);
        assert_eq!(dimensions(&[0; 9]), 0);
    }

    #[test]
    fn sheets_as_the_globals_list_them() {
        let bof = record(0x0809, &[0; 16]);
        let eof = record(0x000A, &[]);
        let boundsheet = |at: u32| {
            let mut data = at.to_le_bytes().to_vec();
            data.extend([0, 0, 1, b'S']);
            record(0x0085, &data)
        };
        // Globals: two sheets at the same place, then the end; a third BoundSheet after the
        // end is not the globals' (calamine stops there).
        let globals_len = bof.len() + 3 * boundsheet(0).len() + eof.len();
        let at = globals_len as u32;
        let stream = [
            bof.clone(),
            boundsheet(at),
            boundsheet(at),
            eof.clone(),
            boundsheet(at),
            bof.clone(),
            cell(0x0203, 4, 2, 14),
            eof.clone(),
        ]
        .concat();
        let sizes = sheet_sizes(&stream).expect("sheets");
        assert_eq!(sizes.len(), 2);
        assert_eq!((sizes[0].grid, sizes[0].cells), (1, 1));
        // Sheets that start inside one another over a long run with no end: each walk covers
        // the rest of the stream, as no whole file has it.
        let mut overlapping = bof.clone();
        let run = 20_000;
        let start = (bof.len() + run * boundsheet(0).len() + eof.len()) as u32;
        for k in 0..run {
            overlapping.extend(boundsheet(start + 4 * k as u32));
        }
        overlapping.extend(eof.clone());
        for _ in 0..run {
            overlapping.extend(record(0x0001, &[]));
        }
        assert_eq!(sheet_sizes(&overlapping), None);
    }

    #[test]
    fn a_table_of_sectors_naming_sectors_again_and_again_is_refused() {
        // Three sectors of 512 bytes; the header's 109 slots all name sector 0 as a FAT sector.
        let mut file = ole_header(4);
        file[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        assert_eq!(workbook_stream(&file), Err(Unsafe::Vast));
        let why = refusal(&file).expect("refused");
        assert!(
            why.contains("names more sectors than the file holds"),
            "{why}"
        );
        // One slot naming it, the others free: no more than the file holds.
        for k in 1..109 {
            file[76 + 4 * k..80 + 4 * k].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        assert_ne!(workbook_stream(&file), Err(Unsafe::Vast));
    }

    #[test]
    fn all_sheets_together_within_a_budget() {
        let sheet = |grid, formulas| SheetSize {
            declared: 0,
            grid,
            formulas,
            cells: grid,
        };
        // A full sheet (512 MB of cells) in a file large enough to hold it.
        assert_eq!(over_budget(&[sheet(MAX_CELLS, 0)], 100 << 20), None);
        // Twenty sheets of a million cells each (640 MB) from a 1.6 MB file.
        let many = vec![sheet(1 << 20, 0); 20];
        let why = over_budget(&many, 1_600_000).expect("refused");
        assert!(why.starts_with("its 20 sheets would take 640 MB"), "{why}");
        // Formulas count beside the cells.
        assert!(over_budget(&[sheet(8 << 20, 8 << 20)], 1 << 20).is_some());
        assert!(over_budget(&[sheet(8 << 20, 0)], 1 << 20).is_none());
    }

    #[test]
    fn sheets_too_large_to_read() {
        let size = |declared, grid, cells| SheetSize {
            declared,
            grid,
            formulas: 0,
            cells,
        };
        // A full sheet of 65,536 x 256 cells, written whole, is read.
        assert_eq!(too_large(&size(MAX_CELLS, MAX_CELLS, MAX_CELLS)), None);
        // More than a sheet can hold, declared or spanned: damaged.
        for s in [
            size(MAX_CELLS + 1, 10, 10),
            size(0, MAX_CELLS + 1, MAX_CELLS),
        ] {
            let why = too_large(&s).expect("refused");
            assert!(why.contains("more than an .xls sheet can hold"), "{why}");
        }
        // A few cells far apart: refused once the grid passes the floor and 64 times them.
        assert_eq!(too_large(&size(0, SPARSE_FLOOR, 2)), None);
        assert_eq!(too_large(&size(0, 30_000 * 200, 30_000 * 31)), None);
        let why = too_large(&size(0, MAX_CELLS, 2)).expect("refused");
        assert!(
            why.starts_with(
                "a sheet's 2 cells lie so far apart that the grid from its first to its last \
                 row and column holds 16777216 cells, which the workbook reader would set \
                 aside 512 MB for"
            ),
            "{why}"
        );
    }

    #[test]
    fn a_damaged_xls_declaring_a_vast_sheet_is_refused() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/acled_workbook.xls"
        );
        let mut xls = std::fs::read(path).expect("fixture");
        assert_eq!(refusal(&xls), None);
        // Each sheet's DIMENSIONS record (type 0x0200, 14 bytes): its last row made 2^31.
        let marker = [0x00, 0x02, 0x0E, 0x00];
        let at: Vec<usize> = (0..xls.len() - 4)
            .filter(|&i| xls[i..i + 4] == marker)
            .collect();
        assert_eq!(at.len(), 2);
        for i in at {
            xls[i + 8..i + 12].copy_from_slice(&0x8000_0000u32.to_le_bytes());
        }
        let why = refusal(&xls).expect("refused");
        assert!(why.contains("more than an .xls sheet can hold"), "{why}");
        // The crash the fuzz target found: a directory entry's name length that disagrees
        // with its name. calamine reads the name up to its first NUL, whatever the length
        // says, and so must this check.
        let name: Vec<u8> = "Workbook"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let at = (0..xls.len() - 16)
            .find(|&i| xls[i..i + 16] == *name)
            .expect("the Workbook entry");
        xls[at + 64] = 0; // its name's length in bytes
        assert!(refusal(&xls).is_some());
    }
}
