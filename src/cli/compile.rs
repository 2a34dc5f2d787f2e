//! `tarif compile`: the checked deliberation as a self-contained JSON document.

use super::files;
use super::{SUCCESS, USAGE};

pub fn run(args: &super::CompileArgs) -> u8 {
    let document = match files::document(&args.file) {
        Ok(document) => document,
        Err(status) => return status,
    };
    let mut json = document.to_json();
    json.push('\n');
    if args.sortie == "-" {
        if let Err(status) = super::print_out(&json) {
            return status;
        }
        return SUCCESS;
    }
    match std::fs::write(&args.sortie, json) {
        Ok(()) => {
            eprintln!("{} → {}", args.file.display(), args.sortie);
            SUCCESS
        }
        Err(e) => {
            eprintln!("erreur : écriture de {} impossible ({e})", args.sortie);
            USAGE
        }
    }
}
