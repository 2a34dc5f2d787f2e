//! `tarif check` on a deliberation of about 2 000 lines: reading, checking and
//! rendering every diagnostic. Target: under 50 ms.

use criterion::{Criterion, criterion_group, criterion_main};

/// A deliberation of `articles` articles of 20 lines each: a table of 10 tranches on
/// a computed QF, a definition, two modifiers and a rounding.
fn deliberation(articles: usize) -> String {
    let mut text = String::from(
        "délibération « Tarifs de tous les services »\n  collectivité « Commune de Banc-d'Essai »\n  \
         numéro « 2025-100 »\n  adoptée le 26/06/2025\n  applicable du 01/09/2025 au 31/08/2026\n\n\
         entrées\n  quotient_caf : montant entier, certifié CAF.quotient_familial\n  \
         rfr : montant entier, certifié DGFIP.revenu_fiscal_reference\n  \
         parts : nombre, certifié DGFIP.nombre_parts\n  \
         résidence : choix parmi commune, hors_commune, par défaut commune\n  \
         rang : entier, par défaut 1\n\n\
         article 1 « Quotient »\n  quotient : montant =\n    si quotient_caf est connu alors quotient_caf\n    \
         sinon arrondi(rfr / 12 / parts ; à l'euro inférieur)\n\n",
    );
    for a in 0..articles {
        text.push_str(&format!(
            "article {n} « Service {a} »\n  tarif service_{a} (par séance)\n  grille selon quotient\n    \
             | quotient | service_{a} |\n",
            n = a + 2
        ));
        for t in 0..10 {
            let low = t * 200;
            let price = format!("{},{:02}", 1 + t + a % 3, (a * 7 + t * 5) % 100);
            if t == 0 {
                text.push_str(&format!("    | jusqu'à 199 € | {price} € |\n"));
            } else if t == 9 {
                text.push_str(&format!("    | à partir de {low} € | {price} € |\n"));
            } else {
                text.push_str(&format!("    | de {low} à {} € | {price} € |\n", low + 199));
            }
        }
        text.push_str(&format!(
            "    | inconnu | 9,99 € |\n  supplément_{a} : montant = max(0,50 € ; 0,10 € × rang)\n  \
             service_{a} : majoration de 30 % si résidence = hors_commune « hors commune »\n  \
             service_{a} : réduction de 20 % si rang ≥ 3 « fratrie »\n  service_{a} : arrondi au centime\n\n"
        ));
    }
    text
}

fn bench(c: &mut Criterion) {
    let source = deliberation(100);
    let lines = source.lines().count();
    assert!(lines >= 2000, "{lines} lines");
    let compiled = tarif::compile(&source);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics.first());
    c.bench_function(&format!("check {lines} lines"), |b| {
        b.iter(|| {
            let compiled = tarif::compile(std::hint::black_box(&source));
            tarif::report::to_text("bench.delib", &source, &compiled.diagnostics, false)
        })
    });
    // What the workshop (`GET /editeur`) asks at each pause of the typing: diagnostics,
    // examples run, inputs and tariffs, as JSON (target: under 50 ms).
    #[cfg(feature = "serveur")]
    c.bench_function(&format!("atelier : analyse de {lines} lignes"), |b| {
        b.iter(|| tarif::server::editor::analyse::analyse(std::hint::black_box(&source)))
    });
    // With a gap in the first grid: the diagnostics of an error, no example run.
    #[cfg(feature = "serveur")]
    {
        let broken = source.replacen("| de 200 à", "| de 201 à", 1);
        assert!(tarif::compile(&broken).has_errors());
        c.bench_function(
            &format!("atelier : analyse de {lines} lignes, un trou"),
            |b| b.iter(|| tarif::server::editor::analyse::analyse(std::hint::black_box(&broken))),
        );
    }
}

/// A call nested `levels` deep and never closed (`arrondi(borné(arrondi(… qf`): the
/// parse must stay linear in the nesting (each level used to double it: 18 levels took
/// 1,9 s).
fn nested(levels: usize) -> String {
    let mut e = String::from("qf");
    for i in 0..levels {
        e = format!("{}{e}", if i % 2 == 0 { "arrondi(" } else { "borné(" });
    }
    format!(
        "délibération « x »\n  applicable du 01/09/2026\nentrées\n  qf : montant\n\
         article 1 « a »\n  tarif t (par jour) = {e}\n"
    )
}

fn bench_nesting(c: &mut Criterion) {
    let mut group = c.benchmark_group("appels imbriqués non fermés");
    for levels in [10, 20, 40, 80] {
        let source = nested(levels);
        assert!(tarif::compile(&source).has_errors());
        group.bench_function(format!("{levels} niveaux"), |b| {
            b.iter(|| tarif::compile(std::hint::black_box(&source)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // No plots: criterion's plotting would share this crate's plotters, whose text
    // needs the font `tarif` registers itself.
    config = Criterion::default().without_plots();
    targets = bench, bench_nesting
}
criterion_main!(benches);
