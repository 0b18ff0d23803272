"""Backup and restore times and sizes for a practice of N encounters.

`python benchmarks/backup_restore.py --encounters 100000` starts a shared server archiving
its WAL (`medbill server start --archive`) in a scratch folder, loads the demo practice into
it, then times, through the real commands:

- `medbill backup` (pg_dump archive) and `medbill restore ARCHIVE --data-dir NEW`;
- `medbill server base-backup` and `medbill restore --until MOMENT` (base backup + WAL replay
  of one more change: the point-in-time path).

Prints one table (seconds, bytes) and the load average; removes the scratch folder.
"""

from __future__ import annotations

import argparse
import grp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import text

from medbill_tui.db.demo import load_demo
from medbill_tui.db.engine import make_engine

TODAY = date(2026, 11, 2)


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def medbill(*args: str, **env: str) -> tuple[float, str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "MEDBILL"))}
    full.update(env)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "medbill_tui", *args], capture_output=True, text=True, env=full
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"medbill {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def run(encounters: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="mbb", dir="/tmp"))  # short: the socket path limit
    server = {
        "MEDBILL_SERVER_DIR": str(root / "s"),
        "MEDBILL_SERVER_GROUP": grp.getgrgid(os.getgid()).gr_name,
    }
    archive = root / "archive"
    admin_url = f"postgresql://postgres@/medbill?host={root}/s/run"
    rows: list[tuple[str, float, int]] = []
    try:
        medbill("server", "start", "--archive", str(archive), **server)
        medbill("db", "upgrade", DATABASE_URL=admin_url)
        engine = make_engine(admin_url, pool_size=1)
        start = time.perf_counter()
        load_demo(engine, encounters=encounters, seed=1, today=TODAY)
        print(f"loaded {encounters:,} encounters in {time.perf_counter() - start:.1f} s "
              f"(load average {load_average()})", flush=True)  # fmt: skip
        with engine.connect() as conn:
            database = conn.execute(text("SELECT pg_database_size('medbill')")).scalar_one()
        rows.append(("database (pg_database_size)", 0.0, int(database)))

        seconds, _ = medbill("backup", "--out", str(root / "dumps"), DATABASE_URL=admin_url)
        dump = next((root / "dumps").glob("medbill-backup-*.tar"))
        rows.append(("medbill backup (archive)", seconds, size_of(dump)))
        seconds, _ = medbill("restore", str(dump), "--data-dir", str(root / "r1"))
        rows.append(("medbill restore ARCHIVE (data folder)", seconds, size_of(root / "r1")))
        shutil.rmtree(root / "r1")
        print(f"dump path done (load average {load_average()})", flush=True)

        seconds, out = medbill("server", "base-backup", **server)
        base = Path(out.split("base backup written: ")[1].split(" (")[0])
        rows.append(("medbill server base-backup", seconds, size_of(base)))
        with engine.begin() as conn:
            conn.execute(text("UPDATE patient SET city = city WHERE id = 1"))
        moment = datetime.now()
        with engine.begin() as conn:
            conn.execute(text("UPDATE patient SET city = city WHERE id = 2"))
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_switch_wal()"))
        engine.dispose()
        time.sleep(2)  # the archiver copies the closed segment
        seconds, _ = medbill(
            "restore", "--until", moment.isoformat(sep=" "), "--archive", str(archive),
            "--data-dir", str(root / "r2"),
        )  # fmt: skip
        rows.append(("medbill restore --until (data folder)", seconds, size_of(root / "r2")))
        rows.append(("archived WAL so far", 0.0, size_of(archive / "wal")))
        print(f"point-in-time path done (load average {load_average()})", flush=True)
    finally:
        medbill("server", "stop", **server)
        subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; "
             "from medbill_tui.db.embedded import stop_embedded; "
             "[stop_embedded(Path(p)) for p in sys.argv[1:]]", str(root / "r1"), str(root / "r2")],
            check=False,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
    print(f"\n{encounters:,} encounters (load average {load_average()})")
    print("| step | seconds | bytes |\n|---|---:|---:|")
    for name, seconds, size in rows:
        print(f"| {name} | {seconds:.1f} | {size:,} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encounters", type=int, default=100_000)
    run(parser.parse_args().encounters)


if __name__ == "__main__":
    main()
