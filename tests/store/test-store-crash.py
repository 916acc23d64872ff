#!/usr/bin/python3
"""Crash test of the store: 200 times, start store-crash-writer on the same
database, let it run 5-60 ms, SIGKILL it, then check that every number up
to the highest ack_seq it ever printed is stored exactly once and that the
database passes PRAGMA integrity_check.

usage: test-store-crash.py WRITER [RUNS]
SPDX-License-Identifier: GPL-3.0-or-later
"""
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

SENSOR = 'C0:FF:EE:00:00:01'
EPOCH = 7


def check(db_path, max_ack):
    db = sqlite3.connect(db_path, timeout=5)
    try:
        verdict = db.execute('PRAGMA integrity_check').fetchone()[0]
        assert verdict == 'ok', 'integrity_check: %s' % verdict
        version = db.execute('PRAGMA user_version').fetchone()[0]
        if version == 0:
            # Killed before the schema was first committed: all or nothing.
            tables = db.execute('SELECT count(*) FROM sqlite_schema').fetchone()[0]
            assert tables == 0, 'half-made schema: %d objects' % tables
            assert max_ack == 0
            return 0
        assert version == 3, 'schema version %d' % version
        total, distinct = db.execute(
            'SELECT count(*), count(DISTINCT seq) FROM sessions '
            'WHERE address = ? AND epoch = ?', (SENSOR, EPOCH)).fetchone()
        assert total == distinct, 'duplicate numbers: %d rows, %d distinct' % (
            total, distinct)
        below, low, high = db.execute(
            'SELECT count(*), min(seq), max(seq) FROM sessions '
            'WHERE address = ? AND epoch = ? AND seq <= ?',
            (SENSOR, EPOCH, max_ack)).fetchone()
        assert below == max_ack, 'acknowledged up to %d but %d stored' % (
            max_ack, below)
        if max_ack > 0:
            assert low == 1 and high == max_ack, (low, high)
        return total
    finally:
        db.close()


def main():
    writer = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    seed = int(os.environ.get('STORE_CRASH_SEED', time.time_ns() % 1000000))
    rng = random.Random(seed)
    print('# seed %d' % seed)
    tmp = tempfile.mkdtemp(prefix='lactd-store-crash-')
    db_path = os.path.join(tmp, 'lactd.db')
    max_ack = 0
    started = time.monotonic()
    try:
        print('1..%d' % runs)
        for run in range(1, runs + 1):
            proc = subprocess.Popen([writer, db_path], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            head = b''
            # One run in four is killed counting from its start, so also
            # while opening (recovery, migration); the others from the
            # moment the store is open, so that slow builds (ASan) still
            # get killed mid-batch and mid-commit.
            if run % 4 != 1:
                head = proc.stdout.readline()
            time.sleep(rng.uniform(0.005, 0.060))
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate()
            out = head + out
            if proc.returncode != -signal.SIGKILL:
                print('not ok %d writer exited with %s: %s' % (
                    run, proc.returncode, err.decode(errors='replace')))
                return 1
            # Only whole lines were printed after a commit returned.
            lines = out.decode().split('\n')[:-1]
            acks = [int(line) for line in lines if line != 'open']
            assert acks == sorted(acks), acks
            if acks:
                assert acks[0] >= max_ack - 20, (acks[0], max_ack)
                max_ack = max(max_ack, acks[-1])
            stored = check(db_path, max_ack)
            print('ok %d - %d commits printed, max ack %d, %d stored' % (
                run, len(acks), max_ack, stored))
        print('# %d runs in %.1f s; highest ack %d' % (
            runs, time.monotonic() - started, max_ack))
        assert max_ack > 0, 'the writer never committed'
    finally:
        shutil.rmtree(tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
