//! The link checker's rules, without I/O: which URLs may be checked and how they are keyed
//! (croquemort's `u:` hashes), what a check's outcome says about availability, when a resource
//! changed, and when the next request to a host may start.
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use md5::{Digest, Md5};
use reqwest::Url;

/// Longest URL checked (the resource form accepts the same).
pub const MAX_URL_LEN: usize = 2000;

/// A URL the checker may fetch, in normal form: http(s), a host, no credentials, no fragment,
/// scheme and host lowercase, default port dropped, dot segments resolved, non-ASCII
/// percent-encoded (WHATWG URL rules). History and hashes are keyed by this form, so
/// `HTTP://Exemple.fr:80/a/../b.csv#x` and `http://exemple.fr/b.csv` are one URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CheckUrl(Url);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlError {
    Invalid,
    TooLong,
    Scheme,
    Credentials,
}

impl UrlError {
    /// Stable error code for problems and stored checks.
    pub fn code(self) -> &'static str {
        match self {
            UrlError::Invalid => "invalid_url",
            UrlError::TooLong => "url_too_long",
            UrlError::Scheme => "url_scheme_not_http",
            UrlError::Credentials => "url_with_credentials",
        }
    }
}

impl CheckUrl {
    pub fn parse(raw: &str) -> Result<CheckUrl, UrlError> {
        let raw = raw.trim();
        if raw.len() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        let mut u = Url::parse(raw).map_err(|_| UrlError::Invalid)?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(UrlError::Scheme);
        }
        if u.host_str().is_none_or(str::is_empty) {
            return Err(UrlError::Invalid);
        }
        // Credentials would end up in the public check history.
        if !u.username().is_empty() || u.password().is_some() {
            return Err(UrlError::Credentials);
        }
        // The fragment is never sent to the server.
        u.set_fragment(None);
        if u.as_str().len() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        Ok(CheckUrl(u))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn url(&self) -> &Url {
        &self.0
    }

    /// The host as written in the URL (a name, or an IP literal without brackets).
    pub fn host(&self) -> String {
        let h = self.0.host_str().unwrap_or("");
        h.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(h).to_string()
    }

    /// The host's IP address when the URL names one literally (no DNS involved).
    pub fn ip_literal(&self) -> Option<IpAddr> {
        // The URL parser already rewrote every IPv4 spelling (`0x7f.1`, `2130706433`) to dotted form.
        self.host().parse().ok()
    }

    /// croquemort's key of a URL: `u:` and the first 8 hex digits of the MD5 of the URL.
    pub fn hash(&self) -> String {
        url_hash(self.as_str())
    }

    /// Resolves a `Location` header against this URL (relative redirects are common).
    pub fn join(&self, location: &str) -> Result<CheckUrl, UrlError> {
        let next = self.0.join(location.trim()).map_err(|_| UrlError::Invalid)?;
        CheckUrl::parse(next.as_str())
    }
}

impl std::fmt::Display for CheckUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn md5_prefix(prefix: &str, text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    format!("{prefix}{}", &hex::encode(digest)[..8])
}

/// croquemort's `generate_hash_for('url', …)`.
pub fn url_hash(url: &str) -> String {
    md5_prefix("u:", url)
}

/// croquemort's `generate_hash_for('group', …)`.
pub fn group_hash(name: &str) -> String {
    md5_prefix("g:", name)
}

/// Whether a `u:xxxxxxxx` / `g:xxxxxxxx` key is well formed.
pub fn is_hash(prefix: char, s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some(prefix) && chars.next() == Some(':') && s.len() == 10 && s[2..].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

/// Whether the checker may connect to `ip`. Link-local addresses (cloud metadata services at
/// 169.254.169.254), unspecified, multicast and broadcast addresses are never checked.
/// Loopback and private networks only with `allow_private` (an operator's choice, for a
/// catalog of an intranet or for tests): otherwise anyone who can publish a resource or call
/// croquemort's API could probe the server's own network.
pub fn address_allowed(ip: IpAddr, allow_private: bool) -> bool {
    match ip {
        IpAddr::V4(a) => v4_allowed(a, allow_private),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => v4_allowed(v4, allow_private),
            None => v6_allowed(a, allow_private),
        },
    }
}

fn v4_allowed(a: Ipv4Addr, allow_private: bool) -> bool {
    let o = a.octets();
    if a.is_unspecified() || a.is_link_local() || a.is_multicast() || a.is_broadcast() || o[0] == 0 {
        return false;
    }
    let private = a.is_loopback()
        || a.is_private()
        || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space (CGNAT)
        || (o[0] == 198 && (o[1] == 18 || o[1] == 19)) // benchmarking
        || o[0] >= 240; // reserved
    allow_private || !private
}

fn v6_allowed(a: Ipv6Addr, allow_private: bool) -> bool {
    let s = a.segments();
    if a.is_unspecified() || a.is_multicast() || (s[0] & 0xffc0) == 0xfe80 {
        return false;
    }
    let private = a.is_loopback() || (s[0] & 0xfe00) == 0xfc00 || (s[0] == 0x64 && s[1] == 0xff9b);
    allow_private || !private
}

/// What one check ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered (after redirects) with this status.
    Response(u16),
    TooManyRedirects,
    /// A redirect without a usable `Location`, or towards a URL the checker may not fetch.
    BadRedirect,
    Timeout,
    ConnectionRefused,
    /// Reset, closed, unreachable network…
    Connection,
    Dns,
    Tls,
    /// The URL or an address it resolves to is not allowed ([`address_allowed`]): not checked.
    RefusedAddress,
    /// Every check of a batch failed before any server answered: the checker's own network or
    /// resolver is down, not the remotes (udata #1042).
    CheckerOffline,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Response(s) if s < 400 => "ok",
            Outcome::Response(_) => "http_error",
            Outcome::TooManyRedirects => "too_many_redirects",
            Outcome::BadRedirect => "bad_redirect",
            Outcome::Timeout => "timeout",
            Outcome::ConnectionRefused => "connection_refused",
            Outcome::Connection => "connection",
            Outcome::Dns => "dns",
            Outcome::Tls => "tls",
            Outcome::RefusedAddress => "refused_address",
            Outcome::CheckerOffline => "checker_offline",
        }
    }

    pub fn status(self) -> Option<u16> {
        match self {
            Outcome::Response(s) => Some(s),
            _ => None,
        }
    }

    /// No server answered: the failures [`checker_offline`] looks at.
    pub fn is_network_failure(self) -> bool {
        matches!(self, Outcome::Timeout | Outcome::ConnectionRefused | Outcome::Connection | Outcome::Dns)
    }
}

/// What a single check says about a URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A 2xx or 3xx answer.
    Up,
    /// The remote said so itself: 404, 410, most 4xx, a broken TLS certificate, a redirect loop.
    Down,
    /// Maybe passing: 5xx, 408, 429, timeouts, refused or reset connections, DNS failures.
    Unsure,
    /// Proves nothing about the remote: the checker refused the address, or was offline.
    Nothing,
}

pub fn verdict(o: Outcome) -> Verdict {
    match o {
        Outcome::Response(s) if (200..400).contains(&s) => Verdict::Up,
        Outcome::Response(408 | 429) => Verdict::Unsure,
        Outcome::Response(s) if (400..500).contains(&s) => Verdict::Down,
        Outcome::Response(_) => Verdict::Unsure,
        Outcome::TooManyRedirects | Outcome::BadRedirect | Outcome::Tls => Verdict::Down,
        Outcome::Timeout | Outcome::ConnectionRefused | Outcome::Connection | Outcome::Dns => Verdict::Unsure,
        Outcome::RefusedAddress | Outcome::CheckerOffline => Verdict::Nothing,
    }
}

/// Consecutive unsure failures before a URL is declared unavailable.
pub const UNSURE_FAILURES_BEFORE_DOWN: i64 = 2;

/// A URL's availability as the catalog shows it (`check:available`, `check:count-availability`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Availability {
    /// None until a check proves something.
    pub available: Option<bool>,
    /// Consecutive failed checks (down or unsure).
    pub failures: i64,
    /// udata's `check:count-availability`: how many checks in a row gave this availability.
    pub count: i64,
}

/// The availability after one more check.
///
/// A definite answer applies at once: a 404 makes the resource unavailable at the first check
/// (showing it valid while the remote is 404 was udata #1048). An unsure failure only counts:
/// the URL becomes unavailable after [`UNSURE_FAILURES_BEFORE_DOWN`] of them in a row (a
/// passing outage, or the checker's own trouble, must not flip the catalog: udata #1042).
/// A check that proves nothing leaves everything as it was.
pub fn next_availability(prev: Availability, v: Verdict) -> Availability {
    let (available, failures) = match v {
        Verdict::Up => (Some(true), 0),
        Verdict::Down => (Some(false), prev.failures + 1),
        Verdict::Unsure => {
            let failures = prev.failures + 1;
            (if failures >= UNSURE_FAILURES_BEFORE_DOWN { Some(false) } else { prev.available }, failures)
        }
        Verdict::Nothing => return prev,
    };
    let count = match available {
        None => 0,
        a if a == prev.available => prev.count + 1,
        _ => 1,
    };
    Availability { available, failures, count }
}

/// Whether a batch's results show that the checker, not the remotes, is offline: at least
/// three different hosts failed without any answer and no host answered at all. A catalog
/// whose links are all dead at once is far less likely than our own resolver or network being
/// down; then the failures are recorded as [`Outcome::CheckerOffline`] and change nothing.
pub fn checker_offline(results: &[(String, Outcome)]) -> bool {
    let mut failed = std::collections::BTreeSet::new();
    for (host, o) in results {
        match o {
            o if o.is_network_failure() => {
                failed.insert(host.as_str());
            }
            Outcome::RefusedAddress => {}
            // A server answered (even with an error, or a bad certificate): we are online.
            _ => return false,
        }
    }
    failed.len() >= 3
}

/// The response headers the checker keeps (croquemort's list), lowercase names.
pub const CAPTURED_HEADERS: [&str; 10] = [
    "etag",
    "expires",
    "last-modified",
    "charset",
    "content-type",
    "content-length",
    "content-disposition",
    "content-md5",
    "content-encoding",
    "content-location",
];

pub type Headers = BTreeMap<String, String>;

/// How a change of the remote file was noticed (hydra's `analysis:last-modified-detection`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detection {
    LastModifiedHeader,
    EtagHeader,
    ContentLengthHeader,
}

impl Detection {
    pub fn code(self) -> &'static str {
        match self {
            Detection::LastModifiedHeader => "last-modified-header",
            Detection::EtagHeader => "etag-header",
            Detection::ContentLengthHeader => "content-length-header",
        }
    }

    pub fn parse(s: &str) -> Option<Detection> {
        [Detection::LastModifiedHeader, Detection::EtagHeader, Detection::ContentLengthHeader].into_iter().find(|d| d.code() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeReport {
    /// The remote changed since the previous successful check.
    pub changed: bool,
    /// The header that showed the change (or, without a change, that dates the file).
    pub detection: Option<Detection>,
    /// `analysis:last-modified-at` (RFC 3339): the Last-Modified date when the server gives
    /// one, else the time of the check that noticed the change; None when nothing dates it.
    pub last_modified_at: Option<String>,
}

/// Compares a successful check's headers with the previous successful one's. The
/// Last-Modified header dates the file whenever present; a changed ETag or Content-Length marks
/// a change at `checked_at` when the server gives no date. The first check is no change.
pub fn detect_change(prev: Option<&Headers>, cur: &Headers, checked_at: &str) -> ChangeReport {
    let get = |h: &Headers, k: &str| h.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let differs = |k: &str| match prev {
        Some(p) => matches!((get(p, k), get(cur, k)), (Some(a), Some(b)) if a != b),
        None => false,
    };
    let last_modified = get(cur, "last-modified").and_then(|v| http_date_to_rfc3339(&v));
    if let Some(lm) = last_modified {
        let changed = differs("last-modified") || differs("etag") || differs("content-length");
        return ChangeReport { changed, detection: Some(Detection::LastModifiedHeader), last_modified_at: Some(lm) };
    }
    for (header, detection) in [("etag", Detection::EtagHeader), ("content-length", Detection::ContentLengthHeader)] {
        if differs(header) {
            return ChangeReport { changed: true, detection: Some(detection), last_modified_at: Some(checked_at.to_string()) };
        }
    }
    ChangeReport { changed: false, detection: None, last_modified_at: None }
}

/// An HTTP date (IMF-fixdate, `Mon, 01 Sep 2025 08:00:00 GMT`) as RFC 3339 UTC.
pub fn http_date_to_rfc3339(s: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    let fmt = time::macros::format_description!("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT");
    let t = time::PrimitiveDateTime::parse(s.trim(), &fmt).ok()?.assume_utc();
    t.format(&Rfc3339).ok()
}

/// When the next request to each host may start: requests to one host are spaced by `delay_ms`
/// (politeness; hydra backs off per domain for the same reason). Times are milliseconds on any
/// monotonic clock.
#[derive(Debug)]
pub struct Politeness {
    delay_ms: u64,
    next: HashMap<String, u64>,
}

impl Politeness {
    pub fn new(delay_ms: u64) -> Politeness {
        Politeness { delay_ms, next: HashMap::new() }
    }

    /// Reserves the host's next slot; returns how long to wait before starting the request.
    pub fn reserve(&mut self, host: &str, now: u64) -> u64 {
        if self.next.len() > 10_000 {
            self.next.retain(|_, t| *t > now);
        }
        let slot = self.next.get(host).copied().unwrap_or(0).max(now);
        self.next.insert(host.to_string(), slot + self.delay_ms);
        slot - now
    }
}

/// croquemort's check frequencies.
pub fn frequency_ms(name: &str) -> Option<i64> {
    match name {
        "hourly" => Some(3_600_000),
        "daily" => Some(86_400_000),
        "monthly" => Some(30 * 86_400_000),
        _ => None,
    }
}

/// When to check a URL again: its frequency after a definite answer, sooner after an unsure
/// failure (to confirm or clear it before the catalog shows it), never before `min_ms`.
pub fn next_check_delay(frequency_ms: i64, v: Verdict, retry_ms: i64, min_ms: i64) -> i64 {
    let d = match v {
        Verdict::Unsure => retry_ms.min(frequency_ms),
        _ => frequency_ms,
    };
    d.max(min_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn urls_are_normalised() {
        let u = CheckUrl::parse("  HTTP://Exemple.FR:80/a/../b.csv?x=1#frag ").unwrap();
        assert_eq!(u.as_str(), "http://exemple.fr/b.csv?x=1");
        assert_eq!(CheckUrl::parse("https://exemple.fr").unwrap().as_str(), "https://exemple.fr/");
        assert_eq!(CheckUrl::parse("https://exemple.fr:8443/x").unwrap().as_str(), "https://exemple.fr:8443/x");
        assert_eq!(CheckUrl::parse("https://données.fr/é t.csv").unwrap().as_str(), "https://xn--donnes-eva.fr/%C3%A9%20t.csv");
        assert_eq!(CheckUrl::parse("http://[::1]:8080/").unwrap().host(), "::1");
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        assert_eq!(CheckUrl::parse("ftp://exemple.fr/a"), Err(UrlError::Scheme));
        assert_eq!(CheckUrl::parse("file:///etc/passwd"), Err(UrlError::Scheme));
        assert_eq!(CheckUrl::parse("javascript:alert(1)"), Err(UrlError::Scheme));
        assert_eq!(CheckUrl::parse("exemple.fr/a"), Err(UrlError::Invalid));
        assert_eq!(CheckUrl::parse("http://"), Err(UrlError::Invalid));
        assert_eq!(CheckUrl::parse("https://moi:secret@exemple.fr/"), Err(UrlError::Credentials));
        assert_eq!(CheckUrl::parse(&format!("https://exemple.fr/{}", "a".repeat(2000))), Err(UrlError::TooLong));
    }

    #[test]
    fn hashes_match_croquemort() {
        // Expected values computed with Python's hashlib, as croquemort does.
        assert_eq!(url_hash("https://www.data.gouv.fr/"), "u:e04cc111");
        assert_eq!(url_hash("http://example.com/"), "u:a6bf1757");
        assert_eq!(group_hash("demo"), "g:fe01ce2a");
        assert!(is_hash('u', "u:a6bf1757"));
        assert!(!is_hash('u', "g:a6bf1757"));
        assert!(!is_hash('u', "u:a6bf175"));
        assert!(!is_hash('u', "u:A6BF1757"));
        assert!(!is_hash('g', "g:zzzzzzzz"));
    }

    #[test]
    fn relative_redirects_resolve() {
        let u = CheckUrl::parse("https://exemple.fr/a/b.csv").unwrap();
        assert_eq!(u.join("c.csv").unwrap().as_str(), "https://exemple.fr/a/c.csv");
        assert_eq!(u.join("/d").unwrap().as_str(), "https://exemple.fr/d");
        assert_eq!(u.join("//autre.fr/e").unwrap().as_str(), "https://autre.fr/e");
        assert_eq!(u.join("ftp://autre.fr/e"), Err(UrlError::Scheme));
    }

    #[test]
    fn addresses() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        for public in ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"] {
            assert!(address_allowed(ip(public), false), "{public}");
        }
        for private in ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"] {
            assert!(!address_allowed(ip(private), false), "{private}");
            assert!(address_allowed(ip(private), true), "{private} with the flag");
        }
        for never in ["169.254.169.254", "0.0.0.0", "255.255.255.255", "224.0.0.1", "fe80::1", "::", "ff02::1", "::ffff:169.254.169.254", "0.1.2.3"] {
            assert!(!address_allowed(ip(never), true), "{never}");
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(Outcome::Response(200)), Verdict::Up);
        assert_eq!(verdict(Outcome::Response(304)), Verdict::Up);
        assert_eq!(verdict(Outcome::Response(404)), Verdict::Down);
        assert_eq!(verdict(Outcome::Response(410)), Verdict::Down);
        assert_eq!(verdict(Outcome::Response(429)), Verdict::Unsure);
        assert_eq!(verdict(Outcome::Response(503)), Verdict::Unsure);
        assert_eq!(verdict(Outcome::Timeout), Verdict::Unsure);
        assert_eq!(verdict(Outcome::Dns), Verdict::Unsure);
        assert_eq!(verdict(Outcome::Tls), Verdict::Down);
        assert_eq!(verdict(Outcome::TooManyRedirects), Verdict::Down);
        assert_eq!(verdict(Outcome::RefusedAddress), Verdict::Nothing);
        assert_eq!(verdict(Outcome::CheckerOffline), Verdict::Nothing);
    }

    #[test]
    fn a_404_is_unavailable_at_once() {
        let up = next_availability(Availability::default(), Verdict::Up);
        assert_eq!(up, Availability { available: Some(true), failures: 0, count: 1 });
        let up2 = next_availability(up, Verdict::Up);
        assert_eq!(up2.count, 2);
        let down = next_availability(up2, Verdict::Down);
        assert_eq!(down, Availability { available: Some(false), failures: 1, count: 1 });
    }

    #[test]
    fn unsure_failures_need_confirmation() {
        let up = next_availability(Availability::default(), Verdict::Up);
        let once = next_availability(up, Verdict::Unsure);
        assert_eq!(once.available, Some(true), "one timeout does not flip a resource");
        assert_eq!(once.failures, 1);
        assert_eq!(once.count, 2);
        let twice = next_availability(once, Verdict::Unsure);
        assert_eq!(twice, Availability { available: Some(false), failures: 2, count: 1 });
        let back = next_availability(twice, Verdict::Up);
        assert_eq!(back, Availability { available: Some(true), failures: 0, count: 1 });
        // An unsure failure, then an answer: the count restarts.
        let recovered = next_availability(next_availability(up, Verdict::Unsure), Verdict::Up);
        assert_eq!(recovered.failures, 0);
        // Never checked: stays unknown until confirmed.
        let first = next_availability(Availability::default(), Verdict::Unsure);
        assert_eq!(first.available, None);
        assert_eq!(first.count, 0);
    }

    #[test]
    fn checks_that_prove_nothing_change_nothing() {
        let s = Availability { available: Some(true), failures: 1, count: 7 };
        assert_eq!(next_availability(s, Verdict::Nothing), s);
    }

    #[test]
    fn offline_checker_is_recognised() {
        let r = |h: &str, o| (h.to_string(), o);
        assert!(checker_offline(&[r("a.fr", Outcome::Dns), r("b.fr", Outcome::Dns), r("c.fr", Outcome::Timeout)]));
        assert!(!checker_offline(&[r("a.fr", Outcome::Dns), r("a.fr", Outcome::Dns), r("c.fr", Outcome::Timeout)]), "two hosts only");
        assert!(!checker_offline(&[r("a.fr", Outcome::Dns), r("b.fr", Outcome::Dns), r("c.fr", Outcome::Timeout), r("d.fr", Outcome::Response(404))]));
        assert!(!checker_offline(&[r("a.fr", Outcome::Dns), r("b.fr", Outcome::Dns), r("c.fr", Outcome::Tls)]));
        assert!(!checker_offline(&[]));
    }

    fn h(pairs: &[(&str, &str)]) -> Headers {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn changes_are_detected_from_headers() {
        let at = "2025-09-02T10:00:00Z";
        let first = detect_change(None, &h(&[("etag", "\"a\"")]), at);
        assert_eq!(first, ChangeReport { changed: false, detection: None, last_modified_at: None });

        let etag = detect_change(Some(&h(&[("etag", "\"a\"")])), &h(&[("etag", "\"b\"")]), at);
        assert_eq!(etag, ChangeReport { changed: true, detection: Some(Detection::EtagHeader), last_modified_at: Some(at.into()) });

        let same = detect_change(Some(&h(&[("etag", "\"a\""), ("content-length", "10")])), &h(&[("etag", "\"a\""), ("content-length", "10")]), at);
        assert!(!same.changed);

        let length = detect_change(Some(&h(&[("content-length", "10")])), &h(&[("content-length", "12")]), at);
        assert_eq!(length.detection, Some(Detection::ContentLengthHeader));
        assert!(length.changed);

        let lm_old = "Mon, 01 Sep 2025 08:00:00 GMT";
        let lm_new = "Tue, 02 Sep 2025 09:30:00 GMT";
        let dated = detect_change(None, &h(&[("last-modified", lm_old)]), at);
        assert_eq!(dated, ChangeReport { changed: false, detection: Some(Detection::LastModifiedHeader), last_modified_at: Some("2025-09-01T08:00:00Z".into()) });
        let lm = detect_change(Some(&h(&[("last-modified", lm_old)])), &h(&[("last-modified", lm_new)]), at);
        assert_eq!(lm, ChangeReport { changed: true, detection: Some(Detection::LastModifiedHeader), last_modified_at: Some("2025-09-02T09:30:00Z".into()) });
        // A header missing on one side is no evidence of change.
        assert!(!detect_change(Some(&h(&[])), &h(&[("etag", "\"x\"")]), at).changed);
    }

    #[test]
    fn http_dates() {
        assert_eq!(http_date_to_rfc3339("Sun, 06 Nov 1994 08:49:37 GMT").as_deref(), Some("1994-11-06T08:49:37Z"));
        assert_eq!(http_date_to_rfc3339("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(http_date_to_rfc3339("hier"), None);
    }

    #[test]
    fn politeness_spaces_requests_per_host() {
        let mut p = Politeness::new(500);
        assert_eq!(p.reserve("a.fr", 1000), 0);
        assert_eq!(p.reserve("a.fr", 1000), 500);
        assert_eq!(p.reserve("a.fr", 1100), 900);
        assert_eq!(p.reserve("b.fr", 1100), 0, "other hosts do not wait");
        assert_eq!(p.reserve("a.fr", 5000), 0, "a slot in the past is not owed");
    }

    #[test]
    fn scheduling() {
        assert_eq!(frequency_ms("daily"), Some(86_400_000));
        assert_eq!(frequency_ms("weekly"), None);
        let day = 86_400_000;
        assert_eq!(next_check_delay(day, Verdict::Up, 900_000, 600_000), day);
        assert_eq!(next_check_delay(day, Verdict::Unsure, 900_000, 600_000), 900_000);
        assert_eq!(next_check_delay(day, Verdict::Unsure, 60_000, 600_000), 600_000, "never within 10 minutes");
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_is_idempotent(s in "\\PC{0,80}") {
            if let Ok(u) = CheckUrl::parse(&s) {
                let again = CheckUrl::parse(u.as_str()).unwrap();
                prop_assert_eq!(again.as_str(), u.as_str());
                prop_assert!(u.as_str().starts_with("http"));
                prop_assert!(is_hash('u', &u.hash()));
            }
        }

        #[test]
        fn normal_http_urls_parse(host in "[a-z]{1,12}\\.(fr|org)", path in "(/[a-z0-9_.-]{1,10}){0,4}") {
            let raw = format!("https://{host}{path}");
            let u = CheckUrl::parse(&raw).unwrap();
            prop_assert_eq!(u.host(), host);
        }
    }
}
