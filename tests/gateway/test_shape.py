"""The gateway's shape: one concept per module."""

from pathlib import Path


def test_every_gateway_module_is_one_concept_in_size() -> None:
    """A module past 400 lines holds two concepts (the house rule): split it along its seams."""
    root = Path(__file__).resolve().parents[2] / "gateway"
    long = {
        str(path.relative_to(root)): n
        for path in root.rglob("*.py")
        if (n := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
