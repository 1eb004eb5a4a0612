# SPDX-License-Identifier: GPL-2.0
"""Tests of the build harness: tree sync, config check, series stanzas."""
import importlib.util
import os
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, file):
    spec = importlib.util.spec_from_file_location(name,
                                                  os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


sync_tree = load("sync_tree", "sync-tree.py")
check_config = load("check_config", "check-config.py")
mkseries = load("mkseries", "mkseries.py")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read()


PATCH = """From: a <a@b>
Subject: [PATCH] x

---
diff --git a/k/Makefile b/k/Makefile
--- a/k/Makefile
+++ b/k/Makefile
@@ -1 +1,2 @@
 obj-y += a.o
+obj-y += b.o
diff --git a/k/old.c b/k/old.c
deleted file mode 100644
--- a/k/old.c
+++ /dev/null
@@ -1 +0,0 @@
-old
"""


class SyncTree(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        t = self.tmp.name
        self.base, self.tree = os.path.join(t, "base"), os.path.join(t, "tree")
        self.repo = os.path.join(t, "repo")
        self.patches = os.path.join(self.repo, "patches")
        write(os.path.join(self.base, "k/Makefile"), "obj-y += a.o\n")
        write(os.path.join(self.base, "k/old.c"), "old\n")
        write(os.path.join(self.base, "k/keep.c"), "keep\n")
        write(os.path.join(self.patches, "0001-x.patch"), PATCH)
        write(os.path.join(self.patches, "series"), "# c\n0001-x.patch\n")
        write(os.path.join(self.repo, "Kconfig"), "menu\n")
        write(os.path.join(self.repo, "kernel/crash/a.c"), "a\n")

    def tearDown(self):
        self.tmp.cleanup()

    def sync(self):
        return sync_tree.sync(self.base, self.tree, self.patches, self.repo,
                              log=lambda s: None)

    def test_first_sync_applies_patches_and_overlay(self):
        self.sync()
        self.assertEqual(read(os.path.join(self.tree, "k/Makefile")),
                         "obj-y += a.o\nobj-y += b.o\n")
        self.assertFalse(os.path.exists(os.path.join(self.tree, "k/old.c")))
        self.assertEqual(read(os.path.join(self.tree, "crash/Kconfig")),
                         "menu\n")
        self.assertEqual(read(os.path.join(self.tree, "kernel/crash/a.c")),
                         "a\n")
        # the base is never written
        self.assertEqual(read(os.path.join(self.base, "k/Makefile")),
                         "obj-y += a.o\n")

    def test_second_sync_touches_nothing(self):
        self.sync()
        path = os.path.join(self.tree, "kernel/crash/a.c")
        os.utime(path, (1, 1))
        self.assertEqual(self.sync(), [])
        self.assertEqual(os.stat(path).st_mtime, 1)

    def test_only_the_edited_file_is_rewritten(self):
        self.sync()
        write(os.path.join(self.repo, "kernel/crash/a.c"), "a2\n")
        self.assertEqual(self.sync(), ["Okernel/crash/a.c"])

    def test_dropped_files_are_restored_or_removed(self):
        self.sync()
        write(os.path.join(self.patches, "series"), "")
        os.unlink(os.path.join(self.repo, "kernel/crash/a.c"))
        changed = self.sync()
        self.assertIn("Bk/Makefile", changed)
        self.assertIn("Bk/old.c", changed)
        self.assertIn("-kernel/crash/a.c", changed)
        self.assertEqual(read(os.path.join(self.tree, "k/old.c")), "old\n")

    def test_patch_that_does_not_apply_stops(self):
        write(os.path.join(self.base, "k/Makefile"), "something else\n")
        with self.assertRaises(SystemExit):
            self.sync()

    def test_paths(self):
        self.assertEqual(sync_tree.paths(self.patches, self.repo),
                         ["crash/Kconfig", "k/Makefile", "k/old.c",
                          "kernel/crash/a.c"])


class CheckConfig(unittest.TestCase):
    def test_problems(self):
        wanted = {"CONFIG_A": "y", "CONFIG_B": "y", "CONFIG_C": None,
                  "CONFIG_OURS": "y"}
        have = {"CONFIG_A": "y", "CONFIG_B": "m", "CONFIG_C": "y"}
        self.assertEqual(check_config.problems(wanted, have), [
            "CONFIG_B=y requested, got m",
            "CONFIG_C should be unset, is y",
            "CONFIG_OURS=y requested, got unset"])
        known = {"CONFIG_A", "CONFIG_B", "CONFIG_C"}
        self.assertEqual(len(check_config.problems(wanted, have, known)), 2)

    def test_read_options(self):
        with tempfile.NamedTemporaryFile("w", suffix=".config") as f:
            f.write("CONFIG_A=y\n# CONFIG_B is not set\n# comment\n"
                    "CONFIG_S=\"x y\"\n")
            f.flush()
            self.assertEqual(check_config.read_options(f.name),
                             {"CONFIG_A": "y", "CONFIG_B": None,
                              "CONFIG_S": "\"x y\""})


class Series(unittest.TestCase):
    def test_stanzas_claim_every_file(self):
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("# c\nFiles: crash/ k/x.c\nsubj\n\nbody\n"
                    "Files: k/\nHooks: 0001-a.patch 0002-b.patch\nsubj2\n")
            f.flush()
            stanzas = mkseries.parse_overlay(f.name)
        self.assertEqual(stanzas, [(["crash/", "k/x.c"], [],
                                    "subj\n\nbody\n"),
                                   (["k/"], ["0001-a.patch", "0002-b.patch"],
                                    "subj2\n")])
        self.assertEqual(mkseries.claim(stanzas, ["k/x.c", "k/y.c",
                                                  "crash/M"]),
                         [["crash/M", "k/x.c"], ["k/y.c"]])
        with self.assertRaises(SystemExit):
            mkseries.claim(stanzas, ["other/z.c"])

    def test_hook_body_drops_headers_and_sign_offs(self):
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("From 0 Mon\nFrom: A <a@b>\nSubject: [PATCH] x: y\n\n"
                    "Why it is.\n\nSigned-off-by: A <a@b>\n---\n"
                    "diff --git a/f b/f\n")
            f.flush()
            self.assertEqual(mkseries.hook_body(f.name), "Why it is.")


class Checkpatchable(unittest.TestCase):
    def test_shell_scripts_parse(self):
        for name in os.listdir(HERE):
            if name.endswith(".sh"):
                subprocess.run(["sh", "-n", os.path.join(HERE, name)],
                               check=True)


if __name__ == "__main__":
    unittest.main()
