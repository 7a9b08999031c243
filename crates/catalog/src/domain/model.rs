//! Datasets, resources, reuses and discussions as udata shapes them, with the parsing of what
//! people and programs send.
use platform::clock::Millis;
use serde::{Deserialize, Serialize};

use super::{frequency, licence, zones};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TemporalCoverage {
    /// `YYYY-MM-DD`
    pub start: String,
    /// `YYYY-MM-DD`
    pub end: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Spatial {
    /// Zone ids such as `fr:departement:29`.
    pub zones: Vec<String>,
    pub granularity: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SchemaRef {
    pub name: Option<String>,
    pub url: Option<String>,
    pub version: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Dataset {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub acronym: String,
    pub description: String,
    pub license: String,
    pub frequency: String,
    pub frequency_date: Option<Millis>,
    pub temporal_coverage: Option<TemporalCoverage>,
    pub spatial: Option<Spatial>,
    pub tags: Vec<String>,
    pub org_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub private: bool,
    pub archived_at: Option<Millis>,
    pub deleted_at: Option<Millis>,
    pub featured: bool,
    pub badges: Vec<String>,
    #[schema(value_type = Object)]
    pub extras: serde_json::Value,
    /// `module:key` when the dataset mirrors a platform open-data publication.
    pub publication: Option<String>,
    pub created_at: Millis,
    pub modified_at: Millis,
    pub last_update: Millis,
    pub resources: Vec<Resource>,
}

impl Dataset {
    /// A dataset with nothing set yet: no title, no licence stated, frequency unknown, public,
    /// created, modified and updated `now`. Callers set what they know.
    pub fn new(id: String, now: Millis) -> Dataset {
        Dataset {
            id,
            slug: String::new(),
            title: String::new(),
            acronym: String::new(),
            description: String::new(),
            license: super::licence::DEFAULT.into(),
            frequency: super::frequency::DEFAULT.into(),
            frequency_date: None,
            temporal_coverage: None,
            spatial: None,
            tags: vec![],
            org_id: None,
            owner_id: None,
            private: false,
            archived_at: None,
            deleted_at: None,
            featured: false,
            badges: vec![],
            extras: serde_json::json!({}),
            publication: None,
            created_at: now,
            modified_at: now,
            last_update: now,
            resources: vec![],
        }
    }

    /// Visible to everyone (drives `public` in storage for the kernel's read filters).
    pub fn is_public(&self) -> bool {
        !self.private && self.deleted_at.is_none()
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Resource {
    pub id: String,
    pub dataset_id: String,
    pub title: String,
    pub description: String,
    /// `file` (uploaded here) or `remote`.
    pub filetype: String,
    #[serde(rename = "type")]
    pub rtype: String,
    /// The remote URL, or the download path of an uploaded file.
    pub url: String,
    pub format: String,
    pub mime: String,
    pub filesize: Option<i64>,
    pub sha256: Option<String>,
    pub schema: Option<SchemaRef>,
    /// udata's `check:*` / `analysis:*` extras, filled by the link checker and the loader.
    #[schema(value_type = Object)]
    pub extras: serde_json::Value,
    pub created_at: Millis,
    pub modified_at: Millis,
}

pub const RESOURCE_TYPES: &[&str] = &["main", "documentation", "update", "api", "code", "other"];
pub const REUSE_TYPES: &[&str] = &["api", "application", "idea", "news_article", "paper", "post", "visualization", "hardware"];
/// Formats udata counts as closed for the quality score.
pub const CLOSED_FORMATS: &[&str] = &["pdf", "doc", "docx", "word", "xls", "excel", "xlsx"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {code}")]
pub struct InputError {
    pub field: &'static str,
    /// Stable code, also the message key `catalog.error.{code}`.
    pub code: &'static str,
}

fn err(field: &'static str, code: &'static str) -> InputError {
    InputError { field, code }
}

/// A URL-safe identifier derived from a title: accents folded, lowercase, dashes.
pub fn slugify(title: &str) -> String {
    let folded = platform::search::fold(title);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let cut: String = out.chars().take(100).collect();
    if cut.is_empty() {
        "jeu-de-donnees".into()
    } else {
        cut.trim_end_matches('-').to_string()
    }
}

/// Tags as udata stores them: lowercase slugs of 3 to 96 characters, deduplicated.
pub fn parse_tags(raw: &[String]) -> Result<Vec<String>, InputError> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let s = slugify(t);
        if t.trim().is_empty() {
            continue;
        }
        if s.len() < 2 || s.len() > 96 {
            return Err(err("tags", "tag_length"));
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

/// `YYYY-MM-DD` with a real calendar day.
pub fn parse_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let raw = raw.get(..10).filter(|_| raw.len() == 10 || raw.as_bytes().get(10) == Some(&b'T'))?;
    let d = time::Date::parse(raw, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(d.to_string())
}

/// What a client sends to create or update a dataset (udata's field names).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DatasetInput {
    pub title: Option<String>,
    pub acronym: Option<String>,
    pub description: Option<String>,
    pub license: Option<String>,
    pub frequency: Option<String>,
    pub tags: Option<Vec<String>>,
    /// Left out: unchanged; `null`, or neither start nor end: no coverage (udata clears it with `null`).
    #[serde(default, deserialize_with = "null_clears")]
    pub temporal_coverage: Option<TemporalCoverage>,
    pub spatial: Option<Spatial>,
    pub private: Option<bool>,
    /// Organisation id or slug.
    #[schema(value_type = Option<String>)]
    pub organization: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub extras: Option<serde_json::Value>,
}

/// A `null` sent is told apart from a field left out: it becomes an empty coverage, which clears.
fn null_clears<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<TemporalCoverage>, D::Error> {
    Ok(Some(Option::<TemporalCoverage>::deserialize(d)?.unwrap_or_default()))
}

/// A checked dataset draft: every field in its domain form.
#[derive(Clone, Debug, PartialEq)]
pub struct DatasetFields {
    pub title: String,
    pub acronym: String,
    pub description: String,
    pub license: String,
    pub frequency: String,
    pub tags: Vec<String>,
    pub temporal_coverage: Option<TemporalCoverage>,
    pub spatial: Option<Spatial>,
    pub private: bool,
    pub extras: serde_json::Value,
}

impl DatasetFields {
    /// Applies `input` over `base` (None for a creation), checking every field; all errors at once.
    pub fn parse(input: &DatasetInput, base: Option<&DatasetFields>) -> Result<DatasetFields, Vec<InputError>> {
        let mut errors = Vec::new();
        let title = input.title.clone().or_else(|| base.map(|b| b.title.clone())).unwrap_or_default().trim().to_string();
        if title.is_empty() {
            errors.push(err("title", "required"));
        } else if title.chars().count() > 350 {
            errors.push(err("title", "too_long"));
        }
        let acronym = input.acronym.clone().or_else(|| base.map(|b| b.acronym.clone())).unwrap_or_default().trim().to_string();
        if acronym.chars().count() > 128 {
            errors.push(err("acronym", "too_long"));
        }
        let description = input.description.clone().or_else(|| base.map(|b| b.description.clone())).unwrap_or_default();
        if description.chars().count() > 100_000 {
            errors.push(err("description", "too_long"));
        }
        let license = match &input.license {
            Some(l) => match licence::parse(l) {
                Some(l) => l.id.to_string(),
                None => {
                    errors.push(err("license", "unknown_license"));
                    String::new()
                }
            },
            None => base.map(|b| b.license.clone()).unwrap_or_else(|| licence::DEFAULT.into()),
        };
        let frequency = match &input.frequency {
            Some(f) => match frequency::parse(f) {
                Some(f) => f.id.to_string(),
                None => {
                    errors.push(err("frequency", "unknown_frequency"));
                    String::new()
                }
            },
            None => base.map(|b| b.frequency.clone()).unwrap_or_else(|| frequency::DEFAULT.into()),
        };
        let tags = match &input.tags {
            Some(t) => parse_tags(t).unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            }),
            None => base.map(|b| b.tags.clone()).unwrap_or_default(),
        };
        let temporal_coverage = match &input.temporal_coverage {
            Some(tc) if tc.start.trim().is_empty() && tc.end.trim().is_empty() => None,
            Some(tc) => match (parse_date(&tc.start), parse_date(&tc.end)) {
                (Some(s), Some(e)) if s <= e => Some(TemporalCoverage { start: s, end: e }),
                (Some(_), Some(_)) => {
                    errors.push(err("temporal_coverage", "end_before_start"));
                    None
                }
                _ => {
                    errors.push(err("temporal_coverage", "invalid_date"));
                    None
                }
            },
            None => base.and_then(|b| b.temporal_coverage.clone()),
        };
        let spatial = match &input.spatial {
            Some(sp) => {
                let mut zones = Vec::new();
                for z in &sp.zones {
                    match zones::Zone::parse(z) {
                        Ok(z) => zones.push(z.id),
                        Err(_) => errors.push(err("spatial", "unknown_zone")),
                    }
                }
                let granularity = match sp.granularity.as_deref().filter(|g| !g.is_empty()) {
                    Some(g) => match zones::granularity(g) {
                        Some(g) => Some(g.to_string()),
                        None => {
                            errors.push(err("spatial", "unknown_granularity"));
                            None
                        }
                    },
                    None => None,
                };
                (!zones.is_empty() || granularity.is_some()).then_some(Spatial { zones, granularity })
            }
            None => base.and_then(|b| b.spatial.clone()),
        };
        let private = input.private.or(base.map(|b| b.private)).unwrap_or(false);
        let extras = match &input.extras {
            Some(e) if e.is_object() => e.clone(),
            Some(serde_json::Value::Null) | None => base.map(|b| b.extras.clone()).unwrap_or_else(|| serde_json::json!({})),
            Some(_) => {
                errors.push(err("extras", "not_an_object"));
                serde_json::json!({})
            }
        };
        if errors.is_empty() {
            Ok(DatasetFields { title, acronym, description, license, frequency, tags, temporal_coverage, spatial, private, extras })
        } else {
            Err(errors)
        }
    }

    pub fn of(d: &Dataset) -> DatasetFields {
        DatasetFields {
            title: d.title.clone(),
            acronym: d.acronym.clone(),
            description: d.description.clone(),
            license: d.license.clone(),
            frequency: d.frequency.clone(),
            tags: d.tags.clone(),
            temporal_coverage: d.temporal_coverage.clone(),
            spatial: d.spatial.clone(),
            private: d.private,
            extras: d.extras.clone(),
        }
    }
}

/// What a client sends to create or update a resource.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ResourceInput {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub rtype: Option<String>,
    pub url: Option<String>,
    pub filetype: Option<String>,
    pub format: Option<String>,
    pub mime: Option<String>,
    pub filesize: Option<i64>,
    pub schema: Option<SchemaRef>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResourceFields {
    pub title: String,
    pub description: String,
    pub rtype: String,
    pub url: String,
    pub format: String,
    pub mime: String,
    pub filesize: Option<i64>,
    pub schema: Option<SchemaRef>,
}

/// Only http(s) URLs with a host: the link checker fetches them and pages link to them.
pub fn parse_remote_url(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let rest = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    (!host.is_empty() && !raw.chars().any(|c| c.is_whitespace() || c.is_control()) && raw.len() <= 2000).then(|| raw.to_string())
}

/// The format a URL or file name suggests (`csv`, `json`, `zip`…), lowercase.
pub fn guess_format(name: &str) -> String {
    let path = name.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    let lower = last.to_lowercase();
    let lower = lower.strip_suffix(".gz").map(|s| s.to_string()).unwrap_or(lower);
    match lower.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && ext.len() <= 8 && ext.chars().all(|c| c.is_ascii_alphanumeric()) => ext.to_string(),
        _ => String::new(),
    }
}

impl ResourceFields {
    /// `remote` resources need an http(s) URL; uploaded files get theirs from the store.
    pub fn parse(input: &ResourceInput, base: Option<&ResourceFields>, remote: bool) -> Result<ResourceFields, Vec<InputError>> {
        let mut errors = Vec::new();
        let title = input.title.clone().or_else(|| base.map(|b| b.title.clone())).unwrap_or_default().trim().to_string();
        if title.is_empty() {
            errors.push(err("title", "required"));
        } else if title.chars().count() > 350 {
            errors.push(err("title", "too_long"));
        }
        let description = input.description.clone().or_else(|| base.map(|b| b.description.clone())).unwrap_or_default();
        if description.chars().count() > 100_000 {
            errors.push(err("description", "too_long"));
        }
        let rtype = input.rtype.clone().or_else(|| base.map(|b| b.rtype.clone())).unwrap_or_else(|| "main".into());
        if !RESOURCE_TYPES.contains(&rtype.as_str()) {
            errors.push(err("type", "unknown_resource_type"));
        }
        let url = match (&input.url, remote) {
            (Some(u), true) => parse_remote_url(u).unwrap_or_else(|| {
                errors.push(err("url", "invalid_url"));
                String::new()
            }),
            (None, true) => match base {
                Some(b) => b.url.clone(),
                None => {
                    errors.push(err("url", "required"));
                    String::new()
                }
            },
            (_, false) => base.map(|b| b.url.clone()).unwrap_or_default(),
        };
        let format = input
            .format
            .clone()
            .map(|f| f.trim().trim_start_matches('.').to_lowercase())
            .or_else(|| base.map(|b| b.format.clone()))
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| guess_format(&url));
        if format.len() > 32 {
            errors.push(err("format", "too_long"));
        } else if format.chars().any(char::is_control) {
            errors.push(err("format", "invalid_characters"));
        }
        let mime = input.mime.clone().or_else(|| base.map(|b| b.mime.clone())).unwrap_or_default();
        let filesize = input.filesize.or(base.and_then(|b| b.filesize));
        if filesize.is_some_and(|s| s < 0) {
            errors.push(err("filesize", "negative"));
        }
        let schema = input.schema.clone().or_else(|| base.and_then(|b| b.schema.clone()));
        if errors.is_empty() {
            Ok(ResourceFields { title, description, rtype, url, format, mime, filesize, schema })
        } else {
            Err(errors)
        }
    }

    pub fn of(r: &Resource) -> ResourceFields {
        ResourceFields {
            title: r.title.clone(),
            description: r.description.clone(),
            rtype: r.rtype.clone(),
            url: r.url.clone(),
            format: r.format.clone(),
            mime: r.mime.clone(),
            filesize: r.filesize,
            schema: r.schema.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents() {
        assert_eq!(slugify("Qualité de l'air — Île-de-France 2024"), "qualite-de-l-air-ile-de-france-2024");
        assert_eq!(slugify("!!!"), "jeu-de-donnees");
    }

    #[test]
    fn dataset_fields_collect_every_error() {
        let input = DatasetInput {
            title: Some("  ".into()),
            license: Some("wtfpl".into()),
            frequency: Some("sometimes".into()),
            temporal_coverage: Some(TemporalCoverage { start: "2024-02-30".into(), end: "2024-03-01".into() }),
            spatial: Some(Spatial { zones: vec!["fr:departement:99".into()], granularity: Some("planet".into()) }),
            ..Default::default()
        };
        let errors = DatasetFields::parse(&input, None).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("title", "required"),
                ("license", "unknown_license"),
                ("frequency", "unknown_frequency"),
                ("temporal_coverage", "invalid_date"),
                ("spatial", "unknown_zone"),
                ("spatial", "unknown_granularity"),
            ]
        );
    }

    #[test]
    fn updates_keep_what_is_not_sent() {
        let created = DatasetFields::parse(
            &DatasetInput { title: Some("Arbres".into()), license: Some("ODbL".into()), tags: Some(vec!["Arbres".into(), "arbres".into()]), ..Default::default() },
            None,
        )
        .unwrap();
        assert_eq!(created.license, "odc-odbl");
        assert_eq!(created.tags, vec!["arbres"]);
        let updated = DatasetFields::parse(&DatasetInput { description: Some("Inventaire".into()), ..Default::default() }, Some(&created)).unwrap();
        assert_eq!((updated.title.as_str(), updated.license.as_str(), updated.description.as_str()), ("Arbres", "odc-odbl", "Inventaire"));
    }

    #[test]
    fn a_temporal_coverage_is_kept_when_left_out_and_cleared_by_null_or_empty_dates() {
        let tc = TemporalCoverage { start: "2020-01-01".into(), end: "2024-12-31".into() };
        let base = DatasetFields::parse(&DatasetInput { title: Some("Arbres".into()), temporal_coverage: Some(tc.clone()), ..Default::default() }, None).unwrap();
        let parse = |body: &str| DatasetFields::parse(&serde_json::from_str::<DatasetInput>(body).unwrap(), Some(&base)).map(|f| f.temporal_coverage);
        assert_eq!(parse(r#"{"title": "Arbres de Quimper"}"#), Ok(Some(tc)));
        assert_eq!(parse(r#"{"temporal_coverage": null}"#), Ok(None));
        assert_eq!(parse(r#"{"temporal_coverage": {"start": "", "end": " "}}"#), Ok(None));
        // Only one end given is a mistake, not a way to clear.
        let one = parse(r#"{"temporal_coverage": {"start": "2021-01-01", "end": ""}}"#).unwrap_err();
        assert_eq!(one, vec![err("temporal_coverage", "invalid_date")]);
    }

    #[test]
    fn remote_urls_and_formats() {
        assert!(parse_remote_url("ftp://x/y").is_none());
        assert!(parse_remote_url("http:///nohost").is_none());
        assert!(parse_remote_url("https://exemple.fr/a b.csv").is_none());
        assert_eq!(guess_format("https://exemple.fr/data/arbres.CSV?x=1"), "csv");
        assert_eq!(guess_format("https://exemple.fr/export.csv.gz"), "csv");
        assert_eq!(guess_format("https://exemple.fr/api/"), "");
        let r = ResourceFields::parse(&ResourceInput { title: Some("Export".into()), url: Some("https://exemple.fr/a.json".into()), ..Default::default() }, None, true).unwrap();
        assert_eq!((r.format.as_str(), r.rtype.as_str()), ("json", "main"));
    }

    #[test]
    fn dates_are_calendar_days() {
        assert_eq!(parse_date("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(parse_date("2024-02-29T00:00:00Z").as_deref(), Some("2024-02-29"));
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("29/02/2024").is_none());
    }
}
