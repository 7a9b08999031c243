//! The `seedbank` module. Its domain is the subject of its own issue; until then it registers its
//! navigation entry, its messages and its permission objects, and shows an honest
//! "under construction" page.
platform::module_under_construction!(
    Seedbank,
    "seedbank",
    [
        ("harvest", [Create, Read, Update, Validate, Export, Delete]),
        ("lot", [Create, Read, Update, Validate, Export, Delete]),
        ("test", [Create, Read, Update, Delete]),
        ("culture", [Create, Read, Update, Delete]),
    ]
);
