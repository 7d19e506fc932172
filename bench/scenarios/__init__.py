"""B1..B7: each module has `run(ctx) -> list[Row]`."""
