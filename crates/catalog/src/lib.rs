//! The `catalog` module. Its domain is the subject of its own issue; until then it registers its
//! navigation entry, its messages and its permission objects, and shows an honest
//! "under construction" page.
platform::module_under_construction!(
    Catalog,
    "catalog",
    [
        ("dataset", [Create, Read, Update, Validate, Export, Delete]),
        ("resource", [Create, Read, Update, Delete]),
        ("reuse", [Create, Read, Update, Delete]),
        ("discussion", [Create, Read, Update, Validate, Delete]),
    ]
);
