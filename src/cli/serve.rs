//! `tarif serve`: the HTTP service, on a folder of deliberations.

use super::{FAILURE, ServeArgs, USAGE};

pub fn run(args: &ServeArgs) -> u8 {
    let Ok(address) = args.adresse.parse::<std::net::SocketAddr>() else {
        eprintln!(
            "erreur : l'adresse « {} » ne se lit pas (par exemple 127.0.0.1:8080)",
            args.adresse
        );
        return USAGE;
    };
    let journal = match args.journal.as_str() {
        "texte" => tarif::server::Journal::Texte,
        "json" => tarif::server::Journal::Json,
        "aucun" => tarif::server::Journal::Aucun,
        other => {
            eprintln!("erreur : journal « {other} » inconnu (texte, json ou aucun)");
            return USAGE;
        }
    };
    if !args.dossier.is_dir() {
        eprintln!(
            "erreur : {} n'est pas un dossier de délibérations",
            args.dossier.display()
        );
        return USAGE;
    }
    let folder = args.dossier.display().to_string();
    let limits = args.limites.limits();
    let result = tarif::server::serve(&args.dossier, address, journal, limits, |bound| {
        // The first line of the standard output: scripts and tests read the port there.
        println!("tarif sert {folder} sur http://{bound}");
    });
    match result {
        Ok(()) => super::SUCCESS,
        Err(message) => {
            eprintln!("erreur : {message}");
            FAILURE
        }
    }
}
