#!/usr/bin/env python3
"""Writes the seed corpora of the LSP v1 fuzz targets (corpus/<decoder>/).

A few valid packets and a few that break one rule each, from the vectors
in docs/protocol.md. Run from this directory; the output is committed.
"""
import os

CORPUS = {
    "features": {
        "valid-pump": "01 01 7f 00 78 56 34 12 c8 00",
        "valid-sns": "01 02 25 00 01 00 00 00 ff ff",
        "bad-version": "02 01 7f 00 78 56 34 12 c8 00",
        "bad-kind": "01 03 7f 00 78 56 34 12 c8 00",
        "bad-caps": "01 01 80 00 78 56 34 12 c8 00",
        "short": "01 01 7f 00 78 56 34 12 c8",
    },
    "live": {
        "valid-active": "1b 2a 00 00 00 f2 02 d2 04 ff ff 00 00 07 55",
        "valid-end": "01 04 03 02 01 40 38 10 27 00 00 ff ff ff ff",
        "bad-flags": "3b 2a 00 00 00 f2 02 d2 04 ff ff 00 00 07 55",
        "bad-seq": "1b 00 00 00 00 f2 02 d2 04 ff ff 00 00 07 55",
        "bad-elapsed": "1b 2a 00 00 00 41 38 d2 04 ff ff 00 00 07 55",
        "bad-volume": "1b 2a 00 00 00 f2 02 11 27 ff ff 00 00 07 55",
        "bad-suction": "1b 2a 00 00 00 f2 02 d2 04 ff ff 00 00 10 55",
        "bad-battery": "1b 2a 00 00 00 f2 02 d2 04 ff ff 00 00 07 65",
    },
    "record": {
        "valid-pump-double": "07 00 00 00 70 3a 55 69 04 10 84 03 84 03 b5 04 d4 03 ff ff",
        "valid-sns-unsynced": "00 00 01 00 e8 03 00 00 80 0d 58 02 00 00 ff ff ff ff c2 01",
        "valid-hand": "01 00 00 00 30 02 55 69 ec 02 2c 01 a4 01 58 02 ee 02 ff ff",
        "bad-seq": "00 00 00 00 70 3a 55 69 04 10 84 03 84 03 b5 04 d4 03 ff ff",
        "bad-start-early": "07 00 00 00 ff e0 0b 5e 04 10 84 03 84 03 b5 04 d4 03 ff ff",
        "bad-start-future": "07 00 00 00 81 0a 57 69 04 10 84 03 84 03 b5 04 d4 03 ff ff",
        "bad-offset": "07 00 00 00 70 3a 55 69 39 10 84 03 84 03 b5 04 d4 03 ff ff",
        "bad-kind": "07 00 00 00 70 3a 55 69 04 13 84 03 84 03 b5 04 d4 03 ff ff",
        "bad-flags": "07 00 00 00 70 3a 55 69 04 30 84 03 84 03 b5 04 d4 03 ff ff",
        "bad-duration": "07 00 00 00 70 3a 55 69 04 10 41 38 84 03 b5 04 d4 03 ff ff",
        "bad-supplement": "07 00 00 00 70 3a 55 69 04 10 84 03 84 03 b5 04 d4 03 fe ff",
    },
    "racp-request": {
        "report-all": "01 01",
        "report-from": "01 03 01 05 00 00 00",
        "delete-all": "02 01",
        "delete-upto": "02 02 01 2c 01 00 00",
        "abort": "03 00",
        "count-all": "04 01",
        "count-from": "04 03 01 2a 00 00 00",
        "bad-opcode": "05 01",
        "bad-operator": "01 07",
        "unsupported-operator": "01 02 01 05 00 00 00",
        "bad-filter": "01 03 02 05 00 00 00",
        "short-operand": "01 03 01 05 00 00",
        "extra-operand": "01 01 00",
    },
    "racp-indication": {
        "count": "05 00 03 00 00 00",
        "count-zero": "05 00 00 00 00 00",
        "response-success": "06 00 01 01",
        "response-no-records": "06 00 01 06",
        "bad-opcode": "07 00 01 01",
        "bad-operator": "06 01 01 01",
        "bad-code": "06 00 01 0a",
        "bad-length": "05 00 03 00 00",
    },
    "device-time": {
        "valid": "00 b9 55 69 04",
        "unknown-offset": "00 00 00 00 80",
        "min-offset": "ff ff ff ff d0",
        "bad-offset": "00 b9 55 69 39",
        "short": "00 b9 55 69",
    },
    "battery": {
        "empty": "00",
        "full": "64",
        "bad-range": "65",
        "long": "64 00",
    },
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for decoder, seeds in CORPUS.items():
        directory = os.path.join(here, "corpus", decoder)
        os.makedirs(directory, exist_ok=True)
        for name, hexstr in seeds.items():
            with open(os.path.join(directory, name), "wb") as f:
                f.write(bytes.fromhex(hexstr))


if __name__ == "__main__":
    main()
