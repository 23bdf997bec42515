//! The memo: its template context (`context`, with the `sections` and
//! `confidence` it is built from), the score `matrix` and timeline
//! `chart` it embeds, and its rendering through a template (`render`:
//! Markdown, HTML) or as a Word document ([`docx`]). May use the per-command
//! views (the memo quotes collection and sensitivity tables) and the shared
//! formatting; nothing here is used by a view.

pub(crate) mod chart;
pub(crate) mod confidence;
pub mod context;
pub mod docx;
pub(crate) mod matrix;
pub mod render;
pub(crate) mod sections;
mod summary;
