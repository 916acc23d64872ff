-- A lactd store as schema version 1 wrote it (volumes as REAL mL, no
-- rejected records, no conflicts, no lost/rejected counters). The
-- migration test builds a database from this file and opens it.
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL);
CREATE TABLE sensors (
  address TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'unknown',
  model TEXT NOT NULL DEFAULT '',
  firmware TEXT NOT NULL DEFAULT '',
  epoch INTEGER NOT NULL DEFAULT 0,
  epoch_known INTEGER NOT NULL DEFAULT 0,
  last_seen INTEGER NOT NULL DEFAULT 0,
  last_sync INTEGER NOT NULL DEFAULT 0);
CREATE TABLE sensor_epochs (
  address TEXT NOT NULL REFERENCES sensors (address) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  acknowledged_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (address, epoch)) WITHOUT ROWID;
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  epoch INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL,
  start INTEGER NOT NULL,
  utc_offset_min INTEGER NOT NULL,
  duration_left INTEGER NOT NULL,
  duration_right INTEGER NOT NULL,
  double_sided INTEGER NOT NULL,
  interrupted INTEGER NOT NULL,
  clock_unsynced INTEGER NOT NULL,
  volume_left_ml REAL,
  volume_right_ml REAL,
  supplement_ml REAL,
  stored_at INTEGER NOT NULL);
CREATE UNIQUE INDEX sessions_sensor_key ON sessions (address, epoch, seq)
  WHERE source = 'sensor';
CREATE INDEX sessions_start ON sessions (start);

INSERT INTO settings VALUES ('goal.sessions_per_day', '9');
INSERT INTO sensors VALUES ('C0:FF:EE:00:00:01', 'Pump', 'pump', 'LP-1',
  '0.9.0', 4660, 1, 1735700000, 1735700100);
INSERT INTO sensor_epochs VALUES ('C0:FF:EE:00:00:01', 4660, 3);
-- 2025-01-01 08:00 UTC, +60, double pump, 12.5 + 7.3 mL
INSERT INTO sessions VALUES (1, 'sensor', 'C0:FF:EE:00:00:01', 4660, 1,
  'pump', 1735718400, 60, 900, 900, 1, 0, 0, 12.5, 7.3, NULL, 1735718500);
-- 2025-01-01 11:00 UTC, +60, left only measured, the right not
INSERT INTO sessions VALUES (2, 'sensor', 'C0:FF:EE:00:00:01', 4660, 2,
  'pump', 1735729200, 60, 600, 300, 0, 1, 0, 0.1, NULL, NULL, 1735729300);
-- 2025-01-01 14:00 UTC, +60, 1000 mL is the most a side can give
INSERT INTO sessions VALUES (3, 'sensor', 'C0:FF:EE:00:00:01', 4660, 3,
  'pump', 1735740000, 60, 1200, 0, 0, 0, 1, 1000.0, 0.0, NULL, 1735740100);
-- a manual SNS feed, 2025-01-01 23:30 UTC by -300 (still 01-01 locally)
INSERT INTO sessions VALUES (4, 'manual', '', 0, 0, 'sns', 1735774200, -300,
  1200, 0, 0, 0, 0, NULL, NULL, 45.6, 1735774300);
COMMIT;
PRAGMA user_version = 1;
