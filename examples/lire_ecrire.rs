//! The floor of `tarif batch`: reads a CSV of families with the same record reader and
//! writes one row per family (`ligne;id;repas;erreur`, the first value column copied
//! where the price would be) with the same CSV writer, without reading the families as
//! families nor pricing them. `scripts/bench-batch.sh` times it beside `tarif batch`.
//!
//! `cargo run --release --example lire_ecrire -- familles.csv resultats.csv`

use std::io::{BufReader, BufWriter};

use tarif::inputs::records::{Next, Records};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        eprintln!("usage : lire_ecrire FAMILLES.csv RESULTATS.csv");
        std::process::exit(2);
    };
    let file = std::fs::File::open(&input).expect("the families can be read");
    let mut records = Records::new(BufReader::with_capacity(1 << 20, file), true);
    let out = std::fs::File::create(&output).expect("the results can be written");
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(BufWriter::with_capacity(1 << 20, out));
    let mut buffer = String::new();
    let _ = records.next_into(&mut buffer);
    writer
        .write_record(["ligne", "id", "repas", "erreur"])
        .expect("write");
    loop {
        buffer.clear();
        match records.next_into(&mut buffer) {
            Next::End | Next::TooLong { .. } => break,
            Next::Record { line } => {
                let fields = tarif::batch::fields(&buffer, b';').unwrap_or_default();
                let id = fields.first().map_or("", |f| f.as_ref());
                let value = fields.get(1).map_or("", |f| f.as_ref());
                writer
                    .write_record([line.to_string().as_str(), id, value, ""])
                    .expect("write");
            }
            Next::Unclosed { .. } | Next::NotText { .. } => {}
        }
    }
    writer.flush().expect("flush");
}
