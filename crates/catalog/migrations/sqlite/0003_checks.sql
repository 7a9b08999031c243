-- The link checker: one row per check of a URL (its history), the current state of each URL
-- (availability after the rules, next check), and croquemort's groups of URLs.
CREATE TABLE catalog_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    url_hash TEXT NOT NULL,
    checked_at BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    -- HEAD, or GET when HEAD was refused or timed out
    method TEXT NOT NULL,
    -- ok, http_error, timeout, connection_refused, connection, dns, tls, too_many_redirects,
    -- bad_redirect, refused_address, checker_offline
    outcome TEXT NOT NULL,
    status BIGINT,
    -- the verdict after the availability rules; NULL when this check proves nothing
    available INTEGER,
    final_url TEXT,
    redirect_url TEXT,
    redirect_status BIGINT,
    redirects TEXT NOT NULL DEFAULT '[]',
    headers TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    changed INTEGER NOT NULL DEFAULT 0,
    change_reason TEXT
);
CREATE INDEX catalog_checks_url ON catalog_checks(url, checked_at);
CREATE INDEX catalog_checks_hash ON catalog_checks(url_hash, checked_at);

CREATE TABLE catalog_check_urls (
    url TEXT PRIMARY KEY,
    url_hash TEXT NOT NULL,
    -- JSON list of other spellings of the URL in resources (before normalisation)
    spellings TEXT NOT NULL DEFAULT '[]',
    -- croquemort's hourly, daily or monthly when registered through /check/*; NULL: the default
    frequency TEXT,
    callback_url TEXT,
    available INTEGER,
    failures BIGINT NOT NULL DEFAULT 0,
    count_availability BIGINT NOT NULL DEFAULT 0,
    last_check_id BIGINT,
    last_checked_at BIGINT,
    next_check_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX catalog_check_urls_due ON catalog_check_urls(next_check_at);
CREATE INDEX catalog_check_urls_hash ON catalog_check_urls(url_hash);

CREATE TABLE catalog_check_groups (
    group_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (group_hash, url)
);
