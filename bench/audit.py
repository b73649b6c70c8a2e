"""Dependency audit: pip-audit over the pinned dependencies of pyproject.toml (runtime and test).

Needs the network to a vulnerability database (PyPI's JSON API by default, `--service osv` for
OSV). A package the database does not answer for is *not audited*, and says so: the figures count
vulnerabilities and unaudited packages separately, and the exit status is non-zero if either is
above zero, so "no known vulnerabilities" is only claimed for packages actually checked.

    pip install pip-audit==2.10.1
    python -m bench.audit [--service pypi|osv]

Vulnerabilities that do not apply are written down in SECURITY.md with the reason.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from bench.common import report

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def pinned() -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    return [*project["dependencies"], *[d for group in project["optional-dependencies"].values() for d in group]]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--service", choices=("pypi", "osv"), default="pypi")
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as requirements:
        requirements.write("\n".join(pinned()) + "\n")
        requirements.flush()
        run = subprocess.run([sys.executable, "-m", "pip_audit", "-r", requirements.name, "--format", "json",
                              "--progress-spinner", "off", "--vulnerability-service", args.service],
                             capture_output=True, text=True)
    if not run.stdout.strip():
        print(run.stderr[-2000:], file=sys.stderr)
        report("audit", {"service": args.service, "reachable": False})
        return 2
    dependencies = json.loads(run.stdout)["dependencies"]
    vulnerable = {d["name"]: [v["id"] for v in d["vulns"]] for d in dependencies if d.get("vulns")}
    unaudited = sorted(d["name"] for d in dependencies if d.get("skip_reason"))
    report("audit", {"service": args.service, "reachable": True, "packages": len(dependencies),
                     "audited": len(dependencies) - len(unaudited), "unaudited": len(unaudited),
                     "vulnerable_packages": len(vulnerable),
                     "vulnerabilities": ",".join(f"{n}:{'|'.join(ids)}" for n, ids in vulnerable.items()) or "none"})
    return 1 if vulnerable or unaudited else 0


if __name__ == "__main__":
    sys.exit(main())
