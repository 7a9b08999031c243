//! Our JSON API under `/api/v1/catalog`.
use platform::module::OpenApiRouter;
use platform::Platform;

pub fn router() -> OpenApiRouter<Platform> {
    OpenApiRouter::new()
}
