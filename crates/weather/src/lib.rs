//! The `weather` module. Its domain is the subject of its own issue; until then it registers its
//! navigation entry, its messages and its permission objects, and shows an honest
//! "under construction" page.
pub mod domain;
pub mod ingest;

platform::module_under_construction!(
    Weather,
    "weather",
    [
        ("station", [Create, Read, Update, Delete]),
        ("observation", [Create, Read, Validate, Export, Delete]),
        ("import", [Create, Read]),
    ]
);
