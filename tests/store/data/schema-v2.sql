-- A lactd store as schema version 2 wrote it (sessions.id without
-- AUTOINCREMENT). Sessions 3, 5 and 6 were deleted, 6 the highest at the
-- time: ids 1, 2, 4 and 7 remain. The migration test builds a database
-- from this file and opens it.
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TABLE settings (  key TEXT PRIMARY KEY NOT NULL,  value TEXT NOT NULL);
CREATE TABLE sensors (  address TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL DEFAULT '',  kind TEXT NOT NULL DEFAULT 'unknown',
  model TEXT NOT NULL DEFAULT '',  firmware TEXT NOT NULL DEFAULT '',
  epoch INTEGER NOT NULL DEFAULT 0,  epoch_known INTEGER NOT NULL DEFAULT 0,
  last_seen INTEGER NOT NULL DEFAULT 0,  last_sync INTEGER NOT NULL DEFAULT 0,
  rejected_count INTEGER NOT NULL DEFAULT 0,
  lost_count INTEGER NOT NULL DEFAULT 0);
INSERT INTO sensors VALUES ('C0:FF:EE:00:00:01', 'LSP Pump', 'pump', '', '',
  1, 1, 0, 0, 0, 0);
CREATE TABLE sensor_epochs (
  address TEXT NOT NULL REFERENCES sensors (address) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,  acknowledged_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (address, epoch)) WITHOUT ROWID;
INSERT INTO sensor_epochs VALUES ('C0:FF:EE:00:00:01', 1, 5);
CREATE TABLE sessions (  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL CHECK (source IN ('sensor', 'manual')),
  address TEXT NOT NULL DEFAULT '',  epoch INTEGER NOT NULL DEFAULT 0,
  seq INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL CHECK (kind IN ('pump', 'sns', 'hand', 'breastfeed')),
  start INTEGER NOT NULL,  utc_offset_min INTEGER NOT NULL,
  duration_left INTEGER NOT NULL,  duration_right INTEGER NOT NULL,
  double_sided INTEGER NOT NULL,  interrupted INTEGER NOT NULL,
  clock_unsynced INTEGER NOT NULL,  volume_left_tenths INTEGER,
  volume_right_tenths INTEGER,  supplement_tenths INTEGER,
  stored_at INTEGER NOT NULL);
INSERT INTO sessions VALUES (1, 'sensor', 'C0:FF:EE:00:00:01', 1, 1, 'pump',
  1735718400, 60, 1014, 929, 0, 0, 0, 1120, 618, NULL, 1735718500);
INSERT INTO sessions VALUES (2, 'sensor', 'C0:FF:EE:00:00:01', 1, 2, 'sns',
  1735729200, 60, 820, 830, 0, 1, 0, 903, NULL, 584, 1735729300);
INSERT INTO sessions VALUES (4, 'sensor', 'C0:FF:EE:00:00:01', 1, 4, 'pump',
  1735740000, 60, 915, 1073, 1, 0, 0, 495, 1016, NULL, 1735740100);
INSERT INTO sessions VALUES (7, 'manual', '', 0, 0, 'hand', 1735774200, -300,
  942, 0, 0, 0, 0, 107, NULL, NULL, 1735774300);
CREATE TABLE conflicts (  id INTEGER PRIMARY KEY,  address TEXT NOT NULL,
  epoch INTEGER NOT NULL,  seq INTEGER NOT NULL,  kind TEXT NOT NULL,
  start INTEGER NOT NULL,  utc_offset_min INTEGER NOT NULL,
  duration_left INTEGER NOT NULL,  duration_right INTEGER NOT NULL,
  double_sided INTEGER NOT NULL,  interrupted INTEGER NOT NULL,
  clock_unsynced INTEGER NOT NULL,  volume_left_tenths INTEGER NOT NULL,
  volume_right_tenths INTEGER NOT NULL,  supplement_tenths INTEGER NOT NULL,
  stored_at INTEGER NOT NULL,
  UNIQUE (address, epoch, seq, kind, start, utc_offset_min, duration_left,
          duration_right, double_sided, interrupted, clock_unsynced,
          volume_left_tenths, volume_right_tenths, supplement_tenths));
CREATE TABLE rejected_records (  id INTEGER PRIMARY KEY,
  address TEXT NOT NULL,  epoch INTEGER NOT NULL,  seq INTEGER NOT NULL,
  raw BLOB NOT NULL,  reason_code TEXT NOT NULL,
  reason_message TEXT NOT NULL,  stored_at INTEGER NOT NULL);
CREATE UNIQUE INDEX sessions_sensor_key ON sessions (address, epoch, seq)
  WHERE source = 'sensor';
CREATE INDEX sessions_start ON sessions (start);
CREATE UNIQUE INDEX rejected_records_key
  ON rejected_records (address, epoch, seq) WHERE seq > 0;
COMMIT;
PRAGMA user_version = 2;
