-- Dataset words are matched by the in-memory search index (store/search.rs), built from
-- catalog_datasets.search_text: the full-text table and its triggers only cost writes now.
DROP TRIGGER IF EXISTS catalog_datasets_ai;
DROP TRIGGER IF EXISTS catalog_datasets_ad;
DROP TRIGGER IF EXISTS catalog_datasets_au;
DROP TABLE IF EXISTS catalog_datasets_fts;
