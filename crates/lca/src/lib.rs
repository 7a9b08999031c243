//! The `lca` module. Its domain is the subject of its own issue; until then it registers its
//! navigation entry, its messages and its permission objects, and shows an honest
//! "under construction" page.
platform::module_under_construction!(
    Lca,
    "lca",
    [
        ("product", [Create, Read, Update, Export, Delete]),
        ("process", [Create, Read, Update, Validate, Delete]),
    ]
);
