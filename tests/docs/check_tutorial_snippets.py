#!/usr/bin/env python3
"""tests/docs/check_tutorial_snippets.py: the tutorial's C++ cannot drift from the programs the suite tests.

Every ```cpp block in docs/tutorial/*.md is preceded by one of two HTML comments (blank lines between are allowed):
  <!-- from examples/tutorial/NN_name.cpp -->  an excerpt: each run of its lines between `// ...` lines (the elided
                                              parts) appears verbatim in that file, in order
  <!-- fragment -->                           on purpose not a whole program (a signature, a one-line comparison)
Every examples/tutorial/NN_name.cpp has its test tests/tutorial/test_NN_name.cpp, which includes it, and ends with
the same main() (the suite runs only the first page's program: tests/tutorial/test_programs.cpp); a page that sets the
app's options (page 35) makes it `fa::App app{ns::app_options()};`, the rest unchanged. Every link in
docs/tutorial/README.md to a page or an example names a file that exists.
Exit 0 when all holds, else 1 with one line per problem. Python's standard library only.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
MARK = re.compile(r"^<!--\s*(from\s+(\S+)|fragment)\s*-->\s*$")
ELISION = re.compile(r"^\s*// \.\.\.\s*$")
MAIN = """#ifndef TUTORIAL_NO_MAIN  // the page's test includes this file and runs build() itself
int main(int argc, char** argv) {
  fa::App app;
  {ns}::build(app);
  return app.run(argc, argv);
}
#endif
"""


def check_page(page, problems):
    lines = page.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```cpp":
            i += 1
            continue
        start = i
        j = i + 1
        while j < len(lines) and lines[j].strip() != "```":
            j += 1
        block = lines[start + 1:j]
        k = start - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        mark = MARK.match(lines[k].strip()) if k >= 0 else None
        where = f"{page.relative_to(ROOT)}:{start + 1}"
        if not mark:
            problems.append(f"{where}: a cpp block needs <!-- from examples/tutorial/....cpp --> or <!-- fragment -->")
        elif mark.group(2):
            check_excerpt(where, block, ROOT / mark.group(2), problems)
        i = j + 1


def first_missing_piece(text, block):
    """The first run of the block's lines between `// ...` elisions that is not verbatim in `text` (whole lines, in
    order), or None when every run is. Shared with check_doc_snippets.py's `<!-- from PATH -->` excerpts."""
    pieces, current = [], []
    for line in block:
        if ELISION.match(line):
            pieces.append(current)
            current = []
        else:
            current.append(line)
    pieces.append(current)
    at = 0
    for piece in pieces:
        if not piece:
            continue
        chunk = "\n".join(piece) + "\n"
        found = text.find(chunk, at)
        if found < 0 or (found > 0 and text[found - 1] != "\n"):
            return piece
        at = found + len(chunk)
    return None


def check_excerpt(where, block, source, problems):
    if not source.is_file():
        problems.append(f"{where}: {source.relative_to(ROOT)} does not exist")
        return
    piece = first_missing_piece(source.read_text(encoding="utf-8"), block)
    if piece:
        problems.append(f"{where}: not verbatim (or not in order) in {source.relative_to(ROOT)}: {piece[0].strip()!r}")


def check_example(example, problems):
    text = example.read_text(encoding="utf-8")
    name = example.stem
    ns = re.search(r"^namespace (\w+) \{$", text, re.M)
    mains = [MAIN.replace("{ns}", ns.group(1)), MAIN.replace("fa::App app;", "fa::App app{{ns}::app_options()};")
             .replace("{ns}", ns.group(1))] if ns else []
    if not any(text.endswith(main) for main in mains):
        problems.append(f"{example.relative_to(ROOT)}: must end with the tutorial's main() (as examples/tutorial/01_first_steps.cpp does)")
    test = ROOT / "tests" / "tutorial" / f"test_{name}.cpp"
    if not test.is_file():
        problems.append(f"{example.relative_to(ROOT)}: no test {test.relative_to(ROOT)}")
    elif f'#include "../../examples/tutorial/{name}.cpp"' not in test.read_text(encoding="utf-8"):
        problems.append(f"{test.relative_to(ROOT)}: does not include its example")


def check_index(problems):
    index = ROOT / "docs" / "tutorial" / "README.md"
    if not index.is_file():
        problems.append("docs/tutorial/README.md is missing")
        return
    for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", index.read_text(encoding="utf-8")):
        if not (index.parent / link).exists():
            problems.append(f"docs/tutorial/README.md: the link {link} names no file")


def main():
    problems = []
    pages = sorted((ROOT / "docs" / "tutorial").glob("*.md"))
    examples = sorted((ROOT / "examples" / "tutorial").glob("*.cpp"))
    for page in pages:
        check_page(page, problems)
    for example in examples:
        check_example(example, problems)
    check_index(problems)
    for p in problems:
        print(p)
    print(f"check_tutorial_snippets: {len(pages)} pages, {len(examples)} examples, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
