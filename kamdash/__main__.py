"""The command line: ``python -m kamdash [--as EMAIL] demo|import|export|clear|users|bench``.

Every write acts as someone: ``--as EMAIL`` (an active kamdash user), or the local user (every
right) when sign-in is not set up (no ``[auth]`` in .streamlit/secrets.toml); the store checks
their rights and signs the audit trail with their e-mail.

Every failure is one line on stderr and an exit code, never a traceback: 1 when kamdash
refuses (a rejected file, read-only mode), 2 for a usage or environment problem (a file that
cannot be read or written, a database that cannot be reached or is not set up).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from kamdash import db, fields, files, settings, store
from kamdash.identity import LOCAL, Actor, Refused, UserRole, require_role

EXIT_REFUSED = 1  # kamdash said no: a rejected file, read-only mode, a right you lack
EXIT_USAGE = 2  # the command cannot run as given: a path, the database, a missing --yes


class _Failure(Exception):
    """A failure the user can act on: one line on stderr and an exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


# --- the database ---------------------------------------------------------------------------


_OPENED: list[Engine] = []  # every engine a command opened; main() closes them at the end


def _open(write: bool) -> Engine:
    """The configured database, ready to use.

    A write (refused first in read-only mode) brings the schema up to date and creates the
    database when new. A read writes nothing in any mode: no file or folder is created,
    nothing is migrated, a SQLite file is opened read-only; so the database must exist and be
    at the newest revision already.
    """
    if write:
        store.ensure_writable()
    url = db.database_url()
    try:
        if write:
            engine = db.make_engine(url)
            _OPENED.append(engine)
            db.create_schema(engine)
            return engine
        engine = db.make_engine(url, read_only=True)
        _OPENED.append(engine)
        from kamdash import migrations

        current, head = migrations.current_revision(engine), migrations.head_revision()
    except db.DatabaseMissing:
        raise _Failure(_no_database(db.sqlite_file(url))) from None
    except (SQLAlchemyError, OSError, ModuleNotFoundError) as exc:
        raise _Failure(f"cannot open the database at {db.display_url()}: "
                       f"{db.describe_error(exc)}") from None
    if current != head:
        engine.dispose()
        raise _Failure(_not_set_up(current, head))
    return engine


_PREPARE = "prepare it first without read-only mode, e.g. `python -m kamdash demo`"


def _no_database(path: Path | None) -> str:
    if store.read_only():
        return (f"there is no database at {path}, and read-only mode (KAMDASH_READ_ONLY) "
                f"creates none; {_PREPARE}")
    return (f"there is no database at {path}; check KAMDASH_DATABASE_URL (a read creates no "
            "database)")


def _not_set_up(current: str | None, head: str) -> str:
    where = f"the database at {db.display_url()}"
    if store.read_only():
        if current is None:
            return (f"{where} has no kamdash schema, and read-only mode (KAMDASH_READ_ONLY) "
                    f"does not create it; {_PREPARE}")
        return (f"{where} has schema revision {current} but this kamdash needs {head}, and "
                "read-only mode (KAMDASH_READ_ONLY) does not migrate; start the app or run an "
                "import once without read-only mode to migrate it")
    if current is None:
        return (f"{where} has no kamdash schema, and a read does not create it; set it up "
                "first, e.g. `python -m kamdash demo` or an import")
    return (f"{where} has schema revision {current} but this kamdash needs {head}, and a read "
            "does not migrate; start the app or run an import once to migrate it")


def _actor(args: argparse.Namespace, engine: Engine) -> Actor:
    """Who this command acts as: the active user ``--as`` names, else the local user when
    sign-in is not set up; with sign-in set up, ``--as`` is required."""
    if args.as_email:
        actor = store.user_actor(engine, args.as_email)
        if actor is None:
            raise _Failure(f"{args.as_email} is not an active kamdash user; an admin adds "
                           "users with `python -m kamdash users add`", EXIT_REFUSED)
        return actor
    if settings.sign_in_configured():
        raise _Failure("sign-in is set up ([auth] in .streamlit/secrets.toml), so say who you "
                       "are: python -m kamdash --as EMAIL ...")
    return LOCAL


# --- progress ---------------------------------------------------------------------------------


class _TerminalProgress:
    """A carriage-return percentage per phase on stderr, on a terminal only (nothing when
    piped, in CI). ``close`` ends a line left open when a phase stops short of 100%."""

    def __init__(self) -> None:
        self.line_open = False

    def phase(self, label: str):
        if not sys.stderr.isatty():
            return None

        def show(fraction: float) -> None:
            done = fraction >= 1.0
            print(f"\r{label} {fraction:4.0%}", end="\n" if done else "", file=sys.stderr,
                  flush=True)
            self.line_open = not done

        return show

    def close(self) -> None:
        if self.line_open:
            print(file=sys.stderr, flush=True)
            self.line_open = False


# --- commands ---------------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from kamdash import demo

    engine = _open(write=True)
    actor = _actor(args, engine)
    require_role(actor, UserRole.ADMIN, "replace the data with the demo")
    if not store.is_empty(engine) and not args.force:
        print(f"{db.display_url()} already holds data; add --force to replace it with the demo.",
              file=sys.stderr)
        return EXIT_REFUSED
    counts = demo.seed_demo(engine, n_accounts=args.accounts, seed=args.seed,
                            today=args.today or settings.today())
    store.record_action(engine, actor, "create", "portfolio", "demo", counts)
    print(f"Demo portfolio written to {db.display_url()}:")
    for table, n in counts.items():
        print(f"  {table:<15} {n:>9,}")
    return 0


def _import(args: argparse.Namespace) -> int:
    store.ensure_writable()  # before the file is read or the database touched
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise _Failure(f"cannot read {path}: {exc.strerror or exc}") from None
    engine = _open(write=True)
    actor = _actor(args, engine)
    bar = _TerminalProgress()
    try:
        result = store.import_file(engine, args.kind, content, path.name, actor=actor,
                                   check_progress=bar.phase(f"Checking {path.name}"),
                                   progress=bar.phase(f"Importing {path.name}"))
    except fields.Rejected as exc:
        bar.close()
        print(f"{path}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        bar.close()
    print(f"Imported {path} into {db.display_url()}: {result}")
    return 0


def _export(args: argparse.Namespace) -> int:
    path = Path(args.file)
    files.file_format(path.name)  # .csv or .xlsx, else ValueError -> exit 2
    if path.is_dir():
        raise _Failure(f"cannot write {path}: it is a folder; name a .csv or .xlsx file in it")
    if not path.parent.is_dir():
        raise _Failure(f"cannot write {path}: the folder {path.parent} does not exist; "
                       "create it first (export writes into an existing folder only)")
    engine = _open(write=False)
    frame = store.export_rows(engine, args.kind)
    content = files.to_bytes(args.kind, frame, path.name)
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise _Failure(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"Exported {len(frame):,} {args.kind} to {path}")
    return 0


def _clear(args: argparse.Namespace) -> int:
    store.ensure_writable()
    if not args.yes:
        print(f"error: clear deletes every account, rating, stakeholder, engagement, manager "
              f"and scenario in {db.display_url()} (the tables stay, empty). Export what you want "
              "to keep, then run `python -m kamdash clear --yes` to confirm.", file=sys.stderr)
        return EXIT_USAGE
    engine = _open(write=True)
    counts = store.clear_all(engine, _actor(args, engine))
    removed = ", ".join(f"{n:,} {table.replace('_', ' ')} row{'s' if n != 1 else ''}"
                        for table, n in counts.items() if n) or "nothing"
    print(f"Emptied {db.display_url()}: removed {removed}.")
    print("Import your own files next: accounts first, then ratings, stakeholders and "
          "engagements. Start the app with KAMDASH_DEMO=0, or it seeds the demo into the "
          "empty database again.")
    return 0


def _users(args: argparse.Namespace) -> int:
    if args.action == "list":
        engine = _open(write=False)
        users = store.load_users(engine)
        if users.empty:
            print("No users yet. Add the first admin with `python -m kamdash users add EMAIL "
                  "--name NAME --role admin`, or name them in KAMDASH_ADMINS.")
            return 0
        for u in users.itertuples():
            manager = "" if u.manager is None or u.manager != u.manager else u.manager
            print(f"{u.email:<36} {u.name:<24} {u.role:<10} {manager:<20} "
                  f"{'active' if u.active else 'deactivated'}")
        return 0
    engine = _open(write=True)
    actor = _actor(args, engine)
    try:
        if args.action == "add":
            manager_id = _manager_id(engine, args.manager)
            store.add_user(engine, actor, args.email, args.name or args.email.split("@")[0],
                           args.role, manager_id)
            print(f"Added {args.email.lower()} as {args.role}.")
        elif args.action == "set-role":
            store.set_role(engine, actor, args.email, args.role)
            print(f"{args.email.lower()} is now {args.role}.")
        else:
            store.deactivate_user(engine, actor, args.email)
            print(f"{args.email.lower()} can no longer sign in; their history stays.")
    except store.UserRejected as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


def _manager_id(engine: Engine, manager: str | None) -> int | None:
    """The manager record named (by name or e-mail, any case) on the command line."""
    if manager is None:
        return None
    managers = store.load_managers(engine)
    wanted = manager.strip().casefold()
    found = managers[(managers["name"].str.casefold() == wanted)
                     | (managers["email"].str.casefold() == wanted)]
    if len(found) != 1:
        raise _Failure(f"{manager!r} names {'no' if found.empty else 'more than one'} manager "
                       "record; give the manager's name or e-mail as the Engagement page "
                       "lists them", EXIT_REFUSED)
    return int(found.index[0])


def _bench(args: argparse.Namespace) -> int:
    if args.browser:
        from kamdash import bench_browser

        bench_browser.run(quick=args.quick, out=Path(args.out or bench_browser.DEFAULT_OUT),
                          proxy=False if args.no_proxy else None, gc=args.gc)
        return 0
    from kamdash import bench

    bench.run(quick=args.quick, out=Path(args.out or bench.DEFAULT_OUT))
    return 0  # figures, not a verdict: a missed target is reported, not an error


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kamdash", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--as", dest="as_email", metavar="EMAIL", default=None,
                        help="act as this kamdash user (default: the local user, when "
                             "sign-in is not set up)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="write the demo portfolio to KAMDASH_DATABASE_URL")
    p.add_argument("--accounts", type=int, default=300, help="number of accounts (default 300)")
    p.add_argument("--seed", type=int, default=7, help="random seed (same seed, same data)")
    p.add_argument("--force", action="store_true", help="replace existing data")
    p.add_argument("--today", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                   help="the day the demo's history ends (default: KAMDASH_TODAY, else today); "
                        "same seed and day, same database")
    p.set_defaults(func=_demo)

    kinds = tuple(files.KINDS)
    p = sub.add_parser("import", help="import a CSV or .xlsx file (all or nothing)")
    p.add_argument("kind", choices=kinds, help="what the file holds (import in this order)")
    p.add_argument("file", help="a .csv or .xlsx file with the documented columns")
    p.set_defaults(func=_import)

    p = sub.add_parser("export", help="export every row of a kind to a .csv or .xlsx file")
    p.add_argument("kind", choices=kinds)
    p.add_argument("file", help="where to write, in an existing folder (export creates no "
                                "folders); .csv or .xlsx decides the format; an existing file "
                                "is replaced")
    p.set_defaults(func=_export)

    p = sub.add_parser("clear", help="delete every row, keeping the empty tables, to import "
                                     "your own data instead of the demo")
    p.add_argument("--yes", action="store_true",
                   help="confirm: without it nothing is deleted")
    p.set_defaults(func=_clear)

    p = sub.add_parser("users", help="list, add, change the role of, or deactivate users "
                                     "(admins only, except list)")
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every user with role, manager record and status")
    a = actions.add_parser("add", help="invite someone (they sign in with this e-mail)")
    a.add_argument("email")
    a.add_argument("--name", help="display name (default: the e-mail's local part)")
    a.add_argument("--role", default="viewer", choices=[r.value for r in UserRole])
    a.add_argument("--manager", help="for a KAM: the manager record they are (name or e-mail)")
    a = actions.add_parser("set-role", help="give a user another role")
    a.add_argument("email")
    a.add_argument("role", choices=[r.value for r in UserRole])
    a = actions.add_parser("deactivate", help="stop a user signing in; their history stays")
    a.add_argument("email")
    p.set_defaults(func=_users)

    p = sub.add_parser("bench", help="time scoring, the Selection page and engagement trends")
    p.add_argument("--quick", action="store_true", help="small sizes only (a smoke test)")
    p.add_argument("--browser", action="store_true",
                   help="in Chromium: slider moves, page visits, sessions at once, memory")
    p.add_argument("--no-proxy", action="store_true",
                   help="with --browser: leave out the two-processes-behind-nginx row")
    p.add_argument("--gc", action="store_true",
                   help="with --browser: 200 slider moves with Streamlit's post-run garbage "
                        "collection on and off, and the server's memory after them")
    p.add_argument("--out", help="where to write the JSON (default artifacts/bench.json, "
                                 "artifacts/bench-browser.json with --browser)")
    p.set_defaults(func=_bench)

    args = parser.parse_args(argv)
    try:
        settings.current()  # a bad KAMDASH_ value stops every command before it starts
        return args.func(args)
    except _Failure as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except (store.ReadOnlyError, Refused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except SQLAlchemyError as exc:  # every write is one transaction: nothing was saved
        print(f"error: the database at {db.display_url()} failed: {db.describe_error(exc)}",
              file=sys.stderr)
        return EXIT_USAGE
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted; nothing was saved", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug, but still no traceback for the user
        print(f"error: {type(exc).__name__}: {exc} (this is a bug in kamdash; please report "
              "it with the command you ran)", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        # The last connection closing checkpoints SQLite's WAL into the file and removes the
        # -wal and -shm files: the command leaves the database complete on its own.
        while _OPENED:
            _OPENED.pop().dispose()


if __name__ == "__main__":
    sys.exit(main())
