//! In-process event bus. Modules publish on topics (`weather.station.42`); the SSE endpoint
//! relays them to browsers subscribed to topic prefixes.
use serde::Serialize;
use serde_json::Value;
use tokio::sync::broadcast;

#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub topic: String,
    pub kind: String,
    pub at: String,
    pub data: Value,
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        Self { tx }
    }
    /// Publishes; having no subscriber is not an error.
    pub fn publish(&self, event: Event) {
        let _ = self.tx.send(event);
    }
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}

/// Whether `topic` is covered by one of the subscribed prefixes (`weather` covers
/// `weather.station.42`, not `weatherx`).
pub fn topic_matches(subscribed: &[String], topic: &str) -> bool {
    subscribed.iter().any(|s| {
        topic == s || (topic.starts_with(s.as_str()) && topic.as_bytes().get(s.len()) == Some(&b'.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn prefixes_match_on_dots() {
        let subs = vec!["weather.station".to_string()];
        assert!(topic_matches(&subs, "weather.station"));
        assert!(topic_matches(&subs, "weather.station.42"));
        assert!(!topic_matches(&subs, "weather.stations"));
        assert!(!topic_matches(&subs, "catalog"));
    }
    #[tokio::test]
    async fn subscribers_receive() {
        let bus = EventBus::new(4);
        let mut rx = bus.subscribe();
        bus.publish(Event { topic: "a".into(), kind: "k".into(), at: String::new(), data: Value::Null });
        assert_eq!(rx.recv().await.unwrap().topic, "a");
    }
}
