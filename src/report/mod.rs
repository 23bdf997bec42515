//! Turns assessments into what people read: the memo (template context and
//! rendering) and the score matrix (table and JSON).

pub mod calibration;
pub mod context;
pub mod render;
pub mod score;
pub mod sensitivity;
