//! Prometheus metrics in the text exposition format, served on their own port.
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
pub struct Metrics {
    /// (method, route, status class) → count
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    buckets: [AtomicU64; 10],
    count: AtomicU64,
    sum_micros: AtomicU64,
    pub sse_clients: AtomicU64,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_string(), route.to_string(), status)).or_default() += 1;
        }
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn render(&self, extra: &[(&str, &str, f64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP communs_http_requests_total HTTP requests by method, route and status.\n");
        out.push_str("# TYPE communs_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                let route = route.replace('\\', "\\\\").replace('"', "\\\"");
                let _ = writeln!(out, "communs_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}");
            }
        }
        out.push_str("# HELP communs_http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE communs_http_request_duration_seconds histogram\n");
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "communs_http_request_duration_seconds_bucket{{le=\"{b}\"}} {}", self.buckets[i].load(Ordering::Relaxed));
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "communs_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "communs_http_request_duration_seconds_sum {}", self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "communs_http_request_duration_seconds_count {count}");
        let _ = writeln!(out, "# TYPE communs_sse_clients gauge\ncommuns_sse_clients {}", self.sse_clients.load(Ordering::Relaxed));
        for (name, help, value) in extra {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn exposition_format() {
        let m = super::Metrics::default();
        m.observe("GET", "/healthz", 200, 0.002);
        let s = m.render(&[("communs_jobs_queued", "Jobs waiting.", 3.0)]);
        assert!(s.contains("communs_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"));
        assert!(s.contains("communs_http_request_duration_seconds_bucket{le=\"0.001\"} 0"));
        assert!(s.contains("communs_http_request_duration_seconds_bucket{le=\"0.0025\"} 1"));
        assert!(s.contains("communs_jobs_queued 3"));
    }
}
