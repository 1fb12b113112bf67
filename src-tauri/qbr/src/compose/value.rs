//! The value-delivered slide: an objective's own measure for the teams
//! using the product against a comparison group, before and after, as a
//! chart and in words that say plainly what the figures allow.

use super::*;
use steward_core::say;

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
        out.push(line(
            say!("Measured by {m}", "Gemessen an {m}"),
            Tone::Muted,
        ));
    }
    let change = |b: f64, a: f64| format!("{} → {} ({})", number(b, 1), number(a, 1), delta(a - b));
    out.push(Paragraph::bullet(vec![Run::plain(say!(
        "Teams using it: {}",
        "Teams mit dem Produkt: {}",
        change(p.target_before.mean, p.target_after.mean)
    ))]));
    let interval = match (p.low, p.high) {
        (Some(l), Some(h)) => say!(
            " (90% interval {} to {})",
            " (90-%-Intervall {} bis {})",
            delta(l),
            delta(h)
        ),
        _ => String::new(),
    };
    match (&p.control_before, &p.control_after) {
        (Some(cb), Some(ca)) => {
            out.push(Paragraph::bullet(vec![Run::plain(say!(
                "Comparison group: {}",
                "Vergleichsgruppe: {}",
                change(cb.mean, ca.mean)
            ))]));
            out.push(Paragraph::bullet(vec![Run::plain(say!(
                "Difference in differences: {}{interval}",
                "Differenz der Differenzen: {}{interval}",
                delta(p.effect)
            ))]));
        }
        _ => {
            out.push(Paragraph::bullet(vec![Run::plain(say!(
                "Change: {}{interval}",
                "Veränderung: {}{interval}",
                delta(p.effect)
            ))]));
            out.push(line(
                &say!("Before and after only: without a comparison group, other causes are not ruled out.", "Nur vorher und nachher: ohne Vergleichsgruppe sind andere Ursachen nicht ausgeschlossen."),
                Tone::Muted,
            ));
        }
    }
    let (verdict, tone) = match (p.verdict, p.low.is_some()) {
        (Verdict::Better, _) if p.control_before.is_some() => (
            &say!(
                "The teams using it did better than the comparison group.",
                "Die Teams mit dem Produkt schnitten besser ab als die Vergleichsgruppe."
            ),
            Tone::Good,
        ),
        (Verdict::Better, _) => (
            &say!(
                "The measure moved the right way.",
                "Die Messgröße hat sich in die richtige Richtung bewegt."
            ),
            Tone::Good,
        ),
        (Verdict::Worse, _) => (
            &say!(
                "The teams using it did worse on this measure.",
                "Die Teams mit dem Produkt schnitten bei dieser Messgröße schlechter ab."
            ),
            Tone::Bad,
        ),
        (Verdict::NotClear, true) => (
            &say!("No clear difference yet.", "Noch kein klarer Unterschied."),
            Tone::Normal,
        ),
        (Verdict::NotClear, false) => (
            &say!(
                "One measurement per group: too few to tell a difference from chance.",
                "Eine Messung pro Gruppe: zu wenige, um einen Unterschied vom Zufall zu trennen."
            ),
            Tone::Muted,
        ),
    };
    out.push(Paragraph::of(vec![Run::toned(verdict, tone, true)]));
    if p.verdict != Verdict::Better && p.low.is_some() {
        out.push(line(
            &say!("Proposed for next quarter: make this an area to improve together: agree what holds it back, who acts, and when to measure again.", "Vorschlag für das nächste Quartal: daran gemeinsam arbeiten: vereinbaren, was bremst, wer handelt und wann wieder gemessen wird."),
            Tone::Accent,
        ));
    }
    out
}

pub(super) fn value_slide(f: &Facts) -> Option<Slide> {
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
            name: say!("Teams using it", "Teams mit dem Produkt"),
            values: vec![
                Some(round1(p.target_before.mean)),
                Some(round1(p.target_after.mean)),
            ],
            tone: Tone::Accent,
            dashed: false,
        }];
        if let (Some(cb), Some(ca)) = (&p.control_before, &p.control_after) {
            series.push(Series {
                name: say!("Comparison group", "Vergleichsgruppe"),
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
                categories: vec![say!("Before", "Vorher"), say!("After", "Nachher")],
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
    Some(titled(
        SlideKind::Value,
        &say!("Value delivered", "Erzielter Nutzen"),
        items,
    ))
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
