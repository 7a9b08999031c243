//! Any CSV through a mapping: any bytes (and any mapping text) must parse without panicking, and
//! every record must be well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The parser and the domain files it uses, compiled as they are, in the module tree they expect.
#[allow(dead_code, unused_imports)]
#[path = "../../../crates/weather/src/domain"]
mod domain {
    pub mod block;
    pub mod climato;
    pub mod params;
}
#[allow(dead_code, unused_imports)]
#[path = "../../../crates/weather/src/ingest"]
mod ingest {
    pub mod mapped;
    pub mod mf;
}

use ingest::mapped::{parse, Mapping};

/// A French station file (`;`, decimal comma, Latin-1, Europe/Paris) and a daily UTF-8 one.
const MAPPINGS: [&str; 2] = [
    r#"
station = "jardin"
delimiter = ";"
decimal = ","
encoding = "latin-1"
time_columns = ["date", "heure"]
time_format = "%d/%m/%Y %H:%M"
time_zone = "Europe/Paris"
[[columns]]
column = "temp"
param = "T"
unit = "°F"
[[columns]]
column = "pluie"
param = "RR1"
unit = "in"
[[columns]]
column = "vent"
param = "FF"
unit = "km/h"
"#,
    r#"
station_column = "station"
header_line = 2
skip_after_header = 1
time_columns = ["d"]
time_format = "%Y-%m-%d"
time_zone = "-03:30"
[[columns]]
column = "tx"
param = "TX_Q"
unit = "K"
[[columns]]
column = "p"
param = "PMER"
unit = "inHg"
"#,
];

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else { return };
    let mapping = match selector % 3 {
        2 => match std::str::from_utf8(rest).ok().map(Mapping::parse) {
            Some(Ok(m)) => m,
            Some(Err(errors)) => {
                assert!(!errors.is_empty());
                return;
            }
            None => return,
        },
        i => Mapping::parse(MAPPINGS[usize::from(i)]).expect("the fuzz target's mappings are valid"),
    };
    let Ok((records, rejected)) = parse(rest, &mapping) else { return };
    let mut last = 0;
    for r in &records {
        assert!(r.line > last, "lines increase");
        last = r.line;
        assert!(!r.station.is_empty());
        assert_eq!(r.day.rem_euclid(1440), 0);
        for (p, v) in &r.values {
            assert!(v.is_finite(), "{} = {v}", p.param().code);
            let _ = r.stamp(*p);
        }
    }
    for r in &rejected {
        assert!(r.line >= 1 && !r.reason.is_empty());
    }
});
