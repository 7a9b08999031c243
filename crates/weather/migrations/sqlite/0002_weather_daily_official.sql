-- A daily value is either the source's own (Météo-France's daily product Q: official) or computed
-- from hourly values; the official one wins and the API says which one it shows.
ALTER TABLE weather_daily ADD COLUMN official INTEGER NOT NULL DEFAULT 0;
