//! Compact storage of a day of one parameter at one station: a "block". Values are integers at
//! the parameter's precision, zigzag-varint coded, minute of day delta-coded, each with its
//! quality flag and an index into the block's provenance list (source, import). About 4 bytes a
//! value for hourly data, against ~181 bytes a row in Infoclimat's TimescaleDB.
//!
//! Layout (version 1): `1` · n_sources (varint) · n_sources × (source_id, import_id) (varints) ·
//! n_values (varint) · n_values × (minute delta (varint), value (zigzag varint), flags (u8:
//! quality in the low 3 bits, provenance index in the high 5 bits)).
use serde::Serialize;

/// Météo-France quality codes, kept as given; `Unknown` when the source has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// 9: passed first-level filters.
    Filtered,
    /// 0: definitively validated by a climatologist.
    Protected,
    /// 1: validated (automatic control or climatologist).
    Validated,
    /// 2: doubtful, being checked.
    Doubtful,
    Unknown,
}

impl Quality {
    /// From a Météo-France `Q*` column (empty → Unknown).
    pub fn from_mf(code: &str) -> Result<Quality, String> {
        match code.trim() {
            "9" => Ok(Quality::Filtered),
            "0" => Ok(Quality::Protected),
            "1" => Ok(Quality::Validated),
            "2" => Ok(Quality::Doubtful),
            "" => Ok(Quality::Unknown),
            other => Err(format!("unknown quality code `{other}` (expected 9, 0, 1 or 2)")),
        }
    }
    /// The Météo-France code, if any.
    pub fn mf_code(self) -> Option<u8> {
        match self {
            Quality::Filtered => Some(9),
            Quality::Protected => Some(0),
            Quality::Validated => Some(1),
            Quality::Doubtful => Some(2),
            Quality::Unknown => None,
        }
    }
    fn bits(self) -> u8 {
        match self {
            Quality::Filtered => 0,
            Quality::Protected => 1,
            Quality::Validated => 2,
            Quality::Doubtful => 3,
            Quality::Unknown => 4,
        }
    }
    fn from_bits(b: u8) -> Option<Quality> {
        Some(match b {
            0 => Quality::Filtered,
            1 => Quality::Protected,
            2 => Quality::Validated,
            3 => Quality::Doubtful,
            4 => Quality::Unknown,
            _ => return None,
        })
    }
}

/// Where a value came from: the source (with its priority, kept elsewhere) and the import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Provenance {
    pub source_id: i64,
    pub import_id: i64,
}

/// One value in a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Value {
    /// Minute of the UTC day, 0..1440.
    pub minute: u16,
    /// Integer at the parameter's precision.
    pub stored: i64,
    pub quality: Quality,
    pub provenance: Provenance,
}

/// Provenance indexes below this fit in the flags byte.
const INLINE_INDEXES: usize = 31;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlockError {
    #[error("block is truncated")]
    Truncated,
    #[error("unknown block version {0}")]
    Version(u8),
    #[error("block is corrupt: {0}")]
    Corrupt(&'static str),
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(data: &[u8], pos: &mut usize) -> Result<u64, BlockError> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*pos).ok_or(BlockError::Truncated)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(BlockError::Corrupt("varint too long"))
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Encodes values (any order; the last value of a minute wins) into a block.
pub fn encode(values: &[Value]) -> Vec<u8> {
    let mut sorted: Vec<Value> = values.to_vec();
    sorted.sort_by_key(|v| v.minute);
    sorted.dedup_by(|later, earlier| {
        if later.minute == earlier.minute {
            *earlier = *later;
            true
        } else {
            false
        }
    });
    let mut provs: Vec<Provenance> = Vec::new();
    for v in &sorted {
        if !provs.contains(&v.provenance) {
            provs.push(v.provenance);
        }
    }
    let mut out = Vec::with_capacity(8 + sorted.len() * 4);
    out.push(1);
    put_varint(&mut out, provs.len() as u64);
    for p in &provs {
        put_varint(&mut out, zigzag(p.source_id));
        put_varint(&mut out, zigzag(p.import_id));
    }
    put_varint(&mut out, sorted.len() as u64);
    let mut last = 0u16;
    for v in &sorted {
        put_varint(&mut out, u64::from(v.minute - last));
        last = v.minute;
        put_varint(&mut out, zigzag(v.stored));
        let idx = provs.iter().position(|p| *p == v.provenance).unwrap_or(0);
        if idx < INLINE_INDEXES {
            out.push(v.quality.bits() | ((idx as u8) << 3));
        } else {
            out.push(v.quality.bits() | ((INLINE_INDEXES as u8) << 3));
            put_varint(&mut out, idx as u64);
        }
    }
    out
}

pub fn decode(data: &[u8]) -> Result<Vec<Value>, BlockError> {
    let mut pos = 0;
    let version = *data.first().ok_or(BlockError::Truncated)?;
    if version != 1 {
        return Err(BlockError::Version(version));
    }
    pos += 1;
    let np = get_varint(data, &mut pos)? as usize;
    if np > 1440 {
        return Err(BlockError::Corrupt("more provenances than minutes in a day"));
    }
    let mut provs = Vec::with_capacity(np);
    for _ in 0..np {
        let source_id = unzigzag(get_varint(data, &mut pos)?);
        let import_id = unzigzag(get_varint(data, &mut pos)?);
        provs.push(Provenance { source_id, import_id });
    }
    let n = get_varint(data, &mut pos)? as usize;
    if n > 1440 {
        return Err(BlockError::Corrupt("more values than minutes in a day"));
    }
    let mut out = Vec::with_capacity(n);
    let mut minute: u64 = 0;
    for _ in 0..n {
        minute += get_varint(data, &mut pos)?;
        if minute >= 1440 {
            return Err(BlockError::Corrupt("minute out of the day"));
        }
        let stored = unzigzag(get_varint(data, &mut pos)?);
        let flags = *data.get(pos).ok_or(BlockError::Truncated)?;
        pos += 1;
        let quality = Quality::from_bits(flags & 7).ok_or(BlockError::Corrupt("quality"))?;
        let mut idx = (flags >> 3) as usize;
        if idx == INLINE_INDEXES {
            idx = get_varint(data, &mut pos)? as usize;
        }
        let provenance = *provs.get(idx).ok_or(BlockError::Corrupt("provenance index"))?;
        out.push(Value { minute: minute as u16, stored, quality, provenance });
    }
    if pos != data.len() {
        return Err(BlockError::Corrupt("trailing bytes"));
    }
    Ok(out)
}

/// What merging an incoming value into a block did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Merge {
    /// Not there before.
    Added,
    /// Same value, quality and source: nothing to do (imports are idempotent).
    Unchanged,
    /// Replaced an older value, which is returned to be kept as superseded.
    Replaced(Value),
    /// Kept the existing value of a higher-priority source; the incoming one is returned to be
    /// kept as superseded.
    Rejected(Value),
}

/// Merges `incoming` into `existing` (sorted by minute). `priority` gives a source's priority
/// (higher wins; on equal priority the newer import wins, which is how a source corrects itself).
pub fn merge(existing: &mut Vec<Value>, incoming: Value, priority: impl Fn(i64) -> i32) -> Merge {
    match existing.binary_search_by_key(&incoming.minute, |v| v.minute) {
        Err(at) => {
            existing.insert(at, incoming);
            Merge::Added
        }
        Ok(at) => {
            let old = existing[at];
            if old.stored == incoming.stored && old.quality == incoming.quality && old.provenance.source_id == incoming.provenance.source_id {
                return Merge::Unchanged;
            }
            if priority(incoming.provenance.source_id) >= priority(old.provenance.source_id) {
                existing[at] = incoming;
                Merge::Replaced(old)
            } else {
                Merge::Rejected(incoming)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(minute: u16, stored: i64, q: Quality, source_id: i64) -> Value {
        Value { minute, stored, quality: q, provenance: Provenance { source_id, import_id: 7 } }
    }

    #[test]
    fn hourly_day_is_small() {
        let day: Vec<Value> = (0..24).map(|h| v(h * 60, 150 + h as i64 * 3, Quality::Validated, 1)).collect();
        let bytes = encode(&day);
        assert!(bytes.len() <= 24 * 4 + 8, "{} bytes", bytes.len());
        assert_eq!(decode(&bytes).unwrap(), day);
    }

    #[test]
    fn decoding_garbage_is_an_error_not_a_panic() {
        assert_eq!(decode(&[]), Err(BlockError::Truncated));
        assert_eq!(decode(&[2]), Err(BlockError::Version(2)));
        assert!(decode(&[1, 1, 2, 2, 1, 0, 0, 0xff]).is_err());
        assert!(decode(&[1, 0, 1, 0x80]).is_err());
    }

    #[test]
    fn merge_is_idempotent_and_follows_priority() {
        let prio = |s: i64| if s == 1 { 10 } else { 5 };
        let mut day = vec![v(60, 100, Quality::Validated, 1)];
        assert_eq!(merge(&mut day, v(60, 100, Quality::Validated, 1), prio), Merge::Unchanged);
        assert_eq!(merge(&mut day, v(120, 90, Quality::Filtered, 2), prio), Merge::Added);
        // Lower-priority source: kept aside, not applied.
        assert_eq!(merge(&mut day, v(60, 105, Quality::Filtered, 2), prio), Merge::Rejected(v(60, 105, Quality::Filtered, 2)));
        // The same source correcting itself replaces, and the old value is handed back.
        assert_eq!(merge(&mut day, v(60, 101, Quality::Protected, 1), prio), Merge::Replaced(v(60, 100, Quality::Validated, 1)));
        assert_eq!(day.iter().map(|x| x.stored).collect::<Vec<_>>(), [101, 90]);
    }

    #[test]
    fn many_provenances_in_one_day() {
        // 240 six-minute values each pushed by its own import.
        let many: Vec<Value> = (0..240).map(|i| Value { minute: i * 6, stored: i as i64, quality: Quality::Unknown, provenance: Provenance { source_id: 1, import_id: i as i64 } }).collect();
        assert_eq!(decode(&encode(&many)).unwrap(), many);
    }

    #[test]
    fn quality_codes_of_meteo_france() {
        assert_eq!(Quality::from_mf("9"), Ok(Quality::Filtered));
        assert_eq!(Quality::from_mf(" 0"), Ok(Quality::Protected));
        assert_eq!(Quality::from_mf(""), Ok(Quality::Unknown));
        assert!(Quality::from_mf("5").is_err());
        assert_eq!(Quality::Doubtful.mf_code(), Some(2));
    }

    fn arb_quality() -> impl Strategy<Value = Quality> {
        prop_oneof![Just(Quality::Filtered), Just(Quality::Protected), Just(Quality::Validated), Just(Quality::Doubtful), Just(Quality::Unknown)]
    }

    proptest! {
        #[test]
        fn round_trip(values in proptest::collection::btree_map(0u16..1440, (any::<i32>(), arb_quality(), 0i64..40, prop_oneof![Just(-3i64), Just(0), Just(1), Just(999_999), Just(i64::MAX), Just(i64::MIN)]), 0..200)) {
            let vals: Vec<Value> = values.into_iter().map(|(m, (s, q, src, imp))| Value { minute: m, stored: s as i64, quality: q, provenance: Provenance { source_id: src, import_id: imp } }).collect();
            let bytes = encode(&vals);
            prop_assert_eq!(decode(&bytes).unwrap(), vals);
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(&bytes);
        }
    }
}
