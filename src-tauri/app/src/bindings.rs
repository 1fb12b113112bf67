//! The TypeScript twin of every type that crosses the IPC boundary, generated
//! from the Rust definitions. The test fails when ui/src/lib/bindings.ts
//! differs from what the Rust types say; run it with STEWARD_UPDATE_BINDINGS=1
//! to rewrite the file.

use ts_rs::{Config, TS};

use steward_core::{
    account, account_page, alerts, assess, backup, checkin, churn, error, export, fields, health,
    import, lang, metrics, model, onboarding, outbox, plans, portfolio, postmortem, progress, qbr,
    rates, search, store, tasks, today, value, write,
};
use steward_demo as demo;
use steward_qbr::{batch as qbr_batch, brand as qbr_brand, prep as qbr_prep, slides};
use steward_sync::{
    connections as sync_conn, http as sync_http, outbox as sync_outbox, review as sync_review,
};

macro_rules! declarations {
    ($cfg:expr; $($t:ty),+ $(,)?) => {
        vec![$(format!("export {}", <$t as TS>::decl($cfg))),+]
    };
}

fn generate() -> String {
    let cfg = Config::new().with_large_int("number");
    let decls = declarations!(&cfg;
        error::ErrorCode, error::ErrorPayload, lang::Lang,
        model::Tier, model::LifecycleStage, model::AccountStatus, model::ContactRole,
        model::ActivityKind, model::Sentiment, model::InvoiceStatus, model::TicketPriority,
        model::TicketStatus, model::SurveyKind, model::SubscriptionStatus, model::Money,
        progress::Progress,
        portfolio::PortfolioSort, portfolio::PortfolioQuery, portfolio::PortfolioRow, portfolio::PortfolioPage, rates::Rate, rates::Reporting,
        account::Account, account::CustomValue, account::Contact, account::UsageSeries, account::Invoice, account::Ticket,
        account::SurveyResponse, account::Activity, fields::FieldSource, account_page::AccountPage,
        tasks::TaskKind, tasks::Task, tasks::TaskList,
        checkin::NextStep, checkin::NewCheckIn,
        search::HitKind, search::SearchHit,
        demo::DemoSpec, demo::DemoSummary,
        import::FileFormat, import::DateOrder, import::ReadOptions, import::CustomKind, import::KeptColumn, import::Entity, import::FieldInfo, import::FileInfo,
        import::ColumnMapping, import::ImportRequest, import::RowError, import::ImportReport,
        import::Inspection, store::PortfolioStatus,
        health::Component, health::Band, health::Profile, health::ComponentScore, health::Health,
        health::settings::Weights, health::settings::Thresholds, health::settings::TierRules,
        health::settings::AlertRules, health::settings::Settings, health::settings::SettingsVersion,
        churn::CalibrationBin, churn::FeatureWeight, churn::TimeSplit, churn::ModelQuality, churn::ModelStatus, churn::Risk,
        alerts::AlertReason, alerts::AlertStatus, alerts::Alert, alerts::SyncSummary,
        alerts::PlaybookTask, alerts::Playbook,
        assess::AssessSummary, assess::HealthPoint, assess::BandMove, assess::BandCounts,
        assess::WeekChanges, assess::SentimentRating, assess::SettingsPreview,
        today::Section, today::TodayReason, today::TodayItem, today::SectionSummary, today::Today,
        metrics::MetricsQuery, metrics::Retention, metrics::QuarterRenewals, metrics::BandPoint,
        metrics::PortfolioMetrics, metrics::TimeToValue, metrics::DaysBucket,
        plans::UsageMetric, plans::MilestonePlan, plans::MilestoneStatus, plans::ObjectiveInput,
        plans::Objective, plans::MilestoneInput, plans::Milestone,
        qbr::Qbr, qbr::QbrPlan, tasks::NewTask, tasks::TaskOrigin,
        onboarding::ItemOwner, onboarding::TemplateItem, onboarding::TemplatePhase, onboarding::Template,
        onboarding::ChecklistItem, onboarding::PhaseProgress, onboarding::Checklist, onboarding::OnboardingRow,
        postmortem::ChurnReason, postmortem::Postmortem, postmortem::ReasonTotal, postmortem::ReasonSummary,
        write::Changes,
        value::Cell, value::Verdict, value::Proof, value::MeasuresReport, value::ValueMeasures,
        slides::SlideKind, slides::Area, slides::Tone, slides::Run, slides::Paragraph, slides::Text,
        slides::Kpi, slides::Table, slides::ChartKind, slides::Series, slides::Chart, slides::Block,
        slides::Placed, slides::Slide, slides::Deck,
        qbr_prep::DeckChoices, qbr_prep::Quote, qbr_prep::DeckView, qbr_prep::DeckFormat, qbr_prep::DeckFile,
        qbr_batch::Written, qbr_batch::Skipped, qbr_batch::Report, qbr_brand::Branding,
        steward_sync::Vendor, steward_sync::Counts, sync_http::Traffic, steward_sync::RunLine,
        sync_review::Waiting, sync_outbox::Delivery, sync_conn::ConnectionView, sync_conn::Probe,
        sync_conn::ConnectionInput, sync_conn::RoundProgress, sync_conn::RoundEnd, outbox::OutboxEntry,
        backup::BackupFile, export::Exported,
    );
    let mut out = String::from(
        "// Generated from the Rust types in src-tauri/core, src-tauri/demo, src-tauri/qbr and src-tauri/sync by `cargo test -p steward-app bindings`.\n// Do not edit: change the Rust type and run the test with STEWARD_UPDATE_BINDINGS=1.\n\n",
    );
    for decl in decls {
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.trim_end().to_string() + "\n"
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts");
    let generated = generate();
    if std::env::var_os("STEWARD_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/lib/bindings.ts is out of date with the Rust types; run `STEWARD_UPDATE_BINDINGS=1 cargo test -p steward-app bindings` and commit the result"
    );
}
