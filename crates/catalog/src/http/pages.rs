//! The catalog's pages.
use platform::module::Router;
use platform::Platform;

pub fn router() -> Router<Platform> {
    platform::html::construction_routes("catalog")
}
