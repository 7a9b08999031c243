//! The managed list of licences, with udata's identifiers so that udata clients and harvesters
//! see the same ids as on data.gouv.fr.
use serde::Serialize;

#[derive(Clone, Copy, Debug, Serialize, utoipa::ToSchema)]
pub struct Licence {
    pub id: &'static str,
    pub title: &'static str,
    pub url: &'static str,
    /// Open in the sense of the Open Definition (counts for the quality score).
    pub open: bool,
}

pub const LICENCES: &[Licence] = &[
    Licence { id: "lov2", title: "Licence Ouverte / Open Licence version 2.0", url: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/", open: true },
    Licence { id: "fr-lo", title: "Licence Ouverte / Open Licence", url: "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf", open: true },
    Licence { id: "odc-odbl", title: "Open Data Commons Open Database License (ODbL)", url: "https://opendatacommons.org/licenses/odbl/summary/", open: true },
    Licence { id: "odc-by", title: "Open Data Commons Attribution License", url: "https://opendatacommons.org/licenses/by/summary/", open: true },
    Licence { id: "odc-pddl", title: "Open Data Commons Public Domain Dedication and Licence (PDDL)", url: "https://opendatacommons.org/licenses/pddl/summary/", open: true },
    Licence { id: "cc-by", title: "Creative Commons Attribution", url: "https://creativecommons.org/licenses/by/4.0/", open: true },
    Licence { id: "cc-by-sa", title: "Creative Commons Attribution Share-Alike", url: "https://creativecommons.org/licenses/by-sa/4.0/", open: true },
    Licence { id: "cc-zero", title: "Creative Commons CCZero", url: "https://creativecommons.org/publicdomain/zero/1.0/", open: true },
    Licence { id: "other-open", title: "Other (Open)", url: "", open: true },
    Licence { id: "other-pd", title: "Other (Public Domain)", url: "", open: true },
    Licence { id: "other-at", title: "Other (Attribution)", url: "", open: true },
    Licence { id: "other-closed", title: "Other (Not Open)", url: "", open: false },
    Licence { id: "notspecified", title: "License Not Specified", url: "", open: false },
];

pub const DEFAULT: &str = "notspecified";

/// A licence id from the managed list; also accepts common spellings ("ODbL", "CC0",
/// "Licence Ouverte 2.0") so harvested and hand-typed values land on the right entry.
pub fn parse(raw: &str) -> Option<&'static Licence> {
    let key = raw.trim().to_lowercase();
    let alias = match key.as_str() {
        "odbl" | "odbl-1.0" => "odc-odbl",
        "cc0" | "cc-0" | "cc0-1.0" => "cc-zero",
        "cc-by-4.0" | "cc by" => "cc-by",
        "etalab-2.0" | "licence ouverte 2.0" | "licence ouverte v2.0" | "lo-2.0" => "lov2",
        "etalab" | "licence ouverte" => "fr-lo",
        "" => DEFAULT,
        other => other,
    };
    LICENCES.iter().find(|l| l.id == alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_aliases() {
        assert_eq!(parse("lov2").unwrap().id, "lov2");
        assert_eq!(parse("ODbL").unwrap().id, "odc-odbl");
        assert_eq!(parse(" CC0 ").unwrap().id, "cc-zero");
        assert_eq!(parse("").unwrap().id, "notspecified");
        assert!(parse("wtfpl").is_none());
        assert!(!parse("other-closed").unwrap().open);
    }
}
