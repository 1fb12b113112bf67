// Typed calls into the Rust commands. Every failure arrives as an
// ErrorPayload {code, message}; anything else is wrapped into one.
import { invoke, Channel } from '@tauri-apps/api/core';
import type {
  AccountPage,
  DemoSpec,
  DemoSummary,
  Entity,
  ErrorPayload,
  Lang,
  FieldInfo,
  ImportReport,
  ImportRequest,
  Inspection,
  NewCheckIn,
  PortfolioQuery,
  PortfolioStatus,
  PortfolioPage,
  Progress,
  Reporting,
  ReadOptions,
  SearchHit,
  TaskList,
  Today,
  Settings,
  SettingsVersion,
  SettingsPreview,
  ModelStatus,
  WeekChanges,
  MetricsQuery,
  Playbook,
  Template,
  TemplatePhase,
  OnboardingRow,
  MilestoneInput,
  ObjectiveInput,
  NewTask,
  MilestonePlan,
  Postmortem,
  ReasonSummary,
  PortfolioMetrics,
  DeckChoices,
  DeckView,
  DeckFormat,
  DeckFile,
  Report as DeckBatchReport,
  ValueMeasures,
  MeasuresReport,
  ConnectionView,
  ConnectionInput,
  Probe,
  RunLine,
  Waiting,
  OutboxEntry,
  RoundEnd,
  RoundProgress,
  Vendor,
  BackupFile,
  Exported,
} from './bindings';


export function isErrorPayload(e: unknown): e is ErrorPayload {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e;
}

export function toErrorPayload(e: unknown): ErrorPayload {
  if (isErrorPayload(e)) return e;
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toErrorPayload(e);
  }
}

function channel(onProgress: (p: Progress) => void): Channel<Progress> {
  const ch = new Channel<Progress>();
  ch.onmessage = onProgress;
  return ch;
}

export const api = {
  status: () => call<PortfolioStatus>('app_status'),
  ready: () => call<void>('app_ready'),
  setLanguage: (lang: Lang) => call<void>('set_language', { lang }),
  loadDemo: (spec: DemoSpec | null, onProgress: (p: Progress) => void) =>
    call<DemoSummary>('load_demo', { spec, onProgress: channel(onProgress) }),
  portfolio: (query: PortfolioQuery, offset: number, limit: number) =>
    call<PortfolioPage>('portfolio_page', { query, offset, limit }),
  account: (id: number, usageDays?: number) =>
    call<AccountPage>('account_page', { id, usageDays: usageDays ?? null }),
  logCheckIn: (input: NewCheckIn) => call<number>('log_check_in', { input }),
  tasks: () => call<TaskList>('tasks_open'),
  setTaskDone: (id: number, done: boolean) => call<void>('task_set_done', { id, done }),
  addTask: (task: NewTask) => call<number>('task_add', { task }),
  search: (text: string) => call<SearchHit[]>('search', { text }),
  importInspect: (path: string, entity: Entity, options: ReadOptions | null) =>
    call<Inspection>('import_inspect', { path, entity, options }),
  importFields: (entity: Entity) => call<FieldInfo[]>('import_fields', { entity }),
  importPreview: (request: ImportRequest) => call<ImportReport>('import_preview', { request }),
  importRun: (request: ImportRequest, job: number, onProgress: (p: Progress) => void) =>
    call<ImportReport>('import_run', { request, job, onProgress: channel(onProgress) }),
  importCancel: (job: number) => call<void>('import_cancel', { job }),
  today: (limit?: number) => call<Today>('today_list', { limit: limit ?? null }),
  snoozeAlerts: (ids: number[], until: string) => call<void>('alerts_snooze', { ids, until }),
  resolveAlerts: (ids: number[], note: string) => call<void>('alerts_resolve', { ids, note }),
  applyPlaybook: (alertId: number) => call<number>('playbook_apply', { alertId }),
  playbooks: () => call<Playbook[]>('playbooks_list'),
  savePlaybook: (playbook: Playbook) => call<void>('playbook_save', { playbook }),
  healthSettings: () => call<SettingsVersion>('health_settings'),
  healthSettingsVersions: () => call<SettingsVersion[]>('health_settings_versions'),
  previewSettings: (settings: Settings) => call<SettingsPreview>('health_settings_preview', { settings }),
  saveSettings: (settings: Settings, note: string | null) =>
    call<number>('health_settings_save', { settings, note }),
  rateSentiment: (accountId: number, rating: number, note: string) =>
    call<void>('sentiment_rate', { accountId, rating, note }),
  churnStatus: () => call<ModelStatus>('churn_status'),
  reporting: () => call<Reporting>('reporting_get'),
  setReportingCurrency: (currency: string) => call<void>('reporting_set_currency', { currency }),
  setRate: (currency: string, validFrom: string, rate: string) => call<void>('rate_set', { currency, validFrom, rate }),
  deleteRate: (currency: string, validFrom: string) => call<void>('rate_delete', { currency, validFrom }),
  setAccountField: (accountId: number, key: string, value: string) =>
    call<void>('account_field_set', { accountId, key, value }),
  releaseAccountField: (accountId: number, key: string) => call<void>('account_field_release', { accountId, key }),
  setContactLeft: (contactId: number, on: string | null) => call<number>('contact_set_left', { contactId, on }),
  retrainChurn: (onProgress: (p: Progress) => void) =>
    call<ModelStatus>('churn_retrain', { onProgress: channel(onProgress) }),
  weekChanges: () => call<WeekChanges>('week_changes'),
  metrics: (query: MetricsQuery) => call<PortfolioMetrics>('portfolio_metrics', { query }),
  checklistTemplates: () => call<Template[]>('checklist_templates'),
  saveTemplate: (name: string, phases: TemplatePhase[]) =>
    call<Template>('checklist_template_save', { name, phases }),
  applyChecklist: (accountId: number, templateId: number, expectations: string, start: string | null) =>
    call<number>('checklist_apply', { accountId, templateId, expectations, start }),
  setChecklistItem: (itemId: number, doneOn: string | null, note: string) =>
    call<void>('checklist_item_set', { itemId, doneOn, note }),
  onboardingBoard: () => call<OnboardingRow[]>('onboarding_board', { stuckDays: null }),
  addObjective: (objective: ObjectiveInput) => call<number>('objective_add', { objective }),
  addMilestone: (milestone: MilestoneInput) => call<number>('milestone_add', { milestone }),
  achieveMilestone: (id: number, on: string | null, evidence: string) =>
    call<void>('milestone_achieve', { id, on, evidence }),
  updateMilestone: (id: number, milestone: MilestoneInput) => call<void>('milestone_update', { id, milestone }),
  reopenMilestone: (id: number) => call<void>('milestone_reopen', { id }),
  deleteMilestone: (id: number) => call<void>('milestone_delete', { id }),
  updateObjective: (id: number, objective: ObjectiveInput) => call<void>('objective_update', { id, objective }),
  deleteObjective: (id: number) => call<void>('objective_delete', { id }),
  scheduleQbr: (accountId: number, on: string) => call<number>('qbr_schedule', { accountId, on }),
  holdQbr: (accountId: number, on: string | null, note: string) => call<number>('qbr_hold', { accountId, on, note }),
  cancelQbr: (accountId: number) => call<void>('qbr_cancel', { accountId }),
  setMilestonePlan: (id: number, plan: MilestonePlan) => call<void>('milestone_set_plan', { id, plan }),
  exportCalendar: (path: string, accountId: number | null) =>
    call<number>('calendar_export', { path, accountId }),
  savePostmortem: (postmortem: Postmortem) => call<void>('postmortem_save', { postmortem }),
  churnReasons: () => call<ReasonSummary>('churn_reasons'),
  qbrDeck: (accountId: number, choices: DeckChoices) => call<DeckView>('qbr_deck', { accountId, choices }),
  saveQbrDeck: (accountId: number, choices: DeckChoices) => call<void>('qbr_deck_save', { accountId, choices }),
  exportQbrDeck: (accountId: number, choices: DeckChoices, folder: string, format: DeckFormat) =>
    call<DeckFile>('qbr_deck_export', { accountId, choices, folder, format }),
  qbrFolder: () => call<string>('qbr_folder'),
  setBranding: (company: string, accent: string) => call<void>('qbr_branding_set', { company, accent }),
  setLogo: (path: string | null) => call<void>('qbr_logo_set', { path }),
  qbrBatch: (days: number, folder: string, job: number, onProgress: (p: Progress) => void) =>
    call<DeckBatchReport>('qbr_batch', { days, folder, job, onProgress: channel(onProgress) }),
  qbrBatchCancel: (job: number) => call<void>('qbr_batch_cancel', { job }),
  valueMeasures: (objectiveId: number) => call<ValueMeasures>('value_measures', { objectiveId }),
  exportBook: (folder: string) => call<Exported[]>('data_export', { folder }),
  backups: () => call<BackupFile[]>('backups_list'),
  backUp: () => call<BackupFile>('backup_take'),
  pruneBackups: () => call<[number, number]>('backups_prune'),
  restore: (path: string) => call<string>('backup_restore', { path }),
  syncOverview: () => call<ConnectionView[]>('sync_overview'),
  syncProbe: (input: ConnectionInput) => call<Probe>('sync_probe', { input }),
  syncSave: (input: ConnectionInput) => call<void>('sync_save', { input }),
  syncPause: (vendor: Vendor, paused: boolean) => call<void>('sync_pause', { vendor, paused }),
  syncDisconnect: (vendor: Vendor) => call<void>('sync_disconnect', { vendor }),
  syncLog: () => call<RunLine[]>('sync_log', { limit: 30 }),
  syncReview: () => call<Waiting[]>('sync_review'),
  syncDecide: (vendor: Vendor, externalId: string, account: number | null) =>
    call<void>('sync_decide', { vendor, externalId, account }),
  syncNow: (vendor: Vendor | null, job: number, onProgress: (p: RoundProgress) => void) => {
    const ch = new Channel<RoundProgress>();
    ch.onmessage = onProgress;
    return call<RoundEnd[]>('sync_now', { vendor, full: false, job, onProgress: ch });
  },
  syncCancel: (job: number) => call<void>('sync_cancel', { job }),
  outbox: () => call<OutboxEntry[]>('outbox_list'),
  outboxRetry: (id: number) => call<void>('outbox_retry', { id }),
  setValueMeasures: (objectiveId: number, text: string) =>
    call<MeasuresReport>('value_measures_set', { objectiveId, text }),
};
