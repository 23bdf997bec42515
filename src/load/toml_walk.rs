//! Typed reads from a spanned TOML tree that record every problem as a
//! [`Diagnostic`] instead of stopping at the first one.

use crate::diag::{did_you_mean, Code, Diagnostic};
use chrono::NaiveDate;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub(super) type Span = Range<usize>;
pub(super) type Val<'i> = Spanned<DeValue<'i>>;

/// Collects diagnostics for one file.
pub(super) struct FileCx<'a> {
    pub rel: &'a str,
    pub diags: &'a mut Vec<Diagnostic>,
}

impl FileCx<'_> {
    pub(super) fn err(
        &mut self,
        code: Code,
        span: Span,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, msg).at(self.rel, span));
        self.diags.last_mut().expect("just pushed")
    }

    fn type_error(&mut self, what: &str, key: &str, want: &str, v: &Val<'_>) {
        self.err(
            Code::E003,
            v.span(),
            format!(
                "`{key}` in {what} must be {want}, found {}",
                v.get_ref().type_str()
            ),
        )
        .label = Some(format!("expected {want}"));
    }
}

/// A table being read: reports unknown and missing keys.
pub(super) struct Tbl<'t, 'i> {
    pub t: &'t DeTable<'i>,
    /// Span used for "missing key" errors (the table header).
    pub span: Span,
    /// How the table is named in messages, e.g. "[[claim]]".
    pub what: String,
}

impl<'t, 'i> Tbl<'t, 'i> {
    pub(super) fn new(t: &'t DeTable<'i>, span: Span, what: impl Into<String>) -> Self {
        Tbl {
            t,
            span,
            what: what.into(),
        }
    }

    /// Report every key not in `allowed`, with a suggestion.
    pub(super) fn check_keys(&self, cx: &mut FileCx<'_>, allowed: &[&str]) {
        for (k, _) in self.t.iter() {
            let key = k.get_ref().as_ref();
            if !allowed.contains(&key) {
                let d = cx.err(
                    Code::E002,
                    k.span(),
                    format!("unknown key `{key}` in {}", self.what),
                );
                d.label = Some("not a known key".into());
                d.help = Some(match did_you_mean(key, allowed.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("known keys here: {}", allowed.join(", ")),
                });
            }
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&'t Val<'i>> {
        self.t.get(key)
    }

    /// Report a missing key, unless a misspelt key already stands for it (the
    /// unknown-key error then says "did you mean").
    pub(super) fn missing(&self, cx: &mut FileCx<'_>, key: &str) {
        let misspelt = self.t.iter().any(|(k, _)| {
            k.get_ref().as_ref() != key && did_you_mean(k.get_ref(), [key]).is_some()
        });
        if misspelt {
            return;
        }
        let d = cx.err(
            Code::E004,
            self.span.clone(),
            format!("missing key `{key}` in {}", self.what),
        );
        d.label = Some(format!("this table needs `{key}`"));
    }

    pub(super) fn opt_str(&self, cx: &mut FileCx<'_>, key: &str) -> Option<(String, Span)> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span())),
            _ => {
                cx.type_error(&self.what, key, "a string", v);
                None
            }
        }
    }

    pub(super) fn req_str(&self, cx: &mut FileCx<'_>, key: &str) -> Option<(String, Span)> {
        if self.get(key).is_none() {
            self.missing(cx, key);
            return None;
        }
        self.opt_str(cx, key)
    }

    pub(super) fn opt_date(&self, cx: &mut FileCx<'_>, key: &str) -> Option<(NaiveDate, Span)> {
        let v = self.get(key)?;
        date_value(cx, &self.what, key, v).map(|d| (d, v.span()))
    }

    pub(super) fn req_date(&self, cx: &mut FileCx<'_>, key: &str) -> Option<(NaiveDate, Span)> {
        if self.get(key).is_none() {
            self.missing(cx, key);
            return None;
        }
        self.opt_date(cx, key)
    }

    pub(super) fn opt_float(&self, cx: &mut FileCx<'_>, key: &str) -> Option<(f64, Span)> {
        let v = self.get(key)?;
        let n = number(v.get_ref());
        if n.is_none() {
            cx.type_error(&self.what, key, "a number", v);
        }
        n.map(|n| (n, v.span()))
    }

    pub(super) fn opt_bool(&self, cx: &mut FileCx<'_>, key: &str) -> Option<(bool, Span)> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some((*b, v.span())),
            _ => {
                cx.type_error(&self.what, key, "true or false", v);
                None
            }
        }
    }

    pub(super) fn req_bool(&self, cx: &mut FileCx<'_>, key: &str) -> Option<(bool, Span)> {
        if self.get(key).is_none() {
            self.missing(cx, key);
            return None;
        }
        self.opt_bool(cx, key)
    }

    /// An integer, or a string holding one (`2` or `"2"`).
    /// `help` is attached to the error when the value is not a whole number.
    pub(super) fn opt_int_or_str(
        &self,
        cx: &mut FileCx<'_>,
        key: &str,
        help: &str,
    ) -> Option<(i64, Span)> {
        let v = self.get(key)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
            }
            DeValue::String(s) => match s.trim().parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let d = cx.err(
                        Code::E010,
                        v.span(),
                        format!(
                            "`{key}` in {} must be a whole number, found \"{s}\"",
                            self.what
                        ),
                    );
                    d.label = Some("not a number".into());
                    d.help = Some(help.into());
                    return None;
                }
            },
            _ => {
                cx.type_error(&self.what, key, "a whole number", v);
                if let Some(d) = cx.diags.last_mut() {
                    d.help = Some(help.into());
                }
                return None;
            }
        };
        n.map(|n| (n, v.span()))
    }

    pub(super) fn opt_str_list(
        &self,
        cx: &mut FileCx<'_>,
        key: &str,
    ) -> Option<Vec<(String, Span)>> {
        let v = self.get(key)?;
        let DeValue::Array(a) = v.get_ref() else {
            cx.type_error(&self.what, key, "a list of strings", v);
            return None;
        };
        let mut out = Vec::new();
        for e in a.iter() {
            match e.get_ref() {
                DeValue::String(s) => out.push((s.to_string(), e.span())),
                _ => cx.type_error(&self.what, key, "a list of strings", e),
            }
        }
        Some(out)
    }

    /// A sub-table (`[claim.ratings]` or an inline table), named `what` in messages.
    pub(super) fn opt_table(
        &self,
        cx: &mut FileCx<'_>,
        key: &str,
        what: &str,
    ) -> Option<Tbl<'t, 'i>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Tbl::new(t, v.span(), what)),
            _ => {
                cx.type_error(&self.what, key, "a table", v);
                None
            }
        }
    }

    /// An array of tables (`[[scenario.indicator]]`); each with its header span.
    pub(super) fn array_of_tables(
        &self,
        cx: &mut FileCx<'_>,
        key: &str,
        what: &str,
    ) -> Vec<Tbl<'t, 'i>> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        tables_in(cx, v, key, what)
    }
}

/// The tables of an array of tables, reporting non-table items.
/// A TOML float, or a decimal integer, as an f64.
pub(super) fn number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        DeValue::Integer(i) if i.radix() == 10 => i
            .as_str()
            .replace('_', "")
            .parse::<i64>()
            .ok()
            .map(|n| n as f64),
        _ => None,
    }
}

pub(super) fn tables_in<'t, 'i>(
    cx: &mut FileCx<'_>,
    v: &'t Val<'i>,
    key: &str,
    what: &str,
) -> Vec<Tbl<'t, 'i>> {
    match v.get_ref() {
        DeValue::Array(a) => a
            .iter()
            .filter_map(|e| match e.get_ref() {
                DeValue::Table(t) => Some(Tbl::new(t, e.span(), what)),
                _ => {
                    cx.type_error(what, key, "a table", e);
                    None
                }
            })
            .collect(),
        DeValue::Table(t) => {
            let d = cx.err(
                Code::E003,
                v.span(),
                format!("`{key}` must be an array of tables: write `{what}`"),
            );
            d.label = Some(format!("written as a single table; use {what}"));
            let _ = t;
            Vec::new()
        }
        _ => {
            cx.type_error("the file", key, &format!("an array of tables ({what})"), v);
            Vec::new()
        }
    }
}

/// Read a date written as a TOML date or as a `"YYYY-MM-DD"` string.
pub(super) fn date_value(
    cx: &mut FileCx<'_>,
    what: &str,
    key: &str,
    v: &Val<'_>,
) -> Option<NaiveDate> {
    match v.get_ref() {
        DeValue::Datetime(dt) => match (dt.date, dt.time) {
            (Some(d), None) => {
                let out = NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32);
                if out.is_none() {
                    cx.err(
                        Code::E009,
                        v.span(),
                        format!("`{key}` in {what} is not a calendar date"),
                    );
                }
                out
            }
            _ => {
                let d = cx.err(
                    Code::E009,
                    v.span(),
                    format!("`{key}` in {what} must be a date, not a date-time or time"),
                );
                d.label = Some("write the day only, e.g. 2022-01-05".into());
                None
            }
        },
        DeValue::String(s) => match crate::model::parse_date(s.trim()) {
            Ok(d) => Some(d),
            Err(e) => {
                let d = cx.err(
                    Code::E009,
                    v.span(),
                    format!("`{key}` in {what} is not a valid date: \"{s}\""),
                );
                // Right shape, impossible day (2022-02-30): say so, not the format.
                d.label = Some(e.to_string());
                if e == crate::model::DateError::Shape {
                    d.label = Some("expected YYYY-MM-DD".into());
                    d.help =
                        Some("write a TOML date (2022-01-05) or a string (\"2022-01-05\")".into());
                }
                None
            }
        },
        _ => {
            cx.type_error(what, key, "a date", v);
            None
        }
    }
}
