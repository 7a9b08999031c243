-- A counter bumped by every change that the in-memory search index reflects (datasets, their tags,
-- zones and resource formats, reuse links, follows), in the same transaction as the change: each
-- server process compares it with the generation its index was built from.
CREATE TABLE catalog_search_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO catalog_search_generation (id, generation) VALUES (1, 1);

CREATE TRIGGER catalog_gen_datasets_i AFTER INSERT ON catalog_datasets BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_datasets_u AFTER UPDATE ON catalog_datasets BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_datasets_d AFTER DELETE ON catalog_datasets BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_tags_i AFTER INSERT ON catalog_dataset_tags BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_tags_d AFTER DELETE ON catalog_dataset_tags BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_zones_i AFTER INSERT ON catalog_dataset_zones BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_zones_d AFTER DELETE ON catalog_dataset_zones BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_resources_i AFTER INSERT ON catalog_resources BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
-- Link checks rewrite extras all day long: only the columns the index holds count.
CREATE TRIGGER catalog_gen_resources_u AFTER UPDATE OF format, dataset_id ON catalog_resources BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_resources_d AFTER DELETE ON catalog_resources BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_reuses_i AFTER INSERT ON catalog_reuse_datasets BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_reuses_d AFTER DELETE ON catalog_reuse_datasets BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_follows_i AFTER INSERT ON catalog_follows BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
CREATE TRIGGER catalog_gen_follows_d AFTER DELETE ON catalog_follows BEGIN UPDATE catalog_search_generation SET generation = generation + 1; END;
