-- Tables loaded from CSV resources (and from csvapi's /apify URLs): one row per source, the
-- served table's name, its columns with their profile, and the state of the last load.
CREATE TABLE catalog_tables (
    key TEXT PRIMARY KEY,            -- the resource id, or md5(url) for a csvapi /apify table
    resource_id TEXT,                -- NULL for /apify tables
    source_url TEXT NOT NULL DEFAULT '',
    source_sha256 TEXT,
    state TEXT NOT NULL,             -- queued, loading, ready, failed
    table_name TEXT,                 -- last table loaded successfully (kept while a reload runs or after it fails)
    columns TEXT NOT NULL DEFAULT '[]',
    dialect TEXT NOT NULL DEFAULT '{}',
    row_count BIGINT NOT NULL DEFAULT 0,
    progress BIGINT NOT NULL DEFAULT 0,
    report TEXT NOT NULL DEFAULT '{}',
    job_id BIGINT,
    queued_at BIGINT NOT NULL,
    started_at BIGINT,
    loaded_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX catalog_tables_resource ON catalog_tables (resource_id);
