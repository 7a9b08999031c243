//! In-process event bus. Modules publish on topics (`weather.station.42`); the SSE endpoint
//! relays them to browsers subscribed to topic prefixes.
use serde::Serialize;
use serde_json::Value;
use tokio::sync::broadcast;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Event {
    pub topic: String,
    pub kind: String,
    pub at: String,
    pub data: Value,
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
    /// On PostgreSQL, events are also relayed to the other instances sharing the database.
    relay: Option<Relay>,
}

#[derive(Clone)]
struct Relay {
    pool: sqlx::AnyPool,
    instance: String,
}

/// The NOTIFY channel shared by every instance on one database.
pub const CHANNEL: &str = "communs_events";
/// PostgreSQL refuses NOTIFY payloads of 8000 bytes and more.
const MAX_PAYLOAD: usize = 7900;

#[derive(Serialize, serde::Deserialize)]
struct Relayed {
    from: String,
    event: Event,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new(1024)
    }
}

impl EventBus {
    pub fn new(capacity: usize) -> Self {
        let (tx, _) = broadcast::channel(capacity);
        Self { tx, relay: None }
    }

    /// Relays events through PostgreSQL `LISTEN/NOTIFY` so that every instance on the database
    /// delivers every event to its SSE clients. `instance` tells our own notifications apart.
    pub fn with_postgres_relay(mut self, pool: sqlx::AnyPool, url: &str, instance: String) -> Self {
        let tx = self.tx.clone();
        let url = url.to_string();
        let me = instance.clone();
        tokio::spawn(async move {
            loop {
                match sqlx::postgres::PgListener::connect(&url).await {
                    Ok(mut listener) => {
                        if let Err(e) = listener.listen(CHANNEL).await {
                            tracing::warn!(error = %e, "cannot LISTEN for events");
                        } else {
                            loop {
                                match listener.recv().await {
                                    Ok(n) => match serde_json::from_str::<Relayed>(n.payload()) {
                                        Ok(r) if r.from != me => {
                                            let _ = tx.send(r.event);
                                        }
                                        Ok(_) => {}
                                        Err(e) => tracing::warn!(error = %e, "malformed relayed event"),
                                    },
                                    Err(e) => {
                                        tracing::warn!(error = %e, "event relay connection lost");
                                        break;
                                    }
                                }
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot connect the event relay"),
                }
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        });
        self.relay = Some(Relay { pool, instance });
        self
    }

    /// Publishes; having no subscriber is not an error.
    pub fn publish(&self, event: Event) {
        if let Some(relay) = &self.relay {
            let payload = serde_json::to_string(&Relayed { from: relay.instance.clone(), event: event.clone() }).unwrap_or_default();
            if payload.len() <= MAX_PAYLOAD {
                let pool = relay.pool.clone();
                tokio::spawn(async move {
                    if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(&pool).await {
                        tracing::warn!(error = %e, "cannot relay event");
                    }
                });
            } else {
                tracing::warn!(topic = %event.topic, bytes = payload.len(), "event too large to relay to other instances");
            }
        }
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
