"""How a RUN's process differs from docker run's, as observed on Docker 20.10.24 with
`RUN id > /root-id; id -G > /root-G` then `USER app` / `RUN id > /tmp/app-id`:

    BuildKit: uid=0(root) gid=0(root) | 0 | uid=1000(app) gid=1000(app)
    classic:  uid=0(root) gid=0(root) groups=0(root) | 0 | uid=1000(app) gid=1000(app) groups=1000(app)

(BuildKit gives RUN processes no supplementary groups.) And runc sets HOME from the
passwd entry when the environment has none (`RUN env` shows HOME=/root)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_fs import PATH, container_fs  # noqa: E402

from simulator.shell import execute  # noqa: E402

OBSERVED = {
    True: ["uid=0(root) gid=0(root) groups=0(root)\n0\n", "uid=1000(app) gid=1000(app) groups=1000(app)\n"],
    False: ["uid=0(root) gid=0(root)\n0\n", "uid=1000(app) gid=1000(app)\n"],
}


@pytest.mark.parametrize("supplementary", [True, False], ids=["classic", "buildkit"])
def test_run_process_groups(supplementary):
    fs = container_fs()
    root = execute(["/bin/sh", "-c", "id; id -G"], env={"PATH": PATH}, fs=fs, user=None,
                   supplementary_groups=supplementary)
    app = execute(["/bin/sh", "-c", "id"], env={"PATH": PATH}, fs=fs, user="app",
                  supplementary_groups=supplementary)
    assert [root.stdout, app.stdout] == OBSERVED[supplementary]


def test_home_added_like_runc():
    fs = container_fs()
    res = execute(["/bin/sh", "-c", "echo $HOME"], env={"PATH": PATH}, fs=fs, user="app")
    assert res.stdout == "/home/app\n"
    res = execute(["/bin/sh", "-c", "echo $HOME"], env={"PATH": PATH}, fs=fs, user="4321")
    assert res.stdout == "/\n"


def test_buildkit_run_runtime_files():
    # observed in a BuildKit RUN (Docker 20.10.24): `ls -a /` has no .dockerenv; /etc/hosts is fixed
    fs = container_fs()
    res = execute(["/bin/sh", "-c", "ls -a /; cat /etc/hosts"], env={"PATH": PATH}, fs=fs,
                  runtime="buildkit", supplementary_groups=False)
    assert res.stdout == (".\n..\nbin\ndev\netc\nhome\nproc\nroot\nsbin\nsys\ntmp\nusr\nvar\n"
                          "127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n")
    assert fs.stat("/dev") is None  # the mounts never reach the layer
