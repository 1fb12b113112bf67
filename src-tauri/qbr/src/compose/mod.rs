//! Facts into slides. Each slide is made only from facts the book holds: a
//! slide with nothing to show is left out, and a part of a slide without
//! data says so in words rather than drawing an empty chart or a zero.

mod evidence;
mod story;
mod value;

use chrono::Duration;

use crate::facts::{Facts, MilestoneFact};
use crate::slides::{
    fit, Area, Block, Chart, ChartKind, Deck, Kpi, Paragraph, Placed, Run, Series, Slide,
    SlideKind, Table, Text, Tone, SLIDE_W,
};
use crate::words::{change, date, day_month, duration_hours, number, period};
use steward_core::currency;
use steward_core::health::{Band, Component};
use steward_core::say;
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
        last[0] = say!("and {more} more", "und {more} weitere");
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

fn band_word(b: Band) -> String {
    match b {
        Band::Green => say!("healthy", "gesund"),
        Band::Yellow => say!("needs attention", "braucht Aufmerksamkeit"),
        Band::Red => say!("at risk", "gefährdet"),
        Band::Unknown => say!("not enough data", "zu wenig Daten"),
    }
}

fn component_name(c: Component) -> String {
    match c {
        Component::Adoption => say!("Product adoption", "Produktnutzung"),
        Component::Support => say!("Support experience", "Support-Erfahrung"),
        Component::Voice => say!("Survey answers", "Umfrageantworten"),
        Component::Commercial => say!("Commercial", "Vertrag"),
        Component::Relationship => say!("Relationship", "Beziehung"),
        Component::Sentiment => say!("CSM's assessment", "Einschätzung des CSM"),
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
        let users = number(now, 0);
        let mut s = say!(
            "{users} active users a day in the last full week",
            "{users} aktive Nutzer pro Tag in der letzten vollen Woche"
        );
        if f.usage.len() > 1 {
            if let Some(c) = change(now, then) {
                let week = day_month(f.usage[0].start);
                s.push_str(&say!(
                    " ({c} since the week of {week})",
                    " ({c} seit der Woche vom {week})"
                ));
            }
        }
        if let Some(seats) = seats.filter(|s| *s > 0) {
            let pct = (now / seats as f64 * 100.0).round() as i64;
            let seats = number(seats as f64, 0);
            s.push_str(&say!(
                ", {pct}% of {seats} licensed seats",
                ", {pct} % von {seats} lizenzierten Plätzen"
            ));
        }
        out.push(format!("{s}."));
    }
    match f.achieved.len() {
        0 => {}
        1 => out.push(say!(
            "Milestone reached: {}.",
            "Meilenstein erreicht: {}.",
            f.achieved[0].title
        )),
        n => out.push(say!(
            "{n} milestones reached, including {}.",
            "{n} Meilensteine erreicht, darunter {}.",
            f.achieved[0].title
        )),
    }
    let s = &f.support;
    if s.opened > 0 {
        let opened = s.opened;
        let mut t = say!(
            "{opened} support tickets opened",
            "{opened} Support-Tickets eröffnet"
        );
        if let Some(h) = s.median_hours {
            let took = duration_hours(h);
            t.push_str(&say!(
                ", resolved in a median of {took}",
                ", Lösungszeit im Median {took}"
            ));
        }
        out.push(format!("{t}."));
    }
    if let Some(nps) = f.voice.nps {
        out.push(say!(
            "NPS {nps} from {} answers.",
            "NPS {nps} aus {} Antworten.",
            f.voice.nps_count
        ));
    }
    if let Some(r) = f.renewal {
        out.push(say!("Renewal on {}.", "Verlängerung am {}.", date(r)));
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
        title: say!(
            "{} · Quarterly business review",
            "{} · Quartalsgespräch",
            f.account
        ),
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
        SlideKind::Title => Some(story::title_slide(f)),
        SlideKind::Summary => Some(story::summary_slide(f, choices)),
        SlideKind::Objectives => story::objectives_slide(f),
        SlideKind::Milestones => story::milestones_slide(f),
        SlideKind::Value => value::value_slide(f),
        SlideKind::Usage => evidence::usage_slide(f),
        SlideKind::Health => evidence::health_slide(f),
        SlideKind::Support => evidence::support_slide(f),
        SlideKind::Voice => evidence::voice_slide(f, choices),
        SlideKind::Risks => story::risks_slide(f),
        SlideKind::NextQuarter => story::next_slide(f),
        SlideKind::Renewal => story::renewal_slide(f),
    }
}

/// "+3 points", "−1 point", "±0 points"; without points, the figure alone.
fn signed(d: i64, points: bool) -> String {
    let unit = match (points, d.abs()) {
        (false, _) => String::new(),
        (true, 1) => say!(" point", " Punkt"),
        (true, _) => say!(" points", " Punkte"),
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

/// Weeks by the day they start: "Sep 7".
fn week_labels(starts: impl Iterator<Item = chrono::NaiveDate>) -> Vec<String> {
    starts.map(day_month).collect()
}
