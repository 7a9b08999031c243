//! Dataset badges: a managed list of kinds, awarded by the platform's administrators (udata's site
//! administrators). The kinds are data.gouv.fr's whose meaning is documented; `sl` and `sr`, which
//! data.gouv.fr also uses, are not offered until their definition is.

/// (kind, French label, English label)
pub const KINDS: &[(&str, &str, &str)] = &[
    ("pivotal-data", "Donnée pivot", "Pivotal data"),
    ("spd", "Service public de la donnée (données de référence)", "Public data service (reference data)"),
    ("inspire", "INSPIRE", "INSPIRE"),
    ("hvd", "Données de forte valeur (HVD)", "High-value dataset (HVD)"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadgeKind(&'static str);

impl BadgeKind {
    /// A kind of the managed list, spelt exactly (udata's kinds are lowercase identifiers).
    pub fn parse(raw: &str) -> Option<Self> {
        KINDS.iter().find(|k| k.0 == raw.trim()).map(|k| Self(k.0))
    }
    pub fn as_str(self) -> &'static str {
        self.0
    }
    pub fn label(self, french: bool) -> &'static str {
        KINDS.iter().find(|k| k.0 == self.0).map(|k| if french { k.1 } else { k.2 }).unwrap_or(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_managed_kinds() {
        assert_eq!(BadgeKind::parse("hvd").map(BadgeKind::as_str), Some("hvd"));
        assert_eq!(BadgeKind::parse(" spd ").map(|k| k.label(true)), Some("Service public de la donnée (données de référence)"));
        for bad in ["", "HVD", "certified", "sl", "pivotal data"] {
            assert_eq!(BadgeKind::parse(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        /// Whatever is sent, a parsed kind is one of the managed list, and it parses back to itself.
        #[test]
        fn parsed_kinds_are_managed(raw in "\\PC{0,20}") {
            if let Some(k) = BadgeKind::parse(&raw) {
                proptest::prop_assert!(KINDS.iter().any(|m| m.0 == k.as_str()));
                proptest::prop_assert_eq!(BadgeKind::parse(k.as_str()), Some(k));
                proptest::prop_assert_eq!(k.as_str(), raw.trim());
            }
        }

        #[test]
        fn managed_kinds_parse_with_spaces_around(i in 0..KINDS.len(), pre in "[ \t]{0,3}", post in "[ \t\n]{0,3}") {
            let raw = format!("{pre}{}{post}", KINDS[i].0);
            proptest::prop_assert_eq!(BadgeKind::parse(&raw).map(BadgeKind::as_str), Some(KINDS[i].0));
        }
    }
}
