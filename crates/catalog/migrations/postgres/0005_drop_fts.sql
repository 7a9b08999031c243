-- Dataset words are matched by the in-memory search index (store/search.rs), built from
-- catalog_datasets.search_text: the GIN index only costs writes now.
DROP INDEX IF EXISTS catalog_datasets_fts;
