//! Parsers of real observation formats. Each turns bytes into domain observations and reports
//! every rejected line with its number and reason; none of them panics on any input.
pub mod mapped;
pub mod mf;
pub mod fiches;
pub mod metar;
pub mod synop;
