"""shadow-utils useradd/groupadd scripts, recorded with the host's shadow 4.13 (Debian
bookworm's, as in debian:bookworm images) run with `--prefix` on a scratch /etc by
record_useradd.py. Each step is one command line (argv)."""

USERADD_CASES = [
    ("sequence", [
        ["groupadd", "grp1"], ["groupadd", "-r", "sysg"], ["groupadd", "-g", "5000", "g5000"],
        ["useradd", "bob"], ["useradd", "-r", "svc"],
        ["useradd", "-u", "2000", "-g", "grp1", "-G", "app,g5000", "-s", "/bin/false", "-c", "Carl C",
         "-d", "/opt/carl", "carl"],
        ["useradd", "-N", "nog"], ["useradd", "bob"], ["groupadd", "grp1"], ["useradd", "-g", "nosuch", "x"],
    ]),
    ("system-first", [["useradd", "--system", "daemon1"], ["groupadd", "--system", "g2"],
                      ["useradd", "-r", "daemon2"]]),
    ("uid-gid-clash", [["groupadd", "-g", "1001", "taken"], ["useradd", "u1"], ["useradd", "u2"]]),
]
