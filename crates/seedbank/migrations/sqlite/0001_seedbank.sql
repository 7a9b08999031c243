-- TAXREF names (cd_nom), loaded from the official file; a lot's taxa point here.
CREATE TABLE seedbank_taxa (
    cd_nom BIGINT PRIMARY KEY,
    cd_ref BIGINT NOT NULL,
    cd_sup BIGINT,
    rank TEXT NOT NULL,
    lb_nom TEXT NOT NULL,
    lb_auteur TEXT NOT NULL DEFAULT '',
    nom_complet TEXT NOT NULL,
    nom_valide TEXT NOT NULL DEFAULT '',
    nom_vern TEXT,
    famille TEXT,
    regne TEXT,
    group2_inpn TEXT,
    fr_status TEXT,
    -- accent-folded names (scientific and vernacular) for the name search
    search_text TEXT NOT NULL DEFAULT ''
);
CREATE INDEX seedbank_taxa_ref ON seedbank_taxa (cd_ref);

-- Ellis & Roberts viability constants of a taxon (by its valid name), with their source.
CREATE TABLE seedbank_viability_constants (
    cd_ref BIGINT PRIMARY KEY,
    ke REAL NOT NULL,
    cw REAL NOT NULL,
    ch REAL NOT NULL,
    cq REAL NOT NULL,
    source TEXT NOT NULL
);

-- Récolte (DwC Event / MCPD collecting): code YYYY_NNNN as in the CBNA module.
CREATE TABLE seedbank_harvests (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE,
    org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    owner_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    date_start TEXT NOT NULL,
    date_end TEXT,
    locality TEXT NOT NULL DEFAULT '',
    commune_insee TEXT,
    lat REAL,
    lon REAL,
    precision_m REAL,
    altitude_m REAL,
    collectors TEXT NOT NULL DEFAULT '',
    population_class TEXT,
    plants_sampled BIGINT,
    remarks TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Matériel récolté: a seed lot (MCPD accession), possibly derived from another lot.
CREATE TABLE seedbank_lots (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL UNIQUE,
    harvest_id BIGINT REFERENCES seedbank_harvests(id),
    parent_id BIGINT REFERENCES seedbank_lots(id),
    derivation TEXT,
    material_type TEXT NOT NULL,
    org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    owner_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'active',
    thousand_seed_mass_g REAL,
    storage_temperature_c REAL,
    moisture_percent REAL,
    -- the ledger's balance, kept by conditional updates so it can never go below zero
    stock_seeds BIGINT NOT NULL DEFAULT 0 CHECK (stock_seeds >= 0),
    remarks TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX seedbank_lots_harvest ON seedbank_lots (harvest_id);

CREATE TABLE seedbank_lot_taxa (
    lot_id BIGINT NOT NULL REFERENCES seedbank_lots(id) ON DELETE CASCADE,
    cd_nom BIGINT NOT NULL REFERENCES seedbank_taxa(cd_nom),
    PRIMARY KEY (lot_id, cd_nom)
);
CREATE INDEX seedbank_lot_taxa_nom ON seedbank_lot_taxa (cd_nom);

-- Stock per place, kept with the same conditional updates as the lot's total.
CREATE TABLE seedbank_stock (
    lot_id BIGINT NOT NULL REFERENCES seedbank_lots(id) ON DELETE CASCADE,
    place TEXT NOT NULL,
    seeds BIGINT NOT NULL CHECK (seeds >= 0),
    PRIMARY KEY (lot_id, place)
);

-- The append-only stock ledger: every deposit, withdrawal, transfer and correction.
CREATE TABLE seedbank_movements (
    id INTEGER PRIMARY KEY,
    lot_id BIGINT NOT NULL REFERENCES seedbank_lots(id),
    on_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    purpose TEXT,
    place TEXT NOT NULL,
    to_place TEXT,
    -- signed change of the lot's total in seeds (a transfer is 0), and what was entered
    seeds BIGINT NOT NULL,
    quantity REAL NOT NULL,
    unit TEXT NOT NULL,
    test_id BIGINT,
    actor_id BIGINT,
    actor_label TEXT NOT NULL,
    remarks TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX seedbank_movements_lot ON seedbank_movements (lot_id, id);

-- Germination or viability (tetrazolium, cut) test of a lot, with its conditions.
CREATE TABLE seedbank_tests (
    id INTEGER PRIMARY KEY,
    lot_id BIGINT NOT NULL REFERENCES seedbank_lots(id),
    kind TEXT NOT NULL,
    started_on TEXT NOT NULL,
    seeds_tested BIGINT NOT NULL,
    replicates BIGINT NOT NULL DEFAULT 1,
    substrate TEXT NOT NULL DEFAULT '',
    temperature_day_c REAL,
    temperature_night_c REAL,
    photoperiod_h REAL,
    pretreatment TEXT NOT NULL DEFAULT '',
    remarks TEXT NOT NULL DEFAULT '',
    movement_id BIGINT REFERENCES seedbank_movements(id),
    owner_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX seedbank_tests_lot ON seedbank_tests (lot_id);

-- Seeds newly germinated at each count, per replicate.
CREATE TABLE seedbank_test_counts (
    test_id BIGINT NOT NULL REFERENCES seedbank_tests(id) ON DELETE CASCADE,
    replicate BIGINT NOT NULL,
    counted_on TEXT NOT NULL,
    germinated BIGINT NOT NULL CHECK (germinated >= 0),
    PRIMARY KEY (test_id, replicate, counted_on)
);
