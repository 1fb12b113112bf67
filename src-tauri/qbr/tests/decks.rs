//! QBR decks read back the way their readers will: the package opened part
//! by part (content types, relationships, ids, well-formed XML), the text
//! of each slide against what the app previews, each chart's cached values
//! against its embedded workbook and the book, and LibreOffice converting
//! the file to PDF.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Read};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use rusqlite::Connection;

use steward_core::progress::{self, CancelToken};
use steward_core::{store, write};
use steward_demo::DemoSpec;
use steward_qbr::slides::{Block, Deck, SlideKind};
use steward_qbr::{batch, brief, build, compose, facts, Choices, Look};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn fixed_time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).expect("time")
}

fn book(dir: &std::path::Path, accounts: u32, seed: u64) -> Connection {
    let mut conn = store::open_in(dir).expect("open");
    write::run(&mut conn, today(), |w| {
        steward_demo::generate(
            w,
            &DemoSpec {
                seed,
                accounts,
                years: 2,
            },
            &mut progress::ignore,
            &CancelToken::default(),
        )
    })
    .expect("demo");
    conn
}

/// The parts of a zip by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read entry");
        parts.insert(f.name().to_string(), data);
    }
    parts
}

/// One element or text of a part, in document order.
#[derive(Debug)]
enum Node {
    Open(String, HashMap<String, String>),
    Text(String),
}

/// Parses a part completely (well-formed, end tags matching) into nodes.
/// Text split around entity references comes back whole.
fn nodes(name: &str, data: &[u8]) -> Vec<Node> {
    let text = std::str::from_utf8(data).unwrap_or_else(|e| panic!("{name} is not UTF-8: {e}"));
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut out = Vec::new();
    let mut pending = String::new();
    let flush = |pending: &mut String, out: &mut Vec<Node>| {
        if !pending.is_empty() {
            out.push(Node::Text(std::mem::take(pending)));
        }
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                flush(&mut pending, &mut out);
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap_or_else(|err| panic!("{name}: bad attribute: {err}"));
                        (
                            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                            a.normalized_value(XmlVersion::Implicit1_0)
                                .unwrap_or_else(|err| panic!("{name}: bad value: {err}"))
                                .into_owned(),
                        )
                    })
                    .collect();
                out.push(Node::Open(
                    String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                    attrs,
                ));
            }
            Ok(Event::Text(t)) => pending.push_str(
                &t.decode()
                    .unwrap_or_else(|err| panic!("{name}: bad text: {err}")),
            ),
            Ok(Event::GeneralRef(r)) => {
                let entity = r
                    .decode()
                    .unwrap_or_else(|err| panic!("{name}: bad reference: {err}"));
                match r
                    .resolve_char_ref()
                    .unwrap_or_else(|err| panic!("{name}: bad reference: {err}"))
                {
                    Some(c) => pending.push(c),
                    None => pending.push_str(
                        resolve_predefined_entity(&entity)
                            .unwrap_or_else(|| panic!("{name}: unknown entity &{entity};")),
                    ),
                }
            }
            Ok(Event::End(_)) => flush(&mut pending, &mut out),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "{name} is not well-formed XML at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    out
}

/// The text runs (`a:t`) of a part, in order.
fn runs(nodes: &[Node]) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_t = false;
    for n in nodes {
        match n {
            Node::Open(tag, _) => in_t = tag == "a:t",
            Node::Text(t) if in_t => {
                out.push(t.clone());
                in_t = false;
            }
            Node::Text(_) => {}
        }
    }
    out
}

/// What the model shows on a slide, in the order the file writes it.
fn model_texts(deck: &Deck, k: usize) -> Vec<String> {
    let mut out = Vec::new();
    for placed in &deck.slides[k].items {
        match &placed.block {
            Block::Text(t) => {
                for p in &t.paragraphs {
                    out.extend(p.runs.iter().map(|r| clean(&r.text)));
                }
            }
            Block::Kpi(kpi) => {
                out.push(clean(&kpi.label));
                out.push(clean(&kpi.value));
                out.extend(kpi.note.iter().map(|n| clean(n)));
            }
            Block::Table(t) => {
                out.extend(t.header.iter().map(|h| clean(h)));
                for row in &t.rows {
                    out.extend(row.iter().map(|c| clean(c)));
                }
            }
            Block::Chart(_) | Block::Logo => {}
        }
    }
    // Empty cells write an empty run the XML reader reports as no text.
    out.retain(|t| !t.is_empty());
    out
}

/// Text as the file can carry it: no XML-forbidden controls, one line.
fn clean(t: &str) -> String {
    t.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

/// Resolves a relationship target against the folder of its source part.
fn resolve(source: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    // "_rels/x.xml.rels" describes "x.xml" in the folder above "_rels".
    let base = source.rsplit_once("_rels/").map_or("", |(dir, _)| dir);
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Every check a strict reader makes of the package, and the text and
/// chart values against the model. Returns the number of charts.
fn check_package(bytes: &[u8], deck: &Deck) -> usize {
    let parts = unzip(bytes);
    let ct = nodes("[Content_Types].xml", &parts["[Content_Types].xml"]);
    let mut defaults = HashMap::new();
    let mut overrides = HashMap::new();
    for n in &ct {
        if let Node::Open(tag, a) = n {
            match tag.as_str() {
                "Default" => {
                    defaults.insert(a["Extension"].to_lowercase(), a["ContentType"].clone());
                }
                "Override" => {
                    overrides.insert(
                        a["PartName"].trim_start_matches('/').to_string(),
                        a["ContentType"].clone(),
                    );
                }
                _ => {}
            }
        }
    }
    for name in overrides.keys() {
        assert!(
            parts.contains_key(name),
            "content type for a missing part {name}"
        );
    }
    let mut parsed = HashMap::new();
    for (name, data) in &parts {
        if name == "[Content_Types].xml" {
            continue;
        }
        let ext = name.rsplit('.').next().unwrap_or_default().to_lowercase();
        assert!(
            overrides.contains_key(name) || defaults.contains_key(&ext),
            "{name} has no content type"
        );
        if ext == "xml" || ext == "rels" {
            parsed.insert(name.clone(), nodes(name, data));
        }
    }
    for (name, ns) in &parsed {
        if !name.ends_with(".rels") {
            continue;
        }
        let mut ids = HashSet::new();
        for n in ns {
            if let Node::Open(tag, a) = n {
                if tag == "Relationship" {
                    assert!(
                        ids.insert(a["Id"].clone()),
                        "{name}: relationship id {} twice",
                        a["Id"]
                    );
                    if a.get("TargetMode").is_some_and(|m| m == "External") {
                        continue;
                    }
                    let target = resolve(name, &a["Target"]);
                    assert!(
                        parts.contains_key(&target),
                        "{name} points at a missing part {target}"
                    );
                }
            }
        }
    }
    // Slide ids from 256, master and layout ids from 2^31, all unique.
    let mut sld_ids = HashSet::new();
    for n in &parsed["ppt/presentation.xml"] {
        if let Node::Open(tag, a) = n {
            let id: u64 = a.get("id").and_then(|v| v.parse().ok()).unwrap_or(0);
            match tag.as_str() {
                "p:sldId" => {
                    assert!((256..2_147_483_648).contains(&id), "slide id {id}");
                    assert!(sld_ids.insert(id));
                }
                "p:sldMasterId" => assert!(id >= 2_147_483_648, "master id {id}"),
                _ => {}
            }
        }
    }
    assert_eq!(sld_ids.len(), deck.slides.len(), "one slide id per slide");
    let mut charts = 0;
    for k in 0..deck.slides.len() {
        let name = format!("ppt/slides/slide{}.xml", k + 1);
        let ns = &parsed[&name];
        let mut shape_ids = HashSet::new();
        for n in ns {
            if let Node::Open(tag, a) = n {
                if tag == "p:cNvPr" {
                    assert!(
                        shape_ids.insert(a["id"].clone()),
                        "{name}: shape id {} twice",
                        a["id"]
                    );
                }
            }
        }
        assert_eq!(
            runs(ns),
            model_texts(deck, k),
            "{name}: the file's text is the preview's"
        );
        // Each chart: cached values = workbook cells = the model's series.
        let rels = &parsed[&format!("ppt/slides/_rels/slide{}.xml.rels", k + 1)];
        let chart_parts: Vec<String> = rels
            .iter()
            .filter_map(|n| match n {
                Node::Open(tag, a) if tag == "Relationship" && a["Type"].ends_with("/chart") => {
                    Some(resolve(
                        &format!("ppt/slides/_rels/slide{}.xml.rels", k + 1),
                        &a["Target"],
                    ))
                }
                _ => None,
            })
            .collect();
        let model_charts: Vec<&steward_qbr::slides::Chart> = deck.slides[k]
            .items
            .iter()
            .filter_map(|p| match &p.block {
                Block::Chart(c) => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(chart_parts.len(), model_charts.len());
        for (part, model) in chart_parts.iter().zip(model_charts) {
            charts += 1;
            check_chart(part, &parts, &parsed, model);
        }
    }
    charts
}

fn check_chart(
    part: &str,
    parts: &BTreeMap<String, Vec<u8>>,
    parsed: &HashMap<String, Vec<Node>>,
    model: &steward_qbr::slides::Chart,
) {
    // Cached values per series: (idx -> value).
    let mut series: Vec<BTreeMap<usize, f64>> = Vec::new();
    let mut in_num = false;
    let mut pt: Option<usize> = None;
    let mut in_v = false;
    for n in &parsed[part] {
        match n {
            Node::Open(tag, a) => {
                match tag.as_str() {
                    "c:ser" => series.push(BTreeMap::new()),
                    "c:numCache" => in_num = true,
                    "c:strCache" => in_num = false,
                    "c:pt" => pt = a.get("idx").and_then(|i| i.parse().ok()),
                    _ => {}
                }
                in_v = tag == "c:v";
            }
            Node::Text(t) if in_v && in_num => {
                let v: f64 = t.parse().expect("a number");
                series
                    .last_mut()
                    .expect("in a series")
                    .insert(pt.expect("in a point"), v);
                in_v = false;
            }
            Node::Text(_) => {}
        }
    }
    assert_eq!(
        series.len(),
        model.series.len(),
        "{part}: one series per model series"
    );
    for (cached, s) in series.iter().zip(&model.series) {
        for (i, v) in s.values.iter().enumerate() {
            assert_eq!(cached.get(&i).copied(), *v, "{part}: {} point {i}", s.name);
        }
    }
    // The workbook behind it holds the same numbers in columns B, C, ...
    let rels = &parsed[&part
        .replace("charts/", "charts/_rels/")
        .replace(".xml", ".xml.rels")];
    let target = rels
        .iter()
        .find_map(|n| match n {
            Node::Open(tag, a) if tag == "Relationship" => Some(a["Target"].clone()),
            _ => None,
        })
        .expect("an embedded workbook");
    let xlsx = &parts[&resolve(&part.replace("charts/", "charts/_rels/"), &target)];
    let book = unzip(xlsx);
    let sheet = nodes("sheet1.xml", &book["xl/worksheets/sheet1.xml"]);
    let mut cells: HashMap<String, String> = HashMap::new();
    let mut current: Option<String> = None;
    for n in &sheet {
        match n {
            Node::Open(tag, a) if tag == "c" => current = a.get("r").cloned(),
            Node::Text(t) => {
                if let Some(c) = &current {
                    cells.insert(c.clone(), t.clone());
                }
            }
            _ => {}
        }
    }
    for (k, s) in model.series.iter().enumerate() {
        let col = char::from(b'B' + k as u8);
        assert_eq!(cells.get(&format!("{col}1")), Some(&s.name));
        for (i, v) in s.values.iter().enumerate() {
            let cell = cells
                .get(&format!("{col}{}", i + 2))
                .map(|t| t.parse::<f64>().expect("number"));
            assert_eq!(cell, *v, "workbook {col}{}", i + 2);
        }
    }
    for (i, c) in model.categories.iter().enumerate() {
        assert_eq!(cells.get(&format!("A{}", i + 2)), Some(c));
    }
}

/// Checks every deck in `dir` against the Office Open XML schemas with
/// openxml-audit (strict: any finding fails), where it is installed
/// (scripts/setup.sh --test puts it in a venv; scripts/test.sh names it in
/// STEWARD_OPENXML_AUDIT and sets STEWARD_FULL_CHECKS so a missing one
/// fails). Returns whether it ran.
fn schema_check(dir: &std::path::Path) -> bool {
    let program =
        std::env::var_os("STEWARD_OPENXML_AUDIT").unwrap_or_else(|| "openxml-audit".into());
    let out = match std::process::Command::new(&program)
        .args([
            "--policy",
            "strict",
            "--quiet",
            "--max-errors",
            "20",
            "--recursive",
        ])
        .arg(dir)
        .output()
    {
        Ok(out) => out,
        Err(_) => {
            assert!(
                std::env::var_os("STEWARD_FULL_CHECKS").is_none(),
                "openxml-audit is needed for this check ({program:?})"
            );
            eprintln!("skipped: openxml-audit is not installed");
            return false;
        }
    };
    assert!(
        out.status.success(),
        "the decks break the Office Open XML schema:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    true
}

#[test]
fn every_account_of_the_demo_book_gets_a_deck_a_strict_reader_accepts() {
    let dir = tempfile::tempdir().expect("tmp");
    let conn = book(dir.path(), 40, 11);
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM accounts WHERE status = 'active' ORDER BY id")
        .expect("q")
        .query_map([], |r| r.get(0))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("ids");
    let mut kinds: HashSet<SlideKind> = HashSet::new();
    let mut charts = 0;
    let decks = dir.path().join("decks");
    std::fs::create_dir_all(&decks).expect("decks folder");
    for id in &ids {
        let deck = build(&conn, *id, today(), &Choices::default()).expect("deck");
        assert_eq!(deck.slides[0].kind, SlideKind::Title);
        kinds.extend(deck.slides.iter().map(|s| s.kind));
        let bytes = steward_qbr::pptx(&deck, &Look::accent("0F766E"), fixed_time()).expect("pptx");
        charts += check_package(&bytes, &deck);
        std::fs::write(decks.join(format!("{id}.pptx")), &bytes).expect("write deck");
        // Identical input, identical file: a deck can be made again.
        assert_eq!(
            bytes,
            steward_qbr::pptx(&deck, &Look::accent("0F766E"), fixed_time()).expect("pptx")
        );
        // Every slide's title is in the brief.
        let md = brief::markdown(&deck);
        for s in &deck.slides {
            assert!(md.contains(&format!("## {}", s.title)), "{}", s.title);
        }
    }
    assert!(ids.len() > 25);
    assert!(charts >= ids.len(), "usage and health charts: {charts}");
    for k in compose::DEFAULT_ORDER {
        assert!(kinds.contains(&k), "some demo account has a {k:?} slide");
    }
    schema_check(&decks);
}

#[test]
fn hostile_text_is_escaped_cut_to_fit_and_never_breaks_the_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let conn = book(dir.path(), 12, 5);
    let id: i64 = conn
        .query_row(
            "SELECT id FROM accounts WHERE status = 'active' ORDER BY arr_minor DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("account");
    let hostile = "<script>&amp;\"R&D\" 'q'\u{0}\u{B}\u{1F}\u{FFFF} שלום עולם 🚀 مرحبا ]]>";
    conn.execute(
        "UPDATE accounts SET name = ?1, owner = ?1 WHERE id = ?2",
        rusqlite::params![hostile, id],
    )
    .expect("name");
    conn.execute(
        "INSERT INTO survey_responses(account_id, kind, score, comment, responded_on, source) VALUES (?1, 'nps', 3, ?2, ?3, 'user')",
        rusqlite::params![id, format!("שלום עולם, {hostile} {}", "long ".repeat(2_000)), today()],
    )
    .expect("survey");
    conn.execute(
        "INSERT INTO milestones(account_id, title, achieved_on, evidence, created_at) VALUES (?1, ?2, ?3, ?2, '2026-01-01')",
        rusqlite::params![id, hostile, today() - Duration::days(3)],
    )
    .expect("milestone");
    let summary = format!(
        "{hostile}\n{}",
        "A very long summary sentence. ".repeat(340)
    );
    assert!(summary.len() > 10_000);
    let deck = build(
        &conn,
        id,
        today(),
        &Choices {
            summary: Some(summary),
            ..Choices::default()
        },
    )
    .expect("deck");
    let bytes =
        steward_qbr::pptx(&deck, &Look::accent("not a colour"), fixed_time()).expect("pptx");
    check_package(&bytes, &deck);
    let hostile_dir = dir.path().join("hostile");
    std::fs::create_dir_all(&hostile_dir).expect("folder");
    std::fs::write(hostile_dir.join("hostile.pptx"), &bytes).expect("write deck");
    schema_check(&hostile_dir);
    let parts = unzip(&bytes);
    let all_slides: String = (1..=deck.slides.len())
        .map(|k| String::from_utf8_lossy(&parts[&format!("ppt/slides/slide{k}.xml")]).into_owned())
        .collect();
    assert!(all_slides.contains("&lt;script&gt;&amp;amp;&quot;R&amp;D&quot;"));
    assert!(
        all_slides.contains(r#"rtl="1""#),
        "a right-to-left paragraph is marked"
    );
    assert!(!all_slides.contains('\u{B}'));
    // The summary was shrunk and cut where the preview cuts it.
    let summary_slide = deck
        .slides
        .iter()
        .find(|s| s.kind == SlideKind::Summary)
        .expect("summary");
    let Block::Text(text) = &summary_slide.items[1].block else {
        panic!("the summary text comes after the title");
    };
    let last = text.paragraphs.last().expect("text");
    assert!(last.runs[0].text.ends_with('…'));
    assert!(
        steward_qbr::slides::text_height(
            &text.paragraphs,
            summary_slide.items[1].area.w,
            text.size
        ) <= summary_slide.items[1].area.h
    );
    // The quote is cut to 400 characters, the milestone evidence to its cell.
    let md = brief::markdown(&deck);
    assert!(md.contains("שלום עולם 🚀"));
    assert!(!md.contains("long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long long"));
}

#[test]
fn a_deck_as_of_a_past_day_shows_only_what_was_known_then() {
    let dir = tempfile::tempdir().expect("tmp");
    let conn = book(dir.path(), 30, 3);
    let day = today() - Duration::days(150);
    let mut checked = 0;
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM accounts WHERE status = 'active' AND contract_start < ?1")
        .expect("q")
        .query_map([day - Duration::days(200)], |r| r.get(0))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("ids");
    for id in ids {
        let f = facts::read(&conn, id, day).expect("facts");
        assert_eq!(f.day, day);
        assert!(f.from < day);
        assert!(f
            .usage
            .iter()
            .all(|w| w.start + Duration::days(6) <= day && w.start >= f.from));
        assert!(f.health.iter().all(|(d, _)| *d <= day));
        assert!(f
            .voice
            .verbatims
            .iter()
            .all(|v| v.on <= day && v.on >= f.from));
        assert!(f
            .achieved
            .iter()
            .all(|m| m.achieved_on.is_some_and(|a| a <= day && a >= f.from)));
        assert!(f.upcoming.iter().all(|m| m.achieved_on.is_none()));
        assert!(f
            .support
            .open_escalations
            .iter()
            .all(|t| t.opened_on <= day));
        // The usage chart's figures are the book's: each week's average of
        // daily active users, as SQL computes it from the rows.
        for w in &f.usage {
            let avg: f64 = conn
                .query_row(
                    "SELECT avg(coalesce(active_users, 0)) FROM usage_daily WHERE account_id = ?1 AND day >= ?2 AND day <= ?3",
                    rusqlite::params![id, w.start, w.start + Duration::days(6)],
                    |r| r.get(0),
                )
                .expect("avg");
            assert!((avg - w.active_users).abs() < 1e-9, "week of {}", w.start);
        }
        // A milestone reached after the day is still ahead on that day.
        let later: Vec<String> = conn
            .prepare("SELECT title FROM milestones WHERE account_id = ?1 AND achieved_on > ?2 AND substr(created_at, 1, 10) <= ?2")
            .expect("q")
            .query_map(rusqlite::params![id, day], |r| r.get(0))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("titles");
        for t in &later {
            assert!(
                f.upcoming.iter().any(|m| &m.title == t),
                "{t} was still ahead on {day}"
            );
            checked += 1;
        }
        if let Some(r) = f.renewal {
            assert!(r >= day);
        }
    }
    assert!(checked > 0, "some milestone was reached after the day");
}

#[test]
fn an_account_with_nothing_recorded_gets_a_plain_deck_and_is_skipped_in_a_batch() {
    let dir = tempfile::tempdir().expect("tmp");
    let conn = book(dir.path(), 8, 2);
    conn.execute(
        "INSERT INTO accounts(name, currency, source, created_at, updated_at) VALUES ('Empty Co', 'USD', 'user', '', '')",
        [],
    )
    .expect("account");
    let empty = conn.last_insert_rowid();
    let deck = build(&conn, empty, today(), &Choices::default()).expect("deck");
    let kinds: Vec<SlideKind> = deck.slides.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [SlideKind::Title, SlideKind::Summary]);
    let md = brief::markdown(&deck);
    assert!(md.contains("Nothing recorded for this period yet"), "{md}");
    assert!(!md.contains(" 0 "), "no made-up zero: {md}");

    let busy: (i64, String) = conn
        .query_row(
            "SELECT id, name FROM accounts WHERE status = 'active' ORDER BY arr_minor DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("account");
    let out = dir.path().join("decks");
    let mut reports = 0;
    let report = batch::write_decks(
        &conn,
        &[busy.clone(), (empty, "Empty Co".into())],
        today(),
        &out,
        &Look::accent("0F766E"),
        &mut |_| reports += 1,
        &CancelToken::default(),
    )
    .expect("batch");
    assert_eq!(report.written.len(), 1);
    assert!(std::path::Path::new(&report.written[0].path).exists());
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].account, "Empty Co");
    assert!(report.skipped[0].reason.contains("nothing recorded"));
    assert!(reports >= 3, "progress per deck and at the end");
    let files: Vec<_> = std::fs::read_dir(&out).expect("dir").collect();
    assert_eq!(files.len(), 1, "no temporary files left");

    let cancel = CancelToken::default();
    cancel.cancel();
    let report = batch::write_decks(
        &conn,
        &[busy],
        today(),
        &out,
        &Look::accent("0F766E"),
        &mut |_| {},
        &cancel,
    )
    .expect("batch");
    assert!(report.cancelled && report.written.is_empty());
}

/// LibreOffice, an independent reader, renders the deck (Steward's PDF
/// export) with one page per slide, and the summary's words are on its
/// second page. Runs where LibreOffice is installed (scripts/setup.sh
/// --test installs it; scripts/test.sh sets STEWARD_FULL_CHECKS so a
/// missing one fails).
#[test]
fn the_pdf_export_has_a_page_per_slide_and_the_edited_summary() {
    if steward_qbr::pdf::renderer().is_none() {
        assert!(
            std::env::var_os("STEWARD_FULL_CHECKS").is_none(),
            "soffice is needed for this check"
        );
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let conn = book(&dir.path().join("book"), 12, 9);
    let id: i64 = conn
        .query_row(
            "SELECT id FROM accounts WHERE status = 'active' ORDER BY arr_minor DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("account");
    let summary = "Rollout to the Quokka team finished early.\nNext: finance reporting.";
    let deck = build(
        &conn,
        id,
        today(),
        &Choices {
            summary: Some(summary.into()),
            ..Choices::default()
        },
    )
    .expect("deck");
    let pdf = dir.path().join("deck.pdf");
    // Steward's own PDF export: LibreOffice renders the .pptx it wrote.
    steward_qbr::pdf::write(
        &steward_qbr::pptx(&deck, &Look::accent("0F766E"), fixed_time()).expect("pptx"),
        &pdf,
    )
    .expect("pdf");
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count");
    assert_eq!(pages, deck.slides.len());
    let text = std::process::Command::new("pdftotext")
        .args(["-f", "2", "-l", "2", "-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Rollout to the Quokka team finished early."),
        "{text}"
    );
}

/// An 8 × 2 PNG in the accent colour (a wide logo).
const LOGO: [u8; 75] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x02, 0x08, 0x06, 0x00, 0x00, 0x00, 0x65, 0x94, 0x9D,
    0xED, 0x00, 0x00, 0x00, 0x12, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xE0, 0x2F, 0xCB, 0xFB,
    0x8F, 0x0F, 0x33, 0x10, 0x52, 0x00, 0x00, 0xED, 0x4F, 0x1F, 0x21, 0x77, 0x1B, 0x3B, 0x15, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

#[test]
fn a_branded_deck_carries_the_company_colour_and_logo() {
    use steward_qbr::brand;
    let dir = tempfile::tempdir().expect("tmp");
    let mut conn = book(&dir.path().join("book"), 8, 4);
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, LOGO).expect("logo");
    let svg = dir.path().join("logo.svg");
    std::fs::write(&svg, "<svg xmlns='http://www.w3.org/2000/svg'/>").expect("svg");
    let run =
        |conn: &mut Connection,
         f: &dyn Fn(&steward_core::write::Write<'_>) -> steward_core::Result<()>| {
            write::run(conn, today(), |w| f(w)).map(|_| ())
        };
    let refused = run(&mut conn, &|w| {
        brand::set_logo(w, Some(&svg.display().to_string()))
    });
    assert!(refused
        .expect_err("svg")
        .to_string()
        .contains("export the SVG as a PNG"));
    let refused = run(&mut conn, &|w| brand::save(w, "Quokka CS", "teal"));
    assert!(refused
        .expect_err("colour")
        .to_string()
        .contains("six hex digits"));
    run(&mut conn, &|w| {
        brand::save(w, "Quokka CS", "#1d4ed8")?;
        brand::set_logo(w, Some(&logo.display().to_string()))
    })
    .expect("branding");
    let branding = brand::load(&conn).expect("load");
    assert_eq!(branding.accent, "1D4ED8");
    assert!(branding
        .logo
        .expect("logo")
        .starts_with("data:image/png;base64,iVBOR"));

    let id: i64 = conn
        .query_row(
            "SELECT id FROM accounts WHERE status = 'active' ORDER BY arr_minor DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("account");
    let deck = build(&conn, id, today(), &Choices::default()).expect("deck");
    let look = Look::of(&conn).expect("look");
    let bytes = steward_qbr::pptx(&deck, &look, fixed_time()).expect("pptx");
    check_package(&bytes, &deck);
    let parts = unzip(&bytes);
    assert_eq!(parts["ppt/media/logo.png"], LOGO.to_vec());
    let title = String::from_utf8_lossy(&parts["ppt/slides/slide1.xml"]).into_owned();
    assert!(title.contains("<p:pic>") && title.contains("Quokka CS"));
    // 8 × 2 pixels in a 220 × 80 pt box: 220 pt wide, 55 pt high.
    assert!(
        title.contains(&format!(
            r#"<a:ext cx="{}" cy="{}"/>"#,
            220 * 12_700,
            55 * 12_700
        )),
        "{title}"
    );
    assert!(String::from_utf8_lossy(&parts["ppt/theme/theme1.xml"]).contains("1D4ED8"));
    let branded = dir.path().join("branded");
    std::fs::create_dir_all(&branded).expect("folder");
    std::fs::write(branded.join("deck.pptx"), &bytes).expect("write");
    schema_check(&branded);
    // Taken away again, the deck has no picture.
    run(&mut conn, &|w| brand::set_logo(w, None)).expect("remove");
    let deck = build(&conn, id, today(), &Choices::default()).expect("deck");
    assert!(!deck.slides[0]
        .items
        .iter()
        .any(|p| matches!(p.block, Block::Logo)));
}

#[test]
fn a_german_csm_gets_german_decks_that_readers_accept() {
    use steward_core::Lang;
    Lang::De.scoped(|| {
        let dir = tempfile::tempdir().expect("tmp");
        let conn = book(dir.path(), 12, 11);
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM accounts WHERE status = 'active' ORDER BY id")
            .expect("q")
            .query_map([], |r| r.get(0))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("ids");
        let mut words = String::new();
        for id in &ids {
            let deck = build(&conn, *id, today(), &Choices::default()).expect("deck");
            let bytes =
                steward_qbr::pptx(&deck, &Look::accent("0F766E"), fixed_time()).expect("pptx");
            check_package(&bytes, &deck);
            let parts = unzip(&bytes);
            let slide = String::from_utf8_lossy(&parts["ppt/slides/slide2.xml"]).to_string();
            assert!(slide.contains(r#"lang="de-DE""#) && !slide.contains("en-US"));
            for s in &deck.slides {
                words.push_str(&s.title);
                words.push('\n');
            }
            words.push_str(&brief::markdown(&deck));
        }
        for german in [
            "Zusammenfassung",
            "Quartalsgespräch",
            "Nutzung und Verbreitung",
        ] {
            assert!(words.contains(german), "{german} in a German deck");
        }
        for english in [
            "Executive summary",
            "Quarterly business review",
            "Usage and adoption",
            "licensed seats",
        ] {
            assert!(!words.contains(english), "{english} in a German deck");
        }
    });
}
