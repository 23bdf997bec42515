//! The registry of analytic warnings: stable codes, what each is about, and
//! where it can be silenced. Documented in docs/checks.md.

/// Where a warning points, and so where it is silenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `silence = { … }` in a `[[claim]]`.
    Claim,
    /// `silence = { … }` in a `[[scenario]]`.
    Scenario,
    /// `silence = { … }` in a `[[scenario.indicator]]`.
    Indicator,
    /// `silence = { … }` at the top of `kzclaims.toml`.
    Workspace,
}

impl Level {
    /// The table a silence for this level goes in.
    pub fn table(self) -> &'static str {
        match self {
            Level::Claim => "[[claim]]",
            Level::Scenario => "[[scenario]]",
            Level::Indicator => "[[scenario.indicator]]",
            Level::Workspace => "kzclaims.toml (top level)",
        }
    }
}

/// One warning kind.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    pub code: &'static str,
    pub level: Level,
    pub summary: &'static str,
}

/// Every analytic warning kzclaims emits.
pub const CODES: &[Code] = &[
    Code {
        code: "K101",
        level: Level::Claim,
        summary: "claim is not diagnostic",
    },
    Code {
        code: "K102",
        level: Level::Claim,
        summary: "claim has no citation url",
    },
    Code {
        code: "K103",
        level: Level::Scenario,
        summary: "leading scenario contradicted by no claim",
    },
    Code {
        code: "K104",
        level: Level::Claim,
        summary: "single-source claim carries high weight",
    },
    Code {
        code: "K105",
        level: Level::Claim,
        summary: "circular reporting: sources share an origin",
    },
    Code {
        code: "K106",
        level: Level::Claim,
        summary: "interested party rated in its own scenario's favour",
    },
    Code {
        code: "K107",
        level: Level::Scenario,
        summary: "scenario has no indicator",
    },
    Code {
        code: "K108",
        level: Level::Workspace,
        summary: "likelihood word in the memo disagrees with its number",
    },
    Code {
        code: "K109",
        level: Level::Indicator,
        summary: "indicator is not diagnostic",
    },
    Code {
        code: "K110",
        level: Level::Claim,
        summary: "claim also documents an indicator observation: counted twice",
    },
    Code {
        code: "K111",
        level: Level::Claim,
        summary: "one group of claims carries most of the leader's margin",
    },
    Code {
        code: "K112",
        level: Level::Claim,
        summary: "revision changes the statement but keeps an earlier citation url",
    },
    Code {
        code: "K113",
        level: Level::Claim,
        summary: "claim or revision counts from a source published after its date",
    },
];

/// Error: a git merge conflict left in a workspace file (`<<<<<<<`,
/// `=======`, `>>>>>>>` at line starts), reported at its first line instead
/// of a TOML syntax error (docs/checks.md, docs/collaboration.md).
pub const CONFLICT_MARKERS: &str = "E022";

/// Look a code up.
pub fn find(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_ordered() {
        let codes: Vec<&str> = CODES.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        assert_eq!(find("K103").unwrap().level, Level::Scenario);
        assert!(find("K999").is_none());
    }
}
