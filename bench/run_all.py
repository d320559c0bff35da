#!/usr/bin/env python3
"""`make bench`: runs every benchmark of bench/ in turn (each prints its own
figures and ratios against the peer measured in the same run)."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
failed = 0
for script in sorted(HERE.glob("*_bench.py")):
    print(f"== {script.name}", flush=True)
    failed |= subprocess.call([sys.executable, str(script)]) != 0
sys.exit(1 if failed else 0)
