//! The `participation` module. Its domain is the subject of its own issue; until then it registers its
//! navigation entry, its messages and its permission objects, and shows an honest
//! "under construction" page.
platform::module_under_construction!(
    Participation,
    "participation",
    [
        ("process", [Create, Read, Update, Delete]),
        ("proposal", [Create, Read, Update, Validate, Delete]),
        ("comment", [Create, Read, Update, Validate, Delete]),
        ("budget", [Create, Read, Update, Validate, Export, Delete]),
    ]
);
