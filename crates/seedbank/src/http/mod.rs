//! The seed bank's JSON API and pages.
pub mod api;
pub mod pages;
