//! `kzclaims schema [--out DIR]`: the JSON Schemas of kzclaims.toml, scenario
//! files and claim files, for editors (src/load/schema.rs).

use super::{emit, CmdResult, Failure};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub(super) struct Args {
    /// Write kzclaims.schema.json, scenarios.schema.json and
    /// claims.schema.json into this folder (default: print them as one JSON
    /// object keyed by file name)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub(super) fn run(args: &Args) -> CmdResult {
    let schemas = crate::load::schema::schemas();
    let Some(dir) = &args.out else {
        let mut all = serde_json::Map::new();
        for (name, text) in &schemas {
            all.insert(
                name.to_string(),
                serde_json::from_str(text).expect("schemas are JSON"),
            );
        }
        return emit(None, &super::json_text(&all));
    };
    super::out::folder(dir)?;
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", dir.display())))?;
    for (name, text) in schemas {
        let p = dir.join(name);
        super::write_out(&p, text.as_bytes())?;
    }
    Ok(())
}
