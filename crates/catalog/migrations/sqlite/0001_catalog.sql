-- udata's organisation fields beyond the kernel's organisations.
CREATE TABLE catalog_org_profiles (
    org_id BIGINT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    acronym TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    business_number_id TEXT NOT NULL DEFAULT '',
    badges TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE catalog_datasets (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    acronym TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    license TEXT NOT NULL,
    frequency TEXT NOT NULL,
    frequency_date BIGINT,
    temporal_start TEXT,
    temporal_end TEXT,
    spatial TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    owner_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    private INTEGER NOT NULL DEFAULT 0,
    -- not private and not deleted: what the kernel's read filters call public
    public INTEGER NOT NULL DEFAULT 1,
    archived_at BIGINT,
    deleted_at BIGINT,
    featured INTEGER NOT NULL DEFAULT 0,
    badges TEXT NOT NULL DEFAULT '[]',
    extras TEXT NOT NULL DEFAULT '{}',
    publication TEXT UNIQUE,
    quality DOUBLE PRECISION NOT NULL DEFAULT 0,
    search_text TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL,
    last_update BIGINT NOT NULL
);
CREATE INDEX catalog_datasets_org ON catalog_datasets(org_id);
CREATE INDEX catalog_datasets_created ON catalog_datasets(created_at);
CREATE INDEX catalog_datasets_license ON catalog_datasets(license);
CREATE INDEX catalog_datasets_frequency ON catalog_datasets(frequency);

-- Facet tables: one row per (dataset, value) so counts are index scans, not JSON parsing.
CREATE TABLE catalog_dataset_tags (
    dataset_id TEXT NOT NULL REFERENCES catalog_datasets(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (tag, dataset_id)
);
CREATE INDEX catalog_dataset_tags_dataset ON catalog_dataset_tags(dataset_id);
CREATE TABLE catalog_dataset_zones (
    dataset_id TEXT NOT NULL REFERENCES catalog_datasets(id) ON DELETE CASCADE,
    zone TEXT NOT NULL,
    PRIMARY KEY (zone, dataset_id)
);
CREATE INDEX catalog_dataset_zones_dataset ON catalog_dataset_zones(dataset_id);

-- Accent-folded text (folded in Rust) of title, acronym, description, tags and organisation.
CREATE VIRTUAL TABLE catalog_datasets_fts USING fts5(search_text, content='catalog_datasets', content_rowid='rowid', tokenize='unicode61');
CREATE TRIGGER catalog_datasets_ai AFTER INSERT ON catalog_datasets BEGIN
    INSERT INTO catalog_datasets_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER catalog_datasets_ad AFTER DELETE ON catalog_datasets BEGIN
    INSERT INTO catalog_datasets_fts(catalog_datasets_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER catalog_datasets_au AFTER UPDATE OF search_text ON catalog_datasets BEGIN
    INSERT INTO catalog_datasets_fts(catalog_datasets_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO catalog_datasets_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
END;

CREATE TABLE catalog_resources (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES catalog_datasets(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    filetype TEXT NOT NULL CHECK (filetype IN ('file', 'remote')),
    type TEXT NOT NULL,
    url TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT '',
    mime TEXT NOT NULL DEFAULT '',
    filesize BIGINT,
    sha256 TEXT,
    schema_ref TEXT,
    extras TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL
);
CREATE INDEX catalog_resources_dataset ON catalog_resources(dataset_id, position);
CREATE INDEX catalog_resources_format ON catalog_resources(format, dataset_id);
CREATE INDEX catalog_resources_url ON catalog_resources(url);

CREATE TABLE catalog_reuses (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,
    url TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT 'others',
    tags TEXT NOT NULL DEFAULT '[]',
    org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    owner_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    private INTEGER NOT NULL DEFAULT 0,
    public INTEGER NOT NULL DEFAULT 1,
    deleted_at BIGINT,
    created_at BIGINT NOT NULL,
    modified_at BIGINT NOT NULL
);
CREATE TABLE catalog_reuse_datasets (
    reuse_id TEXT NOT NULL REFERENCES catalog_reuses(id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES catalog_datasets(id) ON DELETE CASCADE,
    PRIMARY KEY (reuse_id, dataset_id)
);
CREATE INDEX catalog_reuse_datasets_dataset ON catalog_reuse_datasets(dataset_id);

CREATE TABLE catalog_discussions (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES catalog_datasets(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    closed_at BIGINT,
    closed_by BIGINT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX catalog_discussions_dataset ON catalog_discussions(dataset_id, created_at);
CREATE TABLE catalog_messages (
    discussion_id TEXT NOT NULL REFERENCES catalog_discussions(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    content TEXT NOT NULL,
    posted_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    posted_on BIGINT NOT NULL,
    -- moderation hides a message without losing it
    hidden INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (discussion_id, position)
);

CREATE TABLE catalog_follows (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES catalog_datasets(id) ON DELETE CASCADE,
    since BIGINT NOT NULL,
    PRIMARY KEY (dataset_id, user_id)
);
CREATE INDEX catalog_follows_user ON catalog_follows(user_id);
