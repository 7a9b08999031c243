//! How a CSV file is written: its encoding (UTF-8 with or without BOM, else Windows-1252, the
//! superset of Latin-1 that French spreadsheets export), its delimiter among `, ; \t |`, its quote
//! character, and whether its first row is a header. Pure: works on bytes already read.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "windows-1252")]
    Windows1252,
}

/// Incremental encoding check: feed the whole file chunk by chunk; UTF-8 unless a chunk is not.
#[derive(Default)]
pub struct EncodingProbe {
    pending: Vec<u8>,
    invalid: bool,
    pub bom: bool,
    started: bool,
}

impl EncodingProbe {
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.invalid {
            return;
        }
        let mut data = std::mem::take(&mut self.pending);
        data.extend_from_slice(chunk);
        let mut start = 0;
        if !self.started {
            if data.len() < 3 && b"\xEF\xBB\xBF".starts_with(&data) {
                self.pending = data;
                return;
            }
            self.started = true;
            if data.starts_with(b"\xEF\xBB\xBF") {
                self.bom = true;
                start = 3;
            }
        }
        match std::str::from_utf8(&data[start..]) {
            Ok(_) => {}
            // An incomplete sequence at the end of a chunk continues in the next one.
            Err(e) if e.error_len().is_none() => self.pending = data[start + e.valid_up_to()..].to_vec(),
            Err(_) => self.invalid = true,
        }
    }
    pub fn finish(self) -> Encoding {
        if self.invalid || !self.pending.is_empty() {
            Encoding::Windows1252
        } else {
            Encoding::Utf8
        }
    }
}

pub fn detect_encoding(bytes: &[u8]) -> Encoding {
    let mut p = EncodingProbe::default();
    p.feed(bytes);
    p.finish()
}

/// Decodes bytes of the given encoding (a UTF-8 BOM is dropped).
pub fn decode(bytes: &[u8], enc: Encoding) -> std::borrow::Cow<'_, str> {
    match enc {
        Encoding::Utf8 => String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)),
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dialect {
    pub encoding: Encoding,
    #[serde(with = "char_as_string")]
    pub delimiter: u8,
    #[serde(with = "char_as_string")]
    pub quote: u8,
    pub header: bool,
}

mod char_as_string {
    pub fn serialize<S: serde::Serializer>(c: &u8, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&(*c as char).to_string())
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
        let s: String = serde::Deserialize::deserialize(d)?;
        s.bytes().next().ok_or_else(|| serde::de::Error::custom("empty"))
    }
}

pub const DELIMITERS: [u8; 4] = [b';', b',', b'\t', b'|'];

fn records(sample: &str, delimiter: u8, quote: u8, limit: usize) -> Vec<Vec<String>> {
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).quote(quote).has_headers(false).flexible(true).from_reader(sample.as_bytes());
    let mut out = Vec::new();
    for r in rdr.records().take(limit) {
        match r {
            Ok(r) => out.push(r.iter().map(str::to_string).collect()),
            Err(_) => break,
        }
    }
    // The sample is cut anywhere: its last row may be partial.
    if out.len() > 2 && !sample.ends_with('\n') {
        out.pop();
    }
    out
}

/// Why a file cannot be read as a table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is binary (it contains NUL bytes), not a CSV text file")]
    Binary,
}

/// Sniffs the dialect from the first bytes of the file (64 KiB are plenty) and its encoding.
pub fn sniff(sample: &[u8], encoding: Encoding) -> Result<Dialect, SniffError> {
    if sample.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SniffError::Empty);
    }
    if sample.contains(&0) {
        return Err(SniffError::Binary);
    }
    let text = decode(sample, encoding);
    let mut best: Option<(usize, usize, u8, u8)> = None; // (consistent rows, fields, delimiter, quote)
    for quote in [b'"', b'\''] {
        for d in DELIMITERS {
            let rows = records(&text, d, quote, 200);
            let Some(first) = rows.first() else { continue };
            let n = first.len();
            if n < 2 {
                continue;
            }
            let consistent = rows.iter().filter(|r| r.len() == n).count();
            // Most rows with the header's width first, then more columns.
            let key = (consistent * 1000 / rows.len(), n, d, quote);
            let better = match best {
                None => true,
                Some(b) => (key.0, key.1) > (b.0, b.1) && !(quote == b'\'' && b.3 == b'"' && key.0 <= b.0),
            };
            if better {
                best = Some(key);
            }
        }
    }
    let (delimiter, quote) = best.map(|b| (b.2, b.3)).unwrap_or((b',', b'"'));
    let rows = records(&text, delimiter, quote, 200);
    Ok(Dialect { encoding, delimiter, quote, header: has_header(&rows) })
}

/// A first row is data, not a header, when one of its cells has the same non-text shape (number,
/// date, boolean) as the cells below it, or when a cell is empty.
pub fn has_header(rows: &[Vec<String>]) -> bool {
    use super::types::{classify, is_null};
    let Some((first, rest)) = rows.split_first() else { return true };
    if rest.is_empty() {
        return true;
    }
    for (i, cell) in first.iter().enumerate() {
        let c = cell.trim();
        if c.is_empty() {
            return false;
        }
        let mask = classify(c).mask;
        if mask == 0 {
            continue;
        }
        let below: Vec<u16> = rest.iter().filter_map(|r| r.get(i)).filter(|v| !is_null(v)).map(|v| classify(v.trim()).mask).collect();
        if !below.is_empty() && below.iter().all(|m| m & mask != 0) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn french_semicolon_latin1() {
        let bytes = b"code_insee;commune;valeur\n01001;L'Abergement-Cl\xe9menciat;1,5\n2A004;Ajaccio;2,25\n";
        let enc = detect_encoding(bytes);
        assert_eq!(enc, Encoding::Windows1252);
        assert!(decode(bytes, enc).contains("Clémenciat"));
        let d = sniff(bytes, enc).unwrap();
        assert_eq!((d.delimiter, d.quote, d.header), (b';', b'"', true));
    }

    #[test]
    fn utf8_with_bom_tab_and_pipe() {
        let bytes = "\u{feff}a\tb\n1\t2\n3\t4\n".as_bytes();
        assert_eq!(detect_encoding(bytes), Encoding::Utf8);
        assert_eq!(sniff(bytes, Encoding::Utf8).unwrap().delimiter, b'\t');
        assert_eq!(sniff(b"a|b|c\nx|y|z\n", Encoding::Utf8).unwrap().delimiter, b'|');
    }

    #[test]
    fn commas_inside_quotes_do_not_fool_the_sniffer() {
        let bytes = b"nom,valeur,commentaire\n\"Dupont; Jean\",\"1,5\",ok\n\"Martin; Anne\",\"2,5\",ok\n";
        let d = sniff(bytes, Encoding::Utf8).unwrap();
        assert_eq!(d.delimiter, b',');
    }

    #[test]
    fn headerless_files() {
        let d = sniff(b"1;2020-01-01;3,5\n2;2020-01-02;4,5\n", Encoding::Utf8).unwrap();
        assert!(!d.header);
        let d = sniff(b"id;date\n1;2020-01-01\n2;2020-01-02\n", Encoding::Utf8).unwrap();
        assert!(d.header);
    }

    #[test]
    fn empty_and_binary() {
        assert_eq!(sniff(b"  \n", Encoding::Utf8), Err(SniffError::Empty));
        assert_eq!(sniff(b"PK\x03\x04\x00\x00", Encoding::Utf8), Err(SniffError::Binary));
    }

    #[test]
    fn utf8_split_across_chunks_stays_utf8() {
        let text = "é".repeat(10).into_bytes();
        let mut p = EncodingProbe::default();
        for c in text.chunks(3) {
            p.feed(c);
        }
        assert_eq!(p.finish(), Encoding::Utf8);
    }

    proptest! {
        #[test]
        fn probe_agrees_with_whole_check(bytes in proptest::collection::vec(any::<u8>(), 0..64), cut in 1usize..7) {
            let mut p = EncodingProbe::default();
            for c in bytes.chunks(cut) {
                p.feed(c);
            }
            let whole = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes)).is_ok();
            prop_assert_eq!(p.finish() == Encoding::Utf8, whole);
        }

        #[test]
        fn sniffer_finds_the_delimiter(d in proptest::sample::select(DELIMITERS.to_vec()), cols in 2usize..6, rows in 2usize..20) {
            let mut s = String::new();
            for r in 0..=rows {
                let cells: Vec<String> = (0..cols).map(|c| if r == 0 { format!("col{c}") } else { format!("v{r}x{c}") }).collect();
                s.push_str(&cells.join(&(d as char).to_string()));
                s.push('\n');
            }
            let got = sniff(s.as_bytes(), Encoding::Utf8).unwrap();
            prop_assert_eq!(got.delimiter, d);
            prop_assert!(got.header);
        }
    }
}
