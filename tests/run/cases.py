"""docker run invocations whose results the real engine recorded (data/engine_observed.json).

Images are FROM dsim/busybox:1.35 with metadata instructions only, so the simulator side
is the recorded image config over the base image's layers."""

from __future__ import annotations

IMAGES = {
    "cmd-shell": 'FROM dsim/busybox:1.35\nENV NAME=docker\nCMD echo "hello $NAME"\n',
    "entry-shell": 'FROM dsim/busybox:1.35\nENV NAME=docker\nENTRYPOINT echo "hello $NAME"\n',
    "cmd-exec-literal": 'FROM dsim/busybox:1.35\nENV NAME=docker\nCMD ["echo", "hello $NAME"]\n',
    "cmd-exec-sh": 'FROM dsim/busybox:1.35\nENV NAME=docker\nCMD ["sh", "-c", "echo hello $NAME"]\n',
    "entry-exec-cmd": 'FROM dsim/busybox:1.35\nENTRYPOINT ["echo", "ep"]\nCMD ["default", "args"]\n',
    "entry-exec-only": 'FROM dsim/busybox:1.35\nENTRYPOINT ["/bin/echo"]\n',
    "entry-sh-args": 'FROM dsim/busybox:1.35\nENTRYPOINT ["sh", "-c", "echo \\"0=$0 1=$1 #=$#\\"", "name"]\nCMD ["c1", "c2"]\n',
    "shell-custom": 'FROM dsim/busybox:1.35\nSHELL ["/bin/sh", "-ec"]\nCMD echo "$-"; false; echo unreachable\n',
    "user-workdir": 'FROM dsim/busybox:1.35\nUSER app\nWORKDIR /home/app\nCMD ["sh", "-c", "id; pwd; echo $HOME"]\n',
    "env-many": 'FROM dsim/busybox:1.35\nENV B=2 A=1\nENV PATH=/bin:/usr/bin C="x y"\nCMD ["sh", "-c", "echo \\"$A $B $C\\"; echo $PATH"]\n',
    "no-cmd": 'FROM dsim/busybox:1.35\nENTRYPOINT []\nCMD []\n',
    "exit-code": 'FROM dsim/busybox:1.35\nCMD ["sh", "-c", "echo out; echo err >&2; exit 3"]\n',
}

# (image, {"args", "entrypoint", "env", "user", "workdir"})
RUNS = [
    ("cmd-shell", {}),
    ("cmd-shell", {"args": ["echo", "replaced"]}),
    ("cmd-shell", {"env": ["NAME=world"]}),
    ("cmd-shell", {"env": ["NAME"]}),
    ("cmd-shell", {"entrypoint": "printenv", "env": ["X=1", "NAME=n", "PATH=/bin"]}),
    ("entry-shell", {}),
    ("entry-shell", {"args": ["echo", "hello", "world"]}),
    ("entry-shell", {"entrypoint": "echo", "args": ["via", "entrypoint"]}),
    ("entry-shell", {"entrypoint": ""}),
    ("entry-shell", {"entrypoint": "", "args": ["echo", "reset"]}),
    ("cmd-exec-literal", {}),
    ("cmd-exec-sh", {}),
    ("cmd-exec-sh", {"env": ["NAME=override"]}),
    ("entry-exec-cmd", {}),
    ("entry-exec-cmd", {"args": ["x", "y"]}),
    ("entry-exec-cmd", {"entrypoint": "echo"}),
    ("entry-exec-only", {}),
    ("entry-exec-only", {"args": ["-n", "no newline"]}),
    ("entry-sh-args", {}),
    ("entry-sh-args", {"args": ["only"]}),
    ("shell-custom", {}),
    ("user-workdir", {}),
    ("user-workdir", {"user": "root"}),
    ("user-workdir", {"user": "1000:65534"}),
    ("user-workdir", {"user": "4321"}),
    ("user-workdir", {"user": "nobody", "workdir": "/tmp/new/dir"}),
    ("user-workdir", {"user": "nosuch"}),
    ("user-workdir", {"user": "app:nogroup"}),
    ("user-workdir", {"workdir": "relative"}),
    ("user-workdir", {"workdir": "/a/b/../c", "args": ["pwd"]}),
    ("env-many", {}),
    ("env-many", {"env": ["C=z"], "args": ["printenv"]}),
    ("no-cmd", {}),
    ("no-cmd", {"args": ["echo", "given"]}),
    ("exit-code", {}),
    ("exit-code", {"args": ["nosuchprog"]}),
    ("exit-code", {"args": ["/etc/passwd"]}),
    ("exit-code", {"args": ["sh", "-c", "nosuch"]}),
    ("exit-code", {"args": ["false"]}),
    # environments (HOSTNAME is the random container id: compared masked)
    ("cmd-shell", {"entrypoint": "env"}),
    ("cmd-shell", {"entrypoint": "env", "env": ["X=1", "NAME=n", "PATH=/usr/bin:/bin"]}),
    ("cmd-shell", {"entrypoint": "env", "env": ["NAME", "HOME=/custom", "Z=last"]}),
    ("user-workdir", {"entrypoint": "env"}),
    ("user-workdir", {"entrypoint": "env", "user": "4321"}),
    ("env-many", {"args": ["env"]}),
    ("env-many", {"args": ["sh", "-c", "env"]}),
    ("cmd-shell", {"args": ["sh", "-c", "export ZZ=1 AA=2; env"], "env": ["HOSTNAME=fixed"]}),
]
