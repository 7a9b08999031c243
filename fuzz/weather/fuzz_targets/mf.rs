//! Météo-France climatological CSV (hourly H, daily Q, 6-minute MN): any bytes must parse without
//! panicking, and every record must be well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The parser and the domain files it uses, compiled as they are (serde, thiserror and flate2
// only), in the module tree they expect (`crate::domain::…`, `crate::ingest::…`).
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
    pub mod mf;
}

use ingest::mf;

/// Real headers, so that mutations reach the line parser rather than stop at the header.
const HEADERS: [&str; 3] = [
    include_str!("../../../crates/weather/tests/fixtures/mf/Q_44_latest-2023-2024_RR-T-Vent.csv"),
    include_str!("../../../crates/weather/tests/fixtures/mf/Q_44_latest-2023-2024_autres-parametres.csv"),
    "NUM_POSTE;NOM_USUEL;LAT;LON;ALTI;AAAAMMJJHHMN;RR;QRR\n",
];

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else { return };
    let text = match HEADERS.get(usize::from(*selector % 4)) {
        Some(h) => format!("{}\n{}", h.lines().next().unwrap_or(""), String::from_utf8_lossy(rest)),
        None => match mf::read_text(rest) {
            Ok(t) => t,
            Err(_) => return,
        },
    };
    let Ok((header, records, rejected)) = mf::parse(&text) else { return };
    for r in &records {
        assert!(r.line >= 2, "the header is line 1");
        assert!(r.station.num_poste.len() == 8 && r.station.num_poste.bytes().all(|b| b.is_ascii_digit()));
        assert!((-90.0..=90.0).contains(&r.station.lat) && (-180.0..=180.0).contains(&r.station.lon));
        for (p, v, _) in &r.values {
            assert!(v.is_finite(), "{} = {v}", p.param().code);
            assert_eq!(p.is_daily(), header.product == mf::Product::Daily, "{}", p.param().code);
            let _ = p.to_stored(*v);
        }
        if header.product == mf::Product::Daily {
            assert_eq!(r.stamp.rem_euclid(1440), 0, "a daily value is stamped 00:00 UTC of its date");
        }
    }
    for r in &rejected {
        assert!(r.line >= 2 && !r.reason.is_empty());
    }
});
