//! Token-bucket rate limits per client address and per API token, in memory.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimiter {
    per_ip: u32,
    per_token: u32,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// Limits in requests per second, with a burst of four seconds' worth; 0 turns a limit off.
    pub fn new(per_ip: u32, per_token: u32) -> Self {
        Self { per_ip, per_token, buckets: Mutex::new(HashMap::new()) }
    }

    /// `Err(seconds to wait)` when the key is over its limit.
    pub fn check(&self, key: &str, is_token: bool, now: Instant) -> Result<(), u64> {
        let rate = if is_token { self.per_token } else { self.per_ip } as f64;
        if rate == 0.0 {
            return Ok(());
        }
        let burst = rate * 4.0;
        let mut map = self.buckets.lock().expect("rate limiter poisoned");
        if map.len() > 100_000 {
            // Forget full buckets so memory stays bounded under address churn.
            map.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = map.entry(key.to_string()).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bursts_then_refills() {
        let l = RateLimiter::new(2, 0);
        let t0 = Instant::now();
        for _ in 0..8 {
            assert!(l.check("1.2.3.4", false, t0).is_ok());
        }
        assert!(l.check("1.2.3.4", false, t0).is_err());
        assert!(l.check("5.6.7.8", false, t0).is_ok());
        assert!(l.check("1.2.3.4", false, t0 + Duration::from_millis(600)).is_ok());
        assert!(l.check("tok", true, t0).is_ok(), "0 means no limit");
    }
}
