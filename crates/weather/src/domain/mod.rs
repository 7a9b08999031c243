//! The weather domain: pure Rust, no I/O. Parameters and units, quality flags, stations,
//! climatological rules, parsers' output types, derived quantities.
pub mod params;
pub mod block;
pub mod climato;
pub mod formulas;
