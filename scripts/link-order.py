#!/usr/bin/env python3
"""Writes how lld lays out eosd's code, from callgrind profiles of its tiers.

    scripts/link-order.py MAP BINARY ORDER SCRIPT PROFILE...

MAP is lld's map (`-Map`) of the link that made BINARY. Each PROFILE is one run of BINARY under
`valgrind --tool=callgrind --dump-instr=yes`, as one tier (`eosd node`, `site`, `central` or `dev`), or one part of a
run. Every input section of BINARY's code that ran in any of them is hot. They are written tier by tier: first what an
edge node runs at rest, then what it ran besides (starting, applying, stopping), then what a site ran that a node did
not, then the central's, then a whole dev fleet's. The node at rest is part 2 of a node's profile: the run dumped
(`callgrind_control --dump`) once the node has settled, ending part 1, and again before it is stopped, ending part 2.
A node at rest maps only its own code once eosd has given back what its start-up mapped (`MemoryRelease`).

- ORDER, the symbol ordering file (`--symbol-ordering-file`), names each hot section by a symbol only it defines.
- SCRIPT, a linker script, places the other hot sections first in `.text`, named by object file and section: those
  without a symbol (the compiler's private helpers, such as `.text..Lobjectdestroy`), and those whose symbols' names
  other objects define too.

So the code a tier runs sits together, in a few megabytes, instead of on pages all over the binary.
"""

import bisect
import re
import sys

TIERS = ["node at rest", "node", "site", "central", "dev"]
ROLES = TIERS[1:]
OBJECT = re.compile(r"(c?ob)=\((\d+)\)(?: (.*))?$")


class Section:
    """One input section of `.text` in the map: where it is, which object it came from, the symbols it defines."""

    def __init__(self, address, size, source):
        self.address, self.size = address, size
        self.file, self.name = re.match(r"(.*):\((.*)\)$", source).groups()
        self.symbols = []

    def pattern(self):
        """The section as a linker script names it: its object file and module, whatever folder they were built in."""
        return "*/" + "/".join(self.file.split("/")[-2:])


def code_sections(map_path):
    """The input sections of the output section `.text`, in address order."""
    sections, inside, depth = [], False, None
    with open(map_path) as lines:
        for line in lines:
            fields = line.split(None, 4)
            if len(fields) < 5 or not re.fullmatch(r"[0-9a-f]+", fields[0]):
                continue
            rest = fields[4].rstrip("\n")
            indent = len(line) - len(line.lstrip(" ")) + line.lstrip(" ").index(fields[4])
            if ":(" not in rest and not (depth and indent > depth):
                inside, depth = rest == ".text", None
                continue
            if not inside:
                continue
            if ":(" in rest:
                depth = indent
                sections.append(Section(int(fields[0], 16), int(fields[2], 16), rest))
            elif sections:
                sections[-1].symbols.append(rest)
    return sections


def executed(profile, binary):
    """The tier a profile ran as, and the addresses of BINARY's instructions it ran, in the profile's order."""
    role, part, objects, current, last, seen = None, 1, {}, None, 0, {}
    with open(profile, errors="replace") as lines:
        for line in lines:
            first = line[0]
            if first in "0123456789+-*":
                position = line.split(" ", 1)[0]
                if position.startswith("0x"):
                    last = int(position, 16)
                elif first in "+-":
                    last += int(position)
                if current == binary:
                    seen.setdefault(last, None)
            elif line.startswith("cmd:"):
                words = line.split()
                role = words[2] if len(words) > 2 else None
            elif line.startswith("part:"):
                part = int(line.split()[1])
            elif line.startswith(("ob=", "cob=")):
                kind, key, name = OBJECT.match(line.rstrip("\n")).groups()
                if name:
                    objects[key] = name
                if kind == "ob":
                    current = objects.get(key)
    if role not in ROLES:
        sys.exit(f"{profile}: not a profile of an eosd tier (its command names {role!r})")
    return ("node at rest" if role == "node" and part == 2 else role), list(seen)


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__.strip().split("\n\n")[1])
    map_path, binary, order_path, script_path = sys.argv[1:5]
    profiles = sys.argv[5:]
    sections = code_sections(map_path)
    if not sections:
        sys.exit(f"{map_path}: no input sections of .text")
    starts = [section.address for section in sections]
    by_tier = {tier: [] for tier in TIERS}
    for profile in profiles:
        tier, addresses = executed(profile, binary)
        by_tier[tier].extend(addresses)
    hot, placed = [], set()
    for tier in TIERS:
        for address in by_tier[tier]:
            index = bisect.bisect_right(starts, address) - 1
            if index < 0 or id(sections[index]) in placed:
                continue
            section = sections[index]
            if address < section.address + section.size:
                placed.add(id(section))
                hot.append(section)
    if not hot:
        sys.exit(f"no code of {binary} in the profiles")
    # A local symbol's name can recur in many objects (the compiler's `objectdestroy` helpers), and lld orders every
    # section a name in the ordering file names: a section is named there only by a symbol no other section has.
    # The others, and the sections without symbols, go in the script by object file, except those in archives, which
    # lld's scripts do not match by member.
    defined = {}
    for section in sections:
        for symbol in section.symbols:
            defined[symbol] = defined.get(symbol, 0) + 1
    by_symbol, by_file = [], []
    for section in hot:
        unique = next((symbol for symbol in section.symbols if defined[symbol] == 1), None)
        if unique:
            by_symbol.append(unique)
        elif ".a(" not in section.file:
            by_file.append(section)
    with open(order_path, "w") as order:
        order.writelines(symbol + "\n" for symbol in by_symbol)
    with open(script_path, "w") as script:
        script.write(
            "/* Written by scripts/generate-link-order.sh: the code eosd's tiers run that eosd.order cannot name by a\n"
            "   symbol of its own, first in .text. The rest of the layout is lld's. */\n"
            "SECTIONS {\n  .text : {\n")
        script.writelines(f'    {section.pattern()}("{section.name}")\n' for section in by_file)
        script.write("  }\n}\nINSERT BEFORE .init;\n")


if __name__ == "__main__":
    main()
