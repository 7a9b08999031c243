-- Storage monitoring: humidity indicator colours, equilibrium relative humidity and water
-- activity readings, temperatures, per lot and place (append-only, like the ledger).
CREATE TABLE seedbank_readings (
    id INTEGER PRIMARY KEY,
    lot_id BIGINT NOT NULL REFERENCES seedbank_lots(id),
    on_date TEXT NOT NULL,
    place TEXT NOT NULL,
    kind TEXT NOT NULL,
    value REAL NOT NULL,
    remarks TEXT NOT NULL DEFAULT '',
    actor_id BIGINT,
    actor_label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX seedbank_readings_lot ON seedbank_readings (lot_id, on_date);
