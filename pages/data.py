"""Data: import accounts, ratings, stakeholders and engagements from CSV or Excel; export them."""

import streamlit as st

from kamdash import fields, files, store
from kamdash.formatting import join_words
from kamdash.identity import Refused
from kamdash.ui import data, imports
from kamdash.ui.account_picker import plain
from kamdash.ui.identity import current_actor
from kamdash.ui.navigation import ensure_app_navigation
from kamdash.ui.read_only import writes_disabled
from kamdash.ui.writes import WRITE_ERRORS, write_failed

ensure_app_navigation()

st.title("Import and export")
st.caption(
    "Bring your customers in from your CRM as CSV or Excel files, and take everything out again "
    "in the same columns: export, edit in Excel, import back."
)
read_only = writes_disabled()


def show_problems(problems: list[files.Problem]) -> None:
    n = len(problems)
    st.error(
        f"The file was not imported: {n:,} problem{'s' if n != 1 else ''} found. Nothing was "
        "changed. Fix these lines and upload the file again.",
        icon=":material/error:",
    )
    st.dataframe(
        files.problems_frame(problems),
        hide_index=True,
        width="stretch",
        column_config={
            "line": st.column_config.NumberColumn("Line", format="%d", width="small"),
            "column": st.column_config.TextColumn("Column", width="small"),
            "problem": st.column_config.TextColumn("What is wrong", width="large"),
        },
        key="data_problems",
    )
    if n > fields.MAX_LISTED:
        st.caption(f"Showing the first {fields.MAX_LISTED} of {n:,} problems.")


SINGULAR = {"opportunities": "opportunity"}


def switch_kind(name: str) -> None:
    st.session_state["data_kind"] = name


# --- import ----------------------------------------------------------------------------------

st.subheader("Import a file")
if read_only:
    st.info(
        "Importing is switched off in this read-only demo. The downloads below still work.",
        icon=":material/lock:",
    )
kind = st.radio(
    "What the file holds", list(files.KINDS), format_func=lambda k: files.KINDS[k].label,
    horizontal=True, key="data_kind",
)
spec = files.kind(kind)
st.caption(
    "Into an empty database, import accounts first, then ratings, stakeholders and "
    "engagements, then goals, actions and opportunities (goals before their actions), then "
    "decisions and programme: those files name accounts (and people, goals) that must exist. "
    f"Rows are matched by {join_words(spec.natural_key)}: a known row is updated, "
    "a new one added, so importing the same file twice changes nothing. One bad row rejects "
    "the whole file."
)
with st.expander(f"Columns of the {kind} file", icon=":material/table:"):
    st.dataframe(spec.column_table(), hide_index=True, width="stretch",
                 key=f"data_columns_{kind}")
    st.caption(
        "CSV (UTF-8, UTF-16 or Windows-1252/Latin-1; comma-, semicolon- or tab-separated) or "
        "an Excel .xlsx file (first sheet; formulas need their values saved: save the file in "
        "Excel once). Header names are matched ignoring case; other columns are ignored; a "
        "column left out keeps what is saved. Dates as YYYY-MM-DD, not in the future. "
        "Numbers follow the convention the file's own numbers show (1.234,56 or 1,234.56); "
        "a value that could be read two ways, such as 1.234 on its own, is refused with what "
        "to write instead."
        + (" Without a stakeholder or summary column, engagements match what is saved "
           "whatever their person or summary." if kind == "engagements" else "")
        + (" Plan dates may lie in the future; owners are our people by name or e-mail; the "
           "rules are the Plan tab's." if kind in ("goals", "actions", "opportunities") else "")
    )
    sample = imports.sample_file(kind)
    if sample is not None:
        st.download_button(
            f"Sample {kind} file (CSV)", sample, file_name=f"{kind}.csv", mime=imports.MIME["csv"],
            icon=":material/download:", on_click="ignore", key=f"data_sample_{kind}",
        )

uploaded = st.file_uploader(
    "CSV or Excel file", type=["csv", "xlsx"], key="data_upload", disabled=read_only,
    help="Up to a few hundred thousand rows; large files show a progress bar while importing.",
)
if uploaded is not None:
    parsed = imports.parse_upload(kind, uploaded.name, uploaded.getvalue())
    problems = [] if parsed.looks_like else imports.check_upload(
        kind, uploaded.name, uploaded.getvalue())
    if parsed.looks_like:
        other = files.kind(parsed.looks_like)
        st.info(
            f"“{plain(uploaded.name)}” looks like {other.a_file}, not {spec.a_file}: its "
            f"header has the columns {other.a_file} needs ({join_words(other.required)}).",
            icon=":material/swap_horiz:")
        st.button(f"Read it as {other.label.lower()}", on_click=switch_kind, args=(other.name,),
                  icon=":material/swap_horiz:", key="data_switch_kind")
    elif problems:
        show_problems(problems)
    else:
        rows = parsed.rows
        noun = kind if len(rows) != 1 else SINGULAR.get(kind, kind[:-1])
        st.markdown(f"**{len(rows):,} {noun}** ready to import "
                    f"from “{plain(uploaded.name)}”.")
        if parsed.encoding not in ("", "UTF-8"):
            st.caption(f"Read as {parsed.encoding} text.")
        if parsed.ignored_columns:
            st.caption("Not imported (not a documented column): "
                       + ", ".join(plain(c) for c in parsed.ignored_columns))
        preview = files.export_frame(kind, rows.head(200))[list(parsed.present)]
        preview.insert(0, "line", rows["line"].head(200).to_numpy())
        st.dataframe(preview, hide_index=True, width="stretch", key="data_preview")
        if len(rows) > 200:
            st.caption(f"Showing the first 200 of {len(rows):,} rows.")
        if st.button("Import", type="primary", icon=":material/upload:", key="data_import",
                     disabled=read_only or rows.empty):
            bar = st.progress(0.0, text="Importing…")
            try:
                result = store.import_rows(
                    data.engine(), parsed,
                    progress=lambda f: bar.progress(f, text=f"Importing… {f:.0%}"),
                    actor=current_actor(),
                )
            except fields.Rejected as exc:
                bar.empty()
                show_problems(exc.problems)
            except Refused as exc:
                bar.empty()
                st.error(plain(str(exc)), icon=":material/lock:")
            except WRITE_ERRORS as exc:
                bar.empty()
                st.error(plain(write_failed(exc)), icon=":material/error:")
            else:
                bar.empty()
                st.success(imports.result_message(result), icon=":material/check_circle:")

# --- export ----------------------------------------------------------------------------------

st.subheader("Export")
st.caption("Everything saved, in the columns above. The Excel file opens directly in Excel; "
           "the CSV is UTF-8, comma-separated. Neither carries a formula: text that a "
           "spreadsheet would run (starting with =, +, - or @) gets a leading ' in the CSV, "
           "which importing takes off again.")
for name, each in files.KINDS.items():
    c1, c2, c3 = st.columns([2, 1, 1], vertical_alignment="center")
    c1.markdown(f"**{each.label}**")
    c2.download_button(
        "CSV", imports.download_data(name, "csv"), file_name=f"kamdash-{name}.csv",
        mime=imports.MIME["csv"], icon=":material/download:", on_click="ignore",
        key=f"data_export_{name}_csv",
    )
    c3.download_button(
        "Excel", imports.download_data(name, "xlsx"), file_name=f"kamdash-{name}.xlsx",
        mime=imports.MIME["xlsx"], icon=":material/download:", on_click="ignore",
        key=f"data_export_{name}_xlsx",
    )
