pub mod api;
pub mod ogc;
pub mod pages;
