-- District research: who may read which district's answers, and a record
-- of every read and export.
--
-- A token is shown once, when it is made, and only its SHA-256 is kept.
-- Tokens are 256 random bits, so a plain hash is enough: there is nothing
-- to guess that a slow hash would protect.
CREATE TABLE access_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    -- 'district' (one district, named in district_code) or 'city' (all).
    scope TEXT NOT NULL,
    district_code TEXT,
    label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- One row per district read or export: what, by which token, when.
CREATE TABLE export_log (
    at BIGINT NOT NULL,
    token_id TEXT NOT NULL,
    district_code TEXT NOT NULL,
    what TEXT NOT NULL,
    with_comments BIGINT NOT NULL,
    records BIGINT NOT NULL
);
CREATE INDEX export_log_by_district ON export_log (district_code, at);
