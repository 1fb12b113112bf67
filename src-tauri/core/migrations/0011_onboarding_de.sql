-- Steward portfolio, schema 11: the onboarding template Steward ships, in
-- German too. A shipped template says which language it is written in; the
-- list offers the one in the language the app speaks, and a template the CSM
-- saved (a new version of a shipped one included) in every language.
ALTER TABLE checklist_templates ADD COLUMN shipped_lang TEXT CHECK (shipped_lang IN ('en', 'de'));

UPDATE checklist_templates SET shipped_lang = 'en'
 WHERE name = 'Standard onboarding' AND version = 1 AND created_at = '';

-- OR IGNORE: a template of the CSM's own that already has this name stays
-- theirs and is offered in both languages.
INSERT OR IGNORE INTO checklist_templates(name, version, phases, created_at, shipped_lang) VALUES ('Standard-Onboarding', 1, '[
 {"name": "Kick-off", "items": [
   {"title": "Kick-off-Termin gehalten", "owner": "csm", "due_offset_days": 7, "milestone": false, "first_value": false},
   {"title": "Erfolgskriterien und Erwartungen vereinbart", "owner": "customer", "due_offset_days": 10, "milestone": false, "first_value": false}]},
 {"name": "Technische Einrichtung", "items": [
   {"title": "Single Sign-on eingerichtet", "owner": "customer", "due_offset_days": 14, "milestone": false, "first_value": false},
   {"title": "Nutzer eingeladen", "owner": "customer", "due_offset_days": 21, "milestone": false, "first_value": false}]},
 {"name": "Erster Mehrwert", "items": [
   {"title": "Erstes Team arbeitet mit dem Produkt", "owner": "customer", "due_offset_days": 30, "milestone": true, "first_value": true}]},
 {"name": "Integrationen", "items": [
   {"title": "Zentrale Integration angebunden", "owner": "customer", "due_offset_days": 45, "milestone": false, "first_value": false}]},
 {"name": "Schulung", "items": [
   {"title": "Admin-Schulung gehalten", "owner": "csm", "due_offset_days": 40, "milestone": false, "first_value": false},
   {"title": "Anwenderschulung gehalten", "owner": "csm", "due_offset_days": 55, "milestone": false, "first_value": false}]},
 {"name": "Fortgeschrittene Nutzung", "items": [
   {"title": "Zweiter Anwendungsfall live", "owner": "customer", "due_offset_days": 90, "milestone": true, "first_value": false}]}
]', '', 'de');
