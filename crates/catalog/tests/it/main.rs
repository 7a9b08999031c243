//! Integration tests of the catalog module, on SQLite and PostgreSQL.
mod datasets;
