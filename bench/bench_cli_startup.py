"""How long the command line takes to answer, on a prepared home, and what it imports to do so.

    python -m bench.bench_cli_startup [--runs 5] [--home DIR]

Each command runs `--runs` times in a fresh process, as a user runs it (the `diversion-risk`
script beside this Python, else `python -m service.cli`), after one warm-up run that is not
counted: median wall time. `keys create` makes a key that `keys revoke` then revokes. One more
run of each under `python -X importtime` says which heavy packages it imported, and for
`--help` the modules that cost most, on their own (self) and with what they import (cumulative).
The home is bench/out/home (bundled lists, default model; prepared once) unless `--home`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import prepared_home, report
from features.reference import load_reference
from service.home import Home
from service.settings import Settings

HEAVY = ("sklearn", "skops", "matplotlib", "pandas", "pyarrow", "dask", "scipy", "rigour", "icu", "flask")
COMMANDS = {
    "help": ["--help"],
    "keys_help": ["keys", "--help"],
    "keys_list": ["keys", "list"],
    "lists_status": ["lists", "status"],
    "models_list": ["models", "list"],
}
_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


def cli(python_flags: tuple[str, ...]) -> list[str]:
    script = Path(sys.executable).with_name("diversion-risk")
    return [sys.executable, *python_flags, *([str(script)] if script.exists() else ["-m", "service.cli"])]


def run(args: list[str], env: dict, python_flags: tuple[str, ...] = ()) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run([*cli(python_flags), *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done


def imports(stderr: str) -> list[tuple[int, int, int, str]]:
    """-X importtime's lines as (self us, cumulative us, depth, module)."""
    found = []
    for line in stderr.splitlines():
        if match := _IMPORTTIME.match(line):
            found.append((int(match.group(1)), int(match.group(2)), len(match.group(3)) // 2, match.group(4)))
    return found


def heavy(entries) -> list[str]:
    return sorted({name.split(".")[0] for *_, name in entries} & set(HEAVY))


def timed(name: str, args: list[str], env: dict, runs: int) -> tuple[float, list[str]]:
    run(args, env)  # warm-up: the disk cache, the store's migration
    median = statistics.median(run(args, env)[0] for _ in range(runs))
    loaded = heavy(imports(run(args, env, ("-X", "importtime"))[1].stderr))
    print(f"# {name}: median {median:.2f} s of {runs}; heavy packages imported: {','.join(loaded) or 'none'}")
    return median, loaded


def keys_create_revoke(env: dict, runs: int) -> tuple[float, float, list[str]]:
    created, revoked = [], []
    for i in range(runs + 1):  # the first is the warm-up
        took, done = run(["keys", "create", f"bench-cli-{i}"], env)
        key_id = done.stdout.split("created key ", 1)[1].split()[0]
        took_revoke = run(["keys", "revoke", key_id], env)[0]
        if i:
            created.append(took)
            revoked.append(took_revoke)
    done = run(["keys", "create", "bench-cli-imports"], env, ("-X", "importtime"))[1]
    run(["keys", "revoke", done.stdout.split("created key ", 1)[1].split()[0]], env)
    loaded = heavy(imports(done.stderr))
    print(f"# keys create / revoke: medians {statistics.median(created):.2f} / {statistics.median(revoked):.2f} s "
          f"of {runs}; heavy packages imported by create: {','.join(loaded) or 'none'}")
    return statistics.median(created), statistics.median(revoked), loaded


def top_imports(env: dict, count: int) -> int:
    """Print the modules `--help` spends most on: by self time, and by cumulative time among those
    the script and `service.cli` import directly (deeper ones repeat their importers' chain). The
    number of modules it imports."""
    entries = imports(run(["--help"], env, ("-X", "importtime"))[1].stderr)
    for label, key, shown in (("self", 0, entries), ("cumulative", 1, [e for e in entries if e[2] <= 1])):
        print(f"# --help, top {count} imports by {label} time (ms self / cumulative):")
        for self_us, cumulative_us, depth, name in sorted(shown, key=lambda e: -e[key])[:count]:
            print(f"#   {self_us / 1000:8.1f} {cumulative_us / 1000:8.1f}  {'  ' * depth}{name}")
    return len(entries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--home", type=Path, help="a home to run against (prepared if it is not)")
    parser.add_argument("--top", type=int, default=12, help="how many of --help's imports to list")
    args = parser.parse_args()
    if args.home:
        home = Home(Settings.from_env(home=args.home))
        home.prepare(load_reference(), progress=lambda m: print(f"# {m}"))
    else:
        home = prepared_home()
    env = {**os.environ, "DIVERSION_RISK_HOME": str(home.root)}
    load = round(os.getloadavg()[0], 2)
    figures: dict = {"load_start": load}
    for name, command in COMMANDS.items():
        figures[f"{name}_s"], loaded = timed(name, command, env, args.runs)
        figures[f"{name}_heavy"] = ",".join(loaded) or "none"
    created, revoked, loaded = keys_create_revoke(env, args.runs)
    figures.update(keys_create_s=created, keys_revoke_s=revoked, keys_create_heavy=",".join(loaded) or "none")
    figures["help_modules"] = top_imports(env, args.top)
    figures["load_end"] = round(os.getloadavg()[0], 2)
    report("cli_startup", {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()})


if __name__ == "__main__":
    main()
