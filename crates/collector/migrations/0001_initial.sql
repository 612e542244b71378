-- Survey answers and problem reports, one row per client-made UUID. The
-- primary key is what makes a resend harmless: the collector inserts and
-- lets the database refuse a second row, never checks first.
-- No IP address or other connection data is stored with the answers.
CREATE TABLE surveys (
    id TEXT PRIMARY KEY NOT NULL,
    questionnaire INTEGER NOT NULL,
    district_code TEXT NOT NULL,
    subdistrict TEXT NOT NULL,
    community TEXT NOT NULL,
    body TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX surveys_by_district ON surveys (district_code, received_at);

CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    facility_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX reports_by_facility ON reports (facility_id, received_at);
