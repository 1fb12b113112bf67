// Generated from the Rust types in src-tauri/core, src-tauri/demo, src-tauri/qbr and src-tauri/sync by `cargo test -p steward-app bindings`.
// Do not edit: change the Rust type and run the test with STEWARD_UPDATE_BINDINGS=1.

export type ErrorCode = "not_found" | "invalid_input" | "database_too_new" | "database_damaged" | "storage" | "io" | "cancelled" | "offline" | "reconnect" | "internal";

export type ErrorPayload = { code: ErrorCode, message: string, };

export type Lang = "en" | "de";

export type Tier = "A" | "B" | "C";

export type LifecycleStage = "onboarding" | "adopting" | "mature" | "renewal" | "at_risk" | "churned";

export type AccountStatus = "active" | "churned";

export type ContactRole = "champion" | "executive_sponsor" | "decision_maker" | "user" | "billing";

export type ActivityKind = "call" | "meeting" | "email" | "note" | "qbr";

export type Sentiment = "positive" | "neutral" | "negative";

export type InvoiceStatus = "draft" | "open" | "paid" | "failed" | "void";

export type TicketPriority = "low" | "normal" | "high" | "urgent";

export type TicketStatus = "open" | "pending" | "solved" | "closed";

export type SurveyKind = "nps" | "csat";

export type SubscriptionStatus = "active" | "trialing" | "past_due" | "canceled";

export type Money = { minor: number, currency: string, };

export type Progress = { phase: string, done: number, total: number | null, };

export type PortfolioSort = "name" | "tier" | "arr" | "renewal" | "stage" | "last_touch" | "trend" | "health";

export type PortfolioQuery = { 
/**
 * Case-insensitive substring of the name or domain.
 */
text: string, tiers: Array<Tier>, stages: Array<LifecycleStage>, 
/**
 * None shows active accounts only; churned ones are history.
 */
include_churned: boolean, sort: PortfolioSort, descending: boolean, };

export type PortfolioRow = { id: number, name: string, domain: string | null, tier: Tier, arr: Money, 
/**
 * ARR in the reporting currency at today's rate; None without a
 * reporting currency or a rate for the account's currency.
 */
arr_reporting: Money | null, renewal_date: string | null, lifecycle_stage: LifecycleStage, status: AccountStatus, days_since_touch: number | null, 
/**
 * Weekly average active users, last 12 weeks, oldest first.
 */
usage_weekly: Array<number>, usage_trend_pct: number | null, 
/**
 * Stored health (None for churned accounts or without data).
 */
health_score: number | null, health_band: Band, 
/**
 * Points gained or lost since a week ago, under the same settings.
 */
health_change_7d: number | null, 
/**
 * The tier's touch cadence under the CSM's settings.
 */
touch_cadence_days: number, };

export type PortfolioPage = { 
/**
 * Accounts the query matches, in all.
 */
total: number, 
/**
 * Where `rows` begins in the sorted list.
 */
offset: number, rows: Array<PortfolioRow>, 
/**
 * ARR of all matching accounts by currency, largest first.
 */
arr_by_currency: Array<Money>, 
/**
 * Their ARR in the reporting currency at today's rates; None without
 * a reporting currency.
 */
arr_reporting: Money | null, 
/**
 * Matching accounts whose currency has no rate to the reporting one.
 */
without_rate: number, };

export type Rate = { currency: string, valid_from: string, 
/**
 * Units of the reporting currency per unit of `currency`, as written.
 */
rate: string, };

export type Reporting = { 
/**
 * None until the CSM picks one.
 */
currency: string | null, 
/**
 * Every rate for the reporting currency, newest first per currency.
 */
rates: Array<Rate>, 
/**
 * The book's currencies, most accounts first.
 */
book_currencies: Array<string>, 
/**
 * Book currencies other than the reporting one with no rate valid today.
 */
missing: Array<string>, 
/**
 * The newest day a rate in use today took effect.
 */
rates_of: string | null, };

export type Account = { id: number, name: string, domain: string | null, industry: string | null, employees: number | null, arr: Money, tier: Tier, lifecycle_stage: LifecycleStage, owner: string | null, contract_start: string | null, renewal_date: string | null, status: AccountStatus, churn_date: string | null, churn_reason: string | null, 
/**
 * The CRM's ARR when it differs from what the subscriptions add up to
 * (`arr`), so both can be shown.
 */
crm_arr: Money | null, 
/**
 * Contract term in months (1 is month-to-month).
 */
contract_term_months: number | null, payment_method: string | null, 
/**
 * The CSM's own fields from import files.
 */
custom: Array<CustomValue>, };

export type CustomValue = { key: string, label: string, kind: CustomKind, value: string, };

export type Contact = { id: number, name: string, email: string | null, title: string | null, role: ContactRole, is_primary: boolean, left_company: boolean, started_on: string | null, left_on: string | null, };

export type UsageSeries = { days: Array<string>, active_users: Array<number | null>, logins: Array<number | null>, feature_events: Array<number | null>, api_calls: Array<number | null>, licensed_seats: Array<number | null>, };

export type Invoice = { id: number, number: string | null, amount: Money, status: InvoiceStatus, issued_on: string, due_on: string | null, paid_on: string | null, 
/**
 * Open past its due date, or paid after it.
 */
late: boolean, };

export type Ticket = { id: number, subject: string, priority: TicketPriority, status: TicketStatus, opened_at: string, resolved_at: string | null, csat: number | null, };

export type SurveyResponse = { id: number, kind: SurveyKind, score: number, comment: string | null, responded_on: string, contact_name: string | null, };

export type Activity = { id: number, kind: ActivityKind, occurred_on: string, summary: string, sentiment: Sentiment | null, next_steps: string | null, contact_names: Array<string>, source: string, };

export type FieldSource = { 
/**
 * The field's key (as in import files).
 */
key: string, label: string, value: string | null, 
/**
 * `user`, `file`, `demo`, `sync:hubspot`, ...
 */
source: string, 
/**
 * When it was set (RFC 3339).
 */
set_at: string, 
/**
 * The CSM set it by hand: syncs leave it.
 */
owned: boolean, 
/**
 * For an owned field: the source offering another value, and the value.
 */
offered_by: string | null, offered: string | null, };

export type AccountPage = { account: Account, contacts: Array<Contact>, usage: UsageSeries, 
/**
 * NPS over the last 12 months of responses (-100..100), if any.
 */
nps: number | null, seats_used_pct: number | null, days_since_touch: number | null, invoices: Array<Invoice>, tickets: Array<Ticket>, surveys: Array<SurveyResponse>, activities: Array<Activity>, open_tasks: Array<Task>, 
/**
 * None for churned accounts.
 */
health: Health | null, 
/**
 * Churn risk from the trained model; None without one (risk then
 * follows the health score).
 */
risk: Risk | null, 
/**
 * Daily (recent) and weekly (older) scores of the last 26 weeks.
 */
health_history: Array<HealthPoint>, 
/**
 * The settings version today's score comes from.
 */
settings_version: number, alerts: Array<Alert>, sentiment: SentimentRating | null, objectives: Array<Objective>, milestones: Array<Milestone>, 
/**
 * The onboarding checklist, if one was applied.
 */
checklist: Checklist | null, 
/**
 * Without one: the day a checklist applied now would count from, unless
 * the CSM picks another (the contract start of a new customer, else today).
 */
checklist_start: string | null, 
/**
 * For churned accounts: why they left.
 */
postmortem: Postmortem | null, qbr: QbrPlan, 
/**
 * The fields the CSM may set, with where each value came from.
 */
fields: Array<FieldSource>, };

export type TaskKind = "task" | "checklist_item";

export type Task = { kind: TaskKind, 
/**
 * The id within its kind.
 */
id: number, account_id: number | null, account_name: string | null, title: string, due_on: string | null, done: boolean, origin: TaskOrigin, };

export type TaskList = { overdue: Array<Task>, today: Array<Task>, 
/**
 * Due later, or with no due date (last).
 */
upcoming: Array<Task>, };

export type NextStep = { title: string, due_on: string | null, };

export type NewCheckIn = { account_id: number, kind: ActivityKind, occurred_on: string, contact_ids: number[], summary: string, sentiment: Sentiment | null, next_steps: Array<NextStep>, };

export type HitKind = "account" | "contact" | "activity";

export type SearchHit = { kind: HitKind, 
/**
 * Id of the account, contact or activity.
 */
id: number, account_id: number, account_name: string, title: string, 
/**
 * A short piece of matching text, plain (no markup).
 */
excerpt: string, 
/**
 * For a check-in: the day it happened (the newest of `count`).
 */
date: string | null, 
/**
 * Check-ins of one account with the same matching text are one hit.
 */
count: number, };

export type DemoSpec = { seed: number, accounts: number, 
/**
 * Years of daily usage history to generate.
 */
years: number, };

export type DemoSummary = { accounts: number, churned: number, contacts: number, usage_days: number, activities: number, invoices: number, tickets: number, surveys: number, };

export type FileFormat = "csv" | "ndjson";

export type DateOrder = "month_first" | "day_first";

export type ReadOptions = { format: FileFormat, 
/**
 * The CSV separator: ',', ';' or a tab.
 */
delimiter: string, 
/**
 * The file's numbers use a decimal comma (1.234,56), not a decimal point.
 */
decimal_comma: boolean, 
/**
 * Columns whose numbers use the other decimal mark than the file's.
 */
other_decimal_columns: Array<string>, 
/**
 * How slash dates read; None when the file does not show it, in which
 * case a date such as 03/04/2026 is refused as ambiguous.
 */
slash_dates: DateOrder | null, };

export type CustomKind = "number" | "category";

export type KeptColumn = { column: string, kind: CustomKind, };

export type Entity = "accounts" | "contacts" | "usage" | "subscriptions" | "invoices" | "tickets" | "surveys" | "activities";

export type FieldInfo = { key: string, label: string, required: boolean, };

export type FileInfo = { path: string, size_bytes: number, options: ReadOptions, headers: Array<string>, 
/**
 * What each column holds, judged from the first rows: numbers (in the
 * column's decimal mark) or anything else; for keeping a column as one
 * of the CSM's own fields.
 */
column_kinds: Array<CustomKind>, 
/**
 * The first rows as read, for the preview table.
 */
sample: Array<Array<string>>, };

export type ColumnMapping = { field: string, 
/**
 * The file's header feeding this field, or None to leave it out.
 */
column: string | null, };

export type ImportRequest = { path: string, entity: Entity, options: ReadOptions, mapping: Array<ColumnMapping>, 
/**
 * Columns of an accounts file kept as the CSM's own fields.
 */
keep: Array<KeptColumn>, };

export type RowError = { line: number, reason: string, };

export type ImportReport = { entity: Entity, rows_read: number, 
/**
 * Rows that added or changed data.
 */
written: number, 
/**
 * Good rows whose data was already in the portfolio.
 */
unchanged: number, failed: number, 
/**
 * The first bad rows (at most `MAX_REPORTED_ERRORS`), in file order.
 */
errors: Array<RowError>, 
/**
 * True for a preview: nothing was saved.
 */
dry_run: boolean, };

export type Inspection = { file: FileInfo, mapping: Array<ColumnMapping>, };

export type PortfolioStatus = { data_dir: string, accounts: number, today: string, open_error: ErrorPayload | null, 
/**
 * The app's version, shown in its window.
 */
version: string, };

export type Component = "adoption" | "support" | "voice" | "commercial" | "relationship" | "sentiment";

export type Band = "green" | "yellow" | "red" | "unknown";

export type Profile = "standard" | "onboarding";

export type ComponentScore = { component: Component, 
/**
 * 0-100.
 */
score: number, 
/**
 * Share of the total after missing components were left out (0-1).
 */
weight: number, 
/**
 * Points this component adds to the score (score x weight).
 */
points: number, 
/**
 * The numbers behind the score, in words.
 */
detail: string, };

export type Health = { account_id: number, score: number, band: Band, profile: Profile, components: Array<ComponentScore>, 
/**
 * Components left out for lack of data.
 */
missing: Array<Component>, 
/**
 * The input that costs the most points, with its numbers.
 */
biggest_drag: string | null, };

export type Weights = { adoption: number, support: number, voice: number, commercial: number, relationship: number, sentiment: number, };

export type Thresholds = { 
/**
 * Active users at the weekly peak as % of licensed seats.
 */
seats_poor_pct: number, seats_good_pct: number, 
/**
 * Usage of the last 4 weeks against the 4 before, in %.
 */
trend_poor_pct: number, trend_good_pct: number, 
/**
 * Open urgent tickets at which support scores 0 on that half.
 */
urgent_tickets_poor: number, 
/**
 * Tickets opened in 90 days.
 */
tickets_90d_good: number, tickets_90d_poor: number, 
/**
 * Average NPS answer (0-10) over 12 months.
 */
nps_poor: number, nps_good: number, 
/**
 * Share of late or failed invoices over 12 months, in %.
 */
late_invoices_poor_pct: number, 
/**
 * Days since last touch scores 0 at this multiple of the tier's cadence.
 */
touch_poor_multiple: number, 
/**
 * A manual sentiment rating counts for this many days.
 */
sentiment_valid_days: number, 
/**
 * Onboarding accounts are expected to reach `seats_good_pct` this many
 * days after contract start; before that the bar rises linearly.
 */
onboarding_ramp_days: number, 
/**
 * Average days to resolve a ticket.
 */
resolution_days_good: number, resolution_days_poor: number, 
/**
 * CSAT (1-5), on tickets and in surveys.
 */
csat_poor: number, csat_good: number, 
/**
 * MRR change over 12 months, in %: 0 or more is good.
 */
contraction_poor_pct: number, 
/**
 * Days with any login in 4 weeks (about 20 working days).
 */
login_days_poor: number, login_days_good: number, 
/**
 * Feature events per active user and day.
 */
events_per_user_poor: number, events_per_user_good: number, 
/**
 * Seat use percentile among accounts of the same tier.
 */
percentile_poor: number, percentile_good: number, };

export type TierRules = { a_from_arr: number, b_from_arr: number, cadence_a_days: number, cadence_b_days: number, cadence_c_days: number, };

export type AlertRules = { 
/**
 * Health dropped by at least this many points...
 */
drop_points: number, 
/**
 * ...against the score this many days ago.
 */
drop_days: number, 
/**
 * Average active users of the last 30 days this % below the 90 days before.
 */
usage_drop_pct: number, 
/**
 * Renewal within this many days while health is not green.
 */
renewal_days: number, 
/**
 * An urgent ticket open longer than this.
 */
urgent_ticket_days: number, 
/**
 * Expansion: seats used at least this %...
 */
expansion_seats_pct: number, 
/**
 * ...and usage rising at least this % (4 weeks against the 4 before).
 */
expansion_trend_pct: number, };

export type Settings = { 
/**
 * Weights for adopting, mature and renewal-stage accounts.
 */
weights: Weights, 
/**
 * Weights for onboarding accounts, judged on their ramp, not on mature adoption.
 */
onboarding_weights: Weights, 
/**
 * Scores at or above this are green.
 */
green_from: number, 
/**
 * Scores at or above this (and below green) are yellow; below is red.
 */
yellow_from: number, thresholds: Thresholds, tiers: TierRules, alerts: AlertRules, };

export type SettingsVersion = { 
/**
 * 0 for the shipped defaults before anything was saved.
 */
version: number, settings: Settings, note: string | null, created_at: string | null, };

export type CalibrationBin = { from: number, to: number, predicted: number, observed: number, count: number, };

export type FeatureWeight = { feature: string, 
/**
 * Change in log-odds per standard deviation; positive raises risk.
 */
coefficient: number, };

export type TimeSplit = { 
/**
 * The oldest day judged on.
 */
from: string, auc: number, auc_low: number, auc_high: number, rows: number, churned: number, training_rows: number, };

export type ModelQuality = { trained_on: string, 
/**
 * The model predicts churn within this many days.
 */
horizon_days: number, snapshots: number, training_rows: number, training_churned: number, test_rows: number, test_churned: number, 
/**
 * Area under the ROC curve on held-out accounts (0.5 is a coin), with a
 * 90% bootstrap interval.
 */
auc: number, auc_low: number, auc_high: number, 
/**
 * Held out in time as well: trained only on what was known before the
 * newest snapshot days, judged on held-out accounts on those days.
 */
time_split: TimeSplit | null, 
/**
 * Mean squared error of the probabilities on held-out accounts.
 */
brier: number, calibration: Array<CalibrationBin>, weights: Array<FeatureWeight>, 
/**
 * Enough churned test examples for the figures to mean something.
 */
judged: boolean, 
/**
 * The regularisation chosen by cross-validation.
 */
lambda: number, features: number, train_ms: number, };

export type ModelStatus = { quality: ModelQuality | null, 
/**
 * Why there is no model (too little history), when there is none.
 */
fallback_reason: string | null, };

export type Risk = { 
/**
 * Probability of churning within the model's horizon, 0-1.
 */
probability: number, 
/**
 * What raises it for this account, in words, strongest first.
 */
raises: Array<string>, 
/**
 * What lowers it for this account, strongest first.
 */
lowers: Array<string>, 
/**
 * The model predicts churn within this many days.
 */
horizon_days: number, };

export type AlertReason = "health_red" | "health_drop" | "usage_drop" | "renewal_at_risk" | "champion_left" | "no_sponsor" | "invoice_overdue" | "urgent_ticket" | "detractor" | "touch_overdue" | "milestone_missed" | "expansion";

export type AlertStatus = "open" | "snoozed" | "resolved";

export type Alert = { id: number, account_id: number, reason: AlertReason, detail: string, status: AlertStatus, snoozed_until: string | null, raised_on: string, updated_on: string, resolved_on: string | null, resolution_note: string | null, 
/**
 * Open tasks its playbook created.
 */
playbook_tasks_open: number, 
/**
 * Whether its playbook was applied (tasks done or not).
 */
playbook_applied: boolean, };

export type SyncSummary = { raised: number, updated: number, cleared: number, tasks_created: number, };

export type PlaybookTask = { title: string, 
/**
 * Due this many days after the alert is raised.
 */
due_in_days: number, };

export type Playbook = { reason: AlertReason, enabled: boolean, tasks: Array<PlaybookTask>, };

export type AssessSummary = { accounts: number, alerts: SyncSummary, };

export type HealthPoint = { day: string, score: number | null, band: Band, model_version: number, };

export type BandMove = { account_id: number, name: string, from_band: Band, to_band: Band, from_score: number | null, to_score: number | null, };

export type BandCounts = { green: number, yellow: number, red: number, unknown: number, };

export type WeekChanges = { since: string | null, then_counts: BandCounts, now_counts: BandCounts, moves: Array<BandMove>, 
/**
 * Settings changed in between, so some moves come from the new settings.
 */
settings_changed: boolean, };

export type SentimentRating = { rating: number, note: string | null, rated_on: string, };

export type SettingsPreview = { now_counts: BandCounts, proposed_counts: BandCounts, moves: Array<BandMove>, };

export type Section = "risk" | "renewal" | "qbr" | "touch" | "expansion";

export type TodayReason = { alert_id: number, reason: AlertReason, detail: string, raised_on: string, 
/**
 * Whether the reason has an enabled playbook not yet applied.
 */
playbook_ready: boolean, };

export type TodayItem = { section: Section, account_id: number, account_name: string, tier: Tier, arr: Money, renewal_date: string | null, score: number | null, band: Band, churn_risk: number | null, reasons: Array<TodayReason>, overdue_tasks: number, 
/**
 * The oldest overdue task's title.
 */
overdue_task: string | null, 
/**
 * The planned QBR's day (QBR section).
 */
qbr_on: string | null, 
/**
 * Achieved milestones the QBR will report (QBR section).
 */
milestones_to_report: number, 
/**
 * Higher comes first within a section.
 */
priority: number, };

export type SectionSummary = { section: Section, total: number, };

export type Today = { 
/**
 * At most `limit` items per section, in order.
 */
items: Array<TodayItem>, sections: Array<SectionSummary>, 
/**
 * Alerts snoozed past today.
 */
snoozed: number, };

export type MetricsQuery = { from: string, to: string, 
/**
 * ISO 4217 code; None picks the currency with the most MRR at the end.
 */
currency: string | null, };

export type Retention = { customers_start: number, customers_lost: number, 
/**
 * Customers lost / customers at start, in % (None without customers).
 */
logo_churn_pct: number | null, mrr_start: number, 
/**
 * What the starting customers pay at the end.
 */
mrr_end: number, churned_mrr: number, contraction_mrr: number, expansion_mrr: number, 
/**
 * (churned + contraction) / MRR at start, in %.
 */
revenue_churn_pct: number | null, 
/**
 * (churned + contraction - expansion) / MRR at start, in %; negative is growth.
 */
net_revenue_churn_pct: number | null, 
/**
 * (MRR at start - contraction - churned) / MRR at start, in %; at most 100.
 */
grr_pct: number | null, 
/**
 * (MRR at start + expansion - contraction - churned) / MRR at start, in %.
 */
nrr_pct: number | null, 
/**
 * New logos in the period and their MRR at the end (not part of NRR).
 */
new_customers: number, new_mrr: number, };

export type QuarterRenewals = { 
/**
 * "2027 Q1".
 */
quarter: string, starts_on: string, accounts: number, 
/**
 * ARR renewing in the quarter.
 */
due: Money, 
/**
 * ARR of those renewals with health yellow or red.
 */
at_risk: Money, 
/**
 * ARR expected to renew: each account's ARR x (1 - churn risk); None
 * without a churn model, and for quarters ending beyond its horizon
 * (a 120-day risk says nothing of a renewal eleven months away).
 */
expected: Money | null, };

export type BandPoint = { day: string, green: number, yellow: number, red: number, };

export type PortfolioMetrics = { from: string, to: string, currency: string, 
/**
 * Every currency in the book, largest MRR at the end first.
 */
currencies: Array<string>, 
/**
 * Accounts left out because they pay in another currency.
 */
other_currency_accounts: number, retention: Retention, 
/**
 * The four quarters starting with the one `to` falls in.
 */
renewals: Array<QuarterRenewals>, 
/**
 * The churn model's horizon: quarters ending within it have an expected figure.
 */
forecast_horizon_days: number | null, 
/**
 * Health band counts per history day within the period.
 */
bands: Array<BandPoint>, 
/**
 * Contract start to the first-value milestone, for every account that
 * reached it.
 */
time_to_value: TimeToValue, };

export type TimeToValue = { accounts: number, median_days: number | null, buckets: Array<DaysBucket>, };

export type DaysBucket = { 
/**
 * Inclusive range of days; `to_days` None is open-ended.
 */
from_days: number, to_days: number | null, accounts: number, };

export type UsageMetric = "active_users" | "logins" | "feature_events" | "api_calls";

export type MilestonePlan = "planned" | "on_track" | "at_risk";

export type MilestoneStatus = "planned" | "on_track" | "at_risk" | "missed" | "achieved";

export type ObjectiveInput = { account_id: number, title: string, metric: string | null, usage_metric: UsageMetric | null, baseline: number | null, target: number | null, target_date: string | null, };

export type Objective = { id: number, title: string, metric: string | null, usage_metric: UsageMetric | null, baseline: number | null, target: number | null, target_date: string | null, 
/**
 * For a usage metric: its daily average over the last 7 days of data.
 */
current: number | null, 
/**
 * Share of the way from baseline to target, in % (may pass 100).
 */
progress_pct: number | null, };

export type MilestoneInput = { account_id: number, objective_id: number | null, title: string, target_date: string | null, first_value: boolean, };

export type Milestone = { id: number, objective_id: number | null, title: string, target_date: string | null, achieved_on: string | null, status: MilestoneStatus, evidence: string | null, first_value: boolean, for_qbr: boolean, };

export type Qbr = { id: number, scheduled_on: string, held_on: string | null, note: string | null, 
/**
 * The last deck file written for this QBR, and when (UTC).
 */
deck_file: string | null, deck_written_at: string | null, };

export type QbrPlan = { next: Qbr | null, last_held: Qbr | null, milestones_to_report: number, };

export type NewTask = { account_id: number | null, title: string, due_on: string | null, };

export type TaskOrigin = "check_in" | "playbook" | "checklist" | "manual";

export type ItemOwner = "csm" | "customer";

export type TemplateItem = { title: string, owner: ItemOwner, due_offset_days: number, 
/**
 * Completing the item achieves a milestone of the same name.
 */
milestone: boolean, 
/**
 * That milestone marks first value (time to value counts to it).
 */
first_value: boolean, };

export type TemplatePhase = { name: string, items: Array<TemplateItem>, };

export type Template = { id: number, name: string, version: number, phases: Array<TemplatePhase>, };

export type ChecklistItem = { id: number, title: string, owner: ItemOwner, due_on: string | null, done_on: string | null, note: string | null, overdue: boolean, milestone: boolean, };

export type PhaseProgress = { name: string, done: number, total: number, items: Array<ChecklistItem>, };

export type Checklist = { id: number, template_name: string, template_version: number, started_on: string, expectations: string | null, phases: Array<PhaseProgress>, done: number, total: number, 
/**
 * Done items / all items, in % (0-100).
 */
progress_pct: number, overdue: number, last_done_on: string | null, };

export type OnboardingRow = { account_id: number, account_name: string, started_on: string, days_since_start: number, done: number, total: number, progress_pct: number, overdue: number, last_done_on: string | null, 
/**
 * No item done for `stuck_days` (counting from the start when none is).
 */
stuck: boolean, };

export type ChurnReason = "product_fit" | "no_adoption" | "champion_left" | "budget" | "competitor" | "support" | "price" | "other";

export type Postmortem = { account_id: number, reason: ChurnReason, details: string | null, first_signals_on: string | null, lessons: string | null, };

export type ReasonTotal = { reason: ChurnReason, accounts: number, 
/**
 * ARR lost, per currency.
 */
arr: Array<Money>, };

export type ReasonSummary = { reasons: Array<ReasonTotal>, 
/**
 * Churned accounts without a post-mortem yet.
 */
without_postmortem: number, };

export type Changes = { 
/**
 * Accounts whose data changed (empty when `book` is set and many did).
 */
accounts: number[], 
/**
 * The whole book was reassessed (settings, an import, a new day).
 */
book: boolean, };

export type Cell = { n: number, mean: number, 
/**
 * Sample standard deviation; None with a single measurement.
 */
sd: number | null, };

export type Verdict = "better" | "worse" | "not_clear";

export type Proof = { target_before: Cell, target_after: Cell, control_before: Cell | null, control_after: Cell | null, higher_is_better: boolean, 
/**
 * Target's change minus control's (or the target's change alone).
 */
effect: number, 
/**
 * 90% interval of the effect; None when a group has one measurement.
 */
low: number | null, high: number | null, verdict: Verdict, measures: number, };

export type MeasuresReport = { kept: number, errors: Array<RowError>, };

export type ValueMeasures = { text: string, proof: Proof | null, };

export type SlideKind = "title" | "summary" | "objectives" | "milestones" | "value" | "usage" | "health" | "support" | "voice" | "renewal" | "risks" | "next_quarter";

export type Area = { x: number, y: number, w: number, h: number, };

export type Tone = "normal" | "muted" | "good" | "bad" | "accent" | "inverse";

export type Run = { text: string, bold: boolean, tone: Tone, };

export type Paragraph = { runs: Array<Run>, bullet: boolean, };

export type Text = { paragraphs: Array<Paragraph>, 
/**
 * Font size in points.
 */
size: number, };

export type Kpi = { label: string, value: string, note: string | null, tone: Tone, };

export type Table = { header: Array<string>, rows: Array<Array<string>>, 
/**
 * Per column: right-aligned figures.
 */
numeric: Array<boolean>, 
/**
 * Per column: its share of the table's width (they add up to 1).
 */
widths: Array<number>, 
/**
 * Row height in points (the header's too).
 */
row_height: number, };

export type ChartKind = "line" | "column";

export type Series = { name: string, 
/**
 * One per category; None is a gap, never a zero.
 */
values: Array<number | null>, tone: Tone, dashed: boolean, };

export type Chart = { kind: ChartKind, categories: Array<string>, series: Array<Series>, 
/**
 * Excel number format of the values axis, e.g. `#,##0`.
 */
number_format: string, y_min: number | null, y_max: number | null, };

export type Block = { "type": "text" } & Text | { "type": "kpi" } & Kpi | { "type": "table" } & Table | { "type": "chart" } & Chart | { "type": "logo" };

export type Placed = { area: Area, block: Block, };

export type Slide = { kind: SlideKind, title: string, items: Array<Placed>, };

export type Deck = { 
/**
 * "Acme · Quarterly business review", the file's title.
 */
title: string, 
/**
 * Who made it (the CSM), for the file's properties.
 */
author: string, slides: Array<Slide>, };

export type DeckChoices = { as_of: string | null, summary: string | null, slides: Array<SlideKind> | null, 
/**
 * Positions in the period's list of comments (newest first).
 */
quotes: Array<number> | null, };

export type Quote = { index: number, text: string, 
/**
 * "Dana Kim · NPS 9 · Nov 3".
 */
source: string, };

export type DeckView = { deck: Deck, as_of: string, 
/**
 * "Sep 2 – Dec 2, 2026".
 */
period: string, since_last_qbr: boolean, 
/**
 * The summary drafted from the book, to start from or go back to.
 */
draft_summary: string, 
/**
 * Slides the book has data for, in the usual order.
 */
available: Array<SlideKind>, quotes: Array<Quote>, 
/**
 * The choices kept with the planned QBR, if any.
 */
saved: DeckChoices | null, planned: Qbr | null, 
/**
 * How the deck looks: company, accent, logo (as a data URL).
 */
branding: Branding, };

export type DeckFormat = "pptx" | "markdown" | "pdf";

export type DeckFile = { path: string, bytes: number, slides: number, };

export type Written = { account_id: number, account: string, path: string, bytes: number, slides: number, };

export type Skipped = { account: string, reason: string, };

export type Report = { written: Array<Written>, skipped: Array<Skipped>, 
/**
 * Cancelled before every deck was written; those written stay.
 */
cancelled: boolean, };

export type Branding = { company: string | null, 
/**
 * Six hex digits.
 */
accent: string, 
/**
 * The logo as a data URL for previews.
 */
logo: string | null, };

export type Vendor = "hubspot" | "salesforce" | "stripe" | "zendesk" | "posthog";

export type Counts = { written: number, unchanged: number, rejected: number, 
/**
 * Deleted or archived at the vendor, and so removed or closed here.
 */
deleted: number, 
/**
 * Waiting in the review list: Steward would not guess their account.
 */
held: number, 
/**
 * Why records were rejected (the first ones).
 */
reasons: Array<string>, };

export type Traffic = { requests: number, retries: number, waited_ms: number, };

export type RunLine = { vendor: string, started_at: string, finished_at: string | null, outcome: string, written: number, unchanged: number, rejected: number, deleted: number, held: number, requests: number, waited_ms: number, error: string | null, offline: boolean, };

export type Waiting = { vendor: string, object: string, external_id: string, label: string, reason: string, 
/**
 * Accounts it could be: (id, name).
 */
candidates: Array<[number, string]>, seen_at: string, };

export type Delivery = { 
/**
 * Written to the CRM now.
 */
sent: number, 
/**
 * Found in the CRM from an earlier send whose answer was lost.
 */
found: number, 
/**
 * Refused by the CRM (the reason is on the entry).
 */
failed: number, 
/**
 * Sent before with no answer, too recently to look up.
 */
waiting: number, };

export type ConnectionView = { vendor: Vendor, title: string, connected: boolean, 
/**
 * The stored address, or the vendor's own when not connected.
 */
base_url: string | null, 
/**
 * Which secret it needs, in words.
 */
secret_help: string, secret_stored: boolean, paused: boolean, settings: Record<string, unknown>, 
/**
 * When the last run that completed finished (RFC 3339).
 */
last_success: string | null, 
/**
 * The last run's outcome: done, failed, cancelled, running.
 */
last_outcome: string | null, last_error: string | null, 
/**
 * The last run could not reach the vendor.
 */
offline: boolean, 
/**
 * Records waiting for the CSM's decision.
 */
waiting: number, 
/**
 * Check-ins not yet in this CRM (queued or unconfirmed), and refused.
 */
outbox_pending: number, outbox_failed: number, };

export type Probe = { 
/**
 * One sentence: what answered and what it holds.
 */
summary: string, 
/**
 * A few of the records a sync would bring, by name.
 */
sample: Array<string>, };

export type ConnectionInput = { vendor: Vendor, base_url: string, 
/**
 * The new secret; None keeps the stored one.
 */
secret: string | null, settings: Record<string, string>, };

export type RoundProgress = { vendor: Vendor, counts: Counts, traffic: Traffic, };

export type RoundEnd = { vendor: Vendor, 
/**
 * done, failed, cancelled or offline.
 */
outcome: string, 
/**
 * Why it did not complete, in words.
 */
error: string | null, counts: Counts, delivery: Delivery, };

export type OutboxEntry = { id: number, vendor: string, account_id: number, account_name: string, occurred_on: string, summary: string, 
/**
 * queued, sending, sent or failed.
 */
state: string, attempts: number, error: string | null, sent_at: string | null, remote_id: string | null, };

export type BackupFile = { path: string, bytes: number, 
/**
 * manual (taken by the CSM) or upgrade (left before a migration).
 */
kind: string, 
/**
 * When it was written (RFC 3339).
 */
written_at: string, };

export type Exported = { entity: Entity, path: string, rows: number, };
