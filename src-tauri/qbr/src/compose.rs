//! Facts into slides. Each slide is made only from facts the book holds: a
//! slide with nothing to show is left out, and a part of a slide without
//! data says so in words rather than drawing an empty chart or a zero.

use chrono::Duration;

use crate::facts::{Facts, MilestoneFact};
use crate::slides::{
    fit, Area, Block, Chart, ChartKind, Deck, Kpi, Paragraph, Placed, Run, Series, Slide,
    SlideKind, Table, Text, Tone, SLIDE_W,
};
use crate::words::{change, date, day_month, duration_hours, number, period};
use steward_core::currency;
use steward_core::health::{Band, Component};
use steward_core::value::{Proof, Verdict};

const MARGIN: f64 = 40.0;
const BODY_TOP: f64 = 92.0;
const BODY_H: f64 = 388.0;
const BODY_W: f64 = SLIDE_W - 2.0 * MARGIN;
/// Rows a table shows before the rest are counted in a last row.
const MAX_ROWS: usize = 8;

/// What the CSM chose for the deck; the defaults make a complete deck.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// The executive summary in the CSM's words; drafted from the facts
    /// when absent.
    pub summary: Option<String>,
    /// Which slides, in which order; every slide with data when absent.
    pub slides: Option<Vec<SlideKind>>,
    /// Verbatims to quote, by their position among the period's comments;
    /// the newest four when absent.
    pub verbatims: Option<Vec<usize>>,
}

/// The full order of a deck when the CSM has not chosen one.
pub const DEFAULT_ORDER: [SlideKind; 12] = [
    SlideKind::Title,
    SlideKind::Summary,
    SlideKind::Objectives,
    SlideKind::Milestones,
    SlideKind::Value,
    SlideKind::Usage,
    SlideKind::Health,
    SlideKind::Support,
    SlideKind::Voice,
    SlideKind::Risks,
    SlideKind::NextQuarter,
    SlideKind::Renewal,
];

fn area(x: f64, y: f64, w: f64, h: f64) -> Area {
    Area { x, y, w, h }
}

fn text(area: Area, paragraphs: Vec<Paragraph>, size: f64) -> Placed {
    Placed {
        area,
        block: Block::Text(Text { paragraphs, size }),
    }
}

fn fitted(area: Area, paragraphs: Vec<Paragraph>, size: f64, min: f64) -> Placed {
    let (t, _) = fit(paragraphs, area, size, min);
    Placed {
        area,
        block: Block::Text(t),
    }
}

fn line(s: impl Into<String>, tone: Tone) -> Paragraph {
    Paragraph::of(vec![Run::toned(s, tone, false)])
}

fn kpi(area: Area, label: &str, value: String, note: Option<String>, tone: Tone) -> Placed {
    Placed {
        area,
        block: Block::Kpi(Kpi {
            label: label.into(),
            value,
            note,
            tone,
        }),
    }
}

/// Tiles side by side across `w` from `x`.
fn tile_row(x: f64, y: f64, w: f64, h: f64, n: usize) -> Vec<Area> {
    let gap = 16.0;
    let each = (w - gap * (n.saturating_sub(1)) as f64) / n.max(1) as f64;
    (0..n)
        .map(|k| area(x + k as f64 * (each + gap), y, each, h))
        .collect()
}

fn table(
    area_: Area,
    header: &[&str],
    rows: Vec<Vec<String>>,
    numeric: &[bool],
    widths: &[f64],
) -> Placed {
    let row_height = 26.0;
    let fits = ((area_.h / row_height) as usize)
        .saturating_sub(1)
        .clamp(1, MAX_ROWS);
    let mut rows = rows;
    if rows.len() > fits {
        let more = rows.len() - (fits - 1);
        rows.truncate(fits - 1);
        let mut last = vec![String::new(); header.len()];
        last[0] = format!("and {more} more");
        rows.push(last);
    }
    // Cells are one line: long text is cut here, where the preview sees it.
    let rows = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .enumerate()
                .map(|(k, cell)| {
                    let width = area_.w * widths.get(k).copied().unwrap_or(0.0);
                    let max = ((width - 11.0) / (12.0 * 0.52)).floor().max(4.0) as usize;
                    clip(&cell, max)
                })
                .collect()
        })
        .collect();
    Placed {
        area: area_,
        block: Block::Table(Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
            numeric: numeric.to_vec(),
            widths: widths.to_vec(),
            row_height,
        }),
    }
}

/// At most `max` characters, ending in an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut out: String = flat.chars().take(max.saturating_sub(1)).collect();
    out = out.trim_end().to_string();
    out.push('…');
    out
}

fn money(f: &Facts, major: f64) -> String {
    currency::compact(major, &f.currency)
}

fn band_word(b: Band) -> &'static str {
    match b {
        Band::Green => "healthy",
        Band::Yellow => "needs attention",
        Band::Red => "at risk",
        Band::Unknown => "not enough data",
    }
}

fn component_name(c: Component) -> &'static str {
    match c {
        Component::Adoption => "Product adoption",
        Component::Support => "Support experience",
        Component::Voice => "Survey answers",
        Component::Commercial => "Commercial",
        Component::Relationship => "Relationship",
        Component::Sentiment => "CSM's assessment",
    }
}

/// Usage over the last week with data against the first, if both exist.
fn usage_now_then(f: &Facts) -> Option<(f64, f64, Option<i64>)> {
    let first = f.usage.first()?;
    let last = f.usage.last()?;
    Some((last.active_users, first.active_users, last.seats))
}

/// The summary the deck starts from: one sentence per fact the book holds.
pub fn draft_summary(f: &Facts) -> String {
    let mut out = Vec::new();
    if let Some((now, then, seats)) = usage_now_then(f) {
        let mut s = format!(
            "{} active users a day in the last full week",
            number(now, 0)
        );
        if f.usage.len() > 1 {
            if let Some(c) = change(now, then) {
                s.push_str(&format!(
                    " ({c} since the week of {})",
                    day_month(f.usage[0].start)
                ));
            }
        }
        if let Some(seats) = seats.filter(|s| *s > 0) {
            s.push_str(&format!(
                ", {}% of {} licensed seats",
                (now / seats as f64 * 100.0).round() as i64,
                number(seats as f64, 0)
            ));
        }
        out.push(format!("{s}."));
    }
    match f.achieved.len() {
        0 => {}
        1 => out.push(format!("Milestone reached: {}.", f.achieved[0].title)),
        n => out.push(format!(
            "{n} milestones reached, including {}.",
            f.achieved[0].title
        )),
    }
    let s = &f.support;
    if s.opened > 0 {
        let mut t = format!("{} support tickets opened", s.opened);
        if let Some(h) = s.median_hours {
            t.push_str(&format!(", resolved in a median of {}", duration_hours(h)));
        }
        out.push(format!("{t}."));
    }
    if let Some(nps) = f.voice.nps {
        out.push(format!("NPS {nps} from {} answers.", f.voice.nps_count));
    }
    if let Some(r) = f.renewal {
        out.push(format!("Renewal on {}.", date(r)));
    }
    out.join("\n")
}

/// The deck for these facts and choices.
pub fn deck(f: &Facts, choices: &Choices) -> Deck {
    let order: Vec<SlideKind> = choices
        .slides
        .clone()
        .unwrap_or_else(|| DEFAULT_ORDER.to_vec());
    let mut slides: Vec<Slide> = order
        .iter()
        .filter_map(|kind| slide(*kind, f, choices))
        .collect();
    let period_label = period(f.from, f.day);
    let total = slides.len();
    for (k, s) in slides.iter_mut().enumerate() {
        if s.kind == SlideKind::Title {
            continue;
        }
        s.items.push(text(
            area(MARGIN, 500.0, BODY_W - 60.0, 22.0),
            vec![line(
                match &f.company {
                    Some(c) => format!("{c} · {} · {}", f.account, period_label),
                    None => format!("{} · {}", f.account, period_label),
                },
                Tone::Muted,
            )],
            9.0,
        ));
        s.items.push(text(
            area(SLIDE_W - MARGIN - 60.0, 500.0, 60.0, 22.0),
            vec![Paragraph::of(vec![Run::toned(
                format!("{} / {}", k + 1, total),
                Tone::Muted,
                false,
            )])],
            9.0,
        ));
    }
    Deck {
        title: format!("{} · Quarterly business review", f.account),
        author: f.csm.clone().unwrap_or_default(),
        slides,
    }
}

fn titled(kind: SlideKind, title: &str, mut items: Vec<Placed>) -> Slide {
    items.insert(
        0,
        text(
            area(MARGIN, 28.0, BODY_W, 48.0),
            vec![Paragraph::of(vec![Run::toned(title, Tone::Normal, true)])],
            26.0,
        ),
    );
    Slide {
        kind,
        title: title.into(),
        items,
    }
}

fn slide(kind: SlideKind, f: &Facts, choices: &Choices) -> Option<Slide> {
    match kind {
        SlideKind::Title => Some(title_slide(f)),
        SlideKind::Summary => Some(summary_slide(f, choices)),
        SlideKind::Objectives => objectives_slide(f),
        SlideKind::Milestones => milestones_slide(f),
        SlideKind::Value => value_slide(f),
        SlideKind::Usage => usage_slide(f),
        SlideKind::Health => health_slide(f),
        SlideKind::Support => support_slide(f),
        SlideKind::Voice => voice_slide(f, choices),
        SlideKind::Risks => risks_slide(f),
        SlideKind::NextQuarter => next_slide(f),
        SlideKind::Renewal => renewal_slide(f),
    }
}

fn title_slide(f: &Facts) -> Slide {
    let mut items = vec![
        fitted(
            area(MARGIN + 20.0, 160.0, BODY_W - 40.0, 70.0),
            vec![Paragraph::of(vec![Run::toned(
                f.account.clone(),
                Tone::Accent,
                true,
            )])],
            40.0,
            24.0,
        ),
        text(
            area(MARGIN + 20.0, 236.0, BODY_W - 40.0, 34.0),
            vec![line(
                format!("Quarterly business review · {}", period(f.from, f.day)),
                Tone::Normal,
            )],
            20.0,
        ),
    ];
    let by = match (&f.csm, &f.company) {
        (Some(csm), Some(company)) => format!("Prepared by {csm}, {company} · {}", date(f.day)),
        (Some(csm), None) => format!("Prepared by {csm} · {}", date(f.day)),
        (None, Some(company)) => format!("{company} · {}", date(f.day)),
        (None, None) => date(f.day),
    };
    if f.logo.is_some() {
        items.push(Placed {
            area: area(MARGIN + 20.0, 56.0, 220.0, 80.0),
            block: Block::Logo,
        });
    }
    items.push(text(
        area(MARGIN + 20.0, 290.0, BODY_W - 40.0, 28.0),
        vec![line(by, Tone::Muted)],
        14.0,
    ));
    Slide {
        kind: SlideKind::Title,
        title: f.account.clone(),
        items,
    }
}

fn summary_slide(f: &Facts, choices: &Choices) -> Slide {
    let summary = choices
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| draft_summary(f));
    let paragraphs: Vec<Paragraph> = if summary.trim().is_empty() {
        vec![line(
            "Nothing recorded for this period yet: write the summary in Steward's QBR screen.",
            Tone::Muted,
        )]
    } else {
        summary
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Paragraph::bullet(vec![Run::plain(l)]))
            .collect()
    };
    let mut items = vec![fitted(
        area(MARGIN, BODY_TOP, 560.0, BODY_H),
        paragraphs,
        18.0,
        11.0,
    )];
    let tiles: Vec<Area> = (0..3)
        .map(|k| area(640.0, BODY_TOP + k as f64 * 124.0, 280.0, 108.0))
        .collect();
    let mut k = 0;
    if let Some(h) = f.health_now.as_ref().filter(|h| h.band != Band::Unknown) {
        let note = f
            .health_then
            .as_ref()
            .filter(|t| t.band != Band::Unknown)
            .map(|t| {
                let d = (h.score - t.score).round() as i64;
                format!("{} since {}", signed(d, "points"), day_month(f.from))
            });
        items.push(kpi(
            tiles[k],
            "Health",
            format!("{} · {}", h.score.round() as i64, band_word(h.band)),
            note,
            band_tone(h.band),
        ));
        k += 1;
    }
    if let Some((now, _, seats)) = usage_now_then(f) {
        items.push(kpi(
            tiles[k],
            "Active users a day",
            number(now, 0),
            seats.map(|s| format!("of {} licensed seats", number(s as f64, 0))),
            Tone::Normal,
        ));
        k += 1;
    }
    if let Some(r) = f.renewal {
        items.push(kpi(
            tiles[k],
            "Renewal",
            date(r),
            f.arr.map(|a| format!("{} a year", money(f, a))),
            Tone::Normal,
        ));
    }
    titled(SlideKind::Summary, "Executive summary", items)
}

/// "+3 points", "−1 point", "±0 points"; without a unit, the figure alone.
fn signed(d: i64, unit: &str) -> String {
    let unit = match (unit, d.abs()) {
        ("", _) => String::new(),
        (u, 1) => format!(" {}", u.trim_end_matches('s')),
        (u, _) => format!(" {u}"),
    };
    match d {
        d if d > 0 => format!("+{d}{unit}"),
        d if d < 0 => format!("−{}{unit}", -d),
        _ => format!("±0{unit}"),
    }
}

fn band_tone(b: Band) -> Tone {
    match b {
        Band::Green => Tone::Good,
        Band::Red => Tone::Bad,
        _ => Tone::Normal,
    }
}

fn objectives_slide(f: &Facts) -> Option<Slide> {
    if f.objectives.is_empty() {
        return None;
    }
    let fmt = |v: Option<f64>| v.map_or("—".to_string(), |v| number(v, 1));
    let rows = f
        .objectives
        .iter()
        .map(|o| {
            let progress = match (o.baseline, o.target, o.current) {
                (Some(b), Some(t), Some(c)) if (t - b).abs() > f64::EPSILON => {
                    format!("{}%", ((c - b) / (t - b) * 100.0).round() as i64)
                }
                _ => "—".into(),
            };
            vec![
                o.title.clone(),
                o.metric.clone().unwrap_or_default(),
                fmt(o.baseline),
                fmt(o.target),
                fmt(o.current),
                progress,
                o.target_date.map(date).unwrap_or_default(),
            ]
        })
        .collect();
    let mut items = vec![table(
        area(MARGIN, BODY_TOP, BODY_W, 300.0),
        &[
            "Objective",
            "Measure",
            "Baseline",
            "Target",
            "Now",
            "Progress",
            "By",
        ],
        rows,
        &[false, false, true, true, true, true, true],
        &[0.30, 0.18, 0.09, 0.09, 0.09, 0.10, 0.15],
    )];
    if f.objectives.iter().any(|o| o.current.is_none()) {
        items.push(text(
            area(MARGIN, BODY_TOP + 320.0, BODY_W, 40.0),
            vec![line(
                "“—” under Now: the measure is not one Steward tracks; bring the customer's figure to the review.",
                Tone::Muted,
            )],
            12.0,
        ));
    }
    Some(titled(SlideKind::Objectives, "Objectives", items))
}

fn milestones_slide(f: &Facts) -> Option<Slide> {
    let next: Vec<&MilestoneFact> = f.upcoming.iter().take(6).collect();
    if f.achieved.is_empty() && next.is_empty() {
        return None;
    }
    let mut items = Vec::new();
    items.push(text(
        area(MARGIN, BODY_TOP, 540.0, 26.0),
        vec![Paragraph::of(vec![Run::toned(
            "Reached this period",
            Tone::Accent,
            true,
        )])],
        14.0,
    ));
    if f.achieved.is_empty() {
        items.push(text(
            area(MARGIN, BODY_TOP + 30.0, 540.0, 40.0),
            vec![line(
                "No milestone was reached in this period.",
                Tone::Muted,
            )],
            14.0,
        ));
    } else {
        let rows = f
            .achieved
            .iter()
            .map(|m| {
                vec![
                    m.title.clone(),
                    m.achieved_on.map(day_month).unwrap_or_default(),
                    m.evidence.clone().unwrap_or_default(),
                ]
            })
            .collect();
        items.push(table(
            area(MARGIN, BODY_TOP + 30.0, 540.0, BODY_H - 30.0),
            &["Milestone", "Reached", "Evidence"],
            rows,
            &[false, false, false],
            &[0.42, 0.16, 0.42],
        ));
    }
    items.push(text(
        area(610.0, BODY_TOP, 310.0, 26.0),
        vec![Paragraph::of(vec![Run::toned("Next", Tone::Accent, true)])],
        14.0,
    ));
    let paragraphs: Vec<Paragraph> = if next.is_empty() {
        vec![line(
            "No open milestone: plan the next ones together.",
            Tone::Muted,
        )]
    } else {
        next.iter()
            .map(|m| {
                let mut runs = vec![Run::plain(m.title.clone())];
                if let Some(d) = m.target_date {
                    let late = d < f.day;
                    runs.push(Run::toned(
                        format!(" · {}{}", if late { "was due " } else { "by " }, date(d)),
                        if late || m.at_risk {
                            Tone::Bad
                        } else {
                            Tone::Muted
                        },
                        false,
                    ));
                }
                Paragraph::bullet(runs)
            })
            .collect()
    };
    items.push(fitted(
        area(610.0, BODY_TOP + 30.0, 310.0, BODY_H - 30.0),
        paragraphs,
        14.0,
        10.0,
    ));
    Some(titled(SlideKind::Milestones, "Milestones", items))
}

/// Weeks by the day they start: "Sep 7".
fn week_labels(starts: impl Iterator<Item = chrono::NaiveDate>) -> Vec<String> {
    starts.map(day_month).collect()
}

fn usage_slide(f: &Facts) -> Option<Slide> {
    let (now, then, seats) = usage_now_then(f)?;
    let has_seats = f.usage.iter().any(|w| w.seats.is_some());
    let mut series = vec![Series {
        name: "Active users a day (weekly average)".into(),
        values: f
            .usage
            .iter()
            .map(|w| Some((w.active_users * 10.0).round() / 10.0))
            .collect(),
        tone: Tone::Accent,
        dashed: false,
    }];
    if has_seats {
        series.push(Series {
            name: "Licensed seats".into(),
            values: f.usage.iter().map(|w| w.seats.map(|s| s as f64)).collect(),
            tone: Tone::Muted,
            dashed: true,
        });
    }
    let chart = Chart {
        kind: ChartKind::Line,
        categories: week_labels(f.usage.iter().map(|w| w.start)),
        series,
        number_format: "#,##0".into(),
        y_min: Some(0.0),
        y_max: None,
    };
    // Feature use gets a chart of its own below when the book records it:
    // its scale is far from the users' and would flatten them.
    let feature_use: Vec<Option<f64>> = f
        .usage
        .iter()
        .map(|w| (w.days > 0).then(|| (w.feature_events as f64 / f64::from(w.days)).round()))
        .collect();
    let has_features = f.usage.iter().any(|w| w.feature_events > 0);
    let users_height = if has_features { 236.0 } else { BODY_H };
    let mut items = vec![Placed {
        area: area(MARGIN, BODY_TOP, 600.0, users_height),
        block: Block::Chart(chart),
    }];
    if has_features {
        items.push(Placed {
            area: area(
                MARGIN,
                BODY_TOP + users_height + 8.0,
                600.0,
                BODY_H - users_height - 8.0,
            ),
            block: Block::Chart(Chart {
                kind: ChartKind::Column,
                categories: week_labels(f.usage.iter().map(|w| w.start)),
                series: vec![Series {
                    name: "Feature use a day (weekly average)".into(),
                    values: feature_use,
                    tone: Tone::Muted,
                    dashed: false,
                }],
                number_format: "#,##0".into(),
                y_min: Some(0.0),
                y_max: None,
            }),
        });
    }
    let tiles: Vec<Area> = (0..3)
        .map(|k| area(660.0, BODY_TOP + k as f64 * 124.0, 260.0, 108.0))
        .collect();
    let trend = (f.usage.len() > 1).then(|| change(now, then)).flatten();
    items.push(kpi(
        tiles[0],
        "Active users a day",
        number(now, 0),
        trend.map(|c| format!("{c} since the week of {}", day_month(f.usage[0].start))),
        Tone::Normal,
    ));
    if let Some(s) = seats.filter(|s| *s > 0) {
        let pct = (now / s as f64 * 100.0).round() as i64;
        items.push(kpi(
            tiles[1],
            "Seats in use",
            format!("{pct}%"),
            Some(format!(
                "{} of {} seats",
                number(now, 0),
                number(s as f64, 0)
            )),
            if pct >= 70 { Tone::Good } else { Tone::Normal },
        ));
    }
    let (first, last) = (&f.usage[0], &f.usage[f.usage.len() - 1]);
    if f.usage.len() > 1 && first.days > 0 && last.days > 0 {
        let per_day = |w: &crate::facts::Week| w.feature_events as f64 / f64::from(w.days);
        if let Some(c) = change(per_day(last), per_day(first)) {
            items.push(kpi(
                tiles[2],
                "Feature use a day",
                number(per_day(last), 0),
                Some(format!("{c} since the week of {}", day_month(first.start))),
                Tone::Normal,
            ));
        }
    }
    Some(titled(SlideKind::Usage, "Usage and adoption", items))
}

fn health_slide(f: &Facts) -> Option<Slide> {
    let now = f.health_now.as_ref().filter(|h| h.band != Band::Unknown)?;
    let mut items = Vec::new();
    if f.health.len() >= 2 {
        items.push(Placed {
            area: area(MARGIN, BODY_TOP, 520.0, BODY_H),
            block: Block::Chart(Chart {
                kind: ChartKind::Line,
                categories: week_labels(f.health.iter().map(|(d, _)| *d)),
                series: vec![Series {
                    name: "Health score (0-100)".into(),
                    values: f.health.iter().map(|(_, s)| Some(s.round())).collect(),
                    tone: Tone::Accent,
                    dashed: false,
                }],
                number_format: "0".into(),
                y_min: Some(0.0),
                y_max: Some(100.0),
            }),
        });
    } else {
        items.push(text(
            area(MARGIN, BODY_TOP, 520.0, 60.0),
            vec![line(
                "Scores for fewer than two weeks of this period: no trend to draw yet.",
                Tone::Muted,
            )],
            14.0,
        ));
    }
    items.push(kpi(
        area(590.0, BODY_TOP, 330.0, 100.0),
        "Health now",
        format!("{} · {}", now.score.round() as i64, band_word(now.band)),
        None,
        band_tone(now.band),
    ));
    let then = f.health_then.as_ref().filter(|h| h.band != Band::Unknown);
    // The CSM's own rating of the account is theirs, not the customer's.
    let mut moved: Vec<(i64, Vec<String>)> = now
        .components
        .iter()
        .filter(|c| c.component != Component::Sentiment)
        .map(|c| {
            let before =
                then.and_then(|t| t.components.iter().find(|x| x.component == c.component));
            let delta = before.map(|b| (c.score - b.score).round() as i64);
            (
                delta.map_or(-1, i64::abs),
                vec![
                    component_name(c.component).to_string(),
                    before.map_or("—".into(), |b| number(b.score, 0)),
                    number(c.score, 0),
                    delta.map_or("—".into(), |d| signed(d, "")),
                ],
            )
        })
        .collect();
    // Biggest movers first: they are what the review talks about.
    moved.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    let rows = moved.into_iter().map(|(_, r)| r).collect();
    items.push(table(
        area(590.0, BODY_TOP + 116.0, 330.0, BODY_H - 116.0),
        &["Part of the score", &day_month(f.from), "Now", "Moved"],
        rows,
        &[false, true, true, true],
        &[0.46, 0.18, 0.16, 0.20],
    ));
    Some(titled(SlideKind::Health, "Health", items))
}

fn support_slide(f: &Facts) -> Option<Slide> {
    let s = &f.support;
    if s.opened == 0 && s.open == 0 && s.solved == 0 {
        return None;
    }
    let tiles = tile_row(MARGIN, BODY_TOP, BODY_W, 100.0, 4);
    let mut items = vec![
        kpi(
            tiles[0],
            "Tickets opened",
            number(s.opened as f64, 0),
            Some("this period".into()),
            Tone::Normal,
        ),
        kpi(
            tiles[1],
            "Tickets solved",
            number(s.solved as f64, 0),
            Some(format!("{} still open", s.open)),
            Tone::Normal,
        ),
        kpi(
            tiles[2],
            "Median time to resolve",
            s.median_hours.map_or("—".into(), duration_hours),
            Some(if s.median_hours.is_some() {
                "tickets solved this period".into()
            } else {
                "none solved this period".into()
            }),
            Tone::Normal,
        ),
        kpi(
            tiles[3],
            "Support CSAT",
            s.csat
                .map_or("—".into(), |c| format!("{} / 5", number(c, 1))),
            Some(if s.csat_count > 0 {
                format!("{} ratings", s.csat_count)
            } else {
                "no ratings this period".into()
            }),
            Tone::Normal,
        ),
    ];
    if s.open_escalations.is_empty() {
        items.push(text(
            area(MARGIN, BODY_TOP + 124.0, BODY_W, 30.0),
            vec![line("No high-priority ticket is open.", Tone::Muted)],
            14.0,
        ));
    } else {
        items.push(text(
            area(MARGIN, BODY_TOP + 118.0, BODY_W, 26.0),
            vec![Paragraph::of(vec![Run::toned(
                "Open escalations",
                Tone::Accent,
                true,
            )])],
            14.0,
        ));
        let rows = s
            .open_escalations
            .iter()
            .map(|t| vec![t.subject.clone(), t.priority.clone(), date(t.opened_on)])
            .collect();
        items.push(table(
            area(MARGIN, BODY_TOP + 148.0, BODY_W, BODY_H - 148.0),
            &["Ticket", "Priority", "Opened"],
            rows,
            &[false, false, true],
            &[0.64, 0.14, 0.22],
        ));
    }
    Some(titled(SlideKind::Support, "Support", items))
}

fn voice_slide(f: &Facts, choices: &Choices) -> Option<Slide> {
    let v = &f.voice;
    if v.nps_count == 0 && v.csat_count == 0 {
        return None;
    }
    let mut items = Vec::new();
    let tiles: Vec<Area> = (0..2)
        .map(|k| area(MARGIN, BODY_TOP + k as f64 * 124.0, 240.0, 108.0))
        .collect();
    let mut k = 0;
    if let Some(nps) = v.nps {
        items.push(kpi(
            tiles[k],
            "NPS",
            nps.to_string(),
            Some(format!("{} answers this period", v.nps_count)),
            if nps >= 30 {
                Tone::Good
            } else if nps < 0 {
                Tone::Bad
            } else {
                Tone::Normal
            },
        ));
        k += 1;
    }
    if let Some(c) = v.csat {
        items.push(kpi(
            tiles[k],
            "CSAT",
            format!("{} / 5", number(c, 1)),
            Some(format!("{} answers this period", v.csat_count)),
            Tone::Normal,
        ));
    }
    let picked: Vec<&crate::facts::Verbatim> = match &choices.verbatims {
        Some(picks) => picks.iter().filter_map(|&i| v.verbatims.get(i)).collect(),
        None => v.verbatims.iter().take(4).collect(),
    };
    let quotes: Vec<Paragraph> = if picked.is_empty() {
        vec![line(
            "No comments came with this period's answers.",
            Tone::Muted,
        )]
    } else {
        picked
            .iter()
            .flat_map(|q| {
                let who = match &q.who {
                    Some(w) => format!(
                        "{w}, {} {} · {}",
                        q.kind.to_uppercase(),
                        q.score,
                        day_month(q.on)
                    ),
                    None => format!(
                        "{} {} · {}",
                        q.kind.to_uppercase(),
                        q.score,
                        day_month(q.on)
                    ),
                };
                [
                    Paragraph::of(vec![Run::plain(format!("“{}”", clip(&q.comment, 400)))]),
                    line(format!("— {who}"), Tone::Muted),
                ]
            })
            .collect()
    };
    items.push(fitted(
        area(310.0, BODY_TOP, 610.0, BODY_H),
        quotes,
        16.0,
        10.0,
    ));
    Some(titled(SlideKind::Voice, "Voice of the customer", items))
}

fn risk_title(reason: &str) -> &'static str {
    match reason {
        "usage_drop" => "Usage has fallen",
        "champion_left" => "Our main contact has left",
        "no_sponsor" => "No executive sponsor",
        "urgent_ticket" => "An urgent ticket is waiting",
        "detractor" => "An unhappy survey answer",
        "milestone_missed" => "A milestone is overdue",
        _ => "Risk",
    }
}

fn risks_slide(f: &Facts) -> Option<Slide> {
    if f.risks.is_empty() {
        return None;
    }
    let rows = f
        .risks
        .iter()
        .map(|r| {
            vec![
                risk_title(&r.reason).to_string(),
                r.detail.clone(),
                if r.mitigation.is_empty() {
                    "To agree in this review".to_string()
                } else {
                    r.mitigation.join("; ")
                },
            ]
        })
        .collect();
    Some(titled(
        SlideKind::Risks,
        "Risks and what we do about them",
        vec![table(
            area(MARGIN, BODY_TOP, BODY_W, BODY_H),
            &["Risk", "What we see", "Mitigation"],
            rows,
            &[false, false, false],
            &[0.24, 0.38, 0.38],
        )],
    ))
}

fn next_slide(f: &Facts) -> Option<Slide> {
    let horizon = f.day + Duration::days(120);
    let milestones: Vec<&MilestoneFact> = f
        .upcoming
        .iter()
        .filter(|m| m.target_date.is_none_or(|d| d <= horizon))
        .take(6)
        .collect();
    let objectives: Vec<_> = f
        .objectives
        .iter()
        .filter(|o| o.target_date.is_some_and(|d| d > f.day && d <= horizon))
        .collect();
    if milestones.is_empty() && objectives.is_empty() {
        return None;
    }
    let mut items = Vec::new();
    let mut paragraphs = Vec::new();
    for m in &milestones {
        let mut runs = vec![Run::plain(m.title.clone())];
        if let Some(d) = m.target_date {
            runs.push(Run::toned(format!(" · by {}", date(d)), Tone::Muted, false));
        }
        paragraphs.push(Paragraph::bullet(runs));
    }
    items.push(text(
        area(MARGIN, BODY_TOP, 430.0, 26.0),
        vec![Paragraph::of(vec![Run::toned(
            "Milestones",
            Tone::Accent,
            true,
        )])],
        14.0,
    ));
    if paragraphs.is_empty() {
        paragraphs.push(line(
            "None planned yet: propose them in this review.",
            Tone::Muted,
        ));
    }
    items.push(fitted(
        area(MARGIN, BODY_TOP + 30.0, 430.0, BODY_H - 30.0),
        paragraphs,
        16.0,
        10.0,
    ));
    items.push(text(
        area(500.0, BODY_TOP, 420.0, 26.0),
        vec![Paragraph::of(vec![Run::toned(
            "Objectives due",
            Tone::Accent,
            true,
        )])],
        14.0,
    ));
    let goals: Vec<Paragraph> = if objectives.is_empty() {
        vec![line(
            "No objective falls due in the next quarter.",
            Tone::Muted,
        )]
    } else {
        objectives
            .iter()
            .map(|o| {
                let mut runs = vec![Run::plain(o.title.clone())];
                if let Some(t) = o.target {
                    runs.push(Run::toned(
                        format!(" · target {}", number(t, 1)),
                        Tone::Muted,
                        false,
                    ));
                }
                if let Some(d) = o.target_date {
                    runs.push(Run::toned(format!(" by {}", date(d)), Tone::Muted, false));
                }
                Paragraph::bullet(runs)
            })
            .collect()
    };
    items.push(fitted(
        area(500.0, BODY_TOP + 30.0, 420.0, BODY_H - 30.0),
        goals,
        16.0,
        10.0,
    ));
    Some(titled(
        SlideKind::NextQuarter,
        "Plan for next quarter",
        items,
    ))
}

fn renewal_slide(f: &Facts) -> Option<Slide> {
    if f.renewal.is_none() && f.arr.is_none_or(|a| a <= 0.0) {
        return None;
    }
    let tiles = tile_row(MARGIN, BODY_TOP, BODY_W, 110.0, 4);
    let mut items = Vec::new();
    let mut k = 0;
    if let Some(r) = f.renewal {
        items.push(kpi(
            tiles[k],
            "Renewal",
            date(r),
            Some(format!("in {} days", (r - f.day).num_days())),
            Tone::Normal,
        ));
        k += 1;
    }
    if let Some(a) = f.arr.filter(|a| *a > 0.0) {
        items.push(kpi(
            tiles[k],
            "Annual contract value",
            money(f, a),
            None,
            Tone::Normal,
        ));
        k += 1;
    }
    if let Some((now, _, Some(seats))) =
        usage_now_then(f).filter(|(_, _, s)| s.is_some_and(|s| s > 0))
    {
        let pct = (now / seats as f64 * 100.0).round() as i64;
        items.push(kpi(
            tiles[k],
            "Seats in use",
            format!("{pct}%"),
            Some(format!("{} of {}", number(now, 0), number(seats as f64, 0))),
            Tone::Normal,
        ));
        k += 1;
        let room = if pct >= 85 {
            (
                "At capacity".to_string(),
                Some("more seats would let more teams in".to_string()),
            )
        } else {
            (
                format!("{} seats", number((seats as f64 - now).max(0.0), 0)),
                Some("licensed and not yet in daily use".to_string()),
            )
        };
        items.push(kpi(tiles[k], "Room to grow", room.0, room.1, Tone::Accent));
    }
    Some(titled(SlideKind::Renewal, "Renewal and growth", items))
}

/// "+4.0", "−1.5".
fn delta(v: f64) -> String {
    if v >= 0.05 {
        format!("+{}", number(v, 1))
    } else if v <= -0.05 {
        format!("−{}", number(-v, 1))
    } else {
        "±0".into()
    }
}

/// The sentences that say what the measurements show, and whether to
/// propose the objective as an area to improve.
fn proof_text(title: &str, metric: Option<&str>, p: &Proof) -> Vec<Paragraph> {
    let mut out = vec![Paragraph::of(vec![Run::toned(title, Tone::Normal, true)])];
    if let Some(m) = metric {
        out.push(line(format!("Measured by {m}"), Tone::Muted));
    }
    let change = |b: f64, a: f64| format!("{} → {} ({})", number(b, 1), number(a, 1), delta(a - b));
    out.push(Paragraph::bullet(vec![Run::plain(format!(
        "Teams using it: {}",
        change(p.target_before.mean, p.target_after.mean)
    ))]));
    let interval = match (p.low, p.high) {
        (Some(l), Some(h)) => format!(" (90% interval {} to {})", delta(l), delta(h)),
        _ => String::new(),
    };
    match (&p.control_before, &p.control_after) {
        (Some(cb), Some(ca)) => {
            out.push(Paragraph::bullet(vec![Run::plain(format!(
                "Comparison group: {}",
                change(cb.mean, ca.mean)
            ))]));
            out.push(Paragraph::bullet(vec![Run::plain(format!(
                "Difference in differences: {}{interval}",
                delta(p.effect)
            ))]));
        }
        _ => {
            out.push(Paragraph::bullet(vec![Run::plain(format!(
                "Change: {}{interval}",
                delta(p.effect)
            ))]));
            out.push(line(
                "Before and after only: without a comparison group, other causes are not ruled out.",
                Tone::Muted,
            ));
        }
    }
    let (verdict, tone) = match (p.verdict, p.low.is_some()) {
        (Verdict::Better, _) if p.control_before.is_some() => (
            "The teams using it did better than the comparison group.",
            Tone::Good,
        ),
        (Verdict::Better, _) => ("The measure moved the right way.", Tone::Good),
        (Verdict::Worse, _) => ("The teams using it did worse on this measure.", Tone::Bad),
        (Verdict::NotClear, true) => ("No clear difference yet.", Tone::Normal),
        (Verdict::NotClear, false) => (
            "One measurement per group: too few to tell a difference from chance.",
            Tone::Muted,
        ),
    };
    out.push(Paragraph::of(vec![Run::toned(verdict, tone, true)]));
    if p.verdict != Verdict::Better && p.low.is_some() {
        out.push(line(
            "Proposed for next quarter: make this an area to improve together: agree what holds it back, who acts, and when to measure again.",
            Tone::Accent,
        ));
    }
    out
}

fn value_slide(f: &Facts) -> Option<Slide> {
    let proven: Vec<_> = f
        .objectives
        .iter()
        .filter_map(|o| o.proof.as_ref().map(|p| (o, p)))
        .take(2)
        .collect();
    if proven.is_empty() {
        return None;
    }
    let mut items = Vec::new();
    let columns = proven.len();
    let width = (BODY_W - 24.0 * (columns - 1) as f64) / columns as f64;
    for (k, (o, p)) in proven.iter().enumerate() {
        let x = MARGIN + k as f64 * (width + 24.0);
        let mut series = vec![Series {
            name: "Teams using it".into(),
            values: vec![
                Some(round1(p.target_before.mean)),
                Some(round1(p.target_after.mean)),
            ],
            tone: Tone::Accent,
            dashed: false,
        }];
        if let (Some(cb), Some(ca)) = (&p.control_before, &p.control_after) {
            series.push(Series {
                name: "Comparison group".into(),
                values: vec![Some(round1(cb.mean)), Some(round1(ca.mean))],
                tone: Tone::Muted,
                dashed: false,
            });
        }
        let (chart_area, text_area) = if columns == 1 {
            (
                area(x, BODY_TOP, 420.0, BODY_H),
                area(x + 450.0, BODY_TOP, BODY_W - 450.0, BODY_H),
            )
        } else {
            (
                area(x, BODY_TOP, width, 200.0),
                area(x, BODY_TOP + 210.0, width, BODY_H - 210.0),
            )
        };
        items.push(Placed {
            area: chart_area,
            block: Block::Chart(Chart {
                kind: ChartKind::Column,
                categories: vec!["Before".into(), "After".into()],
                series,
                number_format: "#,##0.0".into(),
                y_min: (p.target_before.mean.min(p.target_after.mean) >= 0.0
                    && p.control_before.as_ref().is_none_or(|c| c.mean >= 0.0)
                    && p.control_after.as_ref().is_none_or(|c| c.mean >= 0.0))
                .then_some(0.0),
                y_max: None,
            }),
        });
        items.push(fitted(
            text_area,
            proof_text(&o.title, o.metric.as_deref(), p),
            14.0,
            9.0,
        ));
    }
    Some(titled(SlideKind::Value, "Value delivered", items))
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
