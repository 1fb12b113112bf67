// Generated from the Rust types in src-tauri/core by `cargo test -p steward-core bindings`.
// Do not edit: change the Rust type and run the test with STEWARD_UPDATE_BINDINGS=1.

export type ErrorCode = "not_found" | "invalid_input" | "database_too_new" | "storage" | "io" | "cancelled" | "internal";

export type ErrorPayload = { code: ErrorCode, message: string, };

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

export type PortfolioSort = "name" | "tier" | "arr" | "renewal" | "stage" | "last_touch" | "trend";

export type PortfolioQuery = { 
/**
 * Case-insensitive substring of the name or domain.
 */
text: string, tiers: Array<Tier>, stages: Array<LifecycleStage>, 
/**
 * None shows active accounts only; churned ones are history.
 */
include_churned: boolean, sort: PortfolioSort, descending: boolean, };

export type PortfolioRow = { id: number, name: string, domain: string | null, tier: Tier, arr: Money, renewal_date: string | null, lifecycle_stage: LifecycleStage, status: AccountStatus, days_since_touch: number | null, 
/**
 * Weekly average active users, last 12 weeks, oldest first.
 */
usage_weekly: Array<number>, usage_trend_pct: number | null, };

export type Account = { id: number, name: string, domain: string | null, industry: string | null, employees: number | null, arr: Money, tier: Tier, lifecycle_stage: LifecycleStage, owner: string | null, contract_start: string | null, renewal_date: string | null, status: AccountStatus, churn_date: string | null, churn_reason: string | null, };

export type Contact = { id: number, name: string, email: string | null, title: string | null, role: ContactRole, is_primary: boolean, left_company: boolean, };

export type UsageSeries = { days: Array<string>, active_users: Array<number | null>, logins: Array<number | null>, feature_events: Array<number | null>, api_calls: Array<number | null>, licensed_seats: Array<number | null>, };

export type Invoice = { id: number, number: string | null, amount: Money, status: InvoiceStatus, issued_on: string, due_on: string | null, paid_on: string | null, 
/**
 * Open past its due date, or paid after it.
 */
late: boolean, };

export type Ticket = { id: number, subject: string, priority: TicketPriority, status: TicketStatus, opened_at: string, resolved_at: string | null, csat: number | null, };

export type SurveyResponse = { id: number, kind: SurveyKind, score: number, comment: string | null, responded_on: string, contact_name: string | null, };

export type Activity = { id: number, kind: ActivityKind, occurred_on: string, summary: string, sentiment: Sentiment | null, next_steps: string | null, contact_names: Array<string>, source: string, };

export type AccountPage = { account: Account, contacts: Array<Contact>, usage: UsageSeries, 
/**
 * NPS over the last 12 months of responses (-100..100), if any.
 */
nps: number | null, seats_used_pct: number | null, days_since_touch: number | null, invoices: Array<Invoice>, tickets: Array<Ticket>, surveys: Array<SurveyResponse>, activities: Array<Activity>, open_tasks: Array<Task>, 
/**
 * None for churned accounts.
 */
health: Health | null, };

export type Task = { id: number, account_id: number | null, account_name: string | null, title: string, due_on: string | null, done: boolean, };

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
excerpt: string, };

export type DemoSpec = { seed: number, accounts: number, 
/**
 * Years of daily usage history to generate.
 */
years: number, };

export type DemoSummary = { accounts: number, churned: number, contacts: number, usage_days: number, activities: number, invoices: number, tickets: number, surveys: number, };

export type FileFormat = "csv" | "ndjson";

export type ReadOptions = { format: FileFormat, 
/**
 * The CSV separator: ',', ';' or a tab.
 */
delimiter: string, 
/**
 * Numbers written as 1.234,56 (German and most European exports).
 */
decimal_comma: boolean, };

export type Entity = "accounts" | "contacts" | "usage" | "subscriptions" | "invoices" | "tickets" | "surveys" | "activities";

export type FieldInfo = { key: string, label: string, required: boolean, };

export type FileInfo = { path: string, size_bytes: number, options: ReadOptions, headers: Array<string>, 
/**
 * The first rows as read, for the preview table.
 */
sample: Array<Array<string>>, };

export type ColumnMapping = { field: string, 
/**
 * The file's header feeding this field, or None to leave it out.
 */
column: string | null, };

export type ImportRequest = { path: string, entity: Entity, options: ReadOptions, mapping: Array<ColumnMapping>, };

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

export type PortfolioStatus = { data_dir: string, accounts: number, today: string, open_error: ErrorPayload | null, };

export type Component = "adoption" | "support" | "voice" | "commercial" | "relationship";

export type Band = "green" | "yellow" | "red" | "unknown";

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

export type Health = { account_id: number, score: number, band: Band, components: Array<ComponentScore>, 
/**
 * Components left out for lack of data.
 */
missing: Array<Component>, 
/**
 * The input that costs the most points, with its numbers.
 */
biggest_drag: string | null, };
