//! Reuses as udata shapes them (an application, an article… made with datasets): what a client
//! sends to declare or change one, checked field by field with every error at once.
use serde::Deserialize;

use super::model::{parse_remote_url, parse_tags, InputError, REUSE_TYPES};

/// The fields sent to change a reuse; those left out keep their values. Also what a declaration
/// becomes once its required fields are known to be there.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReusePatch {
    pub title: Option<String>,
    pub description: Option<String>,
    /// One of `api`, `application`, `idea`, `news_article`, `paper`, `post`, `visualization`, `hardware`.
    #[serde(rename = "type")]
    pub rtype: Option<String>,
    /// http(s) address of the reuse.
    pub url: Option<String>,
    pub topic: Option<String>,
    pub tags: Option<Vec<String>>,
    /// Dataset ids or slugs: the whole list replaces the current one.
    pub datasets: Option<Vec<String>>,
    pub private: Option<bool>,
}

/// A checked reuse: every field in its stored form (the datasets are resolved by the service,
/// which knows who may see which).
#[derive(Clone, Debug, PartialEq)]
pub struct ReuseFields {
    pub title: String,
    pub description: String,
    pub rtype: String,
    pub url: String,
    pub topic: String,
    pub tags: Vec<String>,
    pub private: bool,
}

const MAX_TITLE: usize = 350;
const MAX_DESCRIPTION: usize = 100_000;
const MAX_TOPIC: usize = 100;

impl ReuseFields {
    /// Applies `patch` over `base` (None when declaring a reuse: then title, type and URL are
    /// required).
    pub fn parse(patch: &ReusePatch, base: Option<&ReuseFields>) -> Result<ReuseFields, Vec<InputError>> {
        let mut errors = Vec::new();
        let mut e = |field, code| errors.push(InputError { field, code });
        let title = patch.title.clone().or_else(|| base.map(|b| b.title.clone())).unwrap_or_default().trim().to_string();
        if title.is_empty() {
            e("title", "required");
        } else if title.chars().count() > MAX_TITLE {
            e("title", "too_long");
        }
        let description = patch.description.clone().or_else(|| base.map(|b| b.description.clone())).unwrap_or_default();
        if description.chars().count() > MAX_DESCRIPTION {
            e("description", "too_long");
        }
        let rtype = patch.rtype.as_deref().map(str::trim).map(str::to_string).or_else(|| base.map(|b| b.rtype.clone())).unwrap_or_default();
        if rtype.is_empty() {
            e("type", "required");
        } else if !REUSE_TYPES.contains(&rtype.as_str()) {
            e("type", "unknown_reuse_type");
        }
        let url = match (&patch.url, base) {
            (Some(u), _) => parse_remote_url(u).unwrap_or_else(|| {
                e("url", if u.trim().is_empty() { "required" } else { "invalid_url" });
                String::new()
            }),
            (None, Some(b)) => b.url.clone(),
            (None, None) => {
                e("url", "required");
                String::new()
            }
        };
        let topic = patch.topic.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).or_else(|| base.map(|b| b.topic.clone())).unwrap_or_else(|| "others".into());
        if topic.chars().count() > MAX_TOPIC {
            e("topic", "too_long");
        }
        let tags = match &patch.tags {
            Some(t) => parse_tags(t).unwrap_or_else(|x| {
                e(x.field, x.code);
                vec![]
            }),
            None => base.map(|b| b.tags.clone()).unwrap_or_default(),
        };
        let private = patch.private.or(base.map(|b| b.private)).unwrap_or(false);
        if errors.is_empty() {
            Ok(ReuseFields { title, description, rtype, url, topic, tags, private })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(r: Result<ReuseFields, Vec<InputError>>) -> Vec<String> {
        r.err().unwrap_or_default().iter().map(|e| e.to_string()).collect()
    }

    fn base() -> ReuseFields {
        ReuseFields {
            title: "Carte des arbres".into(),
            description: "Une carte.".into(),
            rtype: "visualization".into(),
            url: "https://exemple.fr/carte".into(),
            topic: "environment_and_energy".into(),
            tags: vec!["arbres".into()],
            private: false,
        }
    }

    #[test]
    fn a_declaration_needs_title_type_and_url_all_reported_at_once() {
        assert_eq!(codes(ReuseFields::parse(&ReusePatch::default(), None)), ["title: required", "type: required", "url: required"]);
        let bad = ReusePatch { title: Some(" ".into()), rtype: Some("film".into()), url: Some("ftp://x".into()), ..Default::default() };
        assert_eq!(codes(ReuseFields::parse(&bad, None)), ["title: required", "type: unknown_reuse_type", "url: invalid_url"]);
        let ok = ReusePatch { title: Some(" Carte ".into()), rtype: Some("application".into()), url: Some("https://a.fr/".into()), ..Default::default() };
        let f = ReuseFields::parse(&ok, None).unwrap();
        assert_eq!((f.title.as_str(), f.topic.as_str(), f.private), ("Carte", "others", false));
    }

    #[test]
    fn a_change_keeps_what_is_not_sent() {
        let b = base();
        let f = ReuseFields::parse(&ReusePatch { title: Some("Carte des arbres de Quimper".into()), ..Default::default() }, Some(&b)).unwrap();
        assert_eq!(f, ReuseFields { title: "Carte des arbres de Quimper".into(), ..b.clone() });
        // An empty URL is not "keep the old one": it is refused.
        assert_eq!(codes(ReuseFields::parse(&ReusePatch { url: Some(String::new()), ..Default::default() }, Some(&b))), ["url: required"]);
        assert_eq!(codes(ReuseFields::parse(&ReusePatch { title: Some("x".repeat(351)), ..Default::default() }, Some(&b))), ["title: too_long"]);
    }

    proptest::proptest! {
        /// Whatever is sent, a parsed reuse has a known type, an http(s) URL and a non-empty title.
        #[test]
        fn parsed_reuses_are_well_formed(title in "\\PC{0,40}", rtype in "[a-z_]{0,14}", url in "(https?://)?[a-z./ ]{0,20}") {
            let patch = ReusePatch { title: Some(title), rtype: Some(rtype), url: Some(url), ..Default::default() };
            if let Ok(f) = ReuseFields::parse(&patch, None) {
                proptest::prop_assert!(REUSE_TYPES.contains(&f.rtype.as_str()));
                proptest::prop_assert!(f.url.starts_with("http://") || f.url.starts_with("https://"));
                proptest::prop_assert!(!f.title.is_empty() && f.title == f.title.trim());
            }
        }
    }
}
