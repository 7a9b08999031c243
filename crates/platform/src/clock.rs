//! Clock and randomness ports, so tests can pin time and generated secrets.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use rand::{rngs::StdRng, RngCore, SeedableRng};

/// Milliseconds since the Unix epoch, UTC. Storage keeps every instant in this form.
pub type Millis = i64;

pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> Millis;
}

pub struct SystemClock;
impl Clock for SystemClock {
    fn now_ms(&self) -> Millis {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        d.as_millis() as i64
    }
}

/// A clock that only moves when told to.
pub struct FixedClock(AtomicI64);
impl FixedClock {
    pub fn new(at: Millis) -> Self {
        Self(AtomicI64::new(at))
    }
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}
impl Clock for FixedClock {
    fn now_ms(&self) -> Millis {
        self.0.load(Ordering::SeqCst)
    }
}

/// Source of secrets (session tokens, API keys, CSRF tokens).
pub trait Random: Send + Sync + 'static {
    fn fill(&self, buf: &mut [u8]);
    /// `n` random bytes as lowercase hex.
    fn hex(&self, n: usize) -> String {
        let mut b = vec![0u8; n];
        self.fill(&mut b);
        hex::encode(b)
    }
    /// A random (version 4) UUID.
    fn uuid_v4(&self) -> String {
        let h = self.hex(16);
        let variant = ["8", "9", "a", "b"][usize::from_str_radix(&h[16..17], 16).unwrap_or(0) % 4];
        format!("{}-{}-4{}-{}{}-{}", &h[0..8], &h[8..12], &h[13..16], variant, &h[17..20], &h[20..32])
    }
}

pub struct OsRandom;
impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        rand::rngs::OsRng.fill_bytes(buf)
    }
}

/// Deterministic generator for tests only: same seed, same secrets.
pub struct SeededRandom(Mutex<StdRng>);
impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(StdRng::seed_from_u64(seed)))
    }
}
impl Random for SeededRandom {
    fn fill(&self, buf: &mut [u8]) {
        self.0.lock().expect("rng poisoned").fill_bytes(buf)
    }
}

pub type SharedClock = Arc<dyn Clock>;
pub type SharedRandom = Arc<dyn Random>;

/// RFC 3339 rendering of a stored instant, UTC.
pub fn rfc3339(ms: Millis) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Human rendering for pages, in Europe/Paris civil time is done by the caller's locale;
/// here "YYYY-MM-DD HH:MM UTC", unambiguous in both languages.
pub fn display_utc(ms: Millis) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = FixedClock::new(1_000);
        assert_eq!(c.now_ms(), 1_000);
        c.advance(500);
        assert_eq!(c.now_ms(), 1_500);
    }
    #[test]
    fn seeded_random_is_repeatable() {
        assert_eq!(SeededRandom::new(7).hex(8), SeededRandom::new(7).hex(8));
        assert_ne!(SeededRandom::new(7).hex(8), SeededRandom::new(8).hex(8));
    }
    #[test]
    fn rfc3339_of_epoch() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(display_utc(86_400_000), "1970-01-02 00:00 UTC");
    }
}
