"""The deployed topology and what the image holds, read from docker-compose.yml and the Dockerfile
(no Docker engine needed): nginx is the only way in, compose has no default password, the image
holds no test tools and a setuptools without known holes."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from bench.proxy import TEMPLATE
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
TEST_TOOLS = {"pytest", "hypothesis", "schemathesis", "mypy"}
SETUPTOOLS_FIXED = Version("78.1.1")  # CVE-2025-47273 (path traversal in PackageIndex) fixed here


def test_only_nginx_publishes_a_port_and_it_proxies_to_the_app():
    services = COMPOSE["services"]
    assert [name for name, service in services.items() if service.get("ports")] == ["nginx"]
    proxy = services["nginx"]
    assert any(volume.startswith("./deploy/nginx.conf.template:/etc/nginx/templates/") for volume in proxy["volumes"])
    assert proxy["environment"]["PROXY_UPSTREAM"] == "app:8000" and "0.0.0.0:8000" in services["app"].get("command", DOCKERFILE)
    variables = set(re.findall(r"\$\{(\w+)\}", TEMPLATE.read_text()))
    assert variables == {"PROXY_LISTEN", "PROXY_UPSTREAM", "DIVERSION_RISK_MAX_BODY_BYTES"}
    assert variables <= set(proxy["environment"])
    assert all(re.match(proxy["environment"]["NGINX_ENVSUBST_FILTER"], name) for name in variables)


def test_nginx_and_the_app_have_one_body_limit():
    limits = {services["environment"]["DIVERSION_RISK_MAX_BODY_BYTES"]
              for name, services in COMPOSE["services"].items() if name in ("app", "nginx")}
    assert limits == {f"${{DIVERSION_RISK_MAX_BODY_BYTES:-{Settings().max_body_bytes}}}"}


def test_compose_refuses_to_start_without_a_postgres_password():
    text = (ROOT / "docker-compose.yml").read_text()
    uses = re.findall(r"\$\{POSTGRES_PASSWORD([^}]*)\}", text)
    assert uses and all(use.startswith(":?") for use in uses), uses


def runtime_closure() -> set[str]:
    """Every distribution `pip install .` brings, from the installed metadata: the project's
    dependencies and theirs, with the extras they ask for (as followthemoney asks for sqlalchemy[mypy])."""
    pending = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    seen: set[tuple[str, str]] = set()
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        for extra in ("", *requirement.extras):
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            for text in metadata.requires(name) or ():
                dependency = Requirement(text)
                marker = dependency.marker
                if (marker is None and extra == "") or (marker is not None and marker.evaluate({"extra": extra})):
                    pending.append(dependency)
    return {name for name, _ in seen}


def test_the_image_installs_the_runtime_only_and_removes_the_test_tools_it_pulls_in():
    installs = re.findall(r"pip install [^&\n]*", DOCKERFILE)
    assert any(re.search(r"\s\.$", command.strip()) for command in installs), installs
    assert not any("[test]" in command or ".[" in command for command in installs)
    removed = {canonicalize_name(name) for command in re.findall(r"pip uninstall --yes ([^&\n]*)", DOCKERFILE)
               for name in command.split()}
    assert not (runtime_closure() - removed) & TEST_TOOLS


def test_the_image_pins_a_setuptools_without_known_holes():
    pins = re.findall(r"setuptools==([\d.]+)", DOCKERFILE)
    assert pins and all(Version(pin) >= SETUPTOOLS_FIXED for pin in pins), pins
