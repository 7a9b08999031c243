//! The catalog's domain: pure Rust, no I/O. udata's model (see ../shared/specs/catalog.md §1.1).
pub mod badges;
pub mod frequency;
pub mod licence;
pub mod model;
pub mod quality;
pub mod reuse;
pub mod zones;
