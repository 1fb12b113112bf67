//! The slides that show the book's figures: usage and adoption, health,
//! support, and the customers' own answers.

use super::*;
use steward_core::say;

pub(super) fn usage_slide(f: &Facts) -> Option<Slide> {
    let (now, then, seats) = usage_now_then(f)?;
    let has_seats = f.usage.iter().any(|w| w.seats.is_some());
    let mut series = vec![Series {
        name: say!(
            "Active users a day (weekly average)",
            "Aktive Nutzer pro Tag (Wochenmittel)"
        ),
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
            name: say!("Licensed seats", "Lizenzierte Plätze"),
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
                    name: say!(
                        "Feature use a day (weekly average)",
                        "Funktionsnutzung pro Tag (Wochenmittel)"
                    ),
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
        &say!("Active users a day", "Aktive Nutzer pro Tag"),
        number(now, 0),
        trend.map(|c| {
            say!(
                "{c} since the week of {}",
                "{c} seit der Woche vom {}",
                day_month(f.usage[0].start)
            )
        }),
        Tone::Normal,
    ));
    if let Some(s) = seats.filter(|s| *s > 0) {
        let pct = (now / s as f64 * 100.0).round() as i64;
        items.push(kpi(
            tiles[1],
            &say!("Seats in use", "Genutzte Plätze"),
            say!("{pct}%", "{pct} %"),
            Some(say!(
                "{} of {} seats",
                "{} von {} Plätzen",
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
                &say!("Feature use a day", "Funktionsnutzung pro Tag"),
                number(per_day(last), 0),
                Some(say!(
                    "{c} since the week of {}",
                    "{c} seit der Woche vom {}",
                    day_month(first.start)
                )),
                Tone::Normal,
            ));
        }
    }
    Some(titled(
        SlideKind::Usage,
        &say!("Usage and adoption", "Nutzung und Verbreitung"),
        items,
    ))
}

pub(super) fn health_slide(f: &Facts) -> Option<Slide> {
    let now = f.health_now.as_ref().filter(|h| h.band != Band::Unknown)?;
    let mut items = Vec::new();
    if f.health.len() >= 2 {
        items.push(Placed {
            area: area(MARGIN, BODY_TOP, 520.0, BODY_H),
            block: Block::Chart(Chart {
                kind: ChartKind::Line,
                categories: week_labels(f.health.iter().map(|(d, _)| *d)),
                series: vec![Series {
                    name: say!("Health score (0-100)", "Health Score (0–100)"),
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
                &say!("Scores for fewer than two weeks of this period: no trend to draw yet.", "Bewertungen für weniger als zwei Wochen dieses Zeitraums: noch kein Verlauf zu zeichnen."),
                Tone::Muted,
            )],
            14.0,
        ));
    }
    items.push(kpi(
        area(590.0, BODY_TOP, 330.0, 100.0),
        &say!("Health now", "Health jetzt"),
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
                    delta.map_or("—".into(), |d| signed(d, false)),
                ],
            )
        })
        .collect();
    // Biggest movers first: they are what the review talks about.
    moved.sort_by_key(|(d, _)| std::cmp::Reverse(*d));
    let rows = moved.into_iter().map(|(_, r)| r).collect();
    items.push(table(
        area(590.0, BODY_TOP + 116.0, 330.0, BODY_H - 116.0),
        &[
            &say!("Part of the score", "Bestandteil"),
            &day_month(f.from),
            &say!("Now", "Jetzt"),
            &say!("Moved", "Veränderung"),
        ],
        rows,
        &[false, true, true, true],
        &[0.46, 0.18, 0.16, 0.20],
    ));
    Some(titled(SlideKind::Health, "Health", items))
}

pub(super) fn support_slide(f: &Facts) -> Option<Slide> {
    let s = &f.support;
    if s.opened == 0 && s.open == 0 && s.solved == 0 {
        return None;
    }
    let tiles = tile_row(MARGIN, BODY_TOP, BODY_W, 100.0, 4);
    let mut items = vec![
        kpi(
            tiles[0],
            &say!("Tickets opened", "Eröffnete Tickets"),
            number(s.opened as f64, 0),
            Some(say!("this period", "in diesem Zeitraum")),
            Tone::Normal,
        ),
        kpi(
            tiles[1],
            &say!("Tickets solved", "Gelöste Tickets"),
            number(s.solved as f64, 0),
            Some(say!("{} still open", "{} noch offen", s.open)),
            Tone::Normal,
        ),
        kpi(
            tiles[2],
            &say!("Median time to resolve", "Mittlere Lösungszeit (Median)"),
            s.median_hours.map_or("—".into(), duration_hours),
            Some(if s.median_hours.is_some() {
                say!(
                    "tickets solved this period",
                    "in diesem Zeitraum gelöste Tickets"
                )
            } else {
                say!("none solved this period", "in diesem Zeitraum keine gelöst")
            }),
            Tone::Normal,
        ),
        kpi(
            tiles[3],
            &say!("Support CSAT", "Support-CSAT"),
            s.csat
                .map_or("—".into(), |c| format!("{} / 5", number(c, 1))),
            Some(if s.csat_count > 0 {
                say!("{} ratings", "{} Bewertungen", s.csat_count)
            } else {
                say!(
                    "no ratings this period",
                    "keine Bewertungen in diesem Zeitraum"
                )
            }),
            Tone::Normal,
        ),
    ];
    if s.open_escalations.is_empty() {
        items.push(text(
            area(MARGIN, BODY_TOP + 124.0, BODY_W, 30.0),
            vec![line(
                &say!(
                    "No high-priority ticket is open.",
                    "Kein Ticket mit hoher Priorität ist offen."
                ),
                Tone::Muted,
            )],
            14.0,
        ));
    } else {
        items.push(text(
            area(MARGIN, BODY_TOP + 118.0, BODY_W, 26.0),
            vec![Paragraph::of(vec![Run::toned(
                &say!("Open escalations", "Offene Eskalationen"),
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
            &[
                &say!("Ticket", "Ticket"),
                &say!("Priority", "Priorität"),
                &say!("Opened", "Eröffnet"),
            ],
            rows,
            &[false, false, true],
            &[0.64, 0.14, 0.22],
        ));
    }
    Some(titled(SlideKind::Support, "Support", items))
}

pub(super) fn voice_slide(f: &Facts, choices: &Choices) -> Option<Slide> {
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
            Some(say!(
                "{} answers this period",
                "{} Antworten in diesem Zeitraum",
                v.nps_count
            )),
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
            Some(say!(
                "{} answers this period",
                "{} Antworten in diesem Zeitraum",
                v.csat_count
            )),
            Tone::Normal,
        ));
    }
    let picked: Vec<&crate::facts::Verbatim> = match &choices.verbatims {
        Some(picks) => picks.iter().filter_map(|&i| v.verbatims.get(i)).collect(),
        None => v.verbatims.iter().take(4).collect(),
    };
    let quotes: Vec<Paragraph> = if picked.is_empty() {
        vec![line(
            &say!(
                "No comments came with this period's answers.",
                "Die Antworten dieses Zeitraums hatten keine Kommentare."
            ),
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
    Some(titled(
        SlideKind::Voice,
        &say!("Voice of the customer", "Stimme des Kunden"),
        items,
    ))
}
