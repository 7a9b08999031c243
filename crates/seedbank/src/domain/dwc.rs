//! Darwin Core Archive (TDWG text guidelines): harvests as the Event core, the lots collected
//! there as Occurrence rows of basis MaterialSample, tab-separated UTF-8 files described by
//! `meta.xml`. GBIF and the SINP platforms read this form.

pub const EVENT_TERMS: &[&str] = &[
    "eventID",
    "fieldNumber",
    "eventDate",
    "samplingProtocol",
    "recordedBy",
    "locationID",
    "countryCode",
    "locality",
    "decimalLatitude",
    "decimalLongitude",
    "geodeticDatum",
    "coordinateUncertaintyInMeters",
    "minimumElevationInMeters",
    "maximumElevationInMeters",
    "eventRemarks",
];

pub const OCCURRENCE_TERMS: &[&str] = &[
    "occurrenceID",
    "basisOfRecord",
    "catalogNumber",
    "recordNumber",
    "scientificName",
    "taxonID",
    "nameAccordingTo",
    "taxonRank",
    "kingdom",
    "family",
    "vernacularName",
    "occurrenceStatus",
    "preparations",
    "disposition",
    "organismQuantity",
    "organismQuantityType",
];

const DWC: &str = "http://rs.tdwg.org/dwc/terms/";

/// The archive's descriptor: the Event core and its Occurrence extension, both tab-separated
/// with a header line, the extension's first column pointing at its event.
pub fn meta_xml() -> String {
    let fields = |terms: &[&str], from: usize| {
        terms
            .iter()
            .enumerate()
            .map(|(i, t)| format!("    <field index=\"{}\" term=\"{DWC}{t}\"/>\n", i + from))
            .collect::<String>()
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <archive xmlns=\"http://rs.tdwg.org/dwc/text/\">\n\
         \x20 <core encoding=\"UTF-8\" fieldsTerminatedBy=\"\\t\" linesTerminatedBy=\"\\n\" fieldsEnclosedBy=\"\" ignoreHeaderLines=\"1\" rowType=\"{DWC}Event\">\n\
         \x20   <files><location>event.txt</location></files>\n\
         \x20   <id index=\"0\"/>\n{}\
         \x20 </core>\n\
         \x20 <extension encoding=\"UTF-8\" fieldsTerminatedBy=\"\\t\" linesTerminatedBy=\"\\n\" fieldsEnclosedBy=\"\" ignoreHeaderLines=\"1\" rowType=\"{DWC}Occurrence\">\n\
         \x20   <files><location>occurrence.txt</location></files>\n\
         \x20   <coreid index=\"0\"/>\n{}\
         \x20 </extension>\n\
         </archive>\n",
        fields(EVENT_TERMS, 0),
        fields(OCCURRENCE_TERMS, 1),
    )
}

/// A value as a field of a tab-separated file without quoting: tabs and line breaks become spaces.
pub fn field(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// One line of a tab-separated file.
pub fn line(values: &[String]) -> String {
    let mut l = values
        .iter()
        .map(|v| field(v))
        .collect::<Vec<_>>()
        .join("\t");
    l.push('\n');
    l
}

/// DwC `disposition` of a lot's status.
pub fn disposition(status: &str) -> &'static str {
    match status {
        "depleted" => "used up",
        "deaccessioned" => "deaccessioned",
        _ => "in collection",
    }
}

/// DwC `eventDate`: a day, or an ISO 8601 interval of days.
pub fn event_date(start: &str, end: Option<&str>) -> String {
    match end {
        Some(e) if e != start => format!("{start}/{e}"),
        _ => start.to_string(),
    }
}

/// DwC lists people with ` | ` between them; the harvest form takes commas or semicolons.
pub fn recorded_by(collectors: &str) -> String {
    collectors
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_indexes_match_the_columns() {
        let xml = meta_xml();
        for (i, t) in EVENT_TERMS.iter().enumerate() {
            assert!(
                xml.contains(&format!("<field index=\"{i}\" term=\"{DWC}{t}\"/>")),
                "{t}"
            );
        }
        for (i, t) in OCCURRENCE_TERMS.iter().enumerate() {
            assert!(
                xml.contains(&format!("<field index=\"{}\" term=\"{DWC}{t}\"/>", i + 1)),
                "{t}"
            );
        }
        assert!(
            xml.contains("<coreid index=\"0\"/>")
                && xml.contains("rowType=\"http://rs.tdwg.org/dwc/terms/Event\"")
        );
        assert!(
            xml.contains("fieldsTerminatedBy=\"\\t\""),
            "the TDWG guide writes the tab as \\t"
        );
    }

    #[test]
    fn values() {
        assert_eq!(line(&["a\tb".into(), "c\nd".into()]), "a b\tc d\n");
        assert_eq!(
            event_date("2024-08-22", Some("2024-08-23")),
            "2024-08-22/2024-08-23"
        );
        assert_eq!(event_date("2024-08-22", None), "2024-08-22");
        assert_eq!(
            recorded_by("Camille Martin, Léa Dubois; "),
            "Camille Martin | Léa Dubois"
        );
        assert_eq!(
            (disposition("active"), disposition("depleted")),
            ("in collection", "used up")
        );
    }
}
