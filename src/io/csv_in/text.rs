//! Getting from the bytes of a file to text a table reader can split: the container (gzip,
//! zip), the byte-order mark and UTF-16, and the separator; or, when the bytes are a workbook
//! (.xlsx, .xlsb, .xls, .ods), to those bytes for the workbook reader.

use std::io::{BufRead, BufReader, Cursor, Read};

use super::{Encoding, decode_text};
use crate::error::{Error, Result};
use crate::io::workbook::{WorkbookBytes, WorkbookKind};

/// Buffer size of the readers' input.
const BUFFER: usize = 1 << 16;

/// The first bytes of an OLE compound file: an Excel 97-2003 workbook (.xls).
const OLE_MAGIC: [u8; 4] = [0xd0, 0xcf, 0x11, 0xe0];

/// What a stream holds, found from its first bytes and, for a zip, the names in it.
pub(crate) enum Opening<'a> {
    /// Text for a table (or GeoJSON) reader.
    Text(Opened<'a>),
    /// A workbook, read whole, for the workbook reader.
    Workbook(WorkbookBytes),
}

/// A stream of UTF-8 text, or of 8-bit text decided record by record, ready for a table reader.
pub(crate) struct Opened<'a> {
    /// The text, buffered; its first bytes can be peeked with `fill_buf`.
    pub(crate) reader: BufReader<Box<dyn Read + 'a>>,
    /// The encoding fixed for the whole stream (by a byte-order mark or the options); `None`
    /// when it is UTF-8 or Windows-1252, decided record by record.
    pub(crate) encoding: Option<Encoding>,
    /// What held the table: `gzip`, or `zip` and the member's name.
    pub(crate) container: Option<String>,
}

impl<'a> Opened<'a> {
    /// Open a stream of text: as [`open`](Self::open) does, and a workbook is an error (for the
    /// readers that take CSV text only).
    pub(crate) fn new<R: Read + 'a>(
        reader: R,
        source: &str,
        asked: Option<Encoding>,
    ) -> Result<Opened<'a>> {
        match Self::open(reader, source, asked)? {
            Opening::Text(opened) => Ok(opened),
            Opening::Workbook(book) => Err(Error::format(format!(
                "{source} is {}, and this reader takes CSV text only: save the sheet as CSV \
                 (UTF-8) and read that",
                book.kind.described()
            ))),
        }
    }

    /// Open a stream: a workbook (an OLE file, or a zip holding a workbook's parts) is read
    /// whole and handed back as such; otherwise unwrap gzip and zip, skip a UTF-8 byte-order
    /// mark, and turn UTF-16 (by its mark, or asked for) and asked-for Windows-1252 into UTF-8
    /// as it is read.
    pub(crate) fn open<R: Read + 'a>(
        reader: R,
        source: &str,
        asked: Option<Encoding>,
    ) -> Result<Opening<'a>> {
        let boxed: Box<dyn Read + 'a> = Box::new(reader);
        let mut reader = BufReader::with_capacity(BUFFER, boxed);
        let mut container = None;
        let head = peek(&mut reader, source)?;
        if head.starts_with(&OLE_MAGIC) {
            let bytes = read_whole(reader, source)?;
            return Ok(Opening::Workbook(WorkbookBytes {
                kind: WorkbookKind::Xls,
                bytes,
            }));
        }
        if head.starts_with(&[0x1f, 0x8b]) {
            let inner: Box<dyn Read + 'a> = Box::new(flate2::read::MultiGzDecoder::new(reader));
            reader = BufReader::with_capacity(BUFFER, inner);
            container = Some("gzip".to_string());
        } else if head.starts_with(b"PK\x03\x04") {
            let (name, table) = match unzip(reader, source)? {
                Unzipped::Table(name, table) => (name, table),
                Unzipped::Workbook(book) => return Ok(Opening::Workbook(book)),
            };
            let inner: Box<dyn Read + 'a> = Box::new(Cursor::new(table));
            reader = BufReader::with_capacity(BUFFER, inner);
            container = Some(format!("zip, member {name}"));
        }
        let head = peek(&mut reader, source)?;
        let by_mark = if head.starts_with(&[0xef, 0xbb, 0xbf]) {
            reader.consume(3);
            Some(Encoding::Utf8)
        } else if head.starts_with(&[0xff, 0xfe]) {
            Some(Encoding::Utf16Le)
        } else if head.starts_with(&[0xfe, 0xff]) {
            Some(Encoding::Utf16Be)
        } else {
            utf16_without_mark(head)
        };
        let encoding = match (by_mark, asked) {
            (Some(Encoding::Utf8), Some(asked)) => Some(asked),
            (Some(mark), _) => Some(mark),
            (None, asked) => asked,
        };
        let decoder = match encoding {
            Some(Encoding::Utf16Le) => Some(encoding_rs::UTF_16LE.new_decoder_with_bom_removal()),
            Some(Encoding::Utf16Be) => Some(encoding_rs::UTF_16BE.new_decoder_with_bom_removal()),
            Some(Encoding::Windows1252) => {
                Some(encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling())
            }
            Some(Encoding::Utf8) | None => None,
        };
        if let Some(decoder) = decoder {
            let inner: Box<dyn Read + 'a> = Box::new(Decoding {
                inner: reader,
                decoder,
                out: Vec::with_capacity(BUFFER),
                at: 0,
                done: false,
            });
            reader = BufReader::with_capacity(BUFFER, inner);
        }
        Ok(Opening::Text(Opened {
            reader,
            encoding,
            container,
        }))
    }

    /// The separator of the table: the one a first line `sep=;` names (Excel's hint, which
    /// is then read past: `true`), else the one of `,` `;` tab `|` that splits the first line
    /// into the most fields outside quotes (`,` when none does).
    pub(crate) fn separator(&mut self, source: &str) -> Result<TableHead> {
        let head = table_head(peek(&mut self.reader, source)?);
        self.reader.consume(head.skip);
        Ok(head)
    }
}

/// The buffered bytes at the front of `reader` (reading if the buffer is empty).
pub(crate) fn peek<'b, R: Read>(reader: &'b mut BufReader<R>, source: &str) -> Result<&'b [u8]> {
    reader.fill_buf().map_err(|e| Error::io(source, e))
}

/// UTF-16 without a byte-order mark: in mostly-ASCII text every other byte is zero.
fn utf16_without_mark(head: &[u8]) -> Option<Encoding> {
    let pairs = head.len().min(512) / 2;
    if pairs < 4 {
        return None;
    }
    let zeros_at = |odd: usize| (0..pairs).filter(|k| head[2 * k + odd] == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if odd * 4 >= pairs * 3 && even == 0 {
        Some(Encoding::Utf16Le)
    } else if even * 4 >= pairs * 3 && odd == 0 {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// The rest of a stream, read whole.
fn read_whole<R: Read>(mut reader: R, source: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(source, e))?;
    Ok(bytes)
}

/// What a zip archive holds for the readers.
enum Unzipped {
    /// Its one table: the member's name and bytes.
    Table(String, Vec<u8>),
    /// It is a workbook (.xlsx, .xlsb, .ods are zips of XML or binary parts).
    Workbook(WorkbookBytes),
}

/// The workbook a zip archive is, by the parts it holds: `xl/workbook.xml` (.xlsx),
/// `xl/workbook.bin` (.xlsb), `mimetype` and `content.xml` (.ods).
fn workbook_in_zip(names: &[String]) -> Option<WorkbookKind> {
    let has = |name: &str| names.iter().any(|n| n == name);
    if has("xl/workbook.xml") {
        Some(WorkbookKind::Xlsx)
    } else if has("xl/workbook.bin") {
        Some(WorkbookKind::Xlsb)
    } else if has("mimetype") && has("content.xml") {
        Some(WorkbookKind::Ods)
    } else {
        None
    }
}

/// The one table inside a zip archive, read whole: the member whose name ends in `.csv` or
/// `.tsv`, else in `.txt` (macOS resource forks left out); or the whole archive when it is a
/// workbook. More than one table or none is an error that lists what the archive holds.
fn unzip<R: Read>(reader: R, source: &str) -> Result<Unzipped> {
    let bytes = read_whole(reader, source)?;
    let broken = |e: zip::result::ZipError| {
        Error::format(format!(
            "{source} looks like a zip archive but cannot be read: {e}"
        ))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).map_err(broken)?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(std::borrow::Cow::into_owned))
        .collect();
    if let Some(kind) = workbook_in_zip(&names) {
        drop(archive);
        return Ok(Unzipped::Workbook(WorkbookBytes { kind, bytes }));
    }
    let ends_in = |n: &str, ends: &[&str]| {
        let lower = n.to_ascii_lowercase();
        !lower.starts_with("__macosx/") && ends.iter().any(|e| lower.ends_with(e))
    };
    // A `.csv` or `.tsv` is the table; a `.txt` only when there is neither (downloads put
    // their terms of use or a readme beside the table as `.txt`).
    let mut tables: Vec<&String> = names
        .iter()
        .filter(|n| ends_in(n, &[".csv", ".tsv"]))
        .collect();
    if tables.is_empty() {
        tables = names.iter().filter(|n| ends_in(n, &[".txt"])).collect();
    }
    let name = match tables.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(Error::format(format!(
                "{source} is a zip archive with no table (.csv, .tsv, .txt) in it; it holds: {}",
                names.join(", ")
            )));
        }
        many => {
            return Err(Error::format(format!(
                "{source} is a zip archive with {} tables in it ({}): unzip it and read one",
                many.len(),
                many.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    let mut member = archive.by_name(&name).map_err(broken)?;
    let mut table = Vec::new();
    member
        .read_to_end(&mut table)
        .map_err(|e| Error::io(format!("{source} (member {name})"), e))?;
    Ok(Unzipped::Table(name, table))
}

/// Where a table's header is and what splits it, from the table's first bytes.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct TableHead {
    /// The separator: named by Excel's `sep=;` hint, else found from the header line.
    pub(crate) separator: u8,
    /// Whether Excel's `sep=` hint line named it.
    pub(crate) hinted: bool,
    /// The lines before the header (the hint, a title, blank lines) and their length in bytes.
    pub(crate) lines: u64,
    pub(crate) skip: usize,
    /// Whether the bytes read past end in `\r` (whose `\n` may not be read yet).
    pub(crate) ends_in_cr: bool,
    /// The text of the title lines read past, for the load report.
    pub(crate) titles: Vec<String>,
}

/// The lines a table's header may be preceded by and still be found: a title or two, a blank
/// line, the `sep=` hint.
const MAX_TITLE_LINES: usize = 5;

/// The table whose first bytes are `head`: Excel's `sep=;` hint line, then title or blank
/// lines (fewer than two non-empty fields, as "ACLED export, Burkina Faso;;;;" is, when a later
/// line has at least three), then the header, split by its separator.
pub(crate) fn table_head(head: &[u8]) -> TableHead {
    let mut table = TableHead::default();
    if let Some((separator, length)) = separator_hint(head) {
        (table.separator, table.hinted, table.lines, table.skip) = (separator, true, 1, length);
    }
    let lines = line_spans(&head[table.skip..]);
    let filled = |(start, end): (usize, usize)| {
        let line = &head[table.skip + start..table.skip + end];
        let separator = if table.hinted {
            table.separator
        } else {
            sniff_separator(line)
        };
        line.split(|&b| b == separator)
            .filter(|f| !f.iter().all(|b| b.is_ascii_whitespace() || *b == b'"'))
            .count()
    };
    let header = lines
        .iter()
        .take(MAX_TITLE_LINES + 1)
        .position(|&span| filled(span) >= 3);
    if let Some(k) = header.filter(|&k| lines[..k].iter().all(|&span| filled(span) < 2)) {
        for &(start, end) in &lines[..k] {
            let text = decode_text(&head[table.skip + start..table.skip + end]);
            let text = text.trim_matches(|c: char| c.is_whitespace() || ",;\t|\"".contains(c));
            if !text.is_empty() {
                table.titles.push(text.to_string());
            }
        }
        table.lines += k as u64;
        table.skip += lines.get(k).map_or(0, |&(start, _)| start);
    }
    if !table.hinted {
        table.separator = sniff_separator(&head[table.skip..]);
    }
    table.ends_in_cr = table.skip > 0 && head[table.skip - 1] == b'\r';
    table
}

/// The first lines of `head` that end in it: each one's start and end (before its line end).
fn line_spans(head: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    while spans.len() <= MAX_TITLE_LINES + 1 {
        let Some(end) = memchr::memchr2(b'\n', b'\r', &head[start..]).map(|e| start + e) else {
            // The last line, cut short by the end of the buffer or of the file.
            spans.push((start, head.len()));
            break;
        };
        spans.push((start, end));
        start = end
            + if head[end..].starts_with(b"\r\n") {
                2
            } else {
                1
            };
    }
    spans
}

/// Excel's separator hint, a first line `sep=;` (quoted or not): the separator and the
/// length of the line with its line end.
fn separator_hint(head: &[u8]) -> Option<(u8, usize)> {
    let end = memchr::memchr2(b'\n', b'\r', head).unwrap_or(head.len());
    // Spaces trimmed, not tabs: `sep=` followed by a tab names the tab.
    let mut first = &head[..end];
    while let [b' ', rest @ ..] = first {
        first = rest;
    }
    while let [rest @ .., b' '] = first {
        first = rest;
    }
    let hint = first
        .strip_prefix(b"\"")
        .and_then(|f| f.strip_suffix(b"\""))
        .unwrap_or(first);
    let separator = match hint {
        [s, e, p, b'=', separator] if [*s, *e, *p].eq_ignore_ascii_case(b"sep") => *separator,
        _ => return None,
    };
    if separator.is_ascii_alphanumeric() || matches!(separator, b'"' | b'\r' | b'\n' | b' ') {
        return None;
    }
    let line_end = match head.get(end..) {
        Some([b'\r', b'\n', ..]) => 2,
        Some([_, ..]) => 1,
        _ => 0,
    };
    Some((separator, end + line_end))
}

/// The separator that splits the first line of `head` into the most fields, counting outside
/// double quotes; `,` when none of them occurs.
pub(crate) fn sniff_separator(head: &[u8]) -> u8 {
    let end = memchr::memchr2(b'\n', b'\r', head).unwrap_or(head.len());
    let line = &head[..end];
    let mut counts = [0usize; 4];
    const SEPARATORS: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(k) = SEPARATORS.iter().position(|&s| s == b) {
            counts[k] += 1;
        }
    }
    let best = (0..4).max_by_key(|&k| (counts[k], std::cmp::Reverse(k)));
    match best {
        Some(k) if counts[k] > 0 => SEPARATORS[k],
        _ => b',',
    }
}

/// A reader that turns text in another encoding into UTF-8 as it is read.
struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: BufRead> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.out.len() {
            if self.done {
                return Ok(0);
            }
            let src = self.inner.fill_buf()?;
            let last = src.is_empty();
            self.out.clear();
            self.out.resize(BUFFER * 3 + 16, 0);
            let (_, read, written, _) = self.decoder.decode_to_utf8(src, &mut self.out, last);
            self.inner.consume(read);
            self.out.truncate(written);
            self.at = 0;
            self.done = last;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], asked: Option<Encoding>) -> (String, Option<Encoding>) {
        let mut opened = Opened::new(bytes, "test", asked).expect("opens");
        let mut out = String::new();
        opened.reader.read_to_string(&mut out).expect("utf-8");
        (out, opened.encoding)
    }

    #[test]
    fn title_lines_before_the_header() {
        let t =
            table_head(b"ACLED export, Burkina Faso;;;;\r\n;;;;\r\nid;date;lat;lon\r\n1;x;2;3\r\n");
        assert_eq!(
            (t.separator, t.hinted, t.lines, t.skip),
            (b';', false, 2, 38)
        );
        assert_eq!(t.titles, ["ACLED export, Burkina Faso"]);
        let t = table_head(b"sep=,\nExported 2024-07-01\n\nid,date,lat,lon\n");
        assert_eq!(
            (t.separator, t.hinted, t.lines, t.skip),
            (b',', true, 3, 27)
        );
        assert_eq!(t.titles, ["Exported 2024-07-01"]);
        // A header on line 1 stays there, whatever follows.
        let t = table_head(b"id,date,lat\nTitle\n");
        assert_eq!((t.separator, t.lines, t.skip), (b',', 0, 0));
        // Nothing that looks like a header: nothing is skipped.
        for head in [&b"one\ntwo\nthree,3\n"[..], b"a,b\nc,d,e,f\n", b""] {
            assert_eq!(table_head(head).skip, 0);
        }
        // More title lines than a title has: not skipped.
        assert_eq!(table_head(b"a\nb\nc\nd\ne\nf\ng\nid,date,lat\n").skip, 0);
    }

    #[test]
    fn excel_separator_hint() {
        assert_eq!(separator_hint(b"sep=;\r\na;b\r\n"), Some((b';', 7)));
        assert_eq!(separator_hint(b"\"sep=|\"\na|b\n"), Some((b'|', 8)));
        assert_eq!(separator_hint(b"SEP=\t\ra\tb"), Some((b'\t', 6)));
        assert_eq!(separator_hint(b"sep=,"), Some((b',', 5)));
        assert_eq!(separator_hint(b"sep=a\n"), None);
        assert_eq!(separator_hint(b"sep,id\n"), None);
        assert_eq!(separator_hint(b"separator=;\n"), None);
    }

    #[test]
    fn separators_from_the_header() {
        assert_eq!(sniff_separator(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_separator(b"a;b;\"c,d,e\"\r\n"), b';');
        assert_eq!(sniff_separator(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_separator(b"a|b|c"), b'|');
        assert_eq!(sniff_separator(b"single"), b',');
        assert_eq!(sniff_separator(b""), b',');
    }

    #[test]
    fn byte_order_marks_and_utf16() {
        let text = "id,name\n1,Jama\u{2019}atu\n";
        let mut le = vec![0xff, 0xfe];
        let mut be = vec![0xfe, 0xff];
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(
            read_all(&le, None),
            (text.to_string(), Some(Encoding::Utf16Le))
        );
        assert_eq!(
            read_all(&be, None),
            (text.to_string(), Some(Encoding::Utf16Be))
        );
        // Without its mark, UTF-16 is still recognised from the zero bytes.
        assert_eq!(read_all(&le[2..], None).0, text);
        let bom = [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
        assert_eq!(
            read_all(&bom, None),
            (text.to_string(), Some(Encoding::Utf8))
        );
        assert_eq!(read_all(text.as_bytes(), None), (text.to_string(), None));
        // Asked-for Windows-1252: 0x92 is the curly apostrophe.
        let cp = b"id,name\n1,Jama\x92atu\n";
        assert_eq!(
            read_all(cp, Some(Encoding::Windows1252)).0,
            "id,name\n1,Jama\u{2019}atu\n"
        );
    }

    #[test]
    fn gzip_and_zip_hold_the_table() {
        use std::io::Write;
        let text = "id,name\n1,a\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).expect("write");
        let gz = gz.finish().expect("gzip");
        let mut opened = Opened::new(gz.as_slice(), "t.csv.gz", None).expect("opens");
        let mut out = String::new();
        opened.reader.read_to_string(&mut out).expect("text");
        assert_eq!(
            (out.as_str(), opened.container.as_deref()),
            (text, Some("gzip"))
        );
    }
}
