//! PowerPoint (Office Open XML) written by Steward itself: a zip of XML
//! parts with their content types and relationships. One blank layout on a
//! master and a theme whose fonts are Calibri (Carlito, its metric twin, on
//! Linux); text boxes, tiles and tables are shapes placed where the slide
//! model says; charts are native chart parts with an embedded workbook, so
//! "Edit data" works in PowerPoint. Ids follow the format's rules: slides
//! from 256, master and layout from 2^31, shapes unique per slide.

mod chart;
pub mod xml;

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use chrono::{DateTime, Utc};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::slides::{Area, Block, Deck, Kpi, Paragraph, Table, Text, Tone, SLIDE_H, SLIDE_W};
use steward_core::error::{Error, Result};
use xml::{emu, right_to_left, run_text};

const P_NS: &str = "http://schemas.openxmlformats.org/presentationml/2006/main";
const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// The deck's colours as hex RGB.
#[derive(Debug, Clone)]
pub struct Colors {
    pub accent: String,
    pub text: String,
    pub muted: String,
    pub good: String,
    pub bad: String,
    pub grid: String,
    pub tile: String,
}

impl Colors {
    /// Steward's colours with the given accent (six hex digits).
    pub fn with_accent(accent: &str) -> Colors {
        let accent = if accent.len() == 6 && accent.chars().all(|c| c.is_ascii_hexdigit()) {
            accent.to_ascii_uppercase()
        } else {
            "0F766E".into()
        };
        Colors {
            accent,
            text: "1F2937".into(),
            muted: "4B5563".into(),
            good: "15803D".into(),
            bad: "B91C1C".into(),
            grid: "E5E7EB".into(),
            tile: "F3F4F6".into(),
        }
    }

    fn tone(&self, tone: Tone) -> &str {
        match tone {
            Tone::Normal => &self.text,
            Tone::Muted => &self.muted,
            Tone::Good => &self.good,
            Tone::Bad => &self.bad,
            Tone::Accent => &self.accent,
            Tone::Inverse => "FFFFFF",
        }
    }
}

/// A zip being written in memory, deflated.
pub(crate) struct Zip {
    inner: ZipWriter<Cursor<Vec<u8>>>,
}

fn zip_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("Could not write the deck: {e}"))
}

impl Zip {
    pub(crate) fn new() -> Zip {
        Zip {
            inner: ZipWriter::new(Cursor::new(Vec::new())),
        }
    }

    pub(crate) fn add(&mut self, name: &str, text: &str) -> Result<()> {
        self.add_bytes(name, text.as_bytes(), CompressionMethod::Deflated)
    }

    fn add_bytes(&mut self, name: &str, bytes: &[u8], method: CompressionMethod) -> Result<()> {
        // A fixed timestamp: the same deck twice is the same file.
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default());
        self.inner.start_file(name, options).map_err(zip_error)?;
        self.inner.write_all(bytes).map_err(zip_error)
    }

    pub(crate) fn finish(self) -> Result<Vec<u8>> {
        Ok(self.inner.finish().map_err(zip_error)?.into_inner())
    }
}

/// The language the deck's text is marked as, for spelling and hyphenation
/// in PowerPoint: the language it was written in.
pub(crate) fn text_lang() -> &'static str {
    match steward_core::Lang::current() {
        steward_core::Lang::En => "en-US",
        steward_core::Lang::De => "de-DE",
    }
}

/// Writes the deck as a .pptx file's bytes. `created` goes into the file's
/// properties (pass a fixed time to get identical files).
pub fn write(
    deck: &Deck,
    colors: &Colors,
    logo: Option<&crate::brand::Logo>,
    created: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let mut zip = Zip::new();
    let mut logo_written = false;
    let mut overrides = String::new();
    let mut charts = 0usize;

    for (k, slide) in deck.slides.iter().enumerate() {
        let n = k + 1;
        let mut rels = vec![format!(
            r#"<Relationship Id="rId1" Type="{REL}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/>"#
        )];
        let mut shapes = String::new();
        // Shape id 1 is the slide's own group.
        for (id, placed) in (2u32..).zip(&slide.items) {
            match &placed.block {
                Block::Text(t) => shapes.push_str(&text_box(id, placed.area, t, colors)),
                Block::Kpi(kpi) => shapes.push_str(&kpi_tile(id, placed.area, kpi, colors)),
                Block::Table(t) => shapes.push_str(&table(id, placed.area, t, colors)),
                Block::Logo => {
                    // A deck without a logo has no picture to place.
                    let Some(logo) = logo else { continue };
                    if !logo_written {
                        zip.add_bytes("ppt/media/logo.png", &logo.png, CompressionMethod::Stored)?;
                        logo_written = true;
                    }
                    let rid = format!("rId{}", rels.len() + 1);
                    rels.push(format!(
                        r#"<Relationship Id="{rid}" Type="{REL}/image" Target="../media/logo.png"/>"#
                    ));
                    shapes.push_str(&picture(id, placed.area, logo, &rid));
                }
                Block::Chart(c) => {
                    charts += 1;
                    let rid = format!("rId{}", rels.len() + 1);
                    rels.push(format!(
                        r#"<Relationship Id="{rid}" Type="{REL}/chart" Target="../charts/chart{charts}.xml"/>"#
                    ));
                    shapes.push_str(&chart_frame(id, placed.area, &rid));
                    zip.add(
                        &format!("ppt/charts/chart{charts}.xml"),
                        &chart::chart_xml(c, colors),
                    )?;
                    zip.add(
                        &format!("ppt/charts/_rels/chart{charts}.xml.rels"),
                        &format!(
                            r#"{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/package" Target="../embeddings/Microsoft_Excel_Worksheet{charts}.xlsx"/></Relationships>"#
                        ),
                    )?;
                    zip.add_bytes(
                        &format!("ppt/embeddings/Microsoft_Excel_Worksheet{charts}.xlsx"),
                        &chart::workbook(c)?,
                        CompressionMethod::Stored,
                    )?;
                    let _ = write!(
                        overrides,
                        r#"<Override PartName="/ppt/charts/chart{charts}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>"#
                    );
                }
            }
        }
        let xml = format!(
            r#"{XML_HEAD}<p:sld xmlns:a="{A_NS}" xmlns:r="{R_NS}" xmlns:p="{P_NS}"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>{shapes}</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"#
        );
        zip.add(&format!("ppt/slides/slide{n}.xml"), &xml)?;
        zip.add(
            &format!("ppt/slides/_rels/slide{n}.xml.rels"),
            &format!(
                r#"{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>"#,
                rels.concat()
            ),
        )?;
        let _ = write!(
            overrides,
            r#"<Override PartName="/ppt/slides/slide{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>"#
        );
    }

    let slides = deck.slides.len();
    zip.add("[Content_Types].xml", &content_types(&overrides))?;
    zip.add(
        "_rels/.rels",
        &format!(
            r#"{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="ppt/presentation.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>"#
        ),
    )?;
    let stamp = created.format("%Y-%m-%dT%H:%M:%SZ");
    zip.add(
        "docProps/core.xml",
        &format!(
            r#"{XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>"#,
            title = run_text(&deck.title),
            author = run_text(&deck.author)
        ),
    )?;
    zip.add(
        "docProps/app.xml",
        &format!(
            r#"{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Steward</Application><PresentationFormat>Widescreen</PresentationFormat><Slides>{slides}</Slides></Properties>"#
        ),
    )?;
    let mut ids = String::new();
    let mut pres_rels = format!(
        r#"<Relationship Id="rId1" Type="{REL}/slideMaster" Target="slideMasters/slideMaster1.xml"/><Relationship Id="rId2" Type="{REL}/theme" Target="theme/theme1.xml"/><Relationship Id="rId3" Type="{REL}/presProps" Target="presProps.xml"/><Relationship Id="rId4" Type="{REL}/viewProps" Target="viewProps.xml"/><Relationship Id="rId5" Type="{REL}/tableStyles" Target="tableStyles.xml"/>"#
    );
    for k in 0..slides {
        let _ = write!(ids, r#"<p:sldId id="{}" r:id="rId{}"/>"#, 256 + k, 6 + k);
        let _ = write!(
            pres_rels,
            r#"<Relationship Id="rId{}" Type="{REL}/slide" Target="slides/slide{}.xml"/>"#,
            6 + k,
            k + 1
        );
    }
    let slide_list = if slides > 0 {
        format!("<p:sldIdLst>{ids}</p:sldIdLst>")
    } else {
        String::new()
    };
    zip.add(
        "ppt/presentation.xml",
        &format!(
            r#"{XML_HEAD}<p:presentation xmlns:a="{A_NS}" xmlns:r="{R_NS}" xmlns:p="{P_NS}" saveSubsetFonts="1"><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>{slide_list}<p:sldSz cx="{w}" cy="{h}"/><p:notesSz cx="6858000" cy="9144000"/><p:defaultTextStyle><a:lvl1pPr><a:defRPr sz="1800"><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr></p:defaultTextStyle></p:presentation>"#,
            w = emu(SLIDE_W),
            h = emu(SLIDE_H)
        ),
    )?;
    zip.add(
        "ppt/_rels/presentation.xml.rels",
        &format!(
            r#"{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{pres_rels}</Relationships>"#
        ),
    )?;
    zip.add(
        "ppt/presProps.xml",
        &format!(
            r#"{XML_HEAD}<p:presentationPr xmlns:a="{A_NS}" xmlns:r="{R_NS}" xmlns:p="{P_NS}"/>"#
        ),
    )?;
    zip.add(
        "ppt/viewProps.xml",
        &format!(r#"{XML_HEAD}<p:viewPr xmlns:a="{A_NS}" xmlns:r="{R_NS}" xmlns:p="{P_NS}"><p:gridSpacing cx="76200" cy="76200"/></p:viewPr>"#),
    )?;
    zip.add(
        "ppt/tableStyles.xml",
        &format!(r#"{XML_HEAD}<a:tblStyleLst xmlns:a="{A_NS}" def="{{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}}"/>"#),
    )?;
    zip.add("ppt/theme/theme1.xml", &theme(colors))?;
    zip.add(
        "ppt/slideMasters/slideMaster1.xml",
        &format!(
            r#"{XML_HEAD}<p:sldMaster xmlns:a="{A_NS}" xmlns:r="{R_NS}" xmlns:p="{P_NS}"><p:cSld><p:bg><p:bgPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:effectLst/></p:bgPr></p:bg><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr></p:spTree></p:cSld><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/><p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst><p:txStyles><p:titleStyle><a:lvl1pPr><a:defRPr sz="2800"><a:latin typeface="+mj-lt"/></a:defRPr></a:lvl1pPr></p:titleStyle><p:bodyStyle><a:lvl1pPr><a:defRPr sz="1800"><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr></p:bodyStyle><p:otherStyle><a:lvl1pPr><a:defRPr sz="1800"><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr></p:otherStyle></p:txStyles></p:sldMaster>"#
        ),
    )?;
    zip.add(
        "ppt/slideMasters/_rels/slideMaster1.xml.rels",
        &format!(
            r#"{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/slideLayout" Target="../slideLayouts/slideLayout1.xml"/><Relationship Id="rId2" Type="{REL}/theme" Target="../theme/theme1.xml"/></Relationships>"#
        ),
    )?;
    zip.add(
        "ppt/slideLayouts/slideLayout1.xml",
        &format!(
            r#"{XML_HEAD}<p:sldLayout xmlns:a="{A_NS}" xmlns:r="{R_NS}" xmlns:p="{P_NS}" type="blank" preserve="1"><p:cSld name="Blank"><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"#
        ),
    )?;
    zip.add(
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels",
        &format!(
            r#"{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/slideMaster" Target="../slideMasters/slideMaster1.xml"/></Relationships>"#
        ),
    )?;
    zip.finish()
}

fn content_types(overrides: &str) -> String {
    format!(
        concat!(
            r#"{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
            r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
            r#"<Default Extension="xml" ContentType="application/xml"/>"#,
            r#"<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>"#,
            r#"<Default Extension="png" ContentType="image/png"/>"#,
            r#"<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>"#,
            r#"<Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"/>"#,
            r#"<Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"/>"#,
            r#"<Override PartName="/ppt/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>"#,
            r#"<Override PartName="/ppt/presProps.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presProps+xml"/>"#,
            r#"<Override PartName="/ppt/viewProps.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml"/>"#,
            r#"<Override PartName="/ppt/tableStyles.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.tableStyles+xml"/>"#,
            r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
            r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
            "{overrides}</Types>"
        ),
        head = XML_HEAD,
        overrides = overrides
    )
}

fn theme(colors: &Colors) -> String {
    let fills = r#"<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>"#;
    let line = |w: u32| {
        format!(
            r#"<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>"#
        )
    };
    let effect = "<a:effectStyle><a:effectLst/></a:effectStyle>";
    format!(
        r#"{XML_HEAD}<a:theme xmlns:a="{A_NS}" name="Steward"><a:themeElements><a:clrScheme name="Steward"><a:dk1><a:srgbClr val="{text}"/></a:dk1><a:lt1><a:srgbClr val="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="374151"/></a:dk2><a:lt2><a:srgbClr val="F3F4F6"/></a:lt2><a:accent1><a:srgbClr val="{accent}"/></a:accent1><a:accent2><a:srgbClr val="6B7280"/></a:accent2><a:accent3><a:srgbClr val="{good}"/></a:accent3><a:accent4><a:srgbClr val="B45309"/></a:accent4><a:accent5><a:srgbClr val="{bad}"/></a:accent5><a:accent6><a:srgbClr val="1D4ED8"/></a:accent6><a:hlink><a:srgbClr val="1D4ED8"/></a:hlink><a:folHlink><a:srgbClr val="6D28D9"/></a:folHlink></a:clrScheme><a:fontScheme name="Steward"><a:majorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="Steward"><a:fillStyleLst>{fills}{fills}{fills}</a:fillStyleLst><a:lnStyleLst>{l1}{l2}{l3}</a:lnStyleLst><a:effectStyleLst>{effect}{effect}{effect}</a:effectStyleLst><a:bgFillStyleLst>{fills}{fills}{fills}</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"#,
        text = colors.text,
        accent = colors.accent,
        good = colors.good,
        bad = colors.bad,
        l1 = line(6350),
        l2 = line(12700),
        l3 = line(19050),
    )
}

fn xfrm(area: Area, tag: &str) -> String {
    format!(
        r#"<{tag}><a:off x="{}" y="{}"/><a:ext cx="{}" cy="{}"/></{tag}>"#,
        emu(area.x),
        emu(area.y),
        emu(area.w),
        emu(area.h)
    )
}

/// DrawingML paragraphs for the model's paragraphs.
fn paragraphs(ps: &[Paragraph], size: f64, colors: &Colors, align: Option<&str>) -> String {
    let tl = text_lang();
    let sz = (size * 100.0).round() as i64;
    let mut x = String::new();
    for p in ps {
        let text: String = p.runs.iter().map(|r| r.text.as_str()).collect();
        let rtl = right_to_left(&text);
        let mut attrs = String::new();
        if p.bullet {
            attrs.push_str(r#" marL="228600" indent="-228600""#);
        }
        match (align, rtl) {
            (_, true) => attrs.push_str(r#" algn="r" rtl="1""#),
            (Some(a), false) => {
                let _ = write!(attrs, r#" algn="{a}""#);
            }
            (None, false) => {}
        }
        let bullet = if p.bullet {
            r#"<a:buFont typeface="Arial"/><a:buChar char="•"/>"#
        } else {
            "<a:buNone/>"
        };
        let _ = write!(
            x,
            r#"<a:p><a:pPr{attrs}><a:spcBef><a:spcPts val="{}"/></a:spcBef>{bullet}</a:pPr>"#,
            (size * 30.0).round() as i64
        );
        for r in &p.runs {
            let b = if r.bold { r#" b="1""# } else { "" };
            let _ = write!(
                x,
                r#"<a:r><a:rPr lang="{tl}" sz="{sz}"{b} dirty="0"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:rPr><a:t>{text}</a:t></a:r>"#,
                color = colors.tone(r.tone),
                text = run_text(&r.text)
            );
        }
        let _ = write!(
            x,
            r#"<a:endParaRPr lang="{tl}" sz="{sz}" dirty="0"/></a:p>"#
        );
    }
    if ps.is_empty() {
        let _ = write!(x, "<a:p><a:endParaRPr lang=\"{tl}\" dirty=\"0\"/></a:p>");
    }
    x
}

fn text_box(id: u32, area: Area, text: &Text, colors: &Colors) -> String {
    format!(
        r#"<p:sp><p:nvSpPr><p:cNvPr id="{id}" name="Text {id}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr>{xfrm}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr><p:txBody><a:bodyPr wrap="square" lIns="91440" tIns="45720" rIns="91440" bIns="45720" rtlCol="0" anchor="t"><a:noAutofit/></a:bodyPr><a:lstStyle/>{ps}</p:txBody></p:sp>"#,
        xfrm = xfrm(area, "a:xfrm"),
        ps = paragraphs(&text.paragraphs, text.size, colors, None)
    )
}

fn kpi_tile(id: u32, area: Area, kpi: &Kpi, colors: &Colors) -> String {
    let tl = text_lang();
    let mut ps = format!(
        r#"<a:p><a:pPr><a:buNone/></a:pPr><a:r><a:rPr lang="{tl}" sz="1100" dirty="0"><a:solidFill><a:srgbClr val="{muted}"/></a:solidFill></a:rPr><a:t>{label}</a:t></a:r></a:p><a:p><a:pPr><a:buNone/></a:pPr><a:r><a:rPr lang="{tl}" sz="2600" b="1" dirty="0"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:rPr><a:t>{value}</a:t></a:r></a:p>"#,
        muted = colors.muted,
        label = run_text(&kpi.label),
        color = colors.tone(kpi.tone),
        value = run_text(&kpi.value)
    );
    if let Some(note) = &kpi.note {
        let _ = write!(
            ps,
            r#"<a:p><a:pPr><a:buNone/></a:pPr><a:r><a:rPr lang="{tl}" sz="1100" dirty="0"><a:solidFill><a:srgbClr val="{muted}"/></a:solidFill></a:rPr><a:t>{note}</a:t></a:r></a:p>"#,
            muted = colors.muted,
            note = run_text(note)
        );
    }
    format!(
        r#"<p:sp><p:nvSpPr><p:cNvPr id="{id}" name="Figure {id}"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr>{xfrm}<a:prstGeom prst="roundRect"><a:avLst><a:gd name="adj" fmla="val 8000"/></a:avLst></a:prstGeom><a:solidFill><a:srgbClr val="{tile}"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr><p:txBody><a:bodyPr wrap="square" lIns="137160" tIns="91440" rIns="137160" bIns="91440" rtlCol="0" anchor="t"><a:noAutofit/></a:bodyPr><a:lstStyle/>{ps}</p:txBody></p:sp>"#,
        xfrm = xfrm(area, "a:xfrm"),
        tile = colors.tile
    )
}

fn table(id: u32, area: Area, t: &Table, colors: &Colors) -> String {
    let tl = text_lang();
    let total = emu(area.w);
    let mut grid = String::new();
    let mut used = 0i64;
    let cols = t.widths.len().max(1);
    for (k, share) in t.widths.iter().enumerate() {
        // The last column takes the rounding, so the grid adds up exactly.
        let w = if k + 1 == cols {
            total - used
        } else {
            (total as f64 * share).round() as i64
        };
        used += w;
        let _ = write!(grid, r#"<a:gridCol w="{w}"/>"#);
    }
    let h = emu(t.row_height);
    let cell = |text: &str, header: bool, numeric: bool| {
        let algn = if numeric { r#" algn="r""# } else { "" };
        let rtl = if right_to_left(text) {
            r#" rtl="1""#
        } else {
            ""
        };
        let (b, color) = if header {
            (r#" b="1""#, colors.muted.as_str())
        } else {
            ("", colors.text.as_str())
        };
        let fill = if header {
            format!(
                r#"<a:solidFill><a:srgbClr val="{}"/></a:solidFill>"#,
                colors.tile
            )
        } else {
            "<a:noFill/>".to_string()
        };
        format!(
            r#"<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:pPr{algn}{rtl}/><a:r><a:rPr lang="{tl}" sz="1200"{b} dirty="0"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:rPr><a:t>{text}</a:t></a:r></a:p></a:txBody><a:tcPr marL="68580" marR="68580" marT="22860" marB="22860" anchor="ctr"><a:lnL><a:noFill/></a:lnL><a:lnR><a:noFill/></a:lnR><a:lnT><a:noFill/></a:lnT><a:lnB w="6350"><a:solidFill><a:srgbClr val="{grid}"/></a:solidFill></a:lnB>{fill}</a:tcPr></a:tc>"#,
            text = run_text(text),
            grid = colors.grid
        )
    };
    let mut rows = String::new();
    let _ = write!(rows, r#"<a:tr h="{h}">"#);
    for (k, head) in t.header.iter().enumerate() {
        rows.push_str(&cell(
            head,
            true,
            t.numeric.get(k).copied().unwrap_or(false),
        ));
    }
    rows.push_str("</a:tr>");
    for row in &t.rows {
        let _ = write!(rows, r#"<a:tr h="{h}">"#);
        for k in 0..cols {
            let text = row.get(k).map_or("", String::as_str);
            rows.push_str(&cell(
                text,
                false,
                t.numeric.get(k).copied().unwrap_or(false),
            ));
        }
        rows.push_str("</a:tr>");
    }
    let height = Area {
        h: t.row_height * (t.rows.len() + 1) as f64,
        ..area
    };
    format!(
        r#"<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="{id}" name="Table {id}"/><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>{xfrm}<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblPr firstRow="1" bandRow="0"/><a:tblGrid>{grid}</a:tblGrid>{rows}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>"#,
        xfrm = xfrm(height, "p:xfrm")
    )
}

/// The logo, as large as fits its area with its proportions kept, at the
/// area's top left.
fn picture(id: u32, area: Area, logo: &crate::brand::Logo, rid: &str) -> String {
    let ratio = f64::from(logo.width) / f64::from(logo.height);
    let (w, h) = if area.w / area.h > ratio {
        (area.h * ratio, area.h)
    } else {
        (area.w, area.w / ratio)
    };
    let fitted = Area { w, h, ..area };
    format!(
        r#"<p:pic><p:nvPicPr><p:cNvPr id="{id}" name="Logo {id}"/><p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr>{xfrm}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>"#,
        xfrm = xfrm(fitted, "a:xfrm")
    )
}

fn chart_frame(id: u32, area: Area, rid: &str) -> String {
    format!(
        r#"<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="{id}" name="Chart {id}"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr>{xfrm}<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="{rid}"/></a:graphicData></a:graphic></p:graphicFrame>"#,
        xfrm = xfrm(area, "p:xfrm")
    )
}
