//! clap's errors, said in French.

use clap::error::{ContextKind, ErrorKind};

use super::{SUCCESS, USAGE};

/// Prints a usage error (or the help it stands for) and gives the exit status.
pub fn report(error: &clap::Error) -> u8 {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            return SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            let _ = error.print();
            return USAGE;
        }
        _ => {}
    }
    let context = |kind: ContextKind| error.get(kind).map(ToString::to_string).unwrap_or_default();
    let message = match error.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue : {}",
            context(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::UnknownArgument => {
            format!("option inconnue : {}", context(ContextKind::InvalidArg))
        }
        ErrorKind::MissingRequiredArgument => {
            format!(
                "argument obligatoire manquant : {}",
                context(ContextKind::InvalidArg)
            )
        }
        ErrorKind::InvalidValue => format!(
            "valeur « {} » invalide pour {} (valeurs possibles : {})",
            context(ContextKind::InvalidValue),
            context(ContextKind::InvalidArg),
            context(ContextKind::ValidValue)
        ),
        ErrorKind::NoEquals | ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!(
                "valeur incorrecte pour {}",
                context(ContextKind::InvalidArg)
            )
        }
        ErrorKind::ArgumentConflict => format!(
            "les options {} et {} ne vont pas ensemble",
            context(ContextKind::InvalidArg),
            context(ContextKind::PriorArg)
        ),
        _ => "ligne de commande incorrecte".to_string(),
    };
    let suggestion = match context(ContextKind::SuggestedArg) {
        s if s.is_empty() => context(ContextKind::SuggestedSubcommand),
        s => s,
    };
    let hint = if suggestion.is_empty() {
        String::new()
    } else {
        format!("\nvouliez-vous dire « {suggestion} » ?")
    };
    eprintln!("erreur : {message}{hint}\n\nPour l'aide : tarif --help");
    USAGE
}
