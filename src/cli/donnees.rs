//! `tarif données` (alias `datapass`): what to ask DataPass for, and why.

use super::files;
use super::{DonneesArgs, Format, SUCCESS};

pub fn run(args: &DonneesArgs) -> u8 {
    let document = match files::document(&args.file) {
        Ok(document) => document,
        Err(status) => return status,
    };
    let request = tarif::datapass::request(&document.deliberation);
    let text = match args.format {
        Format::Texte => tarif::report::datapass::to_text(&document, &request),
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&tarif::report::datapass::to_json(&document, &request))
                .unwrap_or_default()
        ),
    };
    if let Err(status) = super::print_out(&text) {
        return status;
    }
    SUCCESS
}
