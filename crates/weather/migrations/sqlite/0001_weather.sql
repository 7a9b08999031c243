CREATE TABLE weather_sources (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    priority BIGINT NOT NULL
);
INSERT INTO weather_sources (code, name, priority) VALUES
    ('mf-clim', 'Météo-France, données climatologiques de base', 100),
    ('synop', 'SYNOP (FM-12)', 60),
    ('metar', 'METAR/SPECI', 50),
    ('push', 'API push', 40),
    ('csv', 'CSV with mapping', 30),
    ('demo', 'Generated demonstration data', 10);

CREATE TABLE weather_stations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    commune TEXT NOT NULL DEFAULT '',
    departement TEXT NOT NULL DEFAULT '',
    network TEXT NOT NULL,
    mf_num_poste TEXT UNIQUE,
    wmo TEXT,
    icao TEXT UNIQUE,
    org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    licence TEXT NOT NULL,
    public INTEGER NOT NULL DEFAULT 1,
    fu_offset BIGINT NOT NULL DEFAULT 0,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    alti DOUBLE PRECISION NOT NULL,
    active_from BIGINT,
    active_to BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX weather_stations_network ON weather_stations(network);
CREATE INDEX weather_stations_lat_lon ON weather_stations(lat, lon);

CREATE TABLE weather_positions (
    station_id BIGINT NOT NULL REFERENCES weather_stations(id) ON DELETE CASCADE,
    valid_from BIGINT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    alti DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (station_id, valid_from)
);

CREATE TABLE weather_imports (
    id INTEGER PRIMARY KEY,
    format TEXT NOT NULL,
    filename TEXT NOT NULL,
    source_id BIGINT NOT NULL REFERENCES weather_sources(id),
    actor_id BIGINT,
    actor_label TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    summary TEXT NOT NULL DEFAULT '{}'
);

-- One row per (station, parameter, UTC day): the day's values packed (domain::block).
CREATE TABLE weather_blocks (
    station_id BIGINT NOT NULL,
    param_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (station_id, param_id, day)
) WITHOUT ROWID;

-- Values that lost to a higher-priority source or were corrected: nothing is overwritten silently.
CREATE TABLE weather_superseded (
    id INTEGER PRIMARY KEY,
    station_id BIGINT NOT NULL,
    param_id BIGINT NOT NULL,
    t BIGINT NOT NULL,
    stored BIGINT NOT NULL,
    quality TEXT NOT NULL,
    source_id BIGINT NOT NULL,
    import_id BIGINT NOT NULL,
    by_import_id BIGINT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX weather_superseded_key ON weather_superseded(station_id, param_id, t);

CREATE TABLE weather_daily (
    station_id BIGINT NOT NULL,
    element TEXT NOT NULL,
    day BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    at BIGINT,
    n BIGINT NOT NULL,
    complete INTEGER NOT NULL,
    PRIMARY KEY (station_id, element, day)
) WITHOUT ROWID;

CREATE TABLE weather_monthly (
    station_id BIGINT NOT NULL,
    element TEXT NOT NULL,
    year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    value DOUBLE PRECISION,
    max DOUBLE PRECISION,
    max_day BIGINT,
    min DOUBLE PRECISION,
    min_day BIGINT,
    days_present BIGINT NOT NULL,
    days_in_month BIGINT NOT NULL,
    counts TEXT NOT NULL,
    PRIMARY KEY (station_id, element, year, month)
) WITHOUT ROWID;

-- scope 0 = all-time, 1..12 = calendar month.
CREATE TABLE weather_records (
    station_id BIGINT NOT NULL,
    element TEXT NOT NULL,
    scope BIGINT NOT NULL,
    kind TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    day BIGINT NOT NULL,
    PRIMARY KEY (station_id, element, scope, kind)
);

CREATE TABLE weather_record_history (
    id INTEGER PRIMARY KEY,
    station_id BIGINT NOT NULL,
    element TEXT NOT NULL,
    scope BIGINT NOT NULL,
    kind TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    day BIGINT NOT NULL,
    previous_value DOUBLE PRECISION,
    previous_day BIGINT,
    import_id BIGINT NOT NULL,
    broken_at BIGINT NOT NULL
);
CREATE INDEX weather_record_history_station ON weather_record_history(station_id, id);

CREATE TABLE weather_latest (
    station_id BIGINT NOT NULL,
    param_id BIGINT NOT NULL,
    t BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (station_id, param_id)
);
