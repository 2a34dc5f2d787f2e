//! The command line: clap in French, files, exit codes. The only place that does IO.

mod annexe;
mod batch;
mod check;
mod compile;
mod courbe;
mod donnees;
mod eval;
mod facture;
mod families;
mod files;
mod fmt;
#[cfg(feature = "langage")]
mod lsp;
#[cfg(feature = "serveur")]
mod serve;
mod simuler;
mod tableur;
mod test;
mod usage;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exit status: every file is clean (warnings allowed).
pub const SUCCESS: u8 = 0;
/// Exit status: a deliberation has an error.
pub const FAILURE: u8 = 1;
/// Exit status: the command line or a file could not be used.
pub const USAGE: u8 = 2;

const TEMPLATE: &str = "\
{about}

Utilisation : {usage}

{all-args}{after-help}";

const SUBCOMMAND_TEMPLATE: &str = "\
{about}

Utilisation : {usage}

{all-args}
";

#[derive(Debug, Parser)]
#[command(
    name = "tarif",
    version,
    about = "Compilateur des délibérations tarifaires : vérifie les grilles, calcule et justifie les tarifs.",
    help_template = TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE",
    after_help = "Codes de sortie : 0 si tout va bien ; 1 si une délibération a une erreur, si un exemple échoue ou si une famille ne peut pas être tarifée ; 2 pour une erreur d'utilisation ou de fichier."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, help = "Affiche cette aide", global = true, help_heading = "Options")]
    help: Option<bool>,
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version, help = "Affiche la version", help_heading = "Options")]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Vérifie des délibérations et signale chaque trou, chevauchement ou incohérence (alias : vérifier)
    #[command(alias = "vérifier", alias = "verifier", help_template = SUBCOMMAND_TEMPLATE)]
    Check(CheckArgs),
    /// Met en page des délibérations : marges, grilles alignées, sans rien changer à ce qu'elles disent (alias : formater)
    #[command(alias = "formater", help_template = SUBCOMMAND_TEMPLATE)]
    Fmt(FmtArgs),
    /// Serveur de langage pour les éditeurs (VS Code…) : diagnostics, survol, définitions, mise en page, complétion
    #[cfg(feature = "langage")]
    #[command(help_template = SUBCOMMAND_TEMPLATE)]
    Lsp,
    /// Calcule les tarifs d'une famille et les justifie, article par article (alias : évaluer)
    #[command(alias = "évaluer", alias = "evaluer", help_template = SUBCOMMAND_TEMPLATE)]
    Eval(EvalArgs),
    /// La facture du mois d'une famille : ses jours réservés, présents, annulés, justifiés, lus selon le règlement de facturation, chaque ligne justifiée (alias : invoice)
    #[command(alias = "invoice", help_template = SUBCOMMAND_TEMPLATE)]
    Facture(FactureArgs),
    /// Lance les exemples des délibérations et dit ce qu'ils ne couvrent pas (alias : tester)
    #[command(alias = "tester", help_template = SUBCOMMAND_TEMPLATE)]
    Test(TestArgs),
    /// Dit quelles données demander à DataPass (portées, articles qui les justifient) (alias : datapass)
    #[command(name = "données", alias = "donnees", alias = "datapass", help_template = SUBCOMMAND_TEMPLATE)]
    Donnees(DonneesArgs),
    /// Tarifie toutes les familles d'un fichier CSV ou JSON Lines, une ligne de résultat par ligne (alias : lot)
    #[command(alias = "lot", help_template = SUBCOMMAND_TEMPLATE)]
    Batch(BatchArgs),
    /// Ce qu'une grille rapporte et ce qu'elle change pour une population de familles : recette, prix moyen et médian, par tranche ; avec --avant, hausses et baisses (alias : simulate)
    #[command(alias = "simulate", help_template = SUBCOMMAND_TEMPLATE)]
    Simuler(SimulerArgs),
    /// Dessine le prix d'un tarif selon une entrée (le QF) : les marches de la grille, les sauts aux bornes, le taux d'effort (alias : curve)
    #[command(alias = "curve", help_template = SUBCOMMAND_TEMPLATE)]
    Courbe(CourbeArgs),
    /// Écrit l'annexe tarifaire que vote le conseil : une page HTML autonome, grilles, modificateurs, courbes, cas types, empreinte
    #[command(help_template = SUBCOMMAND_TEMPLATE)]
    Annexe(AnnexeArgs),
    /// Lit une grille d'un tableur (xlsx, xls, ods, csv) et écrit le squelette de la délibération, vérifié, chaque diagnostic à sa case (alias : import)
    #[command(alias = "import", help_template = SUBCOMMAND_TEMPLATE)]
    Importer(ImporterArgs),
    /// Écrit la délibération vérifiée en un document JSON autonome (alias : compiler)
    #[command(alias = "compiler", help_template = SUBCOMMAND_TEMPLATE)]
    Compile(CompileArgs),
    /// Sert les délibérations d'un dossier aux portails, en HTTP (alias : servir)
    #[cfg(feature = "serveur")]
    #[command(alias = "servir", help_template = SUBCOMMAND_TEMPLATE)]
    Serve(ServeArgs),
}

#[cfg(feature = "serveur")]
#[derive(Debug, Args)]
struct ServeArgs {
    /// Dossier des délibérations : chaque fichier en est une, chaque sous-dossier un service et ses versions successives
    #[arg(value_name = "DOSSIER", help_heading = "Arguments")]
    dossier: std::path::PathBuf,
    /// Adresse d'écoute (port 0 : un port libre, annoncé au démarrage)
    #[arg(
        long,
        value_name = "ADRESSE",
        default_value = "127.0.0.1:8080",
        help_heading = "Options"
    )]
    adresse: String,
    /// Journal des accès sur la sortie d'erreur : texte (par défaut), json (collecteurs de journaux) ou aucun
    #[arg(
        long,
        value_name = "FORMAT",
        default_value = "texte",
        help_heading = "Options"
    )]
    journal: String,
    #[command(flatten)]
    limites: ServeLimits,
}

/// What one client may hold of the service (docs/exploitation.md). Sizes: 512Kio,
/// 10Mio, 1Gio; durations: 500ms, 30s, 2min.
#[cfg(feature = "serveur")]
#[derive(Debug, Args)]
#[command(next_help_heading = "Limites")]
struct ServeLimits {
    /// Taille maximale d'une famille ou d'un texte à vérifier
    #[arg(long, value_name = "TAILLE", default_value = "1Mio", value_parser = size)]
    corps_max: u64,
    /// Taille maximale d'un lot (POST …/lots), reçu dans un fichier temporaire
    #[arg(long, value_name = "TAILLE", default_value = "256Mio", value_parser = size)]
    lot_max: u64,
    /// Taille maximale d'une ligne (une famille) d'un lot
    #[arg(long, value_name = "TAILLE", default_value = "1Mio", value_parser = size)]
    ligne_max: u64,
    /// Durée maximale d'une requête (hors lots) ; au-delà : 408
    #[arg(long, value_name = "DURÉE", default_value = "60s", value_parser = duration)]
    delai: std::time::Duration,
    /// Durée maximale d'un lot, de son premier octet à sa dernière ligne
    #[arg(long, value_name = "DURÉE", default_value = "10min", value_parser = duration)]
    delai_lot: std::time::Duration,
    /// Lots tarifés en même temps ; au-delà, 503 après 2 s d'attente
    #[arg(long, value_name = "N", default_value_t = 8)]
    lots_simultanes: usize,
    /// Vérifications (POST /v1/verifier) en même temps ; au-delà, 503 après 2 s d'attente
    #[arg(long, value_name = "N", default_value_t = 8)]
    verifications_simultanees: usize,
    /// Mémoire des corps de requêtes reçus en même temps ; au-delà, 503 après 2 s d'attente
    #[arg(long, value_name = "TAILLE", default_value = "64Mio", value_parser = size)]
    memoire_corps: u64,
    /// Délai pour envoyer les en-têtes d'une requête ; aussi la durée de vie d'une connexion inactive
    #[arg(long, value_name = "DURÉE", default_value = "10s", value_parser = duration)]
    delai_entetes: std::time::Duration,
    /// Délai au-delà duquel un client qui ne lit plus sa réponse (un lot) est coupé
    #[arg(long, value_name = "DURÉE", default_value = "30s", value_parser = duration)]
    delai_ecriture: std::time::Duration,
    /// Après SIGTERM, délai laissé aux requêtes en cours avant l'arrêt
    #[arg(long, value_name = "DURÉE", default_value = "10s", value_parser = duration)]
    delai_arret: std::time::Duration,
    /// Connexions ouvertes en même temps (par défaut : sous la limite de fichiers ouverts)
    #[arg(long, value_name = "N")]
    connexions_max: Option<usize>,
}

#[cfg(feature = "serveur")]
fn size(text: &str) -> Result<u64, String> {
    tarif::server::limits::parse_size(text)
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("« {text} » n'est pas une taille (par exemple 512Kio, 10Mio, 1Gio)"))
}

#[cfg(feature = "serveur")]
fn duration(text: &str) -> Result<std::time::Duration, String> {
    tarif::server::limits::parse_duration(text)
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("« {text} » n'est pas une durée (par exemple 500ms, 30s, 2min)"))
}

#[cfg(feature = "serveur")]
impl ServeLimits {
    fn limits(&self) -> tarif::server::Limits {
        let bytes = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        tarif::server::Limits {
            body: bytes(self.corps_max),
            lots_body: self.lot_max,
            lots_line: bytes(self.ligne_max),
            timeout: self.delai,
            lots_timeout: self.delai_lot,
            lots_at_once: self.lots_simultanes.max(1),
            verify_at_once: self.verifications_simultanees.max(1),
            bodies_memory: bytes(self.memoire_corps),
            headers_timeout: self.delai_entetes,
            write_timeout: self.delai_ecriture,
            drain: self.delai_arret,
            connections: self.connexions_max,
        }
    }
}

#[derive(Debug, Args)]
struct EvalArgs {
    /// Délibération (.delib) ou document compilé (.json)
    #[arg(value_name = "FICHIER", help_heading = "Arguments")]
    file: std::path::PathBuf,
    /// Fichier JSON de la famille, ou « - » pour l'entrée standard
    #[arg(long, value_name = "CHEMIN", help_heading = "Options")]
    famille: String,
    /// Date du service (AAAA-MM-JJ ou JJ/MM/AAAA) si la famille n'en donne pas ; sinon aujourd'hui
    #[arg(long, value_name = "DATE", help_heading = "Options")]
    date: Option<String>,
    /// Tarif à calculer (répétable) ; par défaut tous
    #[arg(long = "tarif", value_name = "NOM", help_heading = "Options")]
    tarifs: Vec<String>,
    /// Format de sortie : texte (par défaut, justification en français) ou json (contrat des portails)
    #[arg(
        long,
        value_enum,
        default_value = "texte",
        hide_possible_values = true,
        hide_default_value = true,
        help_heading = "Options"
    )]
    format: Format,
}

#[derive(Debug, Args)]
struct FactureArgs {
    /// Délibération (.delib) ou document compilé (.json), avec son règlement de facturation
    #[arg(value_name = "FICHIER", help_heading = "Arguments")]
    file: std::path::PathBuf,
    /// Fichier JSON de la famille (comme pour tarif eval, enfants compris), ou « - » pour l'entrée standard
    #[arg(
        long,
        value_name = "CHEMIN",
        help_heading = "Options",
        required_unless_present = "familles",
        conflicts_with = "familles"
    )]
    famille: Option<String>,
    /// Toutes les familles du mois (JSON Lines, ou CSV comme pour tarif batch, chacune avec son « id ») : une facture par famille, les jours rattachés par leur colonne « famille »
    #[arg(long, value_name = "CHEMIN", help_heading = "Options")]
    familles: Option<String>,
    /// Fichier des factures d'un lot (.jsonl ou .csv selon l'extension) ; par défaut la sortie standard
    #[arg(
        long,
        value_name = "CHEMIN",
        help_heading = "Options",
        requires = "familles"
    )]
    sortie: Option<std::path::PathBuf>,
    /// Lot : les lignes sans leur justification (chacune garde l'article et la ligne de sa règle)
    #[arg(long, help_heading = "Options", requires = "familles")]
    sans_justification: bool,
    /// Les jours du mois, un par enfant et par service : JSON Lines ou CSV (date, famille, enfant, service, état, réservé_le, annulé_le, présent, justificatif_le, arrivée, départ)
    #[arg(long, value_name = "CHEMIN", help_heading = "Options")]
    presences: String,
    /// Le mois facturé : 2025-10 ou 10/2025
    #[arg(long, value_name = "MOIS", help_heading = "Options")]
    mois: String,
    /// Format de sortie : texte (par défaut, en français), json (portails) ou csv (tableur)
    #[arg(
        long,
        value_enum,
        default_value = "texte",
        hide_possible_values = true,
        hide_default_value = true,
        help_heading = "Options"
    )]
    format: FactureFormat,
}

/// How an invoice is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FactureFormat {
    /// Pour les familles et les services : en français
    Texte,
    /// Pour les portails
    Json,
    /// Pour les tableurs (« ; », virgule décimale)
    Csv,
}

/// The options of a families' file that Excel wrote, and of results Excel opens
/// (`tarif batch`, `tarif simuler`).
#[derive(Debug, Clone, Args)]
struct Tableur {
    /// Encodage du fichier des familles : utf-8 ou windows-1252 (Excel) ; par défaut reconnu
    #[arg(long, value_name = "ENCODAGE", help_heading = "Options")]
    encodage: Option<String>,
    /// La feuille d'un classeur de familles (.xlsx, .ods) ; par défaut la première
    #[arg(long, value_name = "NOM", help_heading = "Options")]
    feuille: Option<String>,
    /// Résultats CSV comme Excel les lit (« ; », virgule décimale, fin de ligne CRLF, marque UTF-8) ; automatique quand les familles viennent d'Excel
    #[arg(long, help_heading = "Options")]
    excel: bool,
}

#[derive(Debug, Clone, Args)]
struct BatchArgs {
    /// Délibération (.delib) ou document compilé (.json)
    #[arg(value_name = "FICHIER", help_heading = "Arguments")]
    file: std::path::PathBuf,
    /// Familles : CSV (en-tête = noms des entrées, colonnes id et date facultatives, séparateur ; , ou tabulation), JSON Lines, ou classeur .xlsx/.ods (première feuille) ; « - » pour l'entrée standard
    #[arg(long, value_name = "FAMILLES", help_heading = "Options")]
    entree: String,
    #[command(flatten)]
    tableur: Tableur,
    /// Résultats : .csv ou .jsonl selon l'extension ; « - » pour la sortie standard
    #[arg(long, value_name = "RESULTATS", help_heading = "Options")]
    sortie: String,
    /// Date du service des lignes sans colonne date (AAAA-MM-JJ) ; sinon aujourd'hui
    #[arg(long, value_name = "DATE", help_heading = "Options")]
    date: Option<String>,
    /// Joindre la justification à chaque résultat (sortie JSON Lines)
    #[arg(long, help_heading = "Options")]
    justification: bool,
    /// Tarif à calculer (répétable) ; par défaut tous
    #[arg(long = "tarif", value_name = "NOM", help_heading = "Options")]
    tarifs: Vec<String>,
}

#[derive(Debug, Args)]
struct ImporterArgs {
    /// Le tableur : .xlsx, .xls, .ods (Excel, LibreOffice) ou .csv
    #[arg(value_name = "GRILLE", help_heading = "Arguments")]
    file: std::path::PathBuf,
    /// La feuille à lire ; par défaut toutes
    #[arg(long, value_name = "NOM", help_heading = "Options")]
    feuille: Option<String>,
    /// Fichier écrit (grille.delib) ; sans lui, la sortie standard
    #[arg(
        short = 'o',
        long = "sortie",
        value_name = "FICHIER",
        help_heading = "Options"
    )]
    sortie: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
struct AnnexeArgs {
    /// La délibération (.delib)
    #[arg(value_name = "FICHIER", help_heading = "Arguments")]
    file: std::path::PathBuf,
    /// Fichier écrit (annexe.html) ; sans lui, la sortie standard
    #[arg(
        short = 'o',
        long = "sortie",
        value_name = "FICHIER",
        help_heading = "Options"
    )]
    sortie: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
struct CourbeArgs {
    /// Délibération (.delib) ou document compilé (.json)
    #[arg(value_name = "FICHIER", help_heading = "Arguments")]
    file: std::path::PathBuf,
    /// Le tarif dessiné ; par défaut le premier
    #[arg(long, value_name = "NOM", help_heading = "Options")]
    tarif: Option<String>,
    /// La famille de base (JSON, comme pour tarif eval) : ses autres entrées ; sans elle, les valeurs par défaut
    #[arg(long, value_name = "FAMILLE", help_heading = "Options")]
    famille: Option<String>,
    /// L'entrée en abscisse (nombre ou montant) ; par défaut le quotient familial, sinon la première entrée numérique
    #[arg(long, value_name = "ENTREE", help_heading = "Options")]
    selon: Option<String>,
    /// Début de l'abscisse
    #[arg(
        long,
        value_name = "VALEUR",
        default_value = "0",
        help_heading = "Options"
    )]
    de: String,
    /// Fin de l'abscisse
    #[arg(
        long,
        value_name = "VALEUR",
        default_value = "3000",
        help_heading = "Options"
    )]
    a: String,
    /// Une courbe par valeur de cette entrée (choix ou booléen), par exemple résidence
    #[arg(long, value_name = "ENTREE", help_heading = "Options")]
    par: Option<String>,
    /// Le prix en part de l'abscisse (taux d'effort effectif) au lieu du prix
    #[arg(long, help_heading = "Options")]
    effort: bool,
    /// Date du service (AAAA-MM-JJ) ; par défaut celle de la famille, sinon le début de la période
    #[arg(long, value_name = "DATE", help_heading = "Options")]
    date: Option<String>,
    /// Format : svg (par défaut), png ou csv (les points où le prix change, et les bouts) ; sinon d'après l'extension de -o
    #[arg(long, value_name = "FORMAT", help_heading = "Options")]
    format: Option<String>,
    /// Fichier écrit (courbe.svg, points.csv) ; sans lui, la sortie standard
    #[arg(
        short = 'o',
        long = "sortie",
        value_name = "FICHIER",
        help_heading = "Options"
    )]
    sortie: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
struct SimulerArgs {
    /// La délibération simulée (.delib ou document compilé .json)
    #[arg(value_name = "FICHIER", help_heading = "Arguments")]
    file: std::path::PathBuf,
    /// Familles : CSV ou JSON Lines, comme pour tarif batch ; « - » pour l'entrée standard
    #[arg(long, value_name = "FAMILLES", help_heading = "Options")]
    familles: String,
    /// La délibération en vigueur, à comparer : variation de chaque famille, hausses, baisses
    #[arg(long, value_name = "ANCIENNE", help_heading = "Options")]
    avant: Option<std::path::PathBuf>,
    /// Date du service des lignes sans colonne date (AAAA-MM-JJ) ; par défaut le début de la période de FICHIER
    #[arg(long, value_name = "DATE", help_heading = "Options")]
    date: Option<String>,
    /// Colonne des quantités (repas par an, heures…) : la recette est prix × quantité ; 1 sans elle
    #[arg(long, value_name = "COLONNE", help_heading = "Options")]
    quantite: Option<String>,
    /// Format : texte (par défaut, un rapport en français), json, csv (une ligne par tarif et par tranche) ou xlsx (un classeur, avec --sortie)
    #[arg(
        long,
        value_name = "FORMAT",
        default_value = "texte",
        help_heading = "Options"
    )]
    format: String,
    /// Tarif à simuler (répétable) ; par défaut tous
    #[arg(long = "tarif", value_name = "NOM", help_heading = "Options")]
    tarifs: Vec<String>,
    #[command(flatten)]
    tableur: Tableur,
    /// Fichier écrit (simulation.csv, simulation.xlsx : un classeur, une feuille par partie) ; sans lui, la sortie standard
    #[arg(
        short = 'o',
        long = "sortie",
        value_name = "FICHIER",
        help_heading = "Options"
    )]
    sortie: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
struct TestArgs {
    /// Délibérations (.delib ou .json compilé) ou dossiers
    #[arg(value_name = "FICHIER", required = true, help_heading = "Arguments")]
    files: Vec<std::path::PathBuf>,
}

#[derive(Debug, Args)]
struct DonneesArgs {
    /// Délibération (.delib) ou document compilé (.json)
    #[arg(value_name = "FICHIER", help_heading = "Arguments")]
    file: std::path::PathBuf,
    /// Format de sortie : texte (par défaut) ou json (pour pré-remplir le formulaire)
    #[arg(
        long,
        value_enum,
        default_value = "texte",
        hide_possible_values = true,
        hide_default_value = true,
        help_heading = "Options"
    )]
    format: Format,
}

#[derive(Debug, Args)]
struct CompileArgs {
    /// Délibération à compiler
    #[arg(value_name = "FICHIER", help_heading = "Arguments")]
    file: std::path::PathBuf,
    /// Fichier JSON à écrire (« - » pour la sortie standard)
    #[arg(
        short = 'o',
        long = "sortie",
        value_name = "SORTIE",
        help_heading = "Options"
    )]
    sortie: String,
}

#[derive(Debug, Args)]
struct FmtArgs {
    /// Fichiers .delib ou dossiers (tous les .delib qu'ils contiennent) ; « - » : l'entrée standard, mise en page sur la sortie standard
    #[arg(value_name = "FICHIER", required = true, help_heading = "Arguments")]
    files: Vec<std::path::PathBuf>,
    /// N'écrit rien : dit les fichiers à mettre en page, et sort en erreur (1) s'il y en a
    #[arg(long, alias = "verifier", help_heading = "Options")]
    check: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Fichiers .delib ou dossiers (tous les .delib qu'ils contiennent)
    #[arg(value_name = "FICHIER", required = true, help_heading = "Arguments")]
    files: Vec<std::path::PathBuf>,
    /// Format de sortie : texte (par défaut, pour les personnes) ou json (pour les programmes et les éditeurs)
    #[arg(
        long,
        value_enum,
        default_value = "texte",
        hide_possible_values = true,
        hide_default_value = true,
        help_heading = "Options"
    )]
    format: Format,
    /// Couleurs : auto (par défaut, si le terminal les affiche), toujours ou jamais
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        hide_possible_values = true,
        hide_default_value = true,
        help_heading = "Options"
    )]
    couleur: ColorChoice,
}

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Pour les personnes : extraits du fichier, en français
    Texte,
    /// Pour les programmes et les éditeurs
    Json,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Toujours,
    Jamais,
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return ExitCode::from(usage::report(&error)),
    };
    let status = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        #[cfg(feature = "langage")]
        Command::Lsp => lsp::run(),
        Command::Eval(args) => eval::run(&args),
        Command::Facture(args) => facture::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Compile(args) => compile::run(&args),
        Command::Donnees(args) => donnees::run(&args),
        Command::Batch(args) => batch::run(&args),
        Command::Simuler(args) => simuler::run(&args),
        Command::Courbe(args) => courbe::run(&args),
        Command::Annexe(args) => annexe::run(&args),
        Command::Importer(args) => tableur::run(&args),
        #[cfg(feature = "serveur")]
        Command::Serve(args) => serve::run(&args),
    };
    ExitCode::from(status)
}

/// A system error in French (the standard library says them in English).
pub(crate) fn io_french(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "fichier ou dossier introuvable".to_string(),
        K::PermissionDenied => "permission refusée".to_string(),
        K::IsADirectory => "c'est un dossier, pas un fichier".to_string(),
        K::NotADirectory => "un élément du chemin n'est pas un dossier".to_string(),
        K::StorageFull => "disque plein".to_string(),
        K::ReadOnlyFilesystem => "système de fichiers en lecture seule".to_string(),
        K::AlreadyExists => "le fichier existe déjà".to_string(),
        K::BrokenPipe => "la sortie a été fermée".to_string(),
        K::InvalidData => "données illisibles (encodage ?)".to_string(),
        K::UnexpectedEof => "fin de fichier inattendue".to_string(),
        K::Interrupted => "opération interrompue".to_string(),
        K::WouldBlock | K::TimedOut => "délai dépassé".to_string(),
        _ => match e.raw_os_error() {
            Some(code) => format!("erreur du système n° {code}"),
            None => "erreur d'entrée-sortie".to_string(),
        },
    }
}

/// Writes `text` to the standard output and flushes it; a failure (a full disk, a
/// closed pipe) is reported, and the command must not end with success.
/// Writes `text` to the file `path`, or to standard output without one; the error is
/// printed, and the exit status returned.
pub(crate) fn write_out(path: Option<&std::path::Path>, bytes: &[u8]) -> Result<(), u8> {
    let mut out = Output::create(path)?;
    out.write(bytes);
    out.finish()
}

/// An output written as it is made (a file, or standard output for `None`): the first
/// error is kept and told once, at the end.
pub(crate) struct Output {
    sink: std::io::BufWriter<Box<dyn std::io::Write + Send>>,
    path: Option<std::path::PathBuf>,
    error: Option<std::io::Error>,
}

impl Output {
    pub(crate) fn create(path: Option<&std::path::Path>) -> Result<Output, u8> {
        let sink: Box<dyn std::io::Write + Send> = match path {
            Some(path) => match std::fs::File::create(path) {
                Ok(file) => Box::new(file),
                Err(e) => {
                    eprintln!(
                        "erreur : {} : écriture impossible ({})",
                        path.display(),
                        io_french(&e)
                    );
                    return Err(USAGE);
                }
            },
            None => Box::new(std::io::stdout()),
        };
        Ok(Output {
            sink: std::io::BufWriter::with_capacity(1 << 20, sink),
            path: path.map(std::path::Path::to_path_buf),
            error: None,
        })
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        if self.error.is_none()
            && let Err(e) = std::io::Write::write_all(&mut self.sink, bytes)
        {
            self.error = Some(e);
        }
    }

    pub(crate) fn finish(mut self) -> Result<(), u8> {
        let flushed = std::io::Write::flush(&mut self.sink);
        match self.error.take().map_or(flushed, Err) {
            Ok(()) => Ok(()),
            Err(e) => {
                match &self.path {
                    Some(path) => eprintln!(
                        "erreur : {} : écriture impossible ({})",
                        path.display(),
                        io_french(&e)
                    ),
                    None => eprintln!(
                        "erreur : écriture sur la sortie standard impossible ({})",
                        io_french(&e)
                    ),
                }
                Err(USAGE)
            }
        }
    }
}

pub(crate) fn print_out(text: &str) -> Result<(), u8> {
    write_out(None, text.as_bytes())
}
