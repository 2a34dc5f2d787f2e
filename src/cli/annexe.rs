//! `tarif annexe`: the annexe tarifaire of a deliberation, as one HTML page.

use super::files;
use super::{SUCCESS, USAGE};

pub fn run(args: &super::AnnexeArgs) -> u8 {
    let source = match files::read(&args.file) {
        Ok(source) => source,
        Err(e) => {
            eprintln!("erreur : {e}");
            return USAGE;
        }
    };
    if source.trim_start().starts_with('{') {
        eprintln!(
            "erreur : {} est un document compilé : l'annexe se fait à partir du texte de la délibération (.delib)",
            args.file.display()
        );
        return USAGE;
    }
    let document = match files::document(&args.file) {
        Ok(document) => document,
        Err(status) => return status,
    };
    let html = tarif::annexe::to_html(&document, &source);
    let written = super::write_out(args.sortie.as_deref(), html.as_bytes());
    match written {
        Ok(()) => SUCCESS,
        Err(status) => status,
    }
}
