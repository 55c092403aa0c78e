"""The command line: ``python -m kamdash demo|import|export|bench ...``."""

from __future__ import annotations

import argparse
import sys

from kamdash import db, store


def _demo(args: argparse.Namespace) -> int:
    from kamdash import demo

    engine = db.make_engine()
    db.create_schema(engine)
    if not store.is_empty(engine) and not args.force:
        print(
            f"{db.database_url()} already holds data; add --force to replace it with the demo.",
            file=sys.stderr,
        )
        return 1
    counts = demo.seed_demo(engine, n_accounts=args.accounts, seed=args.seed)
    print(f"Demo portfolio written to {db.database_url()}:")
    for table, n in counts.items():
        print(f"  {table:<15} {n:>9,}")
    return 0


def _terminal_progress(label: str):
    """A carriage-return percentage on stderr on a terminal (nothing when piped, in CI)."""
    if not sys.stderr.isatty():
        return None

    def show(fraction: float) -> None:
        end = "\n" if fraction >= 1.0 else ""
        print(f"\r{label} {fraction:4.0%}", end=end, file=sys.stderr, flush=True)

    return show


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kamdash import io

    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    engine = db.make_engine()
    db.create_schema(engine)
    try:
        result = store.import_file(engine, args.kind, content, path.name,
                                   progress=_terminal_progress(f"Importing {path.name}"))
    except io.ImportRejected as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    except store.ReadOnlyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Imported {path} into {db.database_url()}: {result}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kamdash import io

    path = Path(args.file)
    io.file_format(path.name)  # .csv or .xlsx, else ValueError -> exit 2
    engine = db.make_engine()
    db.create_schema(engine)
    frame = store.export_rows(engine, args.kind)
    path.write_bytes(io.to_bytes(args.kind, frame, path.name))
    print(f"Exported {len(frame):,} {args.kind} to {path}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kamdash import bench

    bench.run(quick=args.quick, out=Path(args.out))
    return 0  # figures, not a verdict: a missed target is reported, not an error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kamdash", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="write the demo portfolio to KAMDASH_DATABASE_URL")
    p.add_argument("--accounts", type=int, default=300, help="number of accounts (default 300)")
    p.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    p.add_argument("--force", action="store_true", help="replace existing data")
    p.set_defaults(func=_demo)

    kinds = ("accounts", "ratings", "stakeholders", "engagements")
    p = sub.add_parser("import", help="import a CSV or .xlsx file (all or nothing)")
    p.add_argument("kind", choices=kinds, help="what the file holds (import in this order)")
    p.add_argument("file", help="a .csv or .xlsx file with the documented columns")
    p.set_defaults(func=_import)

    p = sub.add_parser("export", help="export every row of a kind to a .csv or .xlsx file")
    p.add_argument("kind", choices=kinds)
    p.add_argument("file", help="where to write; .csv or .xlsx decides the format")
    p.set_defaults(func=_export)

    p = sub.add_parser("bench", help="time scoring, the Selection page and engagement trends")
    p.add_argument("--quick", action="store_true", help="small sizes only (a smoke test)")
    p.add_argument("--out", default="artifacts/bench.json", help="where to write the JSON")
    p.set_defaults(func=_bench)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
