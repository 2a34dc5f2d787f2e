//! The wordings of règlements de facturation as communes publish them: each means
//! what the plain form of the reference means, to the deadline, the cost and the step;
//! a wording that would drop a condition, or an hour or a delay beyond reason, is
//! refused.

use serde_json::Value as Json;

/// A deliberation whose one facturation, of `repas` at 3 €, has the lines `rules`
/// (each ending with its line end).
fn source(rules: &str) -> String {
    format!(
        "délibération « Écritures »\n  applicable du 01/09/2025 au 31/08/2026\n\narticle 1 « Prix »\n  tarif repas (par repas) = 3 €\n\narticle 2 « Facturation »\n  facturation des repas\n{rules}"
    )
}

/// The billing rules of a deliberation whose facturation has `line` as its first rule,
/// as JSON (the same line number whatever the wording).
fn billing_of(line: &str) -> Json {
    let head = line.split(" :").next().unwrap_or_default();
    let states: String = [
        "présent : tarif",
        "présent sans réservation : tarif",
        "réservé hors délai : tarif + 1 €",
        "absent justifié : gratuit",
        "absent non justifié : tarif",
        "annulé dans le délai : gratuit",
        "annulé hors délai : tarif",
    ]
    .iter()
    .filter(|rule| !rule.starts_with(&format!("{head} :")))
    .map(|rule| format!("  {rule}\n"))
    .collect();
    // The deadlines a state needs, unless the line is one of them.
    let mut deadlines = String::new();
    let both = line.contains("modification")
        || line.contains("réservés ou annulés")
        || line.contains("réservation et annulation");
    if !line.contains("réservation au")
        && !line.starts_with("réservation ")
        && !line.contains("inscription")
        && !line.contains("réservés")
        && !line.contains("réservations")
        && !both
    {
        deadlines.push_str("  réservation au plus tard 2 jours avant\n");
    }
    if !line.contains("annulation") && !line.contains("annulés") && !both {
        deadlines.push_str("  annulation au plus tard la veille\n");
    }
    rules_of(&format!("{deadlines}  {line}\n{states}"))
}

/// The billing rules of a deliberation whose facturation has the lines `rules` (each
/// ending with its line end), as JSON; a refusal fails the test.
fn rules_of(rules: &str) -> Json {
    let compiled = tarif::compile(&source(rules));
    let Some(d) = compiled.deliberation else {
        panic!("« {rules} » is refused: {:?}", compiled.diagnostics);
    };
    serde_json::to_value(&d.billing).expect("billing as JSON")
}

#[test]
fn published_wordings_mean_what_their_plain_form_means() {
    // Each pair: a wording as règlements publish it, and the form of the reference that
    // means the same. Both must give the same rules, to the deadline and the cost.
    let pairs = [
        (
            "annulation avant 10 h la veille",
            "annulation la veille avant 10 h",
        ),
        (
            "annulation au plus tard à 10 h la veille",
            "annulation la veille à 10 h",
        ),
        (
            "annulation la veille avant 10 heures",
            "annulation la veille avant 10 h",
        ),
        (
            "annulation au moins 8 jours avant",
            "annulation au plus tard 8 jours avant",
        ),
        ("annulation une semaine avant", "annulation 7 jours avant"),
        (
            "annulation 2 semaines à l'avance",
            "annulation 14 jours avant",
        ),
        (
            "annulation 8 jours calendaires avant",
            "annulation 8 jours avant",
        ),
        (
            "annulation au plus tard à 9 h le jour même",
            "annulation le jour même à 9 h",
        ),
        (
            "annulation possible jusqu'à 48 h avant",
            "annulation au plus tard 48 h avant",
        ),
        (
            "les annulations doivent être faites au plus tard 48 h avant",
            "annulation au plus tard 48 h avant",
        ),
        (
            "annulation jusqu'au jeudi 12 h de la semaine précédente",
            "annulation le jeudi à 12 h de la semaine précédente",
        ),
        (
            "annulation le mercredi précédent à minuit",
            "annulation le mercredi précédent",
        ),
        (
            "annulation des repas du lundi et du mardi au plus tard le jeudi de la semaine précédente",
            "annulation au plus tard le jeudi de la semaine précédente pour le lundi et le mardi",
        ),
        ("annulation la veille à minuit", "annulation la veille"),
        (
            "certificat médical fourni dans un délai de 8 jours suivant l'absence",
            "certificat médical sous 8 jours",
        ),
        (
            "certificat médical dans les 48 heures",
            "justificatif sous 48 h",
        ),
        (
            "justificatifs dans les 5 jours qui suivent le début de l'absence",
            "justificatif sous 5 jours",
        ),
        (
            "réservation au plus tard 48 h avant",
            "inscription au plus tard 48 h avant",
        ),
        (
            "présent sans réservation : le double du tarif repas",
            "présent sans réservation : 2 × tarif repas",
        ),
        (
            "présent sans réservation : tarif repas x 2",
            "présent sans réservation : 2 × tarif repas",
        ),
        (
            "présent sans réservation : facturé au double",
            "présent sans réservation : 2 × tarif",
        ),
        (
            "présent sans réservation : 1,5 fois le tarif repas",
            "présent sans réservation : 1,5 × tarif repas",
        ),
        (
            "présent sans réservation : 50 % du tarif repas",
            "présent sans réservation : 0,5 × tarif repas",
        ),
        (
            "présent sans réservation : tarif repas + 50 %",
            "présent sans réservation : tarif repas majoré de 50 %",
        ),
        (
            "présent sans réservation : tarif repas majoré de 1 €",
            "présent sans réservation : tarif repas + 1 €",
        ),
        (
            "présent sans réservation : tarif repas minoré de 0,50 €",
            "présent sans réservation : tarif repas - 0,50 €",
        ),
        (
            "présent sans réservation : facturé",
            "présent sans réservation : tarif",
        ),
        (
            "présent sans réservation : dû",
            "présent sans réservation : tarif",
        ),
        (
            "présent sans réservation : facturé au tarif repas",
            "présent sans réservation : tarif repas",
        ),
        (
            "plafonné à 60 € par mois et par enfant",
            "plafond de 60 € par mois et par enfant",
        ),
        (
            "plafond mensuel de 60 € par enfant",
            "plafond de 60 € par mois et par enfant",
        ),
        (
            "montant maximum de 60 € par mois et par famille",
            "plafond de 60 € par mois et par famille",
        ),
        (
            "facturation minimum de 5 € par mois et par enfant",
            "minimum de 5 € par mois et par enfant",
        ),
        (
            "minimum de facturation de 5 € par mois et par enfant",
            "minimum de 5 € par mois et par enfant",
        ),
        (
            "durée : toute demi-heure commencée est due",
            "durée par demi-heure engagée",
        ),
        ("durée au quart d'heure", "durée par quart d'heure engagé"),
        (
            "durée par tranche de 30 minutes",
            "durée par demi-heure engagée",
        ),
        ("durée par tranche de 1 heure", "durée par heure engagée"),
        (
            "durée par demi-heure engagée, minimum 1 heure",
            "durée par demi-heure engagée, au moins 1 heure",
        ),
        (
            "durée par demi-heure, au minimum 60 minutes",
            "durée par demi-heure engagée, au moins 1 heure",
        ),
        (
            "retard au-delà de 18 h 30 : 5 € par quart d'heure commencé",
            "retard après 18 h 30 : 5 € par quart d'heure engagé",
        ),
        (
            "départ après 19 h : 11 € par demi-heure, toute demi-heure entamée est due",
            "retard après 19 h : 11 € par demi-heure engagée",
        ),
        (
            "retard après 18 h 30 : 10 € par retard",
            "retard après 18 h 30 : 10 €",
        ),
        (
            "retard après 18 h 30 : 10 € par jour de retard",
            "retard après 18 h 30 : 10 €",
        ),
        (
            "dépassement du contrat : tarif par demi-heure, toute demi-heure commencée est due",
            "dépassement : tarif par demi-heure engagée",
        ),
        (
            "heures supplémentaires : tarif à la demi-heure",
            "dépassement : tarif par demi-heure engagée",
        ),
        (
            "les repas doivent être réservés au plus tard le vendredi précédent avant 10 h",
            "réservation au plus tard le vendredi précédent avant 10 h",
        ),
        (
            "les repas doivent être annulés au plus tard la veille à 10 h",
            "annulation au plus tard la veille à 10 h",
        ),
        (
            "les repas doivent être réservés ou annulés au plus tard la veille à 10 h",
            "réservation et annulation au plus tard la veille à 10 h",
        ),
        (
            "toute modification doit être signalée 48 heures à l'avance",
            "modifications au plus tard 48 h avant",
        ),
        (
            "annulation possible jusqu'à la veille 9 h",
            "annulation la veille à 9 h",
        ),
        (
            "inscription obligatoire au plus tard 8 jours avant",
            "inscription au plus tard 8 jours avant",
        ),
        (
            "l'annulation doit intervenir au plus tard à 9 h 30 le jour même",
            "annulation à 9 h 30 le jour même",
        ),
        (
            "les réservations se font avant le 25 du mois précédent",
            "réservation avant le 25 du mois précédent",
        ),
        (
            "mensualisation : tarif sur 10 mois de septembre à juin",
            "lissage : tarif en 10 mensualités de septembre à juin",
        ),
        (
            "heures au-delà du contrat : tarif par demi-heure engagée",
            "dépassement : tarif par demi-heure engagée",
        ),
        (
            "heures en dehors du contrat : tarif par demi-heure engagée",
            "dépassement : tarif par demi-heure engagée",
        ),
        (
            "durée par demi-heure engagée, 1 heure minimum",
            "durée par demi-heure engagée, au moins 1 heure",
        ),
        (
            "durée par demi-heure engagée, avec un minimum d'une heure",
            "durée par demi-heure engagée, au moins 1 heure",
        ),
        (
            "durée par heure engagée, au moins une heure",
            "durée par heure engagée, au moins 1 heure",
        ),
        (
            "durée par demi-heure engagée, 45 minutes minimum",
            "durée par demi-heure engagée, au moins 45 minutes",
        ),
        (
            "retard après 18 h 30 : 5 € par quart d'heure de retard",
            "retard après 18 h 30 : 5 € par quart d'heure engagé",
        ),
        (
            "pénalité de retard après 18 h 30 : 5 € par quart d'heure",
            "retard après 18 h 30 : 5 € par quart d'heure engagé",
        ),
        (
            "surfacturation des retards après 19 h : 11 € par demi-heure",
            "retard après 19 h : 11 € par demi-heure engagée",
        ),
        (
            "retard après 18 h 30 : pénalité de 10 € par enfant",
            "retard après 18 h 30 : 10 €",
        ),
        (
            "annulé hors délai : facturé au tarif plein",
            "annulé hors délai : tarif",
        ),
        (
            "annulé hors délai : facturé au plein tarif",
            "annulé hors délai : tarif",
        ),
        (
            "absent non justifié : plein tarif",
            "absent non justifié : tarif",
        ),
        (
            "présent sans réservation : majoration de 2 €",
            "présent sans réservation : tarif majoré de 2 €",
        ),
        (
            "présent sans réservation : majoration de 20 %",
            "présent sans réservation : tarif majoré de 20 %",
        ),
        (
            "absent justifié : réduction de 50 %",
            "absent justifié : tarif minoré de 50 %",
        ),
        ("absent justifié : remboursé", "absent justifié : gratuit"),
        ("absent justifié : non dû", "absent justifié : gratuit"),
        (
            "annulé dans le délai : exonéré",
            "annulé dans le délai : gratuit",
        ),
        (
            "toute demi-heure entamée est due",
            "durée par demi-heure engagée",
        ),
        (
            "toute demi-heure commencée étant due",
            "durée par demi-heure engagée",
        ),
        (
            "tout quart d'heure commencé est dû, au moins 1 heure",
            "durée par quart d'heure engagé, au moins 1 heure",
        ),
        (
            "absent pour hospitalisation, dès le premier jour : déduction de tarif",
            "absent pour hospitalisation : déduction de tarif",
        ),
        (
            "absent pour hospitalisation, à partir du 1er jour : déduit au tarif",
            "absent pour hospitalisation : déduction de tarif",
        ),
        (
            "forfait semaine de 40 € dès le 4e jour de la semaine",
            "forfait hebdomadaire : 40 € dès le 4e jour de présence dans la semaine",
        ),
        (
            "forfait à la semaine : 40 € à partir du 4e jour dans la semaine",
            "forfait hebdomadaire : 40 € dès le 4e jour de présence dans la semaine",
        ),
        (
            "forfait : 40 € dès le 4e jour de la semaine",
            "forfait hebdomadaire : 40 € dès le 4e jour de présence dans la semaine",
        ),
        (
            "arrondi au centime inférieur",
            "arrondi de chaque ligne au centime inférieur",
        ),
        (
            "arrondi au centime le plus proche",
            "arrondi de chaque ligne au centime",
        ),
        (
            "pénalité de 15 € par retard après 18 h 30",
            "retard après 18 h 30 : 15 €",
        ),
        (
            "pénalité de 10 € pour tout retard après 18 h 30",
            "retard après 18 h 30 : 10 €",
        ),
        (
            "pénalité forfaitaire de 10 € pour chaque retard au-delà de 18 h 30",
            "retard après 18 h 30 : 10 €",
        ),
        (
            "retard après 18 h 30 : pénalité forfaitaire de 5 €",
            "retard après 18 h 30 : 5 €",
        ),
        (
            "pénalité de 5 € par quart d'heure de retard après 18 h 30",
            "retard après 18 h 30 : 5 € par quart d'heure engagé",
        ),
        (
            "facturation plafonnée à 150 € par mois et par famille",
            "plafond de 150 € par mois et par famille",
        ),
        (
            "pénalité de 10 € pour tout retard dès 18 h 45",
            "retard à partir de 18 h 45 : 10 €",
        ),
        // A late departure said as a sentence.
        (
            "tout retard après 18 h 30 sera facturé 5 €",
            "retard après 18 h 30 : 5 €",
        ),
        (
            "au-delà de 18 h 30, une pénalité de 10 € sera appliquée",
            "retard après 18 h 30 : 10 €",
        ),
        (
            "tout retard au-delà de 18 h 30 donnera lieu à une pénalité de 10 €",
            "retard après 18 h 30 : 10 €",
        ),
        (
            "tout retard après 18 h 30 entraînera une pénalité de 10 €",
            "retard après 18 h 30 : 10 €",
        ),
        (
            "au-delà de 18 h 30, une pénalité de 5 € par quart d'heure sera appliquée",
            "retard après 18 h 30 : 5 € par quart d'heure engagé",
        ),
        (
            "chaque retard à partir de 18 h 45 sera facturé 10 €",
            "retard à partir de 18 h 45 : 10 €",
        ),
        (
            "retard après 18 h 30 : 5 € par quart d'heure supplémentaire",
            "retard après 18 h 30 : 5 € par quart d'heure engagé",
        ),
        (
            "retard après 18 h 30 : 5 € le quart d'heure",
            "retard après 18 h 30 : 5 € par quart d'heure engagé",
        ),
        (
            "retard après 18 h 30 : 10 € par enfant et par retard",
            "retard après 18 h 30 : 10 € par enfant",
        ),
        (
            "surfacturation des retards après 19 h : 11 € par demi-heure ; toute demi-heure engagée est due",
            "retard après 19 h : 11 € par demi-heure engagée",
        ),
    ];
    for (published, plain) in pairs {
        assert_eq!(billing_of(published), billing_of(plain), "« {published} »");
    }
    // And they differ where they should: a forfait of the week is not the month's.
    assert_ne!(
        billing_of("forfait hebdomadaire : 40 € dès le 4e jour de la semaine"),
        billing_of("forfait mensuel : 40 € dès le 4e jour du mois")
    );
    // From an hour is not after it.
    assert_ne!(
        billing_of("retard à partir de 18 h 45 : 10 €"),
        billing_of("retard après 18 h 45 : 10 €")
    );
    // The hour written is the deadline.
    assert_ne!(
        billing_of("annulation la veille avant 10 h"),
        billing_of("annulation la veille à 10 h")
    );
    assert_ne!(
        billing_of("annulation 2 jours avant à minuit"),
        billing_of("annulation 2 jours avant")
    );
}

#[test]
fn the_document_that_justifies_an_absence_may_be_named() {
    // « absent justifié par certificat médical », « absent avec certificat médical » are
    // « absent justifié »; « absent sans justificatif » is « absent non justifié ».
    let block = |justified: &str, unjustified: &str| {
        rules_of(&format!(
            "  présent, présent sans réservation : tarif\n  {justified} : gratuit\n  {unjustified} : tarif\n  annulé : gratuit\n"
        ))
    };
    let plain = block("absent justifié", "absent non justifié");
    for (justified, unjustified) in [
        (
            "absent justifié par certificat médical",
            "absent sans justificatif",
        ),
        (
            "absent justifié par un justificatif",
            "absent sans certificat médical",
        ),
        (
            "absent avec certificat médical",
            "absent sans un justificatif",
        ),
        ("absent avec un certificat médical", "absent injustifié"),
        (
            "absent, sur présentation d'un certificat médical",
            "absent non justifié",
        ),
        (
            "absent sur présentation de justificatif",
            "absent non justifié",
        ),
        ("absence excusée", "absence non excusée"),
        ("absent excusé", "absent non excusé"),
    ] {
        assert_eq!(block(justified, unjustified), plain, "« {justified} »");
    }
}

#[test]
fn a_state_and_its_price_may_be_said_as_a_sentence() {
    // « Toute absence non justifiée sera facturée » is « absent non justifié : tarif »;
    // « les absences justifiées ne sont pas facturées », « absent justifié : gratuit ».
    let block = |justified: &str, unjustified: &str| {
        rules_of(&format!(
            "  présent, présent sans réservation : tarif\n  {justified}\n  {unjustified}\n  annulé : gratuit\n"
        ))
    };
    let plain = block("absent justifié : gratuit", "absent non justifié : tarif");
    for (justified, unjustified) in [
        (
            "les absences justifiées ne sont pas facturées",
            "toute absence non justifiée sera facturée",
        ),
        (
            "toute absence justifiée n'est pas facturée",
            "les absences non justifiées sont facturées",
        ),
        (
            "les absences justifiées par un certificat médical ne seront pas facturées",
            "toute absence non justifiée est facturée au tarif plein",
        ),
        (
            "les absences justifiées sont gratuites",
            "les absences non justifiées sont dues",
        ),
    ] {
        assert_eq!(block(justified, unjustified), plain, "« {justified} »");
    }
    // « ne … » says « pas »: a sentence that does not is refused, not read as billed.
    for wrong in [
        "les absences justifiées ne sont facturées",
        "les absences justifiées ne sont pas facturées au tarif plein",
    ] {
        let compiled = tarif::compile(&source(&format!(
            "  présent, présent sans réservation : tarif\n  {wrong}\n  absent non justifié : tarif\n  annulé : gratuit\n"
        )));
        assert!(
            compiled
                .diagnostics
                .iter()
                .any(|d| format!("{:?}", d.code) == "E001"),
            "« {wrong} » is read"
        );
    }
}

#[test]
fn a_meal_eaten_without_booking_or_booked_late_may_be_said_as_a_sentence() {
    // « Tout repas consommé non réservé sera facturé au tarif majoré de 1 € », « toute
    // réservation hors délai sera majorée de 50 % »: the meal named before the state.
    let block = |unbooked: &str, late: &str| {
        rules_of(&format!(
            "  réservation au plus tard 2 jours avant\n  présent : tarif\n  {unbooked}\n  {late}\n  absent : tarif\n  annulé : gratuit\n"
        ))
    };
    let plain = block(
        "présent sans réservation : tarif + 1 €",
        "réservé hors délai : tarif majoré de 50 %",
    );
    for (unbooked, late) in [
        (
            "tout repas consommé non réservé sera facturé au tarif majoré de 1 €",
            "toute réservation hors délai sera majorée de 50 %",
        ),
        (
            "les repas pris sans réservation sont facturés au tarif + 1 €",
            "les repas réservés hors délai sont majorés de 50 %",
        ),
        (
            "consommé non réservé : majoré de 1 €",
            "inscription hors délai : tarif majoré de 50 %",
        ),
    ] {
        assert_eq!(block(unbooked, late), plain, "« {unbooked} », « {late} »");
    }
    // A noun that is a state is the state (« toute absence … »), and « ne » is never
    // read as a noun.
    let compiled = tarif::compile(&source(
        "  présent, présent sans réservation : tarif\n  tout repas ne sera facturé\n  absent : tarif\n  annulé : gratuit\n",
    ));
    assert!(compiled.deliberation.is_none());
}

#[test]
fn the_delay_of_a_document_may_be_said_with_its_state() {
    // « absent justifié par certificat médical fourni sous 72 h : gratuit » is the line
    // « certificat médical sous 72 h » and « absent justifié : gratuit ».
    let billing = |rules: &str| {
        let mut json = rules_of(&format!(
            "  présent, présent sans réservation : tarif\n  annulé : gratuit\n{rules}"
        ));
        // The delay cites the line that says it: the state's, or its own.
        json[0]["proof"]["line"] = Json::Null;
        json
    };
    let plain = billing(
        "  absent justifié : gratuit\n  absent non justifié : tarif\n  certificat médical sous 72 h\n",
    );
    assert_eq!(plain[0]["proof"]["hours"], 72, "{plain}");
    for said in [
        "  absent justifié par certificat médical fourni sous 72 h : gratuit\n  absent non justifié : tarif\n",
        "  les absences justifiées par certificat médical fourni sous 72 h ne seront pas facturées\n  absent non justifié : tarif\n",
        "  absent sur présentation d'un certificat médical dans les 72 heures : gratuit\n  absent non justifié : tarif\n",
        "  absent justifié par un certificat médical remis dans un délai de 3 jours : gratuit\n  absent non justifié : tarif\n",
    ] {
        assert_eq!(billing(said), plain, "« {said} »");
    }
    // The same delay on two states is one; two delays are an error.
    let twice = source(
        "  présent, présent sans réservation : tarif\n  absent justifié sous 72 h, le premier jour de l'absence : tarif\n  absent justifié sous 72 h, à partir du 2e jour de l'absence : gratuit\n  absent non justifié : tarif\n  annulé : gratuit\n",
    );
    assert!(tarif::compile(&twice).diagnostics.is_empty());
    let other = twice.replacen("sous 72 h, à partir", "sous 48 h, à partir", 1);
    let codes: Vec<String> = tarif::compile(&other)
        .diagnostics
        .iter()
        .map(|d| format!("{:?}", d.code))
        .collect();
    assert_eq!(codes, ["E074"]);
}

#[test]
fn a_step_said_alone_is_the_time_of_presence_unless_another_time_is_billed() {
    let codes = |rules: &str| -> Vec<String> {
        tarif::compile(&source(&format!(
            "  présent, présent sans réservation : tarif\n  absent : tarif\n  annulé : gratuit\n{rules}"
        )))
        .diagnostics
        .iter()
        .map(|d| format!("{:?}", d.code))
        .collect()
    };
    assert!(codes("  toute demi-heure entamée est due\n").is_empty());
    // With a late fee or overtime billed by steps, whose time would it be?
    assert_eq!(
        codes("  toute demi-heure entamée est due\n  retard après 19 h : 11 € par demi-heure\n"),
        ["E079"]
    );
    assert_eq!(
        codes("  dépassement : tarif par demi-heure\n  toute demi-heure engagée est due\n"),
        ["E079"]
    );
    // Said with « durée », or on the late fee's line, it is no question.
    assert!(
        codes("  durée : toute demi-heure entamée est due\n  retard après 19 h : 11 € par demi-heure\n")
            .is_empty()
    );
    assert!(codes("  retard après 19 h : 11 € par demi-heure, toute demi-heure engagée est due\n  retard après 20 h : 15 €\n").iter().all(|c| c != "E079"));
    // A late fee once per departure bills no time.
    assert!(codes("  toute demi-heure entamée est due\n  retard après 19 h : 10 €\n").is_empty());
}

#[test]
fn a_motive_is_read_without_its_lead_words() {
    // « pour cause de grève », « en cas de grève » and « pour grève » are one motive:
    // a day of motive « grève » takes their rule.
    let plain = billing_of("absent pour grève : gratuit");
    for published in [
        "absent pour cause de grève : gratuit",
        "absent en cas de grève : gratuit",
        "absent, pour grève : gratuit",
    ] {
        assert_eq!(billing_of(published), plain, "« {published} »");
    }
    // The document said after the motive justifies the absence; « en cas d'absence »
    // leads the line.
    let justified = billing_of("absent justifié pour maladie : gratuit");
    for published in [
        "absent pour maladie, sur présentation d'un certificat médical : gratuit",
        "absent pour maladie, avec certificat médical : gratuit",
        "en cas d'absence justifiée pour maladie : gratuit",
    ] {
        assert_eq!(billing_of(published), justified, "« {published} »");
    }
    let block = |lines: &str| {
        rules_anywhere(&format!(
            "{lines}  présent, présent sans réservation : tarif\n  absent : tarif\n  annulé : gratuit\n"
        ))
    };
    assert_eq!(
        block(
            "  en cas d'absence pour maladie, sur présentation d'un certificat médical sous 48 h : gratuit\n"
        ),
        block("  certificat médical sous 48 h\n  absent justifié pour maladie : gratuit\n")
    );
    // A length of absence is no motive.
    let length = billing_of("absent justifié, pour une absence de plus de 3 jours : gratuit");
    assert!(length.to_string().contains("AbsenceLength"), "{length}");
}

#[test]
fn an_hour_or_a_delay_beyond_reason_is_refused_and_24_h_is_midnight() {
    // `24 h` is the end of the day, as `minuit`.
    assert_eq!(
        billing_of("annulation le jeudi à 24 h de la semaine précédente"),
        billing_of("annulation le jeudi de la semaine précédente")
    );
    let refused = |line: &str| {
        let text = source(&format!(
            "  {line}\n  présent, présent sans réservation : tarif\n  absent : tarif\n  annulé : gratuit\n"
        ));
        let compiled = tarif::compile(&text);
        assert!(compiled.deliberation.is_none(), "« {line} » is accepted");
        compiled
            .diagnostics
            .iter()
            .map(|d| format!("{:?}", d.code))
            .collect::<Vec<_>>()
    };
    // An hour that is none: never clamped to 23 h 59 without a word.
    assert_eq!(refused("retard après 25 h : 10 €"), ["E001"]);
    assert_eq!(refused("annulation la veille à 9 h 75"), ["E001"]);
    // A delay of more than a year (a typo), or a step of no minute: E078, and the
    // invoice never panics on it.
    assert!(refused("annulation 99999999999 semaines avant").contains(&"E078".to_string()));
    assert!(refused("annulation 400 jours avant").contains(&"E078".to_string()));
    assert!(refused("annulation le 32 du mois précédent").contains(&"E078".to_string()));
    assert!(refused("durée par tranche de 0 minutes").contains(&"E078".to_string()));
    // Words before a deadline are from a list: a condition is never dropped unread.
    assert!(
        refused("annulation sauf maladie au plus tard 48 h avant").contains(&"E001".to_string())
    );
    // A delay counted from elsewhere than the first day of the absence is refused.
    assert!(
        refused("certificat médical dans les 48 heures suivant le retour de l'enfant")
            .contains(&"E001".to_string())
    );
    // Nor is a limit counted from the child's return (it was read as from the first
    // day of the absence).
    assert!(
        refused("certificat médical sous 48 h, au plus tard 10 jours après le retour de l'enfant")
            .contains(&"E001".to_string())
    );
    let accepted = tarif::compile(&source(
        "  certificat médical sous 48 h, au plus tard 10 jours après le premier jour d'absence\n  présent, présent sans réservation : tarif\n  absent : tarif\n  annulé : gratuit\n",
    ));
    assert!(!accepted.has_errors(), "{:?}", accepted.diagnostics);
}

/// `rules` (each ending with its line end) without the line each is written on.
fn rules_anywhere(rules: &str) -> Json {
    fn strip(value: &mut Json) {
        match value {
            Json::Object(map) => {
                map.remove("line");
                map.values_mut().for_each(strip);
            }
            Json::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut json = rules_of(rules);
    strip(&mut json);
    json
}

#[test]
fn days_of_carence_are_the_first_days_of_each_absence_at_the_tariff() {
    // « gratuit après 2 jours de carence » is « les 2 premiers jours de l'absence :
    // tarif » then « à partir du 3e : gratuit », on one line.
    let block = |justified: &str| {
        rules_anywhere(&format!(
            "  présent, présent sans réservation : tarif\n{justified}  absent non justifié : tarif\n  annulé : gratuit\n"
        ))
    };
    let plain = |calendar: &str, days: u32| {
        block(&format!(
            "  absent justifié, les {days} premiers jours{calendar} de l'absence : tarif « jour de carence »\n  absent justifié, à partir du {}e jour{calendar} de l'absence : gratuit\n",
            days + 1
        ))
    };
    for (published, calendar, days) in [
        ("absent justifié : gratuit après 2 jours de carence", "", 2),
        (
            "absent justifié : non facturé au-delà de deux jours de carence",
            "",
            2,
        ),
        (
            "absent justifié, après un délai de carence de 3 jours : gratuit",
            "",
            3,
        ),
        ("absent justifié, avec 2 jours de carence : gratuit", "", 2),
        (
            "les absences justifiées ne sont pas facturées après 2 jours de carence",
            "",
            2,
        ),
        (
            "absent justifié : gratuit, après 3 jours calendaires de carence",
            " calendaires",
            3,
        ),
    ] {
        assert_eq!(
            block(&format!("  {published}\n")),
            plain(calendar, days),
            "« {published} »"
        );
    }
    // One day: « un jour de carence », « un délai de carence d'un jour ».
    let one = block(
        "  absent justifié, le premier jour de l'absence : tarif « jour de carence »\n  absent justifié, à partir du 2e jour de l'absence : gratuit\n",
    );
    for published in [
        "absent justifié, un jour de carence : gratuit",
        "absent justifié, avec un délai de carence d'un jour : gratuit",
    ] {
        assert_eq!(block(&format!("  {published}\n")), one, "« {published} »");
    }
    // A deduction deducts nothing on its days of carence.
    let deducted = rules_anywhere(
        "  présent, présent sans réservation : tarif\n  absent pour maladie, après 3 jours calendaires de carence : déduit au tarif repas\n  absent : tarif\n  annulé : gratuit\n",
    );
    let states = deducted[0]["states"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let waited: Vec<&Json> = states
        .iter()
        .filter(|s| s["label"] == "jour de carence")
        .collect();
    assert_eq!(waited.len(), 3, "{deducted}");
    assert!(
        waited
            .iter()
            .all(|s| s["cost"]["terms"] == serde_json::json!([]) && s["count"]["to"] == 3),
        "{deducted}"
    );
    // A count and days of carence on one rule: refused, never one dropped.
    let both = tarif::compile(&source(
        "  présent, présent sans réservation : tarif\n  absent justifié, les 2 premiers jours de l'absence : gratuit après 2 jours de carence\n  absent : tarif\n  annulé : gratuit\n",
    ));
    assert!(both.deliberation.is_none());
}

#[test]
fn a_minimum_of_presence_said_as_a_sentence_is_the_durations() {
    // « Une présence inférieure à 4 heures est facturée 4 heures » (the words):
    // the minimum of the `durée` line, which gives its step.
    let block = |lines: &str| {
        rules_anywhere(&format!(
            "{lines}  présent, présent sans réservation : tarif\n  absent : gratuit\n  annulé : gratuit\n"
        ))
    };
    let plain = block("  durée par demi-heure engagée, au moins 4 heures\n");
    for published in [
        "  durée par demi-heure engagée\n  une présence inférieure à 4 heures est facturée 4 heures\n",
        "  une présence inférieure à 4 heures est facturée 4 heures\n  durée par demi-heure engagée\n",
        "  durée par demi-heure engagée, au moins 4 heures\n  toute présence de moins de 4 heures est facturée 4 heures\n",
    ] {
        assert_eq!(block(published), plain, "« {published} »");
    }
    assert_eq!(
        block(
            "  durée par demi-heure engagée\n  toute présence de moins d'une heure est facturée une heure\n"
        ),
        block("  durée par demi-heure engagée, au moins 1 heure\n")
    );
    let codes = |lines: &str| {
        let compiled = tarif::compile(&source(&format!(
            "{lines}  présent, présent sans réservation : tarif\n  absent : gratuit\n  annulé : gratuit\n"
        )));
        assert!(compiled.deliberation.is_none(), "« {lines} » is accepted");
        compiled
            .diagnostics
            .iter()
            .map(|d| format!("{:?}", d.code))
            .collect::<Vec<_>>()
    };
    // Without a `durée` line, no time of presence is counted: E080.
    assert_eq!(
        codes("  une présence inférieure à 1 heure est facturée 1 heure\n"),
        ["E080"]
    );
    // Two minimums that differ: E074, never one of them dropped.
    assert_eq!(
        codes(
            "  durée par demi-heure engagée, au moins 2 heures\n  une présence inférieure à 1 heure est facturée 1 heure\n"
        ),
        ["E074"]
    );
}
