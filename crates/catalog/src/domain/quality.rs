//! udata's dataset quality score (`Dataset.compute_quality`): nine criteria, each a point, with
//! the reason when a point is missing.
use platform::clock::Millis;
use serde::Serialize;

use super::frequency;
use super::model::{Dataset, CLOSED_FORMATS};

/// udata's `QUALITY_DESCRIPTION_LENGTH`.
pub const DESCRIPTION_LENGTH: usize = 100;
const GRACE_MS: i64 = 86_400_000;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Criterion {
    /// udata's key, e.g. `license`, `update_fulfilled_in_time`.
    pub key: &'static str,
    pub ok: bool,
    /// Why the point is missing (message key `catalog.quality.{reason}`); absent when ok.
    pub reason: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Quality {
    /// Points / 9, between 0 and 1.
    pub score: f64,
    pub criteria: Vec<Criterion>,
}

impl Quality {
    /// udata's API shape: `{"license": true, …, "score": 0.67}`.
    pub fn udata_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for c in &self.criteria {
            m.insert(c.key.into(), c.ok.into());
        }
        m.insert("score".into(), serde_json::json!((self.score * 100.0).round() / 100.0));
        serde_json::Value::Object(m)
    }
}

fn c(key: &'static str, ok: bool, reason: &'static str) -> Criterion {
    Criterion { key, ok, reason: (!ok).then_some(reason) }
}

pub fn compute(d: &Dataset, now: Millis) -> Quality {
    let freq = frequency::parse(&d.frequency);
    let known_frequency = freq.is_some_and(|f| !matches!(f.id, "unknown" | "other"));
    let in_time = match freq.and_then(|f| f.interval_s) {
        Some(s) => d.last_update + s * 1000 + GRACE_MS >= now,
        // No expected rhythm (punctual, irregular, not planned…): on time when it is stated.
        None => known_frequency,
    };
    let resources: Vec<_> = d.resources.iter().collect();
    let has_resources = !resources.is_empty();
    let open_format = resources.iter().any(|r| !r.format.is_empty() && !CLOSED_FORMATS.contains(&r.format.as_str()));
    let remote: Vec<_> = resources.iter().filter(|r| r.filetype == "remote").collect();
    let available = has_resources
        && remote.iter().all(|r| r.extras.get("check:available").and_then(|v| v.as_bool()).unwrap_or(true));
    let documented = resources.iter().any(|r| r.rtype == "documentation" || r.schema.is_some())
        || (has_resources && resources.iter().filter(|r| r.rtype == "main").all(|r| !r.description.trim().is_empty()));
    let criteria = vec![
        c("license", d.license != "notspecified" && !d.license.is_empty(), "no_license"),
        c("temporal_coverage", d.temporal_coverage.is_some(), "no_temporal_coverage"),
        c("spatial", d.spatial.is_some(), "no_spatial"),
        c("update_frequency", known_frequency, "no_frequency"),
        c("update_fulfilled_in_time", in_time, if known_frequency { "late" } else { "no_frequency" }),
        c("dataset_description_quality", d.description.chars().count() > DESCRIPTION_LENGTH, "short_description"),
        c("has_open_format", open_format, if has_resources { "closed_formats" } else { "no_resources" }),
        c("all_resources_available", available, if has_resources { "unavailable_resources" } else { "no_resources" }),
        c("resources_documentation", documented, if has_resources { "undocumented_resources" } else { "no_resources" }),
    ];
    let score = criteria.iter().filter(|c| c.ok).count() as f64 / criteria.len() as f64;
    Quality { score, criteria }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Resource, Spatial, TemporalCoverage};

    fn dataset() -> Dataset {
        Dataset { slug: "x".into(), title: "X".into(), ..Dataset::new("x".into(), 0) }
    }

    fn resource(format: &str, available: Option<bool>) -> Resource {
        Resource {
            id: "r".into(),
            dataset_id: "x".into(),
            title: "R".into(),
            description: "Les colonnes".into(),
            filetype: "remote".into(),
            rtype: "main".into(),
            url: "https://exemple.fr/r".into(),
            format: format.into(),
            mime: String::new(),
            filesize: None,
            sha256: None,
            schema: None,
            extras: match available {
                Some(a) => serde_json::json!({ "check:available": a }),
                None => serde_json::json!({}),
            },
            created_at: 0,
            modified_at: 0,
        }
    }

    #[test]
    fn empty_dataset_scores_zero_with_reasons() {
        let q = compute(&dataset(), 0);
        assert_eq!(q.score, 0.0);
        assert!(q.criteria.iter().all(|c| c.reason.is_some()));
        assert_eq!(q.criteria[6].reason, Some("no_resources"));
    }

    #[test]
    fn complete_dataset_scores_one_until_late_or_broken() {
        let mut d = dataset();
        d.license = "lov2".into();
        d.frequency = "daily".into();
        d.last_update = 1_000_000;
        d.description = "d".repeat(101);
        d.temporal_coverage = Some(TemporalCoverage { start: "2020-01-01".into(), end: "2020-12-31".into() });
        d.spatial = Some(Spatial { zones: vec!["country:fr".into()], granularity: None });
        d.resources = vec![resource("csv", Some(true)), resource("pdf", None)];
        assert_eq!(compute(&d, 1_000_000 + 2 * 86_400_000).score, 1.0);
        let late = compute(&d, 1_000_000 + 2 * 86_400_000 + 1);
        assert_eq!(late.criteria[4].reason, Some("late"));
        d.resources[0].extras = serde_json::json!({ "check:available": false });
        let q = compute(&d, 1_000_000);
        assert_eq!(q.criteria[7].reason, Some("unavailable_resources"));
        d.resources = vec![resource("xlsx", None)];
        assert_eq!(compute(&d, 1_000_000).criteria[6].reason, Some("closed_formats"));
        assert_eq!(compute(&d, 1_000_000).udata_json()["score"], serde_json::json!(0.89));
    }
}
