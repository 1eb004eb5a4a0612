# SPDX-License-Identifier: GPL-2.0
"""Tests of kbuild_grow: our Kbuild files in the middle of the series."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kbuild_grow as kg  # noqa: E402

MAKE = """# comment
obj-y\t\t+= chain.o entry.o
obj-$(CONFIG_X)\t+= a.o \\
\t\t\tb.o
ifndef CONFIG_Y
obj-$(CONFIG_Z)\t+= c.o
endif
pstore-y\t+= backend.o fs.o
obj-$(CONFIG_PSTORE)\t+= pstore.o
ccflags-y\t+= -I$(src)
"""


def tree(*paths):
    return lambda p: p in paths


class Grow(unittest.TestCase):
    def test_all_there_is_unchanged(self):
        have = tree(*("d/%s.c" % n for n in
                      ("chain", "entry", "a", "b", "c", "backend", "fs")))
        self.assertEqual(kg.grow("d/Makefile", MAKE, have, set()), MAKE)

    def test_missing_sources_leave_their_words_and_empty_lines(self):
        out = kg.grow("d/Makefile", MAKE, tree("d/chain.c", "d/b.c"), set())
        self.assertIn("obj-y\t\t+= chain.o\n", out)
        self.assertIn("obj-$(CONFIG_X)\t+= b.o\n", out)
        self.assertNotIn("c.o", out)
        self.assertNotIn("pstore", out)
        self.assertIn("ifndef CONFIG_Y\nendif\n", out)
        self.assertIn("ccflags-y\t+= -I$(src)\n", out)

    def test_an_object_of_parts_stays_with_one_part(self):
        out = kg.grow("d/Makefile", MAKE, tree("d/fs.c"), set())
        self.assertIn("pstore-y\t+= fs.o\n", out)
        self.assertIn("+= pstore.o\n", out)

    def test_directories_and_the_top_level_file(self):
        text = "crash-dirs := kernel/crash/ \\\n\tdrivers/x/\nobj-y += $(crash-dirs)\n"
        out = kg.grow("crash/Makefile", text, tree("kernel/crash/Makefile"),
                      set())
        self.assertEqual(out, "crash-dirs := kernel/crash/\n"
                              "obj-y += $(crash-dirs)\n")

    def test_kconfig_sources(self):
        text = 'menu "x"\nsource "a/Kconfig"\nsource "b/Kconfig"\nendmenu\n'
        self.assertEqual(kg.grow("crash/Kconfig", text, tree("b/Kconfig"),
                                 set()),
                         'menu "x"\nsource "b/Kconfig"\nendmenu\n')

    def test_names_never_resolved_are_kept(self):
        text = "obj-y += gen.o real.o\n"
        keep = kg.unresolved("d/Makefile", text, tree("d/real.c"))
        self.assertEqual(keep, {"d/gen.o"})
        self.assertEqual(kg.grow("d/Makefile", text, tree(), keep),
                         "obj-y += gen.o\n")


if __name__ == "__main__":
    unittest.main()
