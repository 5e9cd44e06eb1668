"""The daemon host's user database as dockerd's Go lookups read it (os/user without cgo,
lookup_unix.go: readColonFile + matchUserIndexValue / matchGroupIndexValue)."""

from __future__ import annotations

from simulator.fs.legacyhash import HostNames


def test_passwd_and_group_lines_by_gos_rules(tmp_path):
    passwd = tmp_path / "passwd"
    passwd.write_text(
        "# a comment\n"
        "   \t# an indented comment\n"
        "root:x:0:0:root:/root:/bin/sh\n"
        "  alice:x:1001:1001::/home/alice:/bin/sh\n"   # leading blanks are skipped
        "short:x:1002:1002\n"                           # fewer than 6 colons: ignored
        "+nis:x:1003:1003::/:/bin/sh\n"                 # +/- names: ignored
        "zero:x:01004:1004::/:/bin/sh\n"                # not the id's decimal text
        "badgid:x:1005:g::/:/bin/sh\n"                  # gid does not parse: ignored
        "first:x:1006:1006::/:/bin/sh\n"
        "second:x:1006:1006::/:/bin/sh\n"               # the first line for an id wins
        ":x:1007:1007::/:/bin/sh\n"                     # empty name: ignored
    )
    group = tmp_path / "group"
    group.write_text("root:x:0:\nstaff:x:50\nwheel:x:10:alice\n-x:x:11:\nusers:x:100:\n")
    names = HostNames.from_files(str(passwd), str(group))
    assert names.users == {0: "root", 1001: "alice", 1006: "first"}
    assert names.groups == {0: "root", 10: "wheel", 100: "users"}


def test_a_file_not_given_keeps_only_root(tmp_path):
    group = tmp_path / "group"
    group.write_text("root:x:0:\napp:x:1000:\n")
    names = HostNames.from_files(None, str(group))
    assert names.users == {0: "root"} and names.groups == {0: "root", 1000: "app"}
