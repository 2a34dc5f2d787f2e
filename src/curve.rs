//! `tarif courbe`: a tariff's price against one input (the key of its grid, say the QF)
//! for a base family, one curve per value of another input (`--par résidence`); the
//! steps of the grid, the size of each jump at a bound, and the price as a share of the
//! key (the effective taux d'effort). Prices are computed by the evaluator, in Decimal;
//! only the drawing uses floating coordinates.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::eval::trace::Provenance;
use crate::eval::{Family, Session};
use crate::rules::{Deliberation, InputId, Value, ValueType};

/// The most values of the key priced for one curve.
const MOST_SAMPLES: u64 = 200_000;

/// Where the price changes: it is `price` from `x` until the next point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub x: Decimal,
    /// `None` where the price cannot be computed.
    pub price: Option<Decimal>,
}

/// A jump of the price at a bound of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jump {
    /// The first value of the key priced `after`.
    pub at: Decimal,
    pub before: Decimal,
    pub after: Decimal,
}

/// The price along the key, for one value of `--par` (or the base family).
#[derive(Debug, Clone)]
pub struct Curve {
    /// The value of `--par`, as written (`hors_commune`, `oui`).
    pub label: Option<String>,
    /// The first value, each value where the price changes, and the last value.
    pub points: Vec<Point>,
    pub jumps: Vec<Jump>,
    /// The key's value and the price at each value priced (every unit of the key).
    pub samples: Vec<(Decimal, Option<Decimal>)>,
}

/// What to draw.
pub struct Request<'a> {
    pub tariff: usize,
    pub key: InputId,
    pub from: Decimal,
    pub to: Decimal,
    pub by: Option<InputId>,
    pub base: &'a Family,
    pub date: NaiveDate,
}

/// Why a curve cannot be drawn (worded in French by `report::messages::curve_problem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurveProblem {
    /// The key is no input of the deliberation.
    UnknownInput,
    /// The key is not a number nor an amount.
    NotNumeric { input: String },
    /// `--a` is not above `--de`.
    EmptyRange,
    /// More values of the key than are priced for one curve.
    TooWide {
        from: Decimal,
        to: Decimal,
        most: u64,
    },
    /// No price is computed anywhere in the range.
    NothingPriced,
    /// The embedded font could not be read.
    Font,
    /// The drawing or the PNG encoding failed, as its library says.
    Drawing(String),
}

/// Whether `request` can be drawn.
pub fn check(d: &Deliberation, request: &Request<'_>) -> Result<(), CurveProblem> {
    let key = d
        .inputs
        .get(request.key.0 as usize)
        .ok_or(CurveProblem::UnknownInput)?;
    if !matches!(key.ty, ValueType::Amount | ValueType::Number) {
        return Err(CurveProblem::NotNumeric {
            input: key.name.clone(),
        });
    }
    if request.to <= request.from {
        return Err(CurveProblem::EmptyRange);
    }
    if request.to - request.from > Decimal::from(MOST_SAMPLES) {
        return Err(CurveProblem::TooWide {
            from: request.from,
            to: request.to,
            most: MOST_SAMPLES,
        });
    }
    Ok(())
}

/// The input a curve follows by default: the family's quotient familial certified by
/// the CAF, else its first numeric input.
pub fn default_key(d: &Deliberation) -> Option<InputId> {
    let numeric: Vec<(usize, &crate::rules::Input)> = d
        .inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.scope == crate::rules::Scope::Family
                && matches!(i.ty, ValueType::Amount | ValueType::Number)
        })
        .collect();
    let qf = numeric.iter().find(|(_, i)| {
        i.certified
            .map(crate::check::source_name)
            .is_some_and(|s| s == "CAF.quotient_familial")
    });
    qf.or(numeric.first()).map(|(n, _)| InputId(*n as u32))
}

/// The values of `--par`: each value of a `choix`, `non` and `oui` for a `booléen`.
pub fn by_values(d: &Deliberation, input: InputId) -> Vec<(String, Value)> {
    match d.inputs.get(input.0 as usize).map(|i| &i.ty) {
        Some(ValueType::Choice(ids)) => ids
            .iter()
            .map(|c| {
                (
                    d.choices.get(c.0 as usize).cloned().unwrap_or_default(),
                    Value::Choice(*c),
                )
            })
            .collect(),
        Some(ValueType::Boolean) => vec![
            ("non".to_string(), Value::Bool(false)),
            ("oui".to_string(), Value::Bool(true)),
        ],
        _ => Vec::new(),
    }
}

/// The curves of `request`: one, or one per value of `--par`.
pub fn curves(d: &Deliberation, session: &mut Session<'_>, request: &Request<'_>) -> Vec<Curve> {
    let whole = d
        .inputs
        .get(request.key.0 as usize)
        .is_some_and(|i| i.whole);
    let variants: Vec<(Option<String>, Option<Value>)> = match request.by {
        Some(by) => by_values(d, by)
            .into_iter()
            .map(|(label, value)| (Some(label), Some(value)))
            .collect(),
        None => vec![(None, None)],
    };
    variants
        .into_iter()
        .map(|(label, value)| {
            let mut family = request.base.clone();
            if let (Some(by), Some(value)) = (request.by, value) {
                family.set(by, Some(value), Provenance::Declared);
            }
            let mut price = |x: Decimal| {
                family.set(request.key, Some(Value::Number(x)), Provenance::Declared);
                session.price(&family, request.date, request.tariff).ok()
            };
            trace(&mut price, request.from, request.to, whole, label)
        })
        .collect()
}

/// The price at every unit of the key from `from` to `to`; where it changes between two
/// units of a key that need not be whole, the first cent of the new price is found by
/// bisection.
fn trace(
    price: &mut dyn FnMut(Decimal) -> Option<Decimal>,
    from: Decimal,
    to: Decimal,
    whole: bool,
    label: Option<String>,
) -> Curve {
    let mut points = Vec::new();
    let mut jumps = Vec::new();
    let mut samples = Vec::new();
    let mut x = from;
    let mut previous: Option<(Decimal, Option<Decimal>)> = None;
    loop {
        let p = price(x);
        samples.push((x, p));
        match previous {
            None => points.push(Point { x, price: p }),
            Some((before_x, before)) if before != p => {
                let at = if whole || x - before_x <= Decimal::new(1, 2) {
                    x
                } else {
                    first_cent(price, before_x, x, p)
                };
                points.push(Point { x: at, price: p });
                if let (Some(b), Some(a)) = (before, p) {
                    jumps.push(Jump {
                        at,
                        before: b,
                        after: a,
                    });
                }
            }
            _ => {}
        }
        previous = Some((x, p));
        if x >= to {
            break;
        }
        x = (x + Decimal::ONE).min(to);
    }
    if let Some(last) = points.last()
        && last.x != to
    {
        let p = previous.and_then(|(_, p)| p);
        points.push(Point { x: to, price: p });
    }
    Curve {
        label,
        points,
        jumps,
        samples,
    }
}

/// The first cent in `(low, high]` priced `target` (the price at `high`).
fn first_cent(
    price: &mut dyn FnMut(Decimal) -> Option<Decimal>,
    low: Decimal,
    high: Decimal,
    target: Option<Decimal>,
) -> Decimal {
    let cent = Decimal::new(1, 2);
    let (mut low, mut high) = (low, high);
    while high - low > cent {
        let middle = ((low + high) / Decimal::TWO).round_dp(2);
        let middle = if middle <= low { low + cent } else { middle };
        if middle >= high {
            break;
        }
        if price(middle) == target {
            high = middle;
        } else {
            low = middle;
        }
    }
    high
}

/// The points as CSV (`;`, decimal comma): `KEY;TARIFF`, with the `--par` column first
/// when there is one, and with `--effort` the price as a percentage of the key.
pub fn to_csv(curves: &[Curve], key: &str, tariff: &str, by: Option<&str>, effort: bool) -> String {
    let mut out = String::new();
    let cell = |v: Decimal| v.normalize().to_string().replace('.', ",");
    let money = |v: Decimal| {
        let mut v = v.normalize();
        if v.scale() < 2 {
            v.rescale(2);
        }
        v.to_string().replace('.', ",")
    };
    if let Some(by) = by {
        let _ = write!(out, "{by};");
    }
    let _ = write!(out, "{key};{tariff}");
    if effort {
        out.push_str(";effort");
    }
    out.push('\n');
    for curve in curves {
        for point in &curve.points {
            if let Some(label) = &curve.label {
                let _ = write!(out, "{label};");
            }
            let _ = write!(
                out,
                "{};{}",
                cell(point.x),
                point.price.map_or(String::new(), money)
            );
            if effort {
                out.push(';');
                if let Some(share) = share(point.price, point.x) {
                    out.push_str(&cell(share));
                }
            }
            out.push('\n');
        }
    }
    out
}

/// The price as a percentage of the key, to 0,01 %.
pub fn share(price: Option<Decimal>, key: Decimal) -> Option<Decimal> {
    let price = price?;
    (key > Decimal::ZERO).then(|| (price / key * Decimal::ONE_HUNDRED).round_dp(2))
}

/// How the drawing is labelled.
pub struct Labels<'a> {
    pub title: &'a str,
    /// The key, as the axis says it: `quotient_caf (€)`.
    pub key: &'a str,
    pub key_is_amount: bool,
    /// The unit of the tariff: `repas`.
    pub unit: &'a str,
    pub effort: bool,
}

fn f(value: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    value.to_f64().unwrap_or(0.0)
}

/// `1 200 €`, `2,29 €`, `12,5 %` for the axes and the jumps.
fn axis_amount(value: f64, cents: bool) -> String {
    let value = Decimal::from_f64_retain(value)
        .unwrap_or_default()
        .round_dp(if cents { 2 } else { 0 });
    if cents {
        crate::french::price(value)
    } else {
        format!("{} €", crate::french::number(value))
    }
}

/// The font the curves are written in, registered once (PNG text is drawn with it;
/// SVG text names it and is measured with it).
fn register_font() -> Result<(), CurveProblem> {
    static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(
            "sans-serif",
            plotters::style::FontStyle::Normal,
            dejavu::sans::regular(),
        )
        .is_ok()
    });
    ok.then_some(()).ok_or(CurveProblem::Font)
}

/// The size of a drawing, in pixels.
const SIZE: (u32, u32) = (960, 540);

/// The curves drawn as SVG: a step line per curve, each jump marked with its size; with
/// `effort`, the price as a share of the key instead.
pub fn to_svg(curves: &[Curve], labels: &Labels<'_>) -> Result<String, CurveProblem> {
    register_font()?;
    let mut svg = String::new();
    {
        let root = plotters::prelude::SVGBackend::with_string(&mut svg, SIZE);
        draw(root, curves, labels)?;
    }
    Ok(svg)
}

/// The same drawing as the bytes of a PNG image.
pub fn to_png(curves: &[Curve], labels: &Labels<'_>) -> Result<Vec<u8>, CurveProblem> {
    register_font()?;
    let (width, height) = SIZE;
    let mut pixels = vec![0u8; (width * height * 3) as usize];
    {
        let root = plotters::prelude::BitMapBackend::with_buffer(&mut pixels, SIZE);
        draw(root, curves, labels)?;
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let failed = |e: png::EncodingError| CurveProblem::Drawing(e.to_string());
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(&pixels).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(bytes)
}

fn draw<DB: plotters::prelude::DrawingBackend>(
    backend: DB,
    curves: &[Curve],
    labels: &Labels<'_>,
) -> Result<(), CurveProblem> {
    use plotters::prelude::*;
    const COLOURS: [RGBColor; 6] = [
        RGBColor(0x0b, 0x4f, 0x8a),
        RGBColor(0xb3, 0x47, 0x00),
        RGBColor(0x1e, 0x7b, 0x34),
        RGBColor(0x7a, 0x1f, 0x8a),
        RGBColor(0x5a, 0x5a, 0x5a),
        RGBColor(0xa0, 0x10, 0x10),
    ];
    // The taux d'effort of a quotient near 0 € is a meaningless peak (a price over
    // almost nothing): the effort curve starts where the first tranche ends.
    let effort_from = effort_start(curves);
    let series: Vec<Vec<Vec<(f64, f64)>>> = curves
        .iter()
        .map(|c| polylines(c, labels.effort, effort_from))
        .collect();
    let all = series.iter().flatten().flatten();
    let (mut x0, mut x1, mut y1) = (f64::MAX, f64::MIN, 0.0f64);
    for &(x, y) in all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        return Err(CurveProblem::NothingPriced);
    }
    let y1 = if y1 <= 0.0 { 1.0 } else { y1 * 1.15 };
    let root = backend.into_drawing_area();
    let error = |e: DrawingAreaErrorKind<DB::ErrorType>| CurveProblem::Drawing(e.to_string());
    root.fill(&WHITE).map_err(error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(labels.title, ("sans-serif", 22))
        .margin(18)
        .x_label_area_size(48)
        .y_label_area_size(86)
        .build_cartesian_2d(x0..x1, 0.0..y1)
        .map_err(error)?;
    let x_format = |x: &f64| {
        if labels.key_is_amount {
            axis_amount(*x, false)
        } else {
            crate::french::number(Decimal::from_f64_retain(*x).unwrap_or_default().round_dp(0))
        }
    };
    let y_format = |y: &f64| {
        if labels.effort {
            format!(
                "{} %",
                crate::french::number(Decimal::from_f64_retain(*y).unwrap_or_default().round_dp(2))
            )
        } else {
            axis_amount(*y, true)
        }
    };
    let y_desc = if labels.effort {
        match effort_from {
            Some(from) if from > Decimal::ZERO => format!(
                "taux d'effort (prix ÷ clé), dès {}",
                if labels.key_is_amount {
                    crate::french::amount(from)
                } else {
                    crate::french::number(from)
                }
            ),
            _ => "taux d'effort (prix ÷ clé)".to_string(),
        }
    } else {
        format!("prix (€ par {})", labels.unit)
    };
    chart
        .configure_mesh()
        .x_desc(labels.key)
        .y_desc(y_desc)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .x_labels(10)
        .y_labels(8)
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(error)?;
    for (n, (curve, lines)) in curves.iter().zip(&series).enumerate() {
        let colour = COLOURS[n % COLOURS.len()];
        let style = ShapeStyle::from(&colour).stroke_width(2);
        for (i, line) in lines.iter().enumerate() {
            let drawn = chart
                .draw_series(LineSeries::new(line.iter().copied(), style))
                .map_err(error)?;
            if i == 0
                && let Some(label) = &curve.label
            {
                drawn
                    .label(label.replace('_', " "))
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
            }
        }
        if !labels.effort {
            // Each jump its height, right of the jump at mid-height; each step its
            // price, above it.
            for jump in &curve.jumps {
                let size = jump.after - jump.before;
                let text = crate::french::signed_price(size);
                chart
                    .draw_series(std::iter::once(Text::new(
                        text,
                        (
                            f(jump.at) + (x1 - x0) * 0.006,
                            (f(jump.after) + f(jump.before)) / 2.0 + y1 * 0.02,
                        ),
                        ("sans-serif", 13).into_font().color(&colour),
                    )))
                    .map_err(error)?;
            }
            for (i, point) in curve.points.iter().enumerate() {
                let (Some(price), Some(next)) = (point.price, curve.points.get(i + 1)) else {
                    continue;
                };
                // A step too narrow for its label keeps only its jump's.
                if f(next.x) - f(point.x) < (x1 - x0) * 0.1 {
                    continue;
                }
                chart
                    .draw_series(std::iter::once(Text::new(
                        crate::french::price(price),
                        (
                            (f(point.x) + f(next.x)) / 2.0 - (x1 - x0) * 0.02,
                            f(price) + y1 * 0.045,
                        ),
                        ("sans-serif", 13)
                            .into_font()
                            .color(&RGBColor(0x16, 0x16, 0x16)),
                    )))
                    .map_err(error)?;
            }
        }
    }
    if curves.iter().any(|c| c.label.is_some()) {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(0x99, 0x99, 0x99))
            .label_font(("sans-serif", 14))
            .draw()
            .map_err(error)?;
    }
    root.present().map_err(error)?;
    Ok(())
}

/// Where the effort curves start: the end of the first tranche (the first jump of any
/// curve), when there is one.
fn effort_start(curves: &[Curve]) -> Option<Decimal> {
    curves
        .iter()
        .filter_map(|c| c.jumps.first().map(|j| j.at))
        .min()
}

/// The lines of a curve: a step line (vertical at each jump), broken where the price
/// cannot be computed; with `effort`, the share of the key at each unit.
fn polylines(curve: &Curve, effort: bool, from: Option<Decimal>) -> Vec<Vec<(f64, f64)>> {
    let mut lines: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    if effort {
        let from = from.unwrap_or(Decimal::ZERO);
        for &(x, p) in curve.samples.iter().filter(|(x, _)| *x >= from) {
            // Drawn unrounded: a share rounded to 0,01 % would draw steps of its own.
            let exact = p
                .filter(|_| x > Decimal::ZERO)
                .map(|p| p / x * Decimal::ONE_HUNDRED);
            match exact {
                Some(s) => current.push((f(x), f(s))),
                None if !current.is_empty() => lines.push(std::mem::take(&mut current)),
                None => {}
            }
        }
    } else {
        for (i, point) in curve.points.iter().enumerate() {
            let next = curve.points.get(i + 1).map(|n| n.x);
            match point.price {
                Some(p) => {
                    current.push((f(point.x), f(p)));
                    if let Some(next) = next {
                        current.push((f(next), f(p)));
                    }
                }
                None => {
                    if !current.is_empty() {
                        lines.push(std::mem::take(&mut current));
                    }
                }
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}
