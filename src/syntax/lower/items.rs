//! Statements of the header, the inputs, the articles and the examples.

use pest::iterators::Pair;

use super::{Lowerer, Open, Parsed, Rule, inner, name, span, text};
use crate::span::Span;
use crate::syntax::ast::{self, ArticleItem, Literal, TypeName};
use crate::syntax::error::{HeaderLine, Section, StatementKind, SyntaxError, SyntaxErrorKind};

type Result<T> = std::result::Result<T, SyntaxError>;

impl Lowerer {
    pub(super) fn header_item(&mut self, parsed: Parsed<'_>) -> Result<()> {
        let offset = parsed.offset;
        let Some(item) = inner(parsed.pair) else {
            return Ok(());
        };
        let item_span = span(&item, offset);
        let rule = item.as_rule();
        if rule == Rule::territory {
            let header = &mut self.file.header;
            header.territory_span = Some(item_span);
            // The entries only (not the keyword `territoire`, a pair of its own).
            for entry in item
                .into_inner()
                .filter(|e| e.as_rule() == Rule::territory_entry)
            {
                let text = entry.as_str().trim();
                let (code, town) = text.split_at(text.len().min(5));
                let town = town.trim();
                header.territory.push((
                    code.to_string(),
                    (!town.is_empty()).then(|| town.to_string()),
                ));
            }
            return Ok(());
        }
        if rule == Rule::applicable {
            // Even with a wrong date, the line is there: no "missing line" error.
            self.saw_applicable = true;
        }
        let mut texts = Vec::new();
        let mut dates = Vec::new();
        for part in item.into_inner() {
            match part.as_rule() {
                Rule::text => texts.push(text(part, offset)),
                Rule::date_literal => dates.push(date(&part, offset)?),
                _ => {}
            }
        }
        let header = &mut self.file.header;
        let (line, duplicate) = match rule {
            Rule::collectivity => (
                HeaderLine::Collectivity,
                replace(&mut header.collectivity, texts.pop()),
            ),
            Rule::deliberation_number => {
                (HeaderLine::Number, replace(&mut header.number, texts.pop()))
            }
            Rule::replaces => (
                HeaderLine::Replaces,
                replace(&mut header.replaces, texts.pop()),
            ),
            Rule::adopted => (
                HeaderLine::Adopted,
                replace(&mut header.adopted, dates.pop()),
            ),
            _ => {
                let mut dates = dates.into_iter();
                let from = dates.next();
                header.applicable_to = dates.next();
                (
                    HeaderLine::Applicable,
                    replace(&mut header.applicable_from, from),
                )
            }
        };
        if duplicate {
            self.error(SyntaxErrorKind::DuplicateHeaderLine(line), item_span);
        }
        Ok(())
    }

    pub(super) fn input_decl(&mut self, parsed: Parsed<'_>, span: Span) -> Result<()> {
        let offset = parsed.offset;
        let mut parts = parsed.pair.into_inner();
        let Some(first) = parts.next() else {
            return Ok(());
        };
        let mut decl = ast::InputDecl {
            name: name(&first, offset),
            ty: TypeName::Number,
            ty_span: span,
            certified: None,
            default: None,
            low: None,
            high: None,
            required: None,
            label: None,
            span,
            child: self.child_inputs,
        };
        for part in parts {
            match part.as_rule() {
                Rule::type_name => {
                    decl.ty_span = super::span(&part, offset);
                    decl.ty = type_name(part, offset);
                }
                Rule::certified => {
                    decl.certified = part
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::source_name)
                        .map(|p| name(&p, offset));
                }
                Rule::default_value => {
                    if let Some(value) = part.into_inner().find(|p| p.as_rule() == Rule::literal) {
                        decl.default = Some(literal(value, offset)?);
                    }
                }
                Rule::input_bounds => {
                    for bound in part.into_inner() {
                        let value = bound.clone().into_inner().next();
                        let value = value.map(|q| quantity(&q, offset)).transpose()?;
                        match bound.as_rule() {
                            Rule::bound_low => decl.low = value,
                            Rule::bound_high => decl.high = value,
                            _ => {}
                        }
                    }
                }
                Rule::required => decl.required = Some(super::span(&part, offset)),
                Rule::text => decl.label = Some(text(part, offset)),
                _ => {}
            }
        }
        self.file.inputs.push(decl);
        Ok(())
    }

    pub(super) fn article_item(&mut self, parsed: Parsed<'_>, span: Span) -> Result<()> {
        let offset = parsed.offset;
        let Some(item) = inner(parsed.pair) else {
            return Ok(());
        };
        let open = std::mem::replace(&mut self.open, Open::Nothing);
        let lowered = match item.as_rule() {
            Rule::best_of_item => {
                if open != Open::BestOf {
                    return Err(misplaced_line(StatementKind::FavourableItem, span));
                }
                self.open = Open::BestOf;
                let option = modifier(item, offset, span)?;
                if let Some(ArticleItem::BestOf(group)) = self.last_item_mut() {
                    group.options.push(option);
                }
                return Ok(());
            }
            Rule::table_head => {
                self.open = Open::Table;
                let mut table = table_head(item, offset, span);
                // `tarif td (par jour)` then `grille selon qf et résidence`: a crossed
                // grid defines one name, the tariff declared just above without a value
                // (it would otherwise define nothing).
                if table.name.is_none()
                    && table.column_key.is_some()
                    && let Some(ArticleItem::Tariff(t)) = self.last_item_mut()
                    && t.value.is_none()
                {
                    table.name = Some(t.name.clone());
                }
                ArticleItem::Table(table)
            }
            Rule::best_of_head => {
                self.open = Open::BestOf;
                let target = item.into_inner().find(|p| p.as_rule() == Rule::word);
                ArticleItem::BestOf(ast::BestOf {
                    target: target.map_or_else(|| empty_name(span), |p| name(&p, offset)),
                    options: Vec::new(),
                    span,
                })
            }
            Rule::tariff_decl => ArticleItem::Tariff(tariff_decl(item, offset, span)?),
            Rule::ranking => ArticleItem::Ranking(ranking(item, offset, span)),
            Rule::child_count => ArticleItem::Count(child_count(item, offset, span)?),
            Rule::value_type => {
                let mut target = empty_name(span);
                let mut ty = None;
                for part in item.into_inner() {
                    match part.as_rule() {
                        Rule::word => target = name(&part, offset),
                        Rule::type_name => {
                            ty = Some((type_name(part.clone(), offset), super::span(&part, offset)))
                        }
                        _ => {}
                    }
                }
                let Some((ty, ty_span)) = ty else {
                    return Ok(());
                };
                ArticleItem::ValueType(ast::ValueType {
                    name: target,
                    ty,
                    ty_span,
                    span,
                })
            }
            Rule::billing_head => {
                let block = super::billing::head(item, offset, span);
                if let Some(article) = self.file.articles.last_mut() {
                    article.items.push(ArticleItem::Billing(block));
                }
                return Ok(());
            }
            Rule::billing_item => {
                let rule = super::billing::rule(item, offset, span)?;
                let block = self.file.articles.last_mut().and_then(|a| {
                    a.items.iter_mut().rev().find_map(|i| match i {
                        ArticleItem::Billing(b) => Some(b),
                        _ => None,
                    })
                });
                match block {
                    Some(block) => block.rules.push(rule),
                    None => return Err(misplaced_line(StatementKind::BillingRule, span)),
                }
                return Ok(());
            }
            Rule::modifier_line => {
                let mut parts = item.into_inner();
                let target = parts
                    .next()
                    .map_or_else(|| empty_name(span), |p| name(&p, offset));
                ArticleItem::Modifier(ast::ModifierLine {
                    target,
                    modifier: modifier_parts(parts, offset, span)?,
                })
            }
            _ => ArticleItem::Definition(definition(item, offset, span)?),
        };
        if let Some(article) = self.file.articles.last_mut() {
            article.items.push(lowered);
        }
        Ok(())
    }

    pub(super) fn example_item(&mut self, parsed: Parsed<'_>) -> Result<()> {
        let offset = parsed.offset;
        let Some(item) = inner(parsed.pair) else {
            return Ok(());
        };
        let rule = item.as_rule();
        if rule == Rule::day_line {
            let at = span(&item, offset);
            let mut date_lit = None;
            let mut child = None;
            let mut words = String::new();
            for part in item.into_inner() {
                match part.as_rule() {
                    Rule::date_literal => date_lit = Some(date(&part, offset)?),
                    Rule::of_child => child = of_child(part, offset),
                    Rule::day_words => words = part.as_str().trim().to_string(),
                    _ => {}
                }
            }
            if let (Some(date), Some(example)) = (date_lit, self.file.examples.last_mut()) {
                example.days.push(ast::ExampleDay {
                    date,
                    child,
                    words,
                    span: at,
                });
            }
            return Ok(());
        }
        if rule == Rule::expected_invoice {
            let at = span(&item, offset);
            let mut day = None;
            let mut child = None;
            let mut amount = None;
            let mut negative = false;
            for part in item.into_inner() {
                match part.as_rule() {
                    Rule::date_literal => day = Some(date(&part, offset)?),
                    Rule::of_child => {
                        child = part
                            .into_inner()
                            .find(|p| p.as_rule() == Rule::text)
                            .map(|p| text(p, offset));
                    }
                    Rule::negative_sign => negative = true,
                    Rule::quantity => amount = Some(quantity(&part, offset)?),
                    _ => {}
                }
            }
            if negative && let Some(q) = amount.as_mut() {
                q.value = -q.value;
            }
            if let (Some(amount), Some(example)) = (amount, self.file.examples.last_mut()) {
                example.expected_invoice.push((day, child, amount, at));
            }
            return Ok(());
        }
        if rule == Rule::expected_error {
            let at = span(&item, offset);
            let mut expected = ast::ExpectedError {
                tariff: None,
                code: None,
                span: at,
                child: None,
            };
            for part in item.into_inner() {
                match part.as_rule() {
                    Rule::word => expected.tariff = Some(name(&part, offset)),
                    Rule::of_child => expected.child = of_child(part, offset),
                    Rule::error_code => expected.code = Some(part.as_str().to_uppercase()),
                    _ => {}
                }
            }
            if let Some(example) = self.file.examples.last_mut() {
                example.expected_errors.push(expected);
            }
            return Ok(());
        }
        if rule == Rule::child_line {
            let at = span(&item, offset);
            let mut parts = item.into_inner();
            let Some(child_name) = parts.find(|p| p.as_rule() == Rule::text) else {
                return Ok(());
            };
            let mut child = ast::ExampleChild {
                name: text(child_name, offset),
                assignments: Vec::new(),
                span: at,
            };
            for assignment in parts.filter(|p| p.as_rule() == Rule::assignment) {
                let mut sides = assignment.into_inner();
                if let (Some(target), Some(value)) = (sides.next(), sides.next()) {
                    child.assignments.push(assigned(target, value, offset)?);
                }
            }
            if let Some(example) = self.file.examples.last_mut() {
                example.children.push(child);
            }
            return Ok(());
        }
        let mut parts = item
            .into_inner()
            .filter(|p| p.as_rule() != Rule::kw_attendu);
        let Some(target) = parts.next() else {
            return Ok(());
        };
        let mut child = None;
        let mut value = parts.next();
        if let Some(of) = value.clone().filter(|p| p.as_rule() == Rule::of_child) {
            child = of_child(of, offset);
            value = parts.next();
        }
        let Some(value) = value else {
            return Ok(());
        };
        let Some(example) = self.file.examples.last_mut() else {
            return Ok(());
        };
        if rule == Rule::expected {
            let target = name(&target, offset);
            example
                .expected
                .push((target, quantity(&value, offset)?, child));
        } else {
            example.assignments.push(assigned(target, value, offset)?);
        }
        Ok(())
    }
}

/// `naissance = 12/03/2014`, `quotient_caf = inconnu`: the name and the value.
fn assigned(
    target: Pair<'_, Rule>,
    value: Pair<'_, Rule>,
    offset: usize,
) -> Result<(ast::Name, Literal)> {
    let target = name(&target, offset);
    if value.as_rule() == Rule::kw_inconnu {
        return Ok((target, Literal::Unknown(span(&value, offset))));
    }
    Ok((target, literal(value, offset)?))
}

/// `de « Léa »`: the child's name.
fn of_child(pair: Pair<'_, Rule>, offset: usize) -> Option<ast::Text> {
    pair.into_inner()
        .find(|p| p.as_rule() == Rule::text)
        .map(|p| text(p, offset))
}

/// `à partir du 3e enfant` is `rang ≥ 3`; `pour le 2e enfant` is `rang = 2` (and
/// more with `et suivants`).
fn rank_from(pair: Pair<'_, Rule>, at: Span) -> ast::Expr {
    let mut rank = rust_decimal::Decimal::ONE;
    let mut from = true;
    let mut following = false;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ordinal => {
                if let Some(n) = super::table::ordinal_number(&part) {
                    rank = rust_decimal::Decimal::from(n);
                }
            }
            Rule::kw_pour => from = false,
            Rule::and_following => following = true,
            _ => {}
        }
    }
    let op = if from || following {
        crate::rules::CompareOp::Ge
    } else {
        crate::rules::CompareOp::Eq
    };
    let node = |kind, depth| ast::Expr {
        kind,
        span: at,
        depth,
    };
    // The rank the rules read (`rang des enfants …`, or an input named so).
    let rank_name = node(ast::ExprKind::Name("rang".to_string()), 1);
    let value = node(
        ast::ExprKind::Quantity(ast::Quantity {
            value: rank,
            unit: ast::Unit::Bare,
            span: at,
        }),
        1,
    );
    node(
        ast::ExprKind::Compare(op, Box::new(rank_name), Box::new(value)),
        2,
    )
}

/// `inscrits = nombre d'enfants si cantine « enfants inscrits »`
fn child_count(item: Pair<'_, Rule>, offset: usize, span: Span) -> Result<ast::ChildCount> {
    let mut target = empty_name(span);
    let mut condition = None;
    let mut label = None;
    for part in item.into_inner() {
        match part.as_rule() {
            Rule::word => target = name(&part, offset),
            Rule::expr => condition = Some(super::expr::expr(part, offset)?),
            Rule::text => label = Some(text(part, offset)),
            _ => {}
        }
    }
    Ok(ast::ChildCount {
        name: target,
        condition,
        label,
        span,
    })
}

/// `rang des enfants selon naissance, du plus âgé au plus jeune`
fn ranking(item: Pair<'_, Rule>, offset: usize, span: Span) -> ast::Ranking {
    use crate::rules::Direction;
    let mut key = None;
    let mut direction = None;
    let mut label = None;
    for part in item.into_inner() {
        match part.as_rule() {
            Rule::rank_key => {
                key = part
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::word)
                    .map(|p| name(&p, offset));
            }
            Rule::rank_direction => {
                direction = part.into_inner().next().map(|d| match d.as_rule() {
                    Rule::rank_oldest => Direction::Oldest,
                    Rule::rank_youngest => Direction::Youngest,
                    Rule::rank_lowest => Direction::Lowest,
                    _ => Direction::Highest,
                });
            }
            Rule::text => label = Some(text(part, offset)),
            _ => {}
        }
    }
    ast::Ranking {
        key: key.zip(direction),
        label,
        span,
    }
}

fn replace<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let duplicate = slot.is_some();
    if !duplicate {
        *slot = value;
    }
    duplicate
}

fn misplaced_line(statement: StatementKind, span: Span) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::Misplaced {
            statement,
            section: Section::Article,
        },
        span,
    }
}

fn empty_name(span: Span) -> ast::Name {
    ast::Name {
        text: String::new(),
        span,
    }
}

fn table_head(item: Pair<'_, Rule>, offset: usize, span: Span) -> ast::Table {
    // `journée selon quotient et régime`: the word before `selon` (absent after the
    // keyword `grille`), then the key, then the key of the columns.
    let mut before_selon = true;
    let mut table_name = None;
    let mut keys = Vec::new();
    for part in item.into_inner() {
        match part.as_rule() {
            Rule::kw_selon => before_selon = false,
            Rule::word if before_selon => table_name = Some(name(&part, offset)),
            Rule::word => keys.push(name(&part, offset)),
            _ => {}
        }
    }
    let mut keys = keys.into_iter();
    let key = keys.next().unwrap_or_else(|| empty_name(span));
    ast::Table {
        name: table_name,
        key,
        column_key: keys.next(),
        head_span: span,
        header: None,
        rows: Vec::new(),
        incomplete: false,
    }
}

fn tariff_decl(item: Pair<'_, Rule>, offset: usize, span: Span) -> Result<ast::TariffDecl> {
    let mut decl = ast::TariffDecl {
        name: empty_name(span),
        unit: String::new(),
        value: None,
        label: None,
        span,
    };
    for part in item.into_inner() {
        match part.as_rule() {
            Rule::word => decl.name = name(&part, offset),
            Rule::unit_text => decl.unit = part.as_str().trim().to_string(),
            Rule::expr => decl.value = Some(super::expr::expr(part, offset)?),
            Rule::text => decl.label = Some(text(part, offset)),
            _ => {}
        }
    }
    Ok(decl)
}

fn definition(item: Pair<'_, Rule>, offset: usize, span: Span) -> Result<ast::Definition> {
    let mut target = empty_name(span);
    let mut ty = None;
    let mut value = None;
    let mut label = None;
    for part in item.into_inner() {
        match part.as_rule() {
            Rule::word => target = name(&part, offset),
            Rule::type_name => {
                ty = Some((type_name(part.clone(), offset), super::span(&part, offset)))
            }
            Rule::expr => value = Some(super::expr::expr(part, offset)?),
            Rule::text => label = Some(text(part, offset)),
            _ => {}
        }
    }
    let value = value.ok_or(SyntaxError {
        kind: SyntaxErrorKind::Unexpected {
            expected: vec![crate::syntax::error::Expected::Expression],
            found: None,
            fix: None,
            billing: None,
        },
        span,
    })?;
    Ok(ast::Definition {
        name: target,
        ty,
        value,
        label,
    })
}

/// `réduction de 20 % si rang ≥ 3 « fratrie »` (a `best_of_item`).
fn modifier(item: Pair<'_, Rule>, offset: usize, span: Span) -> Result<ast::Modifier> {
    modifier_parts(item.into_inner(), offset, span)
}

fn modifier_parts<'s>(
    parts: impl Iterator<Item = Pair<'s, Rule>>,
    offset: usize,
    span: Span,
) -> Result<ast::Modifier> {
    let mut kind = ast::ModifierKind::Exemption;
    let mut condition = None;
    let mut label = None;
    for part in parts {
        match part.as_rule() {
            Rule::modifier => {
                if let Some(m) = part.into_inner().next() {
                    kind = modifier_kind(m, offset)?;
                }
            }
            Rule::condition => {
                let at = super::span(&part, offset);
                for inner in part.into_inner() {
                    match inner.as_rule() {
                        Rule::expr => condition = Some(super::expr::expr(inner, offset)?),
                        Rule::rank_from => condition = Some(rank_from(inner, at)),
                        _ => {}
                    }
                }
            }
            Rule::text => label = Some(text(part, offset)),
            _ => {}
        }
    }
    Ok(ast::Modifier {
        kind,
        condition,
        label,
        span,
    })
}

fn modifier_kind(pair: Pair<'_, Rule>, offset: usize) -> Result<ast::ModifierKind> {
    use ast::ModifierKind as M;
    let rule = pair.as_rule();
    let mut amount = None;
    let mut of_base = false;
    let mut rounding = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::sum => amount = Some(super::expr::sum(part, offset)?),
            Rule::of_base => of_base = true,
            Rule::rounding_mode => rounding = Some(rounding_mode(part, offset)?),
            _ => {}
        }
    }
    let with_amount = |f: fn(ast::Expr) -> M| amount.clone().map(f);
    let kind = match rule {
        Rule::increase => amount.map(|amount| M::Increase { amount, of_base }),
        Rule::decrease => amount.map(|amount| M::Decrease { amount, of_base }),
        Rule::multiply => with_amount(M::Multiply),
        Rule::replace => with_amount(M::Replace),
        Rule::floor => with_amount(M::Floor),
        Rule::ceiling => with_amount(M::Ceiling),
        Rule::rounding => rounding.map(M::Round),
        _ => Some(M::Exemption),
    };
    Ok(kind.unwrap_or(M::Exemption))
}

/// `au centime`, `à l'euro inférieur`, `à 0,05 € près`.
pub(super) fn rounding_mode(pair: Pair<'_, Rule>, offset: usize) -> Result<ast::Rounding> {
    use ast::Rounding as R;
    use rust_decimal::Decimal;
    let Some(mode) = pair.into_inner().next() else {
        return Ok(R::Nearest(Decimal::new(1, 2)));
    };
    let cent = Decimal::new(1, 2);
    Ok(match mode.as_rule() {
        Rule::cent_down => R::Down(cent),
        Rule::cent_up => R::Up(cent),
        Rule::euro_down => R::Down(Decimal::ONE),
        Rule::euro_up => R::Up(Decimal::ONE),
        Rule::euro_nearest | Rule::unit_nearest => R::Nearest(Decimal::ONE),
        Rule::unit_down => R::Down(Decimal::ONE),
        Rule::unit_up => R::Up(Decimal::ONE),
        Rule::step_nearest => {
            let step = mode
                .into_inner()
                .find(|p| p.as_rule() == Rule::quantity)
                .map(|q| quantity(&q, offset))
                .transpose()?;
            R::Nearest(step.map_or(cent, |q| q.value))
        }
        _ => R::Nearest(cent),
    })
}

pub(super) fn type_name(pair: Pair<'_, Rule>, offset: usize) -> TypeName {
    let Some(ty) = pair.into_inner().next() else {
        return TypeName::Number;
    };
    match ty.as_rule() {
        Rule::type_whole_amount => TypeName::WholeAmount,
        Rule::type_amount => TypeName::Amount,
        Rule::type_rate => TypeName::Rate,
        Rule::type_integer => TypeName::Integer,
        Rule::type_boolean => TypeName::Boolean,
        Rule::type_date => TypeName::Date,
        Rule::type_choice => TypeName::Choice(
            ty.into_inner()
                .filter(|p| p.as_rule() == Rule::choice_value)
                .map(|p| name(&p, offset))
                .collect(),
        ),
        _ => TypeName::Number,
    }
}

/// A `literal` pair: `15/10/2025`, `612`, `oui`, `hors_commune`.
pub(super) fn literal(pair: Pair<'_, Rule>, offset: usize) -> Result<Literal> {
    let Some(value) = pair.into_inner().next() else {
        return Ok(Literal::Unknown(Span::default()));
    };
    let at = span(&value, offset);
    Ok(match value.as_rule() {
        Rule::date_literal => Literal::Date(date(&value, offset)?),
        Rule::quantity => Literal::Quantity(quantity(&value, offset)?),
        Rule::boolean => Literal::Bool(is_yes(value), at),
        _ => Literal::Word(name(&value, offset)),
    })
}

/// Day, month and year of a date in words, `1er septembre 2022` (the grammar has
/// checked its shape).
fn in_words(written: &str) -> Option<(u32, u32, u32)> {
    let mut words = written
        .split([' ', '\u{A0}', '\u{202F}'])
        .filter(|w| !w.is_empty());
    let day = words.next()?;
    let month = crate::french::month_number(words.next()?)?;
    let year = words.next()?.parse().ok()?;
    let day = day
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    Some((day, month, year))
}

/// Whether a `boolean` pair is `oui`.
pub(super) fn is_yes(pair: Pair<'_, Rule>) -> bool {
    pair.into_inner()
        .next()
        .is_some_and(|p| p.as_rule() == Rule::kw_oui)
}

/// A `quantity` pair: the number, with `%` already divided by 100.
pub(super) fn quantity(pair: &Pair<'_, Rule>, offset: usize) -> Result<ast::Quantity> {
    let at = span(pair, offset);
    let mut value = rust_decimal::Decimal::ZERO;
    let mut unit = ast::Unit::Bare;
    for part in pair.clone().into_inner() {
        match part.as_rule() {
            Rule::number => value = number(&part, offset)?,
            Rule::euro_cents => {
                value = part
                    .as_str()
                    .replace('€', ".")
                    .replace(' ', "")
                    .parse()
                    .map_err(|_| too_large(pair, offset))?;
                unit = ast::Unit::Euro;
            }
            Rule::unit if part.as_str() == "%" => unit = ast::Unit::Percent,
            Rule::unit => unit = ast::Unit::Euro,
            _ => {}
        }
    }
    if unit == ast::Unit::Percent {
        value = value
            .checked_div(rust_decimal::Decimal::ONE_HUNDRED)
            .ok_or_else(|| too_large(pair, offset))?;
    }
    Ok(ast::Quantity {
        value,
        unit,
        span: at,
    })
}

fn too_large(pair: &Pair<'_, Rule>, offset: usize) -> SyntaxError {
    SyntaxError {
        kind: SyntaxErrorKind::NumberTooLarge {
            text: pair.as_str().to_string(),
        },
        span: span(pair, offset),
    }
}

/// A `number` pair: `1 500,25` → 1500.25.
pub(super) fn number_value(pair: &Pair<'_, Rule>, offset: usize) -> Result<rust_decimal::Decimal> {
    number(pair, offset)
}

fn number(pair: &Pair<'_, Rule>, offset: usize) -> Result<rust_decimal::Decimal> {
    let digits: String = pair
        .as_str()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{A0}' | '\u{202F}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    digits
        .parse::<rust_decimal::Decimal>()
        .map_err(|_| too_large(pair, offset))
}

/// A `date_literal` pair: `26/06/2025`, `2025-06-26` or `1er septembre 2022`.
pub(super) fn date(pair: &Pair<'_, Rule>, offset: usize) -> Result<ast::DateLit> {
    let written = pair.as_str();
    let (day, month, year) = match in_words(written) {
        Some(date) => date,
        None => {
            let fields: Vec<u32> = written
                .split(['/', '-'])
                .filter_map(|f| f.parse().ok())
                .collect();
            match (written.contains('/'), fields.as_slice()) {
                (true, [d, m, y]) => (*d, *m, *y),
                (false, [y, m, d]) => (*d, *m, *y),
                _ => (0, 0, 0),
            }
        }
    };
    let date = i32::try_from(year)
        .ok()
        .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, month, day));
    match date {
        Some(date) => Ok(ast::DateLit {
            date,
            span: span(pair, offset),
        }),
        None => Err(SyntaxError {
            kind: SyntaxErrorKind::InvalidDate {
                text: written.to_string(),
            },
            span: span(pair, offset),
        }),
    }
}
