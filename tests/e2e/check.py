#!/usr/bin/python3
# tests/e2e/check.py — reads lactctl's JSON outputs for the e2e scenarios
# (no jq in the guest). Prints key=value lines; exit 1 on a broken input.
#
#   check.py discover FILE             → address=… of the first sensor
#   check.py history FILE [ADDRESS]    → count, distinct, min_seq, max_seq,
#                                        dupes (of sensor sessions)
#   check.py watch FILE                → started, ended, progress, active,
#                                        seqs (session seqs seen)
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import sys


def main():
    what, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        text = f.read()
    if what == "discover":
        found = json.loads(text or "[]")
        print("found=%d" % len(found))
        if found:
            print("address=%s" % found[0]["address"])
            print("name=%s" % found[0].get("name", ""))
    elif what == "history":
        sessions = json.loads(text or "[]")
        addr = sys.argv[3].upper() if len(sys.argv) > 3 else None
        seqs = [s["seq"] for s in sessions if s.get("source") == "sensor" and
                (addr is None or s.get("sensor", "").upper() == addr)]
        print("count=%d" % len(seqs))
        print("distinct=%d" % len(set(seqs)))
        print("dupes=%d" % (len(seqs) - len(set(seqs))))
        print("min_seq=%d" % (min(seqs) if seqs else 0))
        print("max_seq=%d" % (max(seqs) if seqs else 0))
        # Every number from the lowest to the highest, once: nothing lost.
        print("contiguous=%d" % (bool(seqs) and
                                 sorted(set(seqs)) == list(range(min(seqs), max(seqs) + 1))))
    elif what == "watch":
        started = ended = progress = active = 0
        seqs = set()
        for line in text.splitlines():
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            kind = ev.get("event")
            if kind == "session-started":
                started += 1
                seqs.add(ev.get("seq"))
            elif kind == "session-ended":
                ended += 1
            elif kind == "progress":
                progress += 1
                live = ev.get("live", {})
                active += bool(live.get("active"))
                if live.get("seq"):
                    seqs.add(live["seq"])
        print("started=%d\nended=%d\nprogress=%d\nactive=%d" % (started, ended, progress, active))
        print("seqs=%s" % ",".join(str(s) for s in sorted(x for x in seqs if x)))
    else:
        print("unknown check %s" % what, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
