//! Turns assessments into what people read: the memo (template context and
//! rendering) and the score matrix (table and JSON).

pub mod chart;
pub mod context;
pub mod diff;
pub mod render;
pub mod score;
