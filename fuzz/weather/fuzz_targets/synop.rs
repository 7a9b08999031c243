//! SYNOP (FM 12, AAXX) bulletins: any bytes must parse without panicking, and every result must
//! be well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The parser sources themselves (they only use `super::metar`, serde and thiserror).
#[allow(dead_code, unused_imports)]
#[path = "../../../crates/weather/src/ingest/metar.rs"]
mod metar;
#[allow(dead_code, unused_imports)]
#[path = "../../../crates/weather/src/ingest/synop.rs"]
mod synop;

fuzz_target!(|data: &[u8]| {
    let (reports, rejected) = synop::parse_bulletin(data);
    let mut last_index = 0;
    for r in &reports {
        assert!(r.index > last_index, "report indexes increase");
        last_index = r.index;
        assert!(r.line >= 1);
        assert!((1..=31).contains(&r.time.day) && r.time.hour <= 23);
        assert!(!r.nil || r.values.is_empty(), "a NIL report has no values");
        for (i, (p, v)) in r.values.iter().enumerate() {
            assert!(v.is_finite(), "{p} = {v}");
            assert!(r.values.iter().skip(i + 1).all(|(q, _)| q != p), "{p} appears once");
            assert_eq!(synop::Param::parse(&p.code()), Some(*p));
        }
        let _ = r.time.resolve(1_763_807_400);
    }
    for r in &rejected {
        assert!(r.line >= 1 && r.report >= 1);
        let _ = r.to_string();
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = synop::parse(text);
    }
});
