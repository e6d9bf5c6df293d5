"""README.md's tour runs and prints what the README says it prints (house style 24).

The tour runs once per test run, in a fresh directory, with a fixed environment and clock; each
tour block is then one test, failing with a unified diff of the block.  The conventions (``…``
elisions, ``(exit code N)``, ``| head -N``, paths) are in tests/readme_tour.py.

After a change to what a command prints, review the new output and write it into the README with

    .venv/bin/python -m pytest tests/test_readme_tour.py --update-readme

(then read ``git diff README.md``: the prose around a block may need the same change).
"""

from __future__ import annotations

import pytest
import readme_tour as tour

TEXT = tour.README.read_text(encoding="utf-8")
try:
    BLOCKS = tour.parse_readme(TEXT)
    PARSE_ERROR = ""
except tour.TourError as exc:
    BLOCKS, PARSE_ERROR = [], str(exc)


@pytest.fixture(scope="module")
def tour_run(request: pytest.FixtureRequest) -> tuple[str, list[tour.Block], list[list[tour.Output]]]:
    """(README text, its tour blocks, every command's output by block), the tour run once.

    With --update-readme the outputs are first written into README.md, and the tests compare with
    the README as written.
    """
    if PARSE_ERROR:
        pytest.fail(PARSE_ERROR, pytrace=False)
    try:
        outputs = tour.run_tour(BLOCKS)
    except tour.TourError as exc:
        pytest.fail(str(exc), pytrace=False)
    if not request.config.getoption("--update-readme"):
        return TEXT, BLOCKS, outputs
    # the README as it is now: its prose may have been edited while the tour ran
    text = tour.README.read_text(encoding="utf-8")
    blocks = tour.parse_readme(text)
    if [c.text for b in blocks for c in b.commands] != [c.text for b in BLOCKS for c in b.commands]:
        pytest.fail("README.md's tour commands changed while the tour ran: run the update again", pytrace=False)
    try:
        new = tour.updated(text, blocks, outputs)
    except tour.TourError as exc:
        pytest.fail(str(exc), pytrace=False)
    if new != text:
        tour.README.write_text(new, encoding="utf-8")
    return new, tour.parse_readme(new), outputs


def test_the_readme_has_a_tour() -> None:
    assert not PARSE_ERROR, PARSE_ERROR
    commands = [cmd.argv[:1] for block in BLOCKS for cmd in block.commands]
    assert len(BLOCKS) >= 10 and ["demo"] in commands and ["status"] in commands


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[b.heading for b in BLOCKS])
def test_tour_block(index: int, tour_run: tuple[str, list[tour.Block], list[list[tour.Output]]]) -> None:
    text, blocks, outputs = tour_run
    block = blocks[index]
    if crashed := tour.crashes(outputs[index]):
        pytest.fail("\n".join(crashed), pytrace=False)
    if not tour.block_agrees(block, outputs[index]):
        pytest.fail(
            f"{block.name}: the commands print something else"
            " (pytest tests/test_readme_tour.py --update-readme writes it into the README):\n"
            + tour.block_diff(text, block, outputs[index]),
            pytrace=False,
        )


def test_the_elision_convention() -> None:
    """``…`` stands for lines left out: the lines around it must still be where they are said to be."""
    out = ["a", "b", "c", "d", "e"]
    assert tour.matches(["a", "b", "…"], out)
    assert tour.matches(["a", "…", "e"], out)
    assert tour.matches(["…", "c", "…", "e"], out)
    assert not tour.matches(["a", "c", "…"], out)  # the head is the first lines, not any lines
    assert not tour.matches(["a", "…", "d"], out)  # the tail is the last lines
    assert not tour.matches(["a", "…", "x", "…"], out)
    assert not tour.matches(["a", "b"], out)  # no …: the whole output
    assert tour.shaped(["x", "y", "…"], out) == ["a", "b", "…"]
    assert tour.shaped(["x", "…", "y"], out) == ["a", "…", "e"]
    assert tour.shaped(["a", "…", "d", "…"], out) == ["a", "…", "d", "…"]
    assert tour.shaped(["x", "y", "z", "…", "w", "v"], out) == out  # nothing left to leave out


def test_the_command_lines() -> None:
    assert tour.parse_command("kctrack status --as-of 2020-09 | head -12   # note") == (
        ["status", "--as-of", "2020-09"],
        ("head", 12),
    )
    assert tour.parse_command('kctrack record X 1 --reason "a | b"')[0][-1] == "a | b"
    for line in ("kctrack demo && kctrack init", "kctrack export x > y", "kctrack a | grep b", "ls"):
        with pytest.raises(tour.TourError):
            tour.parse_command(line)
