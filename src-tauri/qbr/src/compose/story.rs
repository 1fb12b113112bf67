//! The slides that tell the account's story in the CSM's and the
//! customer's words: title, summary, objectives, milestones, risks, the
//! plan for next quarter, renewal. Value delivered is in `value.rs`.

use super::*;
use steward_core::say;

pub(super) fn title_slide(f: &Facts) -> Slide {
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
                say!(
                    "Quarterly business review · {}",
                    "Quartalsgespräch · {}",
                    period(f.from, f.day)
                ),
                Tone::Normal,
            )],
            20.0,
        ),
    ];
    let by = match (&f.csm, &f.company) {
        (Some(csm), Some(company)) => say!(
            "Prepared by {csm}, {company} · {}",
            "Vorbereitet von {csm}, {company} · {}",
            date(f.day)
        ),
        (Some(csm), None) => say!(
            "Prepared by {csm} · {}",
            "Vorbereitet von {csm} · {}",
            date(f.day)
        ),
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

pub(super) fn summary_slide(f: &Facts, choices: &Choices) -> Slide {
    let summary = choices
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| draft_summary(f));
    let paragraphs: Vec<Paragraph> = if summary.trim().is_empty() {
        vec![line(
            &say!("Nothing recorded for this period yet: write the summary in Steward's QBR screen.", "Für diesen Zeitraum ist noch nichts festgehalten: schreiben Sie die Zusammenfassung in Stewards QBR-Ansicht."),
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
                say!(
                    "{} since {}",
                    "{} seit {}",
                    signed(d, true),
                    day_month(f.from)
                )
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
            &say!("Active users a day", "Aktive Nutzer pro Tag"),
            number(now, 0),
            seats.map(|s| {
                say!(
                    "of {} licensed seats",
                    "von {} lizenzierten Plätzen",
                    number(s as f64, 0)
                )
            }),
            Tone::Normal,
        ));
        k += 1;
    }
    if let Some(r) = f.renewal {
        items.push(kpi(
            tiles[k],
            &say!("Renewal", "Verlängerung"),
            date(r),
            f.arr.map(|a| say!("{} a year", "{} pro Jahr", money(f, a))),
            Tone::Normal,
        ));
    }
    titled(
        SlideKind::Summary,
        &say!("Executive summary", "Zusammenfassung"),
        items,
    )
}

pub(super) fn objectives_slide(f: &Facts) -> Option<Slide> {
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
            &say!("Objective", "Ziel"),
            &say!("Measure", "Messgröße"),
            &say!("Baseline", "Ausgang"),
            &say!("Target", "Ziel"),
            &say!("Now", "Jetzt"),
            &say!("Progress", "Fortschritt"),
            &say!("By", "Bis"),
        ],
        rows,
        &[false, false, true, true, true, true, true],
        &[0.30, 0.18, 0.09, 0.09, 0.09, 0.10, 0.15],
    )];
    if f.objectives.iter().any(|o| o.current.is_none()) {
        items.push(text(
            area(MARGIN, BODY_TOP + 320.0, BODY_W, 40.0),
            vec![line(
                &say!("“—” under Now: the measure is not one Steward tracks; bring the customer's figure to the review.", "„—“ unter Jetzt: Steward erfasst diese Messgröße nicht; bringen Sie die Zahl des Kunden zum Gespräch mit."),
                Tone::Muted,
            )],
            12.0,
        ));
    }
    Some(titled(
        SlideKind::Objectives,
        &say!("Objectives", "Ziele"),
        items,
    ))
}

pub(super) fn milestones_slide(f: &Facts) -> Option<Slide> {
    let next: Vec<&MilestoneFact> = f.upcoming.iter().take(6).collect();
    if f.achieved.is_empty() && next.is_empty() {
        return None;
    }
    let mut items = Vec::new();
    items.push(text(
        area(MARGIN, BODY_TOP, 540.0, 26.0),
        vec![Paragraph::of(vec![Run::toned(
            &say!("Reached this period", "In diesem Zeitraum erreicht"),
            Tone::Accent,
            true,
        )])],
        14.0,
    ));
    if f.achieved.is_empty() {
        items.push(text(
            area(MARGIN, BODY_TOP + 30.0, 540.0, 40.0),
            vec![line(
                &say!(
                    "No milestone was reached in this period.",
                    "In diesem Zeitraum wurde kein Meilenstein erreicht."
                ),
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
            &[
                &say!("Milestone", "Meilenstein"),
                &say!("Reached", "Erreicht"),
                &say!("Evidence", "Nachweis"),
            ],
            rows,
            &[false, false, false],
            &[0.42, 0.16, 0.42],
        ));
    }
    items.push(text(
        area(610.0, BODY_TOP, 310.0, 26.0),
        vec![Paragraph::of(vec![Run::toned(
            &say!("Next", "Als Nächstes"),
            Tone::Accent,
            true,
        )])],
        14.0,
    ));
    let paragraphs: Vec<Paragraph> = if next.is_empty() {
        vec![line(
            &say!(
                "No open milestone: plan the next ones together.",
                "Kein offener Meilenstein: planen Sie die nächsten gemeinsam."
            ),
            Tone::Muted,
        )]
    } else {
        next.iter()
            .map(|m| {
                let mut runs = vec![Run::plain(m.title.clone())];
                if let Some(d) = m.target_date {
                    let late = d < f.day;
                    runs.push(Run::toned(
                        format!(
                            " · {}{}",
                            if late {
                                say!("was due ", "fällig seit ")
                            } else {
                                say!("by ", "bis ")
                            },
                            date(d)
                        ),
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
    Some(titled(
        SlideKind::Milestones,
        &say!("Milestones", "Meilensteine"),
        items,
    ))
}

fn risk_title(reason: &str) -> String {
    match reason {
        "usage_drop" => say!("Usage has fallen", "Die Nutzung ist gesunken"),
        "champion_left" => say!(
            "Our main contact has left",
            "Unser Hauptkontakt ist gegangen"
        ),
        "no_sponsor" => say!("No executive sponsor", "Kein Executive Sponsor"),
        "urgent_ticket" => say!(
            "An urgent ticket is waiting",
            "Ein dringendes Ticket wartet"
        ),
        "detractor" => say!(
            "An unhappy survey answer",
            "Eine unzufriedene Umfrageantwort"
        ),
        "milestone_missed" => say!("A milestone is overdue", "Ein Meilenstein ist überfällig"),
        _ => say!("Risk", "Risiko"),
    }
}

pub(super) fn risks_slide(f: &Facts) -> Option<Slide> {
    if f.risks.is_empty() {
        return None;
    }
    let rows = f
        .risks
        .iter()
        .map(|r| {
            vec![
                risk_title(&r.reason),
                r.detail.clone(),
                if r.mitigation.is_empty() {
                    say!(
                        "To agree in this review",
                        "In diesem Gespräch zu vereinbaren"
                    )
                } else {
                    r.mitigation.join("; ")
                },
            ]
        })
        .collect();
    Some(titled(
        SlideKind::Risks,
        &say!(
            "Risks and what we do about them",
            "Risiken und was wir dagegen tun"
        ),
        vec![table(
            area(MARGIN, BODY_TOP, BODY_W, BODY_H),
            &[
                &say!("Risk", "Risiko"),
                &say!("What we see", "Was wir sehen"),
                &say!("Mitigation", "Maßnahme"),
            ],
            rows,
            &[false, false, false],
            &[0.24, 0.38, 0.38],
        )],
    ))
}

pub(super) fn next_slide(f: &Facts) -> Option<Slide> {
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
            runs.push(Run::toned(
                say!(" · by {}", " · bis {}", date(d)),
                Tone::Muted,
                false,
            ));
        }
        paragraphs.push(Paragraph::bullet(runs));
    }
    items.push(text(
        area(MARGIN, BODY_TOP, 430.0, 26.0),
        vec![Paragraph::of(vec![Run::toned(
            &say!("Milestones", "Meilensteine"),
            Tone::Accent,
            true,
        )])],
        14.0,
    ));
    if paragraphs.is_empty() {
        paragraphs.push(line(
            &say!(
                "None planned yet: propose them in this review.",
                "Noch keine geplant: schlagen Sie welche in diesem Gespräch vor."
            ),
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
            &say!("Objectives due", "Fällige Ziele"),
            Tone::Accent,
            true,
        )])],
        14.0,
    ));
    let goals: Vec<Paragraph> = if objectives.is_empty() {
        vec![line(
            &say!(
                "No objective falls due in the next quarter.",
                "Im nächsten Quartal wird kein Ziel fällig."
            ),
            Tone::Muted,
        )]
    } else {
        objectives
            .iter()
            .map(|o| {
                let mut runs = vec![Run::plain(o.title.clone())];
                if let Some(t) = o.target {
                    runs.push(Run::toned(
                        say!(" · target {}", " · Ziel {}", number(t, 1)),
                        Tone::Muted,
                        false,
                    ));
                }
                if let Some(d) = o.target_date {
                    runs.push(Run::toned(
                        say!(" by {}", " bis {}", date(d)),
                        Tone::Muted,
                        false,
                    ));
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
        &say!("Plan for next quarter", "Plan für das nächste Quartal"),
        items,
    ))
}

pub(super) fn renewal_slide(f: &Facts) -> Option<Slide> {
    if f.renewal.is_none() && f.arr.is_none_or(|a| a <= 0.0) {
        return None;
    }
    let tiles = tile_row(MARGIN, BODY_TOP, BODY_W, 110.0, 4);
    let mut items = Vec::new();
    let mut k = 0;
    if let Some(r) = f.renewal {
        items.push(kpi(
            tiles[k],
            &say!("Renewal", "Verlängerung"),
            date(r),
            Some(say!("in {} days", "in {} Tagen", (r - f.day).num_days())),
            Tone::Normal,
        ));
        k += 1;
    }
    if let Some(a) = f.arr.filter(|a| *a > 0.0) {
        items.push(kpi(
            tiles[k],
            &say!("Annual contract value", "Jährlicher Vertragswert"),
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
            &say!("Seats in use", "Genutzte Plätze"),
            say!("{pct}%", "{pct} %"),
            Some(say!(
                "{} of {}",
                "{} von {}",
                number(now, 0),
                number(seats as f64, 0)
            )),
            Tone::Normal,
        ));
        k += 1;
        let room = if pct >= 85 {
            (
                say!("At capacity", "Ausgelastet"),
                Some(say!(
                    "more seats would let more teams in",
                    "mehr Plätze würden weitere Teams hereinholen"
                )),
            )
        } else {
            (
                say!(
                    "{} seats",
                    "{} Plätze",
                    number((seats as f64 - now).max(0.0), 0)
                ),
                Some(say!(
                    "licensed and not yet in daily use",
                    "lizenziert und noch nicht täglich genutzt"
                )),
            )
        };
        items.push(kpi(
            tiles[k],
            &say!("Room to grow", "Raum zum Wachsen"),
            room.0,
            room.1,
            Tone::Accent,
        ));
    }
    Some(titled(
        SlideKind::Renewal,
        &say!("Renewal and growth", "Verlängerung und Wachstum"),
        items,
    ))
}
