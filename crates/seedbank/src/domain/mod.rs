//! The seed bank's domain: pure Rust, no I/O. Germination metrics, the viability equation,
//! TAXREF names, codes and the stock ledger's rules.
pub mod dwc;
pub mod germination;
pub mod lot;
pub mod mcpd;
pub mod taxref;
pub mod viability;
