-- What demand counts of each answer, packed into one integer
-- (`linli_survey::aggregate::tally`), so that a district's tables are
-- counted without reading every answer's JSON. Filled on insert; rows
-- stored before this column existed are filled by the collector at start.
ALTER TABLE surveys ADD COLUMN tally BIGINT;
-- Covers the district tables' query, so that counting a district reads
-- this index only, never the answers' bodies.
CREATE INDEX surveys_tally ON surveys (district_code, subdistrict, community, tally);
