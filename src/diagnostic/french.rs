//! The French wording of every diagnostic: the only place where findings become text.

use super::grids::{finer_bound, gap_help, gap_text};
use super::{Code, Diagnostic};
use crate::check::error::{CheckError, CheckErrorKind as C, TyExpected, Unreachable};
use crate::check::facts::{Grain, Ty};
use crate::french;
use crate::rules::ArithOp;
use crate::syntax::error::{
    Expected, HeaderLine, Section, StatementKind, SyntaxError, SyntaxErrorKind as S,
};

/// The diagnostic of a syntax error.
pub(crate) fn from_syntax(error: &SyntaxError) -> Diagnostic {
    let span = error.span;
    match &error.kind {
        S::Unexpected {
            expected,
            found,
            fix,
            billing,
        } => {
            let found_text = match found {
                Some(f) => format!("« {f} »"),
                None => "la fin de la ligne".to_string(),
            };
            let wanted = expected_list(expected);
            let message = format!("syntaxe incorrecte : {found_text} inattendu");
            let label = if wanted.is_empty() {
                "cette ligne ne peut pas être lue".to_string()
            } else {
                format!("attendu ici : {wanted}")
            };
            let d = Diagnostic::new(Code::E001, message, span, label);
            // Under `facturation des …`, the forms of the line meant, not a help about
            // the lines of tariffs.
            let hint = match billing {
                Some(kind) => Some(super::billing::line_forms(*kind).to_string()),
                None => syntax_hint(expected, found.as_deref()),
            };
            match (fix, hint) {
                (Some((line, whole)), hint) => {
                    let help = match hint {
                        Some(hint) => format!("écrivez la ligne ainsi : {line}\n({hint})"),
                        None => format!("écrivez la ligne ainsi : {line}"),
                    };
                    d.with_help(help).with_replacement(*whole, line.clone())
                }
                (None, Some(hint)) => d.with_help(hint),
                (None, None) => d,
            }
        }
        S::Misplaced { statement, section } => {
            let (what, home) = statement_kind(*statement);
            let here = match section {
                Section::Header => "l'en-tête",
                Section::Inputs => "la section « entrées »",
                Section::Article => "un article",
                Section::Example => "un exemple",
            };
            Diagnostic::new(
                Code::E002,
                format!("{what} n'a pas sa place dans {here}"),
                span,
                format!("{what} ici"),
            )
            .with_help(format!("placez cette ligne {home}"))
        }
        S::MissingTitle => Diagnostic::new(
            Code::E003,
            "le fichier ne commence pas par la ligne « délibération »".to_string(),
            span,
            "attendu : délibération « titre »".to_string(),
        )
        .with_help(
            "commencez le fichier par : délibération « Tarifs de la restauration scolaire 2025-2026 »"
                .to_string(),
        ),
        S::MissingHeaderLine(line) => Diagnostic::new(
            Code::E003,
            format!("l'en-tête n'a pas de ligne « {} »", header_line(*line)),
            span,
            "en-tête incomplet".to_string(),
        )
        .with_help(
            "ajoutez sous le titre : applicable du 01/09/2025 au 31/08/2026 (« au … » est facultatif)"
                .to_string(),
        ),
        S::DuplicateHeaderLine(line) => Diagnostic::new(
            Code::E004,
            format!("la ligne « {} » est donnée deux fois", header_line(*line)),
            span,
            "seconde ligne".to_string(),
        )
        .with_help("gardez une seule de ces lignes".to_string()),
        S::UnknownFunction { name } => Diagnostic::new(
            Code::E005,
            format!("la fonction « {name} » n'existe pas"),
            span,
            "fonction inconnue".to_string(),
        )
        .with_help("les fonctions sont min(a ; b), max(a ; b), arrondi(x ; au centime) et borné(x ; entre a et b)".to_string()),
        S::BadCall { rounding: true, written } => Diagnostic::new(
            Code::E005,
            match written {
                Some(w) => format!("« {w} » n'est pas un mode d'arrondi"),
                None => "il manque le mode d'arrondi".to_string(),
            },
            span,
            "mode d'arrondi attendu".to_string(),
        )
        .with_help(
            "écrivez par exemple arrondi(x ; au centime), arrondi(x ; à l'euro inférieur), \
             arrondi(x ; à 0,05 € près), ou pour compter des tranches commencées \
             arrondi(minutes / 30 ; à l'unité supérieure)"
                .to_string(),
        ),
        S::BadCall { rounding: false, .. } => Diagnostic::new(
            Code::E005,
            "borné s'écrit avec « entre … et … »".to_string(),
            span,
            "bornes attendues".to_string(),
        )
        .with_help("écrivez par exemple borné(quotient × 0,36 % ; entre 2,60 € et 4,50 €)".to_string()),
        S::InvalidDate { text } => Diagnostic::new(
            Code::E006,
            format!("la date « {text} » n'existe pas"),
            span,
            "date impossible".to_string(),
        )
        .with_help("écrivez une date du calendrier, JJ/MM/AAAA ou AAAA-MM-JJ".to_string()),
        S::NumberTooLarge { text } => Diagnostic::new(
            Code::E007,
            format!("le nombre « {text} » est trop grand ou trop précis"),
            span,
            "nombre illisible".to_string(),
        )
        .with_help("un nombre a au plus 28 chiffres".to_string()),
        S::SameSideBounds => Diagnostic::new(
            Code::E008,
            "les deux bornes de cette ligne sont du même côté".to_string(),
            span,
            "deux minimums ou deux maximums".to_string(),
        )
        .with_help("écrivez une borne basse et une borne haute : « > 400 et ≤ 600 »".to_string()),
        S::RowNamesOtherKey { written, key } => Diagnostic::new(
            Code::E017,
            format!("cette ligne compare « {written} », mais la grille est « selon {key} »"),
            span,
            format!("attendu « {key} »"),
        )
        .with_help(format!(
            "une ligne porte sur la clé de sa grille : écrivez « {key} < 600 », ou « moins de 600 » sans la nommer"
        )),
        S::ColumnNotName { written, suggestion } => Diagnostic::new(
            Code::E018,
            format!("la colonne « {written} » doit porter le nom de ce qu'elle définit"),
            span,
            "intitulé en toutes lettres".to_string(),
        )
        .with_help(format!(
            "écrivez le nom du tarif ou du calcul défini par la colonne, par exemple « {suggestion} » ; \
             pour une grille d'une seule colonne de prix, nommez-la au-dessus : « {suggestion} selon … »"
        )),
        S::EmptyCell => Diagnostic::new(
            Code::E009,
            "case vide dans une ligne de grille".to_string(),
            span,
            "case vide".to_string(),
        )
        .with_help("écrivez une valeur, ou « — » si la case est sans objet".to_string()),
        S::TooDeep => Diagnostic::new(
            Code::E001,
            "expression trop imbriquée pour être lue".to_string(),
            span,
            "trop de niveaux de parenthèses ou de conditions".to_string(),
        )
        .with_help("découpez le calcul en plusieurs définitions nommées".to_string()),
        S::EmptyTable => Diagnostic::new(
            Code::E010,
            "cette grille n'a aucune ligne".to_string(),
            span,
            "grille vide".to_string(),
        )
        .with_help("écrivez sous cette ligne l'en-tête « | clé | colonne | » puis une ligne par tranche".to_string()),
    }
}

fn statement_kind(kind: StatementKind) -> (&'static str, &'static str) {
    match kind {
        StatementKind::HeaderLine => ("une ligne d'en-tête", "sous la ligne « délibération »"),
        StatementKind::InputDecl => ("une déclaration d'entrée", "sous « entrées »"),
        StatementKind::ArticleRule => ("une règle", "dans un article : article 2 « Titre »"),
        StatementKind::TableRow => ("une ligne de grille", "sous une ligne « grille selon … »"),
        StatementKind::FavourableItem => (
            "un choix « - … »",
            "sous une ligne « tarif : la plus favorable de »",
        ),
        StatementKind::BillingRule => (
            "une règle de facturation",
            "dans le même article, sous une ligne « facturation des repas » (le tarif facturé)",
        ),
        StatementKind::ExampleLine => ("une ligne d'exemple", "sous « exemple « … » »"),
    }
}

fn header_line(line: HeaderLine) -> &'static str {
    match line {
        HeaderLine::Title => "délibération",
        HeaderLine::Collectivity => "collectivité",
        HeaderLine::Number => "numéro",
        HeaderLine::Adopted => "adoptée le",
        HeaderLine::Applicable => "applicable du",
        HeaderLine::Replaces => "remplace",
    }
}

/// `un nom, un nombre ou « alors »`
fn expected_list(expected: &[Expected]) -> String {
    let words: Vec<String> = expected
        .iter()
        .map(|e| match e {
            Expected::Keyword(k) => format!("« {k} »"),
            Expected::Symbol(s) => format!("« {s} »"),
            Expected::Name => "un nom".to_string(),
            Expected::Number => "un nombre".to_string(),
            Expected::Date => "une date".to_string(),
            Expected::Text => "un texte entre « »".to_string(),
            Expected::Type => "un type (montant, nombre, choix parmi …)".to_string(),
            Expected::Expression => "une valeur ou un calcul".to_string(),
            Expected::Operator => "un opérateur".to_string(),
            Expected::Modifier => "une majoration, une réduction, un arrondi…".to_string(),
            Expected::RoundingMode => "un arrondi (au centime, à l'euro…)".to_string(),
            Expected::RowCondition => "une tranche (de … à …, jusqu'à …, plus de …)".to_string(),
            Expected::Unit => "une unité (€ ou %)".to_string(),
            Expected::ArticleNumber => "un numéro d'article".to_string(),
            Expected::EndOfStatement => "la fin de la ligne".to_string(),
        })
        .collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} ou {last}", rest.join(", ")),
    }
}

/// A hint for frequent slips.
fn syntax_hint(expected: &[Expected], found: Option<&str>) -> Option<String> {
    // `choix parmi CAF, MSA, inconnu`: a word of the language where a name is expected.
    if expected.contains(&Expected::Name)
        && found.map(crate::syntax::lines::fold).as_deref() == Some("inconnu")
    {
        return Some(
            "« inconnu » est un mot du langage (la ligne « inconnu » d'une grille est celle d'une valeur que la famille ne donne pas) : nommez cette valeur autrement, par exemple « non_connu » ou « aucun »"
                .to_string(),
        );
    }
    if found == Some(",") && expected.contains(&Expected::Symbol(")")) {
        return Some(
            "les arguments d'une fonction sont séparés par « ; » : min(a ; b)".to_string(),
        );
    }
    if expected.contains(&Expected::Keyword("par"))
        && expected.contains(&Expected::Keyword("tarif"))
    {
        return None;
    }
    // After a `choix` list, `par` is `par défaut`, not a tariff's unit.
    if expected.contains(&Expected::Keyword("par"))
        && !expected.contains(&Expected::Keyword("certifié"))
    {
        return Some(
            "l'unité d'un tarif s'écrit entre parenthèses : tarif repas (par repas)".to_string(),
        );
    }
    if expected.contains(&Expected::Date) {
        return Some(
            "une date s'écrit 01/09/2025, 2025-09-01 ou en toutes lettres 1er septembre 2025"
                .to_string(),
        );
    }
    if expected.contains(&Expected::Keyword("sinon")) {
        return Some("une condition s'écrit : si … alors … sinon …".to_string());
    }
    None
}

/// The diagnostic of a finding of the checker; `choices` names the values of `choix`.
pub(crate) fn from_check(error: &CheckError, choices: &[String]) -> Diagnostic {
    let span = error.span;
    let ty = |t: &Ty| type_name(t, choices);
    match &error.kind {
        C::RankDeclared { .. }
        | C::RankCycle { .. }
        | C::RankKey { .. }
        | C::ExampleUnknownChild { .. }
        | C::SourceScope { .. } => {
            super::ranking::from_check(error)
        }
        C::Billing(_) => super::billing::from_check(error),
        C::ExampleDay { problem } => Diagnostic::new(
            Code::E054,
            {
                use crate::billing::days::WordsProblem as W;
                use crate::check::error::ExampleDayProblem as P;
                match problem {
                    P::Words(W::NotUnderstood { part }) => format!(
                        "ce jour d'exemple ne se lit pas : « {part} » ne dit pas ce qu'était le jour"
                    ),
                    P::Words(W::Instant { text }) => {
                        format!("ce jour d'exemple ne se lit pas : « {text} » n'est pas un instant")
                    }
                    P::Words(W::Hours { part }) => format!(
                        "ce jour d'exemple ne se lit pas : « {part} » ne donne pas deux heures (« de 16 h 30 à 18 h »)"
                    ),
                    P::Words(W::NoPresence) => "ce jour d'exemple ne dit pas si l'enfant était présent, absent, ou si le jour était annulé".to_string(),
                    P::NoBilling => "des jours d'exemple, mais la délibération n'a pas de règlement de facturation (« facturation des … »)".to_string(),
                    P::NoDays => "« attendu facture » sans jour : écrivez les jours du mois (« jour 02/10/2025 : présent »)".to_string(),
                }
            },
            span,
            "jour illisible".to_string(),
        )
        .with_help(
            "écrivez le jour comme une ligne des présences : « jour 02/10/2025 : présent, réservé le 30/09/2025 à 18 h », « jour 03/10/2025 : annulé le 25/09/2025 à 11 h », « jour 07/10/2025 : absent, justificatif le 08/10/2025 à 9 h »".to_string(),
        ),
        C::UnknownName { name, suggestion } => {
            let d = Diagnostic::new(
                Code::E011,
                format!("le nom « {name} » n'est défini nulle part"),
                span,
                "nom inconnu".to_string(),
            );
            match suggestion {
                Some(s) => d.with_help(format!("vouliez-vous dire « {s} » ?")),
                None => d.with_help(format!(
                    "déclarez « {name} » sous « entrées », ou définissez-le dans un article : {name} = …"
                )),
            }
        }
        C::PricePerUnit { unit } => Diagnostic::new(
            Code::E011,
            format!("« €/{unit} » est l'unité du prix, pas une division par « {unit} »"),
            span,
            "unité du prix".to_string(),
        )
        .with_help(format!(
            "écrivez le montant seul, sans « /{unit} » : l'unité se déclare avec le tarif, tarif … (par {unit})"
        )),
        C::DivisorMayBeZero { divisor } => {
            let d = Diagnostic::new(
                Code::W008,
                match divisor {
                    Some(name) => format!("« {name} » peut valoir 0 : la division serait impossible"),
                    None => "ce diviseur peut valoir 0 : la division serait impossible".to_string(),
                },
                span,
                "diviseur qui peut être nul".to_string(),
            )
            .with_note("une famille pour qui il vaut 0 ne serait pas tarifée (erreur E105)".to_string());
            match divisor {
                Some(name) => d.with_help(format!(
                    "bornez l'entrée (« {name} : nombre, au moins 1 ») ou écrivez « si {name} > 0 alors … sinon … »"
                )),
                None => d.with_help("écrivez « si … > 0 alors … sinon … » autour de la division".to_string()),
            }
        }
        C::UnusedColumn { name } => Diagnostic::new(
            Code::W010,
            format!("la colonne « {name} » définit une valeur que rien n'utilise"),
            span,
            "valeur définie ici, jamais lue".to_string(),
        )
        .with_help(format!(
            "si cette colonne donne le prix d'un tarif, écrivez le nom du tarif dans l'en-tête à la place de « {name} » (| QF | cantine |) ; si le tarif a déjà sa valeur, supprimez cette grille"
        )),
        C::ChainTooDeep { name, depth } => Diagnostic::new(
            Code::E041,
            format!(
                "« {name} » est au bout d'une chaîne de calculs trop longue ({depth} niveaux, au plus {})",
                crate::check::MAX_CHAIN_DEPTH
            ),
            span,
            "chaîne trop longue".to_string(),
        )
        .with_help(
            "regroupez les calculs qui s'enchaînent (une grille, min(…), max(…)) : chaque valeur ne devrait dépendre que de quelques autres"
                .to_string(),
        ),
        C::ResidenceWithoutTerritory => Diagnostic::new(
            Code::E026,
            "« CAF.résidence » a besoin du territoire de la commune".to_string(),
            span,
            "territoire inconnu".to_string(),
        )
        .with_help(
            "ajoutez à l'en-tête les codes postaux et communes dont les habitants paient le tarif de la commune : territoire 45450 Fay-aux-Loges"
                .to_string(),
        ),
        C::BoundsReversed => Diagnostic::new(
            Code::E008,
            "la borne haute de cette entrée est plus petite que sa borne basse".to_string(),
            span,
            "borne haute".to_string(),
        )
        .with_help("écrivez la plus petite valeur d'abord : de 0 à 150".to_string()),
        C::DuplicateName { name, first } => Diagnostic::new(
            Code::E012,
            format!("« {name} » est défini deux fois"),
            span,
            "seconde définition".to_string(),
        )
        .with_label(*first, "première définition".to_string())
        .with_help("donnez un autre nom à l'une des deux, ou supprimez l'une d'elles".to_string()),
        C::ReservedName { name } => Diagnostic::new(
            Code::E013,
            format!("« {name} » est un mot du langage et ne peut pas servir de nom"),
            span,
            "mot réservé".to_string(),
        )
        .with_help(format!("choisissez un autre nom, par exemple « {}_retenu »", name.to_lowercase())),
        C::TariffWithoutValue { name } => Diagnostic::new(
            Code::E014,
            format!("le tarif « {name} » n'a pas de valeur"),
            span,
            "tarif déclaré ici".to_string(),
        )
        .with_help(format!(
            "donnez-lui une valeur : « {name} = 3,50 € », ou une colonne « {name} » dans une grille"
        )),
        C::TypeWithoutValue { name } => Diagnostic::new(
            Code::E014,
            format!("« {name} » a un type mais pas de valeur"),
            span,
            "type déclaré ici".to_string(),
        )
        .with_help(format!(
            "définissez « {name} » par une colonne « {name} » dans une grille, ou écrivez sa valeur : « {name} : … = … »"
        )),
        C::ModifierOnNonTariff { name } => Diagnostic::new(
            Code::E015,
            format!("« {name} » n'est pas un tarif : on ne peut pas lui appliquer de majoration ou de réduction"),
            span,
            "pas un tarif".to_string(),
        )
        .with_help(format!("déclarez-le comme tarif : tarif {name} (par repas)")),
        C::UnknownChoice { value, allowed, suggestion } => {
            let d = Diagnostic::new(
                Code::E016,
                format!("« {value} » n'est pas une valeur possible"),
                span,
                format!("valeurs possibles : {}", allowed.join(", ")),
            );
            match suggestion {
                Some(s) => d.with_help(format!("vouliez-vous dire « {s} » ?")),
                None => d.with_help(format!("choisissez parmi {}", french::list(allowed))),
            }
        }
        C::UnitMismatch { op, left, right, bare } => {
            let verb = match op {
                ArithOp::Add => "additionner",
                ArithOp::Sub => "soustraire",
                ArithOp::Mul => "multiplier",
                ArithOp::Div => "diviser",
            };
            let d = Diagnostic::new(
                Code::E020,
                format!("on ne peut pas {verb} {} et {}", ty(left), ty(right)),
                span,
                format!("{} et {}", ty(left), ty(right)),
            );
            match (bare, op) {
                (Some(v), _) => d.with_help(format!(
                    "si {} est une somme d'argent, écrivez « {} »",
                    french::number(*v),
                    french::amount(*v)
                )),
                (None, ArithOp::Mul) => d.with_help("un montant se multiplie par un nombre ou un taux".to_string()),
                (None, _) => d.with_help("les deux côtés doivent être des montants, ou tous deux des nombres".to_string()),
            }
        }
        C::IncomparableTypes { left, right, bare } => {
            let d = Diagnostic::new(
                Code::E021,
                format!("on ne peut pas comparer {} et {}", ty(left), ty(right)),
                span,
                format!("{} et {}", ty(left), ty(right)),
            );
            match bare {
                Some(v) => d.with_help(format!(
                    "si {} est une somme d'argent, écrivez « {} »",
                    french::number(*v),
                    french::amount(*v)
                )),
                None => d,
            }
        }
        C::TypeMismatch { expected, found } => {
            let wanted = match expected {
                TyExpected::Bool => "une condition (oui ou non)",
                TyExpected::Numeric => "un nombre, un taux ou un montant",
                TyExpected::Amount => "un montant",
                TyExpected::Rate => "un taux",
                TyExpected::Number => "un nombre",
                TyExpected::Date => "une date",
                TyExpected::Choice => "une valeur du choix",
                TyExpected::AmountOrRate => "un taux (30 %) ou un montant (2,00 €)",
                TyExpected::Declared => "le type déclaré",
            };
            let d = Diagnostic::new(
                Code::E022,
                format!("attendu {wanted}, trouvé {}", ty(found)),
                span,
                format!("ceci est {}", ty(found)),
            );
            match expected {
                TyExpected::Bool => d.with_help("une condition compare des valeurs : « qf ≤ 1 000 € », « résidence = commune », « pai »".to_string()),
                TyExpected::Amount => d.with_help(
                    "un montant s'écrit avec € : « 2,50 € » ; pour une colonne de grille, mettez l'unité dans son en-tête : « prix (€) »"
                        .to_string(),
                ),
                TyExpected::AmountOrRate => d.with_help("écrivez « majoration de 30 % » ou « majoration de 2,00 € »".to_string()),
                _ => d,
            }
        }
        C::NotWhole { name, grain } => Diagnostic::new(
            Code::E023,
            format!("« {name} » est déclaré entier mais sa valeur peut avoir des décimales"),
            span,
            match grain {
                Grain::Step(s) => format!("valeurs par pas de {}", french::number(*s)),
                Grain::Dense => "valeur décimale quelconque".to_string(),
            },
        )
        .with_help("arrondissez la valeur : arrondi(… ; à l'euro inférieur)".to_string()),
        C::UnknownSource { source, suggestion } => {
            let d = Diagnostic::new(
                Code::E024,
                format!("la source certifiée « {source} » n'existe pas"),
                span,
                "source inconnue".to_string(),
            );
            match suggestion {
                Some(s) => d.with_help(format!("vouliez-vous dire « {s} » ?")),
                None => d.with_help("les sources sont CAF.…, EAJE.… et DGFIP.… (voir docs/reference.md)".to_string()),
            }
        }
        C::SourceTypeMismatch { source, expected } => Diagnostic::new(
            Code::E025,
            format!("la source « {source} » donne {}, que le type de cette entrée ne peut pas contenir", ty(expected)),
            span,
            "type incompatible".to_string(),
        )
        .with_help(format!("déclarez l'entrée comme {}", source_type_hint(expected, choices))),
        C::TableGap { key, gap, kind, fix, previous } => {
            let values = gap_text(gap, *kind);
            let d = Diagnostic::new(
                Code::E030,
                format!("trou dans la grille : aucune ligne ne prend {values} de « {key} »"),
                span,
                format!("aucune ligne pour {values}"),
            );
            let d = match previous {
                Some(p) => d.with_label(*p, "ligne précédente".to_string()),
                None => d,
            };
            let help = super::ranking::gap_help(key, gap);
            d.with_help(help.unwrap_or_else(|| gap_help(fix, key, *kind)))
        }
        C::BoundFinerThanKey {
            key,
            bound,
            step,
            kind,
            others,
            input,
            bounds_step,
        } => finer_bound(key, (*bound, *step, *kind), *others, *input, *bounds_step, span),
        C::FamilyTariffReadsChild { tariff, input } => Diagnostic::new(
            Code::E044,
            format!("le tarif « {tariff} » est compté par famille, mais son prix lit « {input} », qui change d'un enfant à l'autre"),
            span,
            "un prix pour toute la famille".to_string(),
        )
        .with_note("un tarif « par famille » est calculé une fois pour la famille, pas une fois par enfant puis additionné".to_string())
        .with_help(format!(
            "si le prix dépend de l'enfant, écrivez l'unité sans « famille » (« (par enfant) ») ; sinon lisez une valeur de la famille, par exemple un nombre d'enfants (« inscrits = nombre d'enfants »), au lieu de « {input} »"
        )),
        C::CountReadsCount { name } => Diagnostic::new(
            Code::E045,
            format!("la condition d'un nombre d'enfants lit « {name} », qui n'est pas encore connu quand on compte les enfants"),
            span,
            "condition du compte".to_string(),
        )
        .with_help("la condition lit les entrées de chaque enfant (« nombre d'enfants si cantine ») ou de la famille, pas un autre nombre d'enfants ni le rang".to_string()),
        C::TableOverlap { key, gap, kind, other } => {
            let values = gap_text(gap, *kind);
            Diagnostic::new(
                Code::E031,
                format!("chevauchement dans la grille : deux lignes prennent {values} de « {key} »"),
                span,
                format!("cette ligne prend aussi {values}"),
            )
            .with_label(*other, "première ligne".to_string())
            .with_help("corrigez les bornes pour que chaque valeur soit dans une seule ligne".to_string())
        }
        C::MissingChoices { key, values } => Diagnostic::new(
            Code::E032,
            format!("la grille ne prévoit rien pour {} de « {key} »", french::list(values)),
            span,
            "valeurs oubliées".to_string(),
        )
        .with_help("ajoutez une ligne pour ces valeurs, ou une ligne « autre »".to_string()),
        C::RepeatedChoice { value, other } => Diagnostic::new(
            Code::E033,
            format!("la valeur « {value} » est dans deux lignes"),
            span,
            "seconde ligne".to_string(),
        )
        .with_label(*other, "première ligne".to_string())
        .with_help("gardez cette valeur dans une seule ligne".to_string()),
        C::WrongTableKey { expected, found } => Diagnostic::new(
            Code::E034,
            format!("la première colonne s'appelle « {found} » mais la grille est « selon {expected} »"),
            span,
            format!("attendu « {expected} »"),
        )
        .with_help(format!("nommez la première colonne « {expected} »")),
        C::CellCount { expected, found } => Diagnostic::new(
            Code::E035,
            format!(
                "cette ligne a {found} case{} de valeur au lieu de {expected}",
                if *found > 1 { "s" } else { "" }
            ),
            span,
            "nombre de cases".to_string(),
        )
        .with_help("une ligne a une case par colonne de l'en-tête, séparées par « | »".to_string()),
        C::ConditionKind { key, key_ty } => Diagnostic::new(
            Code::E036,
            format!("cette tranche ne convient pas à « {key} », qui est {}", ty(key_ty)),
            span,
            "tranche incompatible".to_string(),
        )
        .with_help(condition_hint(key_ty, choices)),
        C::Cycle { names, tariff } => {
            let chain: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).chain(names.first().map(|(n, _)| n.as_str())).collect();
            let mut d = Diagnostic::new(
                Code::E040,
                format!("définitions circulaires : {}", chain.join(" → ")),
                span,
                "ce calcul dépend de lui-même".to_string(),
            );
            for (name, at) in names.iter().skip(1) {
                d = d.with_label(*at, format!("« {name} » fait partie du cycle"));
            }
            match tariff {
                Some(t) => d.with_help(format!(
                    "le nom du tarif « {t} » désigne son prix final, après ses majorations, réductions et arrondis : \
                     une ligne de ce tarif ne peut pas l'utiliser ; pour la valeur avant ses modificateurs, \
                     écrivez « … du tarif de base » ou donnez-lui un nom à part"
                )),
                None => d.with_help("une valeur ne peut pas dépendre d'elle-même : cassez le cycle".to_string()),
            }
        }
        C::ExampleNotInput { name } => Diagnostic::new(
            Code::E050,
            format!("« {name} » n'est pas une entrée : un exemple ne donne que des entrées"),
            span,
            "pas une entrée".to_string(),
        )
        .with_help("donnez les valeurs des entrées déclarées sous « entrées », et les résultats par « attendu »".to_string()),
        C::ExpectedNotTariff { name } => Diagnostic::new(
            Code::E051,
            format!("« {name} » n'est pas un tarif"),
            span,
            "pas un tarif".to_string(),
        )
        .with_help("« attendu » se rapporte à un tarif déclaré par « tarif … (par …) »".to_string()),
        C::ExampleValue { name, .. } => Diagnostic::new(
            Code::E052,
            format!("le tarif « {name} » est un montant"),
            span,
            "pas un montant".to_string(),
        )
        .with_help("écrivez le montant attendu en euros : 2,29 €".to_string()),
        C::PeriodReversed => Diagnostic::new(
            Code::E060,
            "la période d'application finit avant de commencer".to_string(),
            span,
            "dates inversées".to_string(),
        )
        .with_help("écrivez applicable du PREMIER JOUR au DERNIER JOUR".to_string()),
        C::RowOutOfOrder { previous } => Diagnostic::new(
            Code::W001,
            "ligne hors d'ordre : ses valeurs viennent avant celles de la ligne précédente".to_string(),
            span,
            "hors d'ordre".to_string(),
        )
        .with_label(*previous, "ligne précédente".to_string())
        .with_help("rangez les lignes par valeurs croissantes de la clé".to_string()),
        C::DecreasingPrice { column, before, after, previous } => Diagnostic::new(
            Code::W002,
            format!(
                "le tarif « {column} » baisse quand la clé augmente : {} puis {}",
                french::price(*before),
                french::price(*after)
            ),
            span,
            "prix plus bas".to_string(),
        )
        .with_label(*previous, "tranche inférieure".to_string())
        .with_note("c'est voulu dans certaines délibérations ; vérifiez qu'il ne s'agit pas d'une faute de frappe".to_string()),
        C::UnreachableRow { key, reason } => {
            let why = match reason {
                Unreachable::OutOfRange => format!("« {key} » ne prend jamais ces valeurs"),
                Unreachable::NothingLeft => "les autres lignes prennent déjà toutes les valeurs".to_string(),
                Unreachable::NeverUnknown => format!("« {key} » est toujours connu"),
            };
            Diagnostic::new(
                Code::W003,
                format!("cette ligne ne s'applique jamais : {why}"),
                span,
                "ligne inatteignable".to_string(),
            )
            .with_help("supprimez-la, ou corrigez ses bornes".to_string())
        }
        C::NotApplicableCell { column } => Diagnostic::new(
            Code::W004,
            format!("case « — » dans la colonne « {column} » : une famille dans cette tranche obtiendra une erreur"),
            span,
            "sans objet".to_string(),
        )
        .with_help("si des familles peuvent tomber dans cette tranche, donnez un tarif".to_string()),
        C::MayBeUnknown { tariff, inputs } => Diagnostic::new(
            Code::W005,
            format!(
                "le tarif « {tariff} » ne peut pas être calculé quand {} manque",
                french::list_or(inputs)
            ),
            span,
            "peut rester inconnu".to_string(),
        )
        .with_help(match inputs.first() {
            Some(input) => format!(
                "si une famille doit toujours donner « {input} », ajoutez « , obligatoire » à sa déclaration (une famille qui ne la donne pas n'est alors pas tarifée : E119) ; sinon donnez-lui une valeur « par défaut », ajoutez une ligne « inconnu » à la grille (le tarif sans justificatif), ou testez « … est connu »"
            ),
            None => "donnez une valeur « par défaut » à l'entrée, ajoutez une ligne « inconnu » à la grille, ou testez « … est connu »".to_string(),
        }),
        C::MissingRounding { tariff } => Diagnostic::new(
            Code::W006,
            format!("le tarif « {tariff} » peut avoir plus de deux décimales et n'est jamais arrondi"),
            span,
            "arrondi manquant".to_string(),
        )
        .with_note("il sera arrondi au centime le plus proche, et la justification le dira".to_string())
        .with_help(format!("ajoutez la ligne : {tariff} : arrondi au centime")),
        C::MayGoNegative { tariff } => Diagnostic::new(
            Code::W007,
            format!("après cette ligne, le tarif « {tariff} » peut devenir négatif"),
            span,
            "peut passer sous 0 €".to_string(),
        )
        .with_help(format!("ajoutez ensuite : {tariff} : au moins 0 €")),
    }
}

/// `un montant`, `un choix (commune, hors_commune)`.
fn type_name(ty: &Ty, choices: &[String]) -> String {
    match ty {
        Ty::Amount => "un montant".to_string(),
        Ty::Rate => "un taux".to_string(),
        Ty::Number => "un nombre".to_string(),
        Ty::Bool => "une condition (oui ou non)".to_string(),
        Ty::Date => "une date".to_string(),
        Ty::Choice(ids) => {
            let names: Vec<&str> = ids
                .iter()
                .filter_map(|id| choices.get(id.0 as usize).map(String::as_str))
                .collect();
            format!("un choix ({})", names.join(", "))
        }
        Ty::Error => "une valeur".to_string(),
    }
}

fn source_type_hint(ty: &Ty, choices: &[String]) -> String {
    match ty {
        Ty::Amount => "« montant entier »".to_string(),
        Ty::Number => "« entier » ou « nombre »".to_string(),
        other => format!(
            "« {} »",
            type_name(other, choices)
                .replace("un choix (", "choix parmi ")
                .trim_end_matches(')')
        ),
    }
}

fn condition_hint(key: &Ty, choices: &[String]) -> String {
    match key {
        Ty::Date => "sur une date : « jusqu'au 31/08/2025 », « du 01/09/2025 au 31/08/2026 », « à partir du 01/09/2026 »".to_string(),
        Ty::Amount => "sur un montant : « de 401 à 600 € », « jusqu'à 400 € », « plus de 2 000 € »".to_string(),
        Ty::Rate => "sur un taux : « de 0 % à 10 % »".to_string(),
        Ty::Number => "sur un nombre : « 1 », « de 4 à 7 », « 8 et plus » (sans €)".to_string(),
        Ty::Bool => "sur une condition : « oui » ou « non »".to_string(),
        Ty::Choice(_) => format!("sur un choix : une ou plusieurs valeurs parmi {}, ou « autre »", type_name(key, choices).trim_start_matches("un choix ")),
        Ty::Error => String::new(),
    }
}
