-- A counter bumped by every change that the in-memory search index reflects (datasets, their tags,
-- zones and resource formats, reuse links, follows), in the same transaction as the change: each
-- server process compares it with the generation its index was built from.
CREATE TABLE catalog_search_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO catalog_search_generation (id, generation) VALUES (1, 1);

CREATE FUNCTION catalog_bump_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_search_generation SET generation = generation + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER catalog_gen_datasets AFTER INSERT OR DELETE ON catalog_datasets FOR EACH STATEMENT EXECUTE FUNCTION catalog_bump_generation();
-- Per row: an UPDATE that matches nothing (quality unchanged) must not count.
CREATE TRIGGER catalog_gen_datasets_u AFTER UPDATE ON catalog_datasets FOR EACH ROW EXECUTE FUNCTION catalog_bump_generation();
CREATE TRIGGER catalog_gen_tags AFTER INSERT OR DELETE ON catalog_dataset_tags FOR EACH STATEMENT EXECUTE FUNCTION catalog_bump_generation();
CREATE TRIGGER catalog_gen_zones AFTER INSERT OR DELETE ON catalog_dataset_zones FOR EACH STATEMENT EXECUTE FUNCTION catalog_bump_generation();
CREATE TRIGGER catalog_gen_resources_id AFTER INSERT OR DELETE ON catalog_resources FOR EACH STATEMENT EXECUTE FUNCTION catalog_bump_generation();
-- Link checks rewrite extras all day long: only the columns the index holds count.
CREATE TRIGGER catalog_gen_resources_u AFTER UPDATE OF format, dataset_id ON catalog_resources FOR EACH ROW EXECUTE FUNCTION catalog_bump_generation();
CREATE TRIGGER catalog_gen_reuses AFTER INSERT OR DELETE ON catalog_reuse_datasets FOR EACH STATEMENT EXECUTE FUNCTION catalog_bump_generation();
CREATE TRIGGER catalog_gen_follows AFTER INSERT OR DELETE ON catalog_follows FOR EACH STATEMENT EXECUTE FUNCTION catalog_bump_generation();
