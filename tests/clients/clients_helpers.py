'''Helpers shared by the client tests: running the built lactctl, reading
the lines of a long-running client with a deadline, and the paths from the
environment meson sets.

SPDX-License-Identifier: GPL-3.0-or-later
'''

import os
import queue
import signal
import subprocess
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
MOCK_TEMPLATE = os.environ.get(
    'LACTD_MOCK_TEMPLATE',
    os.path.join(SOURCE_ROOT, 'tests', 'dbusmock', 'lactd.py'))

SESSION_KEYS = [
    'id', 'source', 'sensor', 'seq', 'kind', 'start', 'end', 'utc_offset',
    'duration_left', 'duration_right', 'double', 'volume_left_ml',
    'volume_right_ml', 'supplement_ml', 'interrupted', 'clock_unsynced',
]
SENSOR_PROPERTIES = [
    'Address', 'Name', 'Kind', 'Connected', 'Battery', 'Model', 'Firmware',
    'LastSeen', 'LastSync', 'SyncState', 'LastError', 'RejectedRecords',
    'LostRecords', 'Live',
]
SUMMARY_KEYS = ['day', 'sessions', 'night_sessions', 'seconds_left',
                'seconds_right', 'expressed_ml', 'supplement_ml']
PROGRESS_KEYS = ['sessions', 'target', 'night_done', 'seconds_left',
                 'seconds_right', 'expressed_ml', 'supplement_ml', 'next_due']
GOAL_KEYS = ['sessions_per_day', 'minutes_per_side', 'max_gap_minutes',
             'night_start', 'night_end', 'reminders']
COMMANDS = ['status', 'sensors', 'discover', 'pair', 'forget', 'sync',
            'watch', 'history', 'summary', 'add', 'delete', 'goal',
            'snooze', 'dismiss', 'version']


def program(variable):
    path = os.environ.get(variable)
    if not path:
        raise unittest.SkipTest(f'{variable} is not set (run through meson test)')
    return path


def lactctl(*args, env=None, timeout=60):
    '''Runs the built lactctl; returns the CompletedProcess, its output
    decoded as UTF-8 with line ends kept as they are (CSV has CRLF).'''
    result = subprocess.run([program('LACTCTL')] + list(args),
                            capture_output=True, timeout=timeout, env=env)
    result.stdout = result.stdout.decode('utf-8')
    result.stderr = result.stderr.decode('utf-8')
    return result


class LineReader:
    '''A client's stdout (or stderr) read line by line on a thread, so that
    a test can wait for a line with a deadline.'''

    def __init__(self, stream):
        self.lines = []
        self._queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(stream,),
                                        daemon=True)
        self._thread.start()

    def _run(self, stream):
        for line in iter(stream.readline, ''):
            self._queue.put(line.rstrip('\n'))
        self._queue.put(None)

    def all(self):
        '''Every line read so far, including those not waited for.'''
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                return self.lines
            if line is None:
                self._queue.put(None)
                return self.lines
            self.lines.append(line)

    def wait_for(self, predicate, timeout=15, what='a matching line'):
        '''Returns the first line (after those already seen) for which
        predicate(line) holds.'''
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f'no {what} within {timeout} s; got:\n'
                                     + '\n'.join(self.lines[-20:]))
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f'stream closed before {what}; got:\n'
                                     + '\n'.join(self.lines[-20:]))
            self.lines.append(line)
            if predicate(line):
                return line


class Client:
    '''A long-running client (lactctl watch, lactd-notify) with its stdout
    and stderr read on threads.'''

    def __init__(self, args, env=None):
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True,
                                        env=env)
        self.stdout = LineReader(self.process.stdout)
        self.stderr = LineReader(self.process.stderr)

    def interrupt(self, timeout=15):
        '''SIGINT, then the exit code.'''
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError('client did not exit on SIGINT')

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()
