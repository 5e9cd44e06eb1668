"""Filesystem effects of file applets, recorded on the real engine by record_fs.py: after the
script, `stat -c '%n|%a|%u|%g|%F|%s' PATHS` (and the content of regular files) in /tmp/w.
(name, script, paths to inspect, user or None)"""

FS_CASES = [
    ("mkdir-modes", "mkdir a; mkdir -p b/c/d; mkdir -m 700 e; mkdir -m 1777 f",
     ["a", "b", "b/c", "b/c/d", "e", "f"], None),
    ("touch-redirect-modes", "touch t; echo x > r; echo y >> ap; : > empty", ["t", "r", "ap", "empty"], None),
    ("chmod-forms", "touch a b c d; chmod 600 a; chmod u+x,g-r b; chmod a=r c; chmod 4755 d",
     ["a", "b", "c", "d"], None),
    ("chmod-recursive", "mkdir -p d/e; touch d/f d/e/g; chmod -R 700 d", ["d", "d/e", "d/f", "d/e/g"], None),
    ("chown-forms", "touch a b c d; chown app a; chown app:nobody b; chown 1234:5678 c; chown :app d",
     ["a", "b", "c", "d"], None),
    ("chown-recursive", "mkdir -p d/e; touch d/f; chown -R app:app d", ["d", "d/e", "d/f"], None),
    ("cp-modes", "touch s; chmod 750 s; cp s plain; cp -p s kept; mkdir src; touch src/x; cp -r src dst",
     ["plain", "kept", "dst", "dst/x"], None),
    ("cp-into-dir", "mkdir d; echo 1 > a; echo 2 > b; cp a b d", ["d/a", "d/b"], None),
    ("cp-over-existing", "echo new > s; echo old > t; chmod 600 t; cp s t", ["t"], None),
    ("mv-rename", "echo m > a; mkdir d; mv a d; echo n > b; mv b c", ["d/a", "c", "b"], None),
    ("ln-forms", "echo t > target; ln -s target s; ln target h; ln -sf other s2; ln -s target s3; ln -sf target s3",
     ["s", "h", "s2", "s3"], None),
    ("rm-forms", "mkdir -p d/e; touch d/f f; rm f; rm -rf d", ["f", "d"], None),
    ("tee-files", "echo a | tee t1 > /dev/null; echo b | tee -a t1 t2 > /dev/null", ["t1", "t2"], None),
    ("sed-inplace-mode", "echo ab > f; chmod 640 f; sed -i s/a/b/ f", ["f"], None),
    ("as-user", "touch /tmp/u1; mkdir /tmp/u2; echo x > /tmp/u3", ["/tmp/u1", "/tmp/u2", "/tmp/u3"], "app"),
    ("heredoc-file", "cat > f <<EOF\nline\nEOF\ncat f f > g", ["f", "g"], None),
]
