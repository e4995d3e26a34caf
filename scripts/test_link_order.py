#!/usr/bin/env python3
"""Tests scripts/link-order.py on a small lld map and callgrind profiles of the same layout.

    python3 scripts/test_link_order.py
"""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "link-order.py")
BINARY = "/work/eosd"
BUILD = "/build/release"

# The shape of lld's map: output sections, their input sections (object:(section)) and the symbols each defines.
MAP = f"""             VMA              LMA     Size Align Out     In      Symbol
             2e0              2e0       1c     1 .interp
             2e0              2e0       1c     1         <internal>:(.interp)
         1000000          1000000     5000    64 .text
         1000000          1000000       40    16         {BUILD}/EOSEdge.build/EdgeNode.swift.o:(.text.$s7EOSEdge4mainyyF)
         1000000          1000000       40     1                 $s7EOSEdge4mainyyF
         1000040          1000040       30    16         {BUILD}/EOSEdge.build/EdgeNode.swift.o:(.text..Lobjectdestroy)
         1000070          1000070     1000    16         /usr/lib/swift_static/libswiftCore.a(Swift.o):(.text)
         1000070          1000070      800     1                 $ss5printyyF
         1000870          1000870      800     1                 $ss6assertyyF
         1001070          1001070       50    16         {BUILD}/EOSSite.build/Site+Plan.swift.o:(.text.$s7EOSSite4planyyF)
         1001070          1001070       50     1                 $s7EOSSite4planyyF
         10010c0          10010c0       20    16         {BUILD}/EOSSite.build/Site+Plan.swift.o:(.text..L__unnamed_1)
         10010e0          10010e0       60    16         {BUILD}/EOSCentral.build/Central.swift.o:(.text.$s10EOSCentral3runyyF)
         10010e0          10010e0       60     1                 $s10EOSCentral3runyyF
         1001140          1001140       10    16         {BUILD}/EOSCentral.build/Central.swift.o:(.text.$s10EOSCentral4coldyyF)
         1001140          1001140       10     1                 $s10EOSCentral4coldyyF
         1001150          1001150       10    16         {BUILD}/EOSEdge.build/Other.swift.o:(.text.objectdestroyTm)
         1001150          1001150       10     1                 objectdestroyTm
         1001160          1001160       10    16         {BUILD}/EOSSite.build/More.swift.o:(.text.objectdestroyTm)
         1001160          1001160       10     1                 objectdestroyTm
         1001170          1001170       10    16         /usr/lib/swift_static/libFoundation.a(Data.o):(.text.objectdestroyTm)
         1001170          1001170       10     1                 objectdestroyTm
         2000000          2000000      100    16 .rodata
         2000000          2000000      100    16         {BUILD}/EOSEdge.build/EdgeNode.swift.o:(.rodata)
"""


def profile(role, lines, part=None):
    """A callgrind profile of `eosd ROLE` with instruction positions, as `--dump-instr=yes` writes them; `part` is the
    number of a dumped part of the run."""
    return (
        f"version: 1\ncreator: callgrind-3.19.0\ncmd:  {BINARY} {role} --id x\n"
        + (f"part: {part}\n" if part else "")
        + "positions: instr line\nevents: Ir\n\n"
        + "\n".join(lines)
        + "\n"
    )


NODE = profile(
    "node",
    [
        "ob=(1) /usr/lib/x86_64-linux-gnu/libc.so.6",
        "fn=(1) memcpy",
        "0x1000000 0 3",  # an address of another object: ignored
        f"ob=(2) {BINARY}",
        "fn=(2) $s7EOSEdge4mainyyF",
        "0x1000000 0 1",
        "+4 0 1",
        "calls=1 0x1001140 0",  # a call's target is not a position of this function
        "+3 0 1",
        "fn=(3)",
        "0x1000048 0 2",  # the unnamed helper
        "fn=(4) $ss6assertyyF",
        "0x1000900 0 1",  # inside Swift.o's .text, whose first symbol is print
        "fn=(5) objectdestroyTm",
        "0x1001150 0 1",
        "+32 0 1",  # the same local name in an archive member, which neither file can name alone
    ],
)
SITE = profile(
    "site",
    [
        f"ob=(1) {BINARY}",
        "fn=(1) $s7EOSEdge4mainyyF",
        "0x1000004 0 1",  # also a node's: written once, in the node's place
        "fn=(2) $s7EOSSite4planyyF",
        "0x1001070 0 1",
        "-8 0 1",  # a relative position before the section: the end of Swift.o's .text
        "fn=(3)",
        "0x10010d0 0 1",
        "fn=(4) objectdestroyTm",
        "0x1001160 0 1",  # the same local name in another object: placed by its file
    ],
)
CENTRAL = profile("central", [f"ob=(1) {BINARY}", "fn=(1) $s10EOSCentral3runyyF", "0x10010e0 0 5", "*  0 1"])


class LinkOrderTests(unittest.TestCase):
    def run_script(self, profiles, extra=()):
        folder = tempfile.mkdtemp()
        paths = []
        for name, text in [("eosd.map", MAP)] + profiles:
            path = os.path.join(folder, name)
            with open(path, "w") as file:
                file.write(text)
            paths.append(path)
        order, script = os.path.join(folder, "eosd.order"), os.path.join(folder, "eosd.ld")
        result = subprocess.run(
            [sys.executable, SCRIPT, paths[0], BINARY, order, script, *paths[1:], *extra],
            capture_output=True,
            text=True,
        )
        written = {}
        if result.returncode == 0:
            with open(order) as file:
                written["order"] = file.read().splitlines()
            with open(script) as file:
                written["script"] = file.read()
        return result, written

    def test_orders_sections_tier_by_tier(self):
        result, written = self.run_script([("c.out", CENTRAL), ("s.out", SITE), ("n.out", NODE)])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            written["order"],
            ["$s7EOSEdge4mainyyF", "$ss5printyyF", "$s7EOSSite4planyyF", "$s10EOSCentral3runyyF"],
        )
        unnamed = [line.strip() for line in written["script"].splitlines() if '("' in line]
        self.assertEqual(
            unnamed,
            [
                '*/EOSEdge.build/EdgeNode.swift.o(".text..Lobjectdestroy")',
                '*/EOSEdge.build/Other.swift.o(".text.objectdestroyTm")',
                '*/EOSSite.build/Site+Plan.swift.o(".text..L__unnamed_1")',
                '*/EOSSite.build/More.swift.o(".text.objectdestroyTm")',
            ],
        )
        self.assertIn("INSERT BEFORE .init;", written["script"])

    def test_orders_a_node_at_rest_first(self):
        at_rest = profile("node", [f"ob=(1) {BINARY}", "fn=(1) $s10EOSCentral4coldyyF", "0x1001140 0 1"], part=2)
        stopping = profile("node", [f"ob=(1) {BINARY}", "fn=(1) $s10EOSCentral3runyyF", "0x10010e0 0 1"], part=3)
        profiles = [("s.out", SITE), ("n.out", NODE), ("n.out.2", at_rest), ("n.out.3", stopping)]
        result, written = self.run_script(profiles)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            written["order"],
            ["$s10EOSCentral4coldyyF", "$s7EOSEdge4mainyyF", "$ss5printyyF", "$s10EOSCentral3runyyF",
             "$s7EOSSite4planyyF"],
        )

    def test_refuses_a_profile_of_another_command(self):
        result, _ = self.run_script([("n.out", NODE), ("x.out", profile("--version", []))])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("not a profile of an eosd tier", result.stderr)

    def test_refuses_profiles_without_the_binary(self):
        result, _ = self.run_script([("n.out", NODE.replace(BINARY, "/other/eosd"))])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("no code of", result.stderr)


if __name__ == "__main__":
    unittest.main()
