//! HTTP of the catalog: our API (`/api/v1/catalog`), udata's (`/api/1`), CKAN's
//! (`/api/3/action`), the tabular API and csvapi's, croquemort's, DCAT-AP, and the pages.
pub mod api;
pub mod checks;
pub mod ckan;
pub mod dcat;
pub mod json;
pub mod pages;
pub mod tabular;
pub mod udata;

use platform::module::OpenApiRouter;
use platform::Platform;

pub fn router() -> OpenApiRouter<Platform> {
    OpenApiRouter::new().merge(api::router()).merge(udata::router()).merge(ckan::router()).merge(dcat::router()).merge(tabular::router()).merge(checks::router())
}
