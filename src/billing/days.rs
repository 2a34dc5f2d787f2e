//! The days of a month as a portal exports them, one per child and service: JSON Lines
//! or CSV (`;` or `,`), keys or columns named in French, accents optional:
//!
//! `date`, `famille` (in a file of several families), `enfant`, `service`, `état`,
//! `réservé`, `réservé_le`, `annulé_le`, `présent`, `justificatif_le`.
//!
//! Every row is read or named in an error, with its line; nothing is dropped.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde_json::Value as Json;

use super::DayState;
use super::instant::hour_in;
pub use super::instant::{Stamp, hour, stamp, stamp_in, zone};
pub use super::words::{WordsProblem, from_words};

/// One day of one child for one service, as the portal gives it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Day {
    /// The line of the file it was read from (from 1).
    pub line: usize,
    pub date: Option<NaiveDate>,
    pub family: Option<String>,
    pub child: Option<String>,
    pub service: Option<String>,
    /// What the portal says of the day: `présent`, `absent`, `annulé`, or a state.
    pub observed: Option<Observed>,
    pub booked: Option<bool>,
    pub booked_at: Option<Stamp>,
    pub cancelled_at: Option<Stamp>,
    pub present: Option<bool>,
    pub proof_at: Option<Stamp>,
    /// The hours of arrival and departure, for a service billed by its time.
    pub arrival: Option<NaiveTime>,
    pub departure: Option<NaiveTime>,
    /// The hours planned by the contract (a crèche's), for the time beyond them.
    pub planned_arrival: Option<NaiveTime>,
    pub planned_departure: Option<NaiveTime>,
    /// Why the child was away (`maladie`, `hospitalisation`, `fermeture`): rules `pour`
    /// a motive price those days.
    #[serde(default)]
    pub motive: Option<String>,
}

/// What the `état` of a row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Observed {
    Present,
    Absent,
    Cancelled,
    /// The state itself, decided by the portal.
    State(DayState),
}

impl Observed {
    /// `présent`, `absent`, `annulé`, `absent justifié`…
    pub fn words(self) -> &'static str {
        match self {
            Observed::Present => "présent",
            Observed::Absent => "absent",
            Observed::Cancelled => "annulé",
            Observed::State(s) => s.words(),
        }
    }
}

/// What is wrong with a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayError {
    pub line: usize,
    /// The field (empty for the whole row).
    pub field: String,
    pub kind: DayErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayErrorKind {
    /// Not a JSON object, or a CSV row with another number of fields than its header.
    Unreadable { detail: String },
    /// No `date`.
    NoDate,
    /// A date or an instant that cannot be read.
    BadDate { text: String },
    /// `oui` or `non` expected.
    NotABoolean { text: String },
    /// An hour that cannot be read (`arrivée`, `départ`).
    BadHour { text: String },
    /// An `état` that is none of the states.
    UnknownState { text: String },
    /// A column or key that is no field of a day (with the one it looks like).
    UnknownField { suggestion: Option<String> },
    /// A column of a CSV that is no field, but whose name says a field the header lacks
    /// (`justif le`): its values would be lost, and the bill changed without a word.
    UnknownColumn { suggestion: &'static str },
    /// The CSV has no header line naming `date`.
    NoHeader,
    /// `état` and `présent` that contradict (`absent` and `oui`): which one the portal
    /// meant is not known.
    Contradiction { observed: Observed, present: bool },
    /// A departure before the arrival (`arrivée` 18:00, `départ` 16:00): its time would
    /// be negative, billed as the minimum without a word.
    DepartureFirst {
        arrival: NaiveTime,
        departure: NaiveTime,
    },
}

/// The fields of a day, by their folded name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    Date,
    Family,
    Child,
    Service,
    State,
    Booked,
    BookedAt,
    CancelledAt,
    Present,
    ProofAt,
    Arrival,
    Departure,
    PlannedArrival,
    PlannedDeparture,
    Motive,
}

const FIELDS: [(&str, Field); 15] = [
    ("date", Field::Date),
    ("famille", Field::Family),
    ("enfant", Field::Child),
    ("service", Field::Service),
    ("etat", Field::State),
    ("reserve", Field::Booked),
    ("reserve_le", Field::BookedAt),
    ("annule_le", Field::CancelledAt),
    ("present", Field::Present),
    ("justificatif_le", Field::ProofAt),
    ("arrivee", Field::Arrival),
    ("depart", Field::Departure),
    ("arrivee_prevue", Field::PlannedArrival),
    ("depart_prevu", Field::PlannedDeparture),
    ("motif", Field::Motive),
];

/// The field a key or a column names: `Réservé le`, `reserve_le`, `date du jour`…
fn field(key: &str) -> Option<Field> {
    let folded = crate::syntax::lines::fold(key.trim())
        .replace([' ', '-', '\''], "_")
        .replace("_recu_le", "_le");
    let folded = match folded.as_str() {
        "jour" | "date_du_jour" => "date",
        "id" | "id_famille" | "famille_id" => "famille",
        "id_enfant" | "enfant_id" => "enfant",
        "statut" => "etat",
        "reservation" => "reserve",
        "reserve_le" | "reservation_le" | "date_reservation" | "inscrit_le" => "reserve_le",
        "annule_le" | "annulation_le" | "date_annulation" => "annule_le",
        "presence" => "present",
        "heure_d_arrivee" | "heure_arrivee" | "arrive_a" | "arrive_le" => "arrivee",
        "heure_de_depart" | "heure_depart" | "parti_a" | "depart_a" => "depart",
        "arrivee_prevue" | "heure_d_arrivee_prevue" | "arrivee_contrat" => "arrivee_prevue",
        "depart_prevu" | "heure_de_depart_prevue" | "depart_contrat" => "depart_prevu",
        "justificatif_le" | "justifie_le" | "certificat_le" | "date_justificatif" => {
            "justificatif_le"
        }
        "motif_d_absence" | "motif_absence" | "motif_de_l_absence" | "raison" => "motif",
        other => other,
    }
    .to_string();
    FIELDS.iter().find(|(n, _)| *n == folded).map(|(_, f)| *f)
}

/// The field a name that is none seems meant for, by the stem of one of its words
/// (`justif le`, `certificat médical`, `date de réservation à`, `heure départ prévue`):
/// the fields whose loss changes a bill without an error. `nom`, `prénom`, `classe`,
/// `école` say none.
fn suspect(name: &str) -> Option<Field> {
    let folded = crate::syntax::lines::fold(name.trim());
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |stems: &[&str]| words.iter().any(|w| stems.iter().any(|s| w.starts_with(s)));
    // An instant rather than a yes or no: `réservé le`, `date de réservation`.
    let when = words.iter().any(|w| ["le", "a", "du", "au"].contains(w))
        || has(&["date", "heure", "quand", "jour"]);
    let planned = has(&["prev", "contrat", "planif"]);
    let field = if has(&["justif", "certif", "excus"]) {
        Field::ProofAt
    } else if has(&["annul", "desinscri", "decommand"]) {
        Field::CancelledAt
    } else if has(&["reserv", "inscri", "command"]) {
        if when { Field::BookedAt } else { Field::Booked }
    } else if has(&["arriv"]) {
        if planned {
            Field::PlannedArrival
        } else {
            Field::Arrival
        }
    } else if has(&["depart"]) {
        if planned {
            Field::PlannedDeparture
        } else {
            Field::Departure
        }
    } else if has(&["motif", "raison", "malad", "cause"]) {
        Field::Motive
    } else if has(&["etat", "statut", "status", "absen"]) {
        Field::State
    } else if has(&["presen", "pointage", "pointe"]) {
        Field::Present
    } else if has(&["prestation"]) {
        Field::Service
    } else {
        return None;
    };
    Some(field)
}

/// How the documentation writes a field's column.
fn display(field: Field) -> &'static str {
    match field {
        Field::Date => "date",
        Field::Family => "famille",
        Field::Child => "enfant",
        Field::Service => "service",
        Field::State => "état",
        Field::Booked => "réservé",
        Field::BookedAt => "réservé_le",
        Field::CancelledAt => "annulé_le",
        Field::Present => "présent",
        Field::ProofAt => "justificatif_le",
        Field::Arrival => "arrivée",
        Field::Departure => "départ",
        Field::PlannedArrival => "arrivée_prévue",
        Field::PlannedDeparture => "départ_prévu",
        Field::Motive => "motif",
    }
}

/// The days read from a file, and every error.
#[derive(Debug, Default)]
pub struct DaysRead {
    pub days: Vec<Day>,
    pub errors: Vec<DayError>,
    /// The rows refused whose family could be read: their line and family (a batch
    /// gives that family no total, as it would be without them).
    pub refused_families: Vec<(usize, String)>,
    /// Errors of the whole file (its header): every invoice read from it lacks what
    /// they name, so none has a total.
    pub header_errors: Vec<DayError>,
    /// Columns that name no field and look like none: ignored (W141, a warning of
    /// every invoice).
    pub ignored: Vec<(usize, String)>,
}

/// The header of a CSV of days: its separator, its names and their fields.
pub(super) type Header = (u8, Vec<String>, Vec<Option<Field>>);

/// Reads the text of a file of days: JSON Lines when its first character is `{`, else
/// CSV with a header line.
pub fn read(text: &str) -> DaysRead {
    read_in(text, chrono_tz::Europe::Paris)
}

/// [`read`], an instant given with its offset (`Z`, `+02:00`) read at the time of
/// `zone`, the commune's ([`zone`]).
pub fn read_in(text: &str, zone: Tz) -> DaysRead {
    let text = text.trim_start_matches('\u{feff}');
    let json = text.trim_start().starts_with('{');
    read_piece(text, json, zone).0
}

/// Reads a file of days (or its first lines), and gives the header of a CSV.
pub(super) fn read_piece(text: &str, json: bool, zone: Tz) -> (DaysRead, Option<Header>) {
    let mut header = None;
    let mut records =
        crate::inputs::records::Records::new(std::io::Cursor::new(text.as_bytes()), !json);
    let mut read = DaysRead::default();
    // A day per line: the days are many and large, reserved once rather than moved as
    // the list grows.
    read.days
        .reserve(text.bytes().filter(|b| *b == b'\n').count() + 1);
    let mut record = String::new();
    loop {
        record.clear();
        let line = match records.next_into(&mut record) {
            crate::inputs::records::Next::Record { line } => line,
            crate::inputs::records::Next::End => break,
            crate::inputs::records::Next::Unclosed { line }
            | crate::inputs::records::Next::NotText { line }
            | crate::inputs::records::Next::TooLong { line } => {
                read.errors.push(DayError {
                    line,
                    field: String::new(),
                    kind: DayErrorKind::Unreadable {
                        detail: "ligne illisible".to_string(),
                    },
                });
                continue;
            }
        };
        if record.trim().is_empty() {
            continue;
        }
        if json {
            json_row(&record, line, zone, &mut read);
            continue;
        }
        match &header {
            None => {
                let separator = crate::batch::separator(&record);
                let names: Vec<String> = crate::batch::fields(&record, separator)
                    .unwrap_or_default()
                    .into_iter()
                    .map(Cow::into_owned)
                    .collect();
                let kinds: Vec<Option<Field>> = names.iter().map(|n| field(n)).collect();
                if !kinds.contains(&Some(Field::Date)) {
                    read.header_errors.push(DayError {
                        line,
                        field: String::new(),
                        kind: DayErrorKind::NoHeader,
                    });
                    return (read, None);
                }
                for (name, kind) in names.iter().zip(&kinds) {
                    if kind.is_some() || name.trim().is_empty() {
                        continue;
                    }
                    // Whether the header gives what the column seems meant for: the
                    // presence is given by `présent` or by `état` (a column `heure de
                    // présence` beside them is no lost presence).
                    let given = |f: &Field| match f {
                        Field::Present | Field::State => kinds
                            .iter()
                            .any(|k| matches!(k, Some(Field::Present | Field::State))),
                        f => kinds.contains(&Some(*f)),
                    };
                    match suspect(name).filter(|f| !given(f)) {
                        Some(meant) => read.header_errors.push(DayError {
                            line,
                            field: name.clone(),
                            kind: DayErrorKind::UnknownColumn {
                                suggestion: display(meant),
                            },
                        }),
                        None => read.ignored.push((line, name.clone())),
                    }
                }
                header = Some((separator, names, kinds));
            }
            Some(header) => csv_row(&record, line, header, zone, &mut read),
        }
    }
    (read, header)
}

/// Reads a row of a CSV of days (a record, at its line) with the file's header.
pub(super) fn csv_row(record: &str, line: usize, header: &Header, zone: Tz, read: &mut DaysRead) {
    let (separator, names, kinds) = header;
    let Some(values) = crate::batch::fields(record, *separator) else {
        read.errors
            .push(unreadable(line, "ligne CSV illisible".to_string()));
        return;
    };
    if values.len() != kinds.len() {
        read.errors.push(unreadable(
            line,
            format!("{} champs au lieu de {}", values.len(), kinds.len()),
        ));
        // The family its column seems to give: its invoice is then refused a total
        // (never given one short of this row).
        if let Some(family) = kinds
            .iter()
            .position(|k| *k == Some(Field::Family))
            .and_then(|at| values.get(at))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            read.refused_families.push((line, family.to_string()));
        }
        return;
    }
    let mut day = Day {
        line,
        ..Day::default()
    };
    let mut errors = Vec::new();
    for ((name, kind), value) in names.iter().zip(kinds).zip(&values) {
        if let Some(kind) = kind
            && !value.trim().is_empty()
        {
            set(&mut day, *kind, name, value, zone, &mut errors);
        }
    }
    finish(day, errors, read);
}

fn unreadable(line: usize, detail: String) -> DayError {
    DayError {
        line,
        field: String::new(),
        kind: DayErrorKind::Unreadable { detail },
    }
}

fn json_row(text: &str, line: usize, zone: Tz, read: &mut DaysRead) {
    let object = match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(object)) => object,
        Ok(_) => {
            read.errors
                .push(unreadable(line, "pas un objet JSON".to_string()));
            return;
        }
        Err(e) => {
            read.errors.push(unreadable(
                line,
                format!("JSON illisible (colonne {})", e.column()),
            ));
            return;
        }
    };
    let mut day = Day {
        line,
        ..Day::default()
    };
    let mut errors = Vec::new();
    for (key, value) in &object {
        let Some(kind) = field(key) else {
            let names = FIELDS.iter().map(|(n, _)| *n);
            errors.push(DayError {
                line,
                field: key.clone(),
                kind: DayErrorKind::UnknownField {
                    suggestion: suspect(key)
                        .map(|f| display(f).to_string())
                        .or_else(|| crate::check::closest(key, names)),
                },
            });
            continue;
        };
        let text = match value {
            Json::Null => continue,
            Json::String(s) if s.trim().is_empty() => continue,
            Json::String(s) => Cow::Borrowed(s.as_str()),
            Json::Bool(b) => Cow::Owned(if *b { "oui" } else { "non" }.to_string()),
            other => Cow::Owned(other.to_string()),
        };
        set(&mut day, kind, key, &text, zone, &mut errors);
    }
    finish(day, errors, read);
}

fn finish(day: Day, mut errors: Vec<DayError>, read: &mut DaysRead) {
    // `état: absent` with `présent: oui` (or the reverse): never one of them chosen.
    // A cancelled day with `présent: oui` is a child who came after cancelling.
    if let (Some(observed), Some(present)) = (day.observed, day.present) {
        use super::DayState as S;
        let says_present = match observed {
            Observed::Present | Observed::State(S::Present | S::LateBooking | S::Unbooked) => {
                Some(true)
            }
            Observed::Absent
            | Observed::State(S::AbsentJustified | S::AbsentJustifiedLate | S::AbsentUnjustified) => {
                Some(false)
            }
            _ => None,
        };
        if says_present.is_some_and(|p| p != present) {
            errors.push(DayError {
                line: day.line,
                field: "présent".to_string(),
                kind: DayErrorKind::Contradiction { observed, present },
            });
        }
    }
    for (arrival, departure, field) in [
        (day.arrival, day.departure, "départ"),
        (day.planned_arrival, day.planned_departure, "départ_prévu"),
    ] {
        if let (Some(arrival), Some(departure)) = (arrival, departure)
            && departure < arrival
        {
            errors.push(DayError {
                line: day.line,
                field: field.to_string(),
                kind: DayErrorKind::DepartureFirst { arrival, departure },
            });
        }
    }
    if day.date.is_none()
        && !errors
            .iter()
            .any(|e| matches!(e.kind, DayErrorKind::BadDate { .. }) && e.field == "date")
    {
        errors.push(DayError {
            line: day.line,
            field: "date".to_string(),
            kind: DayErrorKind::NoDate,
        });
    }
    if errors.is_empty() {
        read.days.push(day);
    } else {
        if let Some(family) = day.family {
            read.refused_families.push((day.line, family));
        }
        read.errors.extend(errors);
    }
}

fn set(day: &mut Day, kind: Field, name: &str, value: &str, zone: Tz, errors: &mut Vec<DayError>) {
    let value = value.trim();
    let error = |kind| DayError {
        line: day.line,
        field: name.to_string(),
        kind,
    };
    match kind {
        Field::Date => match crate::inputs::parse_date(value) {
            Some(d) => day.date = Some(d),
            None => errors.push(error(DayErrorKind::BadDate {
                text: value.to_string(),
            })),
        },
        Field::Family => day.family = Some(value.to_string()),
        Field::Child => day.child = Some(value.to_string()),
        Field::Service => day.service = Some(value.to_string()),
        Field::Motive => day.motive = Some(value.to_string()),
        Field::State => match observed(value) {
            Some(o) => day.observed = Some(o),
            None => errors.push(error(DayErrorKind::UnknownState {
                text: value.to_string(),
            })),
        },
        Field::Booked | Field::Present => match boolean(value) {
            Some(b) if kind == Field::Booked => day.booked = Some(b),
            Some(b) => day.present = Some(b),
            None => errors.push(error(DayErrorKind::NotABoolean {
                text: value.to_string(),
            })),
        },
        Field::Arrival | Field::Departure | Field::PlannedArrival | Field::PlannedDeparture => {
            match hour_in(value, zone) {
                Some(t) => match kind {
                    Field::Arrival => day.arrival = Some(t),
                    Field::Departure => day.departure = Some(t),
                    Field::PlannedArrival => day.planned_arrival = Some(t),
                    _ => day.planned_departure = Some(t),
                },
                None => errors.push(error(DayErrorKind::BadHour {
                    text: value.to_string(),
                })),
            }
        }
        Field::BookedAt | Field::CancelledAt | Field::ProofAt => match stamp_in(value, zone) {
            Some(s) => match kind {
                Field::BookedAt => day.booked_at = Some(s),
                Field::CancelledAt => day.cancelled_at = Some(s),
                _ => day.proof_at = Some(s),
            },
            None => errors.push(error(DayErrorKind::BadDate {
                text: value.to_string(),
            })),
        },
    }
}

/// `oui`, `non`, `true`, `false`, `1`, `0`, `x` (a ticked cell).
fn boolean(text: &str) -> Option<bool> {
    match crate::syntax::lines::fold(text).as_str() {
        "oui" | "true" | "1" | "x" | "o" | "vrai" => Some(true),
        "non" | "false" | "0" | "n" | "faux" => Some(false),
        _ => None,
    }
}

/// `présent`, `absent`, `annulé`, or a state (`absent justifié`…).
pub(super) fn observed(text: &str) -> Option<Observed> {
    // The usual words, as portals write them, read at once.
    match text {
        "présent" | "present" | "Présent" => return Some(Observed::Present),
        "absent" | "Absent" => return Some(Observed::Absent),
        "annulé" | "annule" | "Annulé" => return Some(Observed::Cancelled),
        _ => {}
    }
    if let Some(state) = DayState::read(text) {
        // `présent` alone is what the portal saw, not yet a state.
        if state != DayState::Present {
            return Some(Observed::State(state));
        }
    }
    match crate::syntax::choice_key(text).as_str() {
        "present" | "presente" | "p" => Some(Observed::Present),
        "absent" | "absente" | "absence" | "a" => Some(Observed::Absent),
        "annule" | "annulee" | "annulation" => Some(Observed::Cancelled),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_that_is_no_field_is_suspected_by_the_field_its_words_say() {
        let cases = [
            ("justif le", Some(Field::ProofAt)),
            ("Certificat médical", Some(Field::ProofAt)),
            ("absence excusée le", Some(Field::ProofAt)),
            ("reservation a", Some(Field::BookedAt)),
            ("date de réservation", Some(Field::BookedAt)),
            ("réservation cantine", Some(Field::Booked)),
            ("inscription", Some(Field::Booked)),
            ("date annulation repas", Some(Field::CancelledAt)),
            ("désinscrit", Some(Field::CancelledAt)),
            ("heure arrivée contrat", Some(Field::PlannedArrival)),
            ("arrivé", Some(Field::Arrival)),
            ("départ planifié", Some(Field::PlannedDeparture)),
            ("maladie", Some(Field::Motive)),
            ("statut du jour", Some(Field::State)),
            ("absent", Some(Field::State)),
            ("pointage", Some(Field::Present)),
            ("prestation", Some(Field::Service)),
            ("nom", None),
            ("prénom", None),
            ("classe", None),
            ("école", None),
            ("commentaire", None),
            ("quotient", None),
            ("tarif", None),
            ("montant", None),
        ];
        for (name, field) in cases {
            assert_eq!(suspect(name), field, "{name}");
        }
    }

    /// The line and field of each error of a kind.
    fn refused(read: &DaysRead, kind: fn(&DayErrorKind) -> bool) -> Vec<(usize, &str)> {
        read.errors
            .iter()
            .filter(|e| kind(&e.kind))
            .map(|e| (e.line, e.field.as_str()))
            .collect()
    }

    #[test]
    fn a_column_is_refused_only_when_the_field_it_seems_meant_for_is_missing() {
        // `heure de présence` beside `état`: the presence is given, the column ignored.
        let given = read("date;état;heure de présence\n06/10/2025;présent;2 h\n");
        assert!(given.header_errors.is_empty(), "{:?}", given.header_errors);
        assert_eq!(given.ignored, [(1, "heure de présence".to_string())]);
        // Without `état` nor `présent`, it is the presence misnamed.
        let misnamed = read("date;heure de présence\n06/10/2025;2 h\n");
        assert_eq!(refused_header(&misnamed), [(1, "heure de présence")]);
        // `justif le` beside `justificatif le` is a column of the portal's own.
        let both = read("date;état;justificatif le;justif le\n06/10/2025;absent;;\n");
        assert!(both.header_errors.is_empty(), "{:?}", both.header_errors);
    }

    /// The line and column of each error of the header.
    fn refused_header(read: &DaysRead) -> Vec<(usize, &str)> {
        read.header_errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect()
    }

    #[test]
    fn a_departure_before_the_arrival_is_refused_never_billed_as_a_minimum() {
        let read = read(
            "date;arrivée;départ;arrivée prévue;départ prévu\n\
             06/10/2025;18:00;16:00;;\n\
             07/10/2025;16:30;16:30;8:30;8:00\n\
             08/10/2025;16:30;18:10;8:30;17:30\n",
        );
        let refused = refused(&read, |k| matches!(k, DayErrorKind::DepartureFirst { .. }));
        assert_eq!(refused, [(2, "départ"), (3, "départ_prévu")]);
        assert_eq!(read.days.len(), 1);
    }

    #[test]
    fn a_state_and_a_presence_that_contradict_are_refused() {
        let read = read(
            "date;état;présent\n\
             06/10/2025;absent;oui\n\
             07/10/2025;présent;non\n\
             08/10/2025;absent justifié;oui\n\
             09/10/2025;annulé;oui\n\
             10/10/2025;présent;oui\n\
             13/10/2025;absent;non\n",
        );
        let refused = refused(&read, |k| matches!(k, DayErrorKind::Contradiction { .. }));
        assert_eq!(refused, [(2, "présent"), (3, "présent"), (4, "présent")]);
        // Came after cancelling; said twice alike.
        assert_eq!(read.days.len(), 3);
    }

    #[test]
    fn csv_and_json_lines_give_the_same_days() {
        let csv = "date;enfant;service;état;réservé le;annulé le\n\
                   02/10/2025;Léa;repas;présent;;\n\
                   03/10/2025;Léa;repas;annulé;;01/10/2025 11:00\n";
        let json = "{\"date\":\"2025-10-02\",\"enfant\":\"Léa\",\"service\":\"repas\",\"etat\":\"présent\"}\n\
                    {\"date\":\"2025-10-03\",\"enfant\":\"Léa\",\"service\":\"repas\",\"etat\":\"annulé\",\"annule_le\":\"2025-10-01T11:00\"}\n";
        let (a, b) = (read(csv), read(json));
        assert!(
            a.errors.is_empty() && b.errors.is_empty(),
            "{:?} {:?}",
            a.errors,
            b.errors
        );
        let strip = |d: &[Day]| {
            d.iter()
                .map(|d| Day {
                    line: 0,
                    ..d.clone()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&a.days), strip(&b.days));
        assert_eq!(a.days[1].observed, Some(Observed::Cancelled));
    }

    #[test]
    fn the_days_of_an_example_are_read_from_their_words() {
        let date = NaiveDate::from_ymd_opt(2025, 10, 2).expect("date");
        let day = from_words(date, None, "présent, réservé le 30/09/2025 à 18 h").expect("read");
        assert_eq!(day.observed, Some(Observed::Present));
        assert_eq!(
            day.booked_at.map(Stamp::words).as_deref(),
            Some("30/09/2025 à 18 h")
        );
        let day = from_words(date, None, "annulé le 25/09/2025 à 11 h 30").expect("read");
        assert_eq!(
            (day.observed, day.cancelled_at.map(Stamp::words)),
            (
                Some(Observed::Cancelled),
                Some("25/09/2025 à 11 h 30".to_string())
            )
        );
        let day = from_words(
            date,
            None,
            "présent de 16 h 30 à 18 h 10, prévu de 8 h à 17 h",
        )
        .expect("read");
        assert_eq!(day.departure, NaiveTime::from_hms_opt(18, 10, 0));
        assert_eq!(day.planned_arrival, NaiveTime::from_hms_opt(8, 0, 0));
        let day = from_words(date, None, "non réservé, présent").expect("read");
        assert_eq!(day.booked, Some(false));
        let day = from_words(date, None, "absent justifié hors délai").expect("read");
        assert_eq!(
            day.observed,
            Some(Observed::State(DayState::AbsentJustifiedLate))
        );
        assert!(from_words(date, None, "parti tôt").is_err());
        assert!(from_words(date, None, "réservé le 30/09/2025 à 18 h").is_err());
    }

    #[test]
    fn every_wrong_row_is_named_with_its_line_and_field() {
        let read =
            read("date;enfant;présent\n31/02/2025;Léa;oui\n02/10/2025;Léa;peut-être\n;Tom;oui\n");
        let found: Vec<(usize, &str)> = read
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(found, [(2, "date"), (3, "présent"), (4, "date")]);
        assert!(read.days.is_empty());
    }
}
