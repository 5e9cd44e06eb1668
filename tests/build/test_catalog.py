"""The bundled base-image catalog, against the images' own Dockerfiles (cited per row)."""

from __future__ import annotations

from simulator.build import BuildOptions, build
from simulator.catalog import lookup


def test_nginx_alpine():
    # nginxinc/docker-nginx mainline/alpine/Dockerfile at f3fe494 (nginx 1.21.0)
    img = lookup("nginx:1.21.0-alpine")
    cfg = img.config.to_json()
    assert cfg["Entrypoint"] == ["/docker-entrypoint.sh"] and cfg["Cmd"] == ["nginx", "-g", "daemon off;"]
    assert cfg["ExposedPorts"] == {"80/tcp": {}} and cfg["StopSignal"] == "SIGQUIT"
    assert "NGINX_VERSION=1.21.0" in cfg["Env"] and img.shell_flavour == "ash"


def test_python_slim():
    # docker-library/python 3.9/buster/slim/Dockerfile at 761fa01b: ENV PATH /usr/local/bin:$PATH over debian's PATH
    img = lookup("docker.io/library/python:3.9.5-slim")
    assert img.config.env[0] == "PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert img.config.cmd == ("python3",) and img.shell_flavour == "dash"


def test_catalog_images_have_no_invented_content():
    # no filesystem is bundled: content (and so size) is unknown, and the reason says so
    img = lookup("ubuntu:21.04")
    assert img.config.cmd == ("bash",) and not img.known and img.size is None and img.unknown_reason


def test_build_on_catalog_image_keeps_config_but_not_size():
    res = build(BuildOptions(dockerfile_text="FROM nginx:1.21.0-alpine\nENV A=1\nCMD [\"x\"]\n", builder="buildkit",
                             engine="20.10"))
    assert res.ok and not res.image.known and res.image.size is None
    cfg = res.image.config.to_json()
    assert cfg["Entrypoint"] == ["/docker-entrypoint.sh"] and cfg["Cmd"] == ["x"] and cfg["Env"][-1] == "A=1"


def test_unknown_ref_is_none():
    assert lookup("example.com/nothing:1") is None
