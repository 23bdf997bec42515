//! Turns assessments into what people read: the memo (template context and
//! rendering), the score matrix (table and JSON), the timeline chart and the
//! diff between two assessments.

pub mod calibration;
pub mod chart;
pub mod collect;
pub mod confidence;
pub mod context;
pub mod diagnostics;
pub mod diff;
pub mod docx;
pub mod escape;
pub mod fit;
pub mod history;
pub mod matrix;
pub mod render;
pub mod score;
pub mod sections;
pub mod sensitivity;
pub mod table;
