/**
 * Dashboard state tables (schema versions 10–19). Rollups are WITHOUT ROWID tables keyed so that a
 * dashboard query is one primary-key range scan over (project, hour …); detail tables (chains,
 * steps, hypotheses, readings) carry keep_until for per-tier retention.
 */
import { stateMigrations, storeMigrations, type Migration } from '../store/sqlite/migrations.js';

/**
 * Versions 10–14 go to both files: the state's own (state.db) and the store's, because stores from
 * before state.db had the state's tables and are brought up to version 14 before those tables move
 * out (state-file.ts). Later state migrations go to state.db only.
 */
function registerMigration(m: Migration): void {
  if (m.version > 14) throw new Error('state migrations after 14 belong to stateMigrations only');
  storeMigrations.register(m);
  stateMigrations.register(m);
}

const USAGE = `calls INTEGER NOT NULL, unpriced_calls INTEGER NOT NULL, input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL, cache_read_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL`;

registerMigration({
  version: 10,
  sql: `
    CREATE TABLE state_watermark (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
    INSERT INTO state_watermark (id, seq) VALUES (1, 0);
    CREATE TABLE state_projects (project TEXT PRIMARY KEY) WITHOUT ROWID;

    CREATE TABLE cost_hourly (project TEXT NOT NULL, hour INTEGER NOT NULL, agent_id TEXT NOT NULL, model TEXT NOT NULL,
      ${USAGE}, PRIMARY KEY (project, hour, agent_id, model)) WITHOUT ROWID;
    CREATE TABLE cost_session_hourly (project TEXT NOT NULL, session_id TEXT NOT NULL, hour INTEGER NOT NULL,
      agent_id TEXT NOT NULL, model TEXT NOT NULL, ${USAGE},
      PRIMARY KEY (project, session_id, hour, agent_id, model)) WITHOUT ROWID;
    CREATE INDEX cost_session_hourly_hour ON cost_session_hourly (hour);
    CREATE TABLE cost_sessions (project TEXT NOT NULL, session_id TEXT NOT NULL, first_ts INTEGER NOT NULL,
      last_ts INTEGER NOT NULL, calls INTEGER NOT NULL, cost_usd REAL NOT NULL, keep_until INTEGER NOT NULL,
      PRIMARY KEY (project, session_id)) WITHOUT ROWID;
    CREATE INDEX cost_sessions_cost ON cost_sessions (project, cost_usd);
    CREATE INDEX cost_sessions_keep ON cost_sessions (keep_until);
    CREATE TABLE handoff_hourly (project TEXT NOT NULL, hour INTEGER NOT NULL, from_agent TEXT NOT NULL,
      to_agent TEXT NOT NULL, model TEXT NOT NULL, handoffs INTEGER NOT NULL, calls INTEGER NOT NULL, cost_usd REAL NOT NULL,
      PRIMARY KEY (project, hour, from_agent, to_agent, model)) WITHOUT ROWID;

    CREATE TABLE chains (project TEXT NOT NULL, trace_id TEXT NOT NULL, session_id TEXT, first_ts INTEGER NOT NULL,
      last_ts INTEGER NOT NULL, events INTEGER NOT NULL, conf_sum REAL NOT NULL, conf_n INTEGER NOT NULL,
      handoffs INTEGER NOT NULL, errors INTEGER NOT NULL, cost_usd REAL NOT NULL, status TEXT NOT NULL, ended_ts INTEGER,
      last_type TEXT NOT NULL, last_agent TEXT, last_text TEXT, keep_until INTEGER NOT NULL,
      PRIMARY KEY (project, trace_id));
    CREATE INDEX chains_last ON chains (project, last_ts);
    CREATE INDEX chains_ended ON chains (project, ended_ts) WHERE ended_ts IS NOT NULL;
    CREATE INDEX chains_session ON chains (project, session_id, last_ts) WHERE session_id IS NOT NULL;
    CREATE INDEX chains_keep ON chains (keep_until);
    CREATE TABLE chain_agents (project TEXT NOT NULL, trace_id TEXT NOT NULL, agent_id TEXT NOT NULL, handed_from TEXT,
      handoffs_in INTEGER NOT NULL, steps INTEGER NOT NULL, conf_sum REAL NOT NULL, conf_n INTEGER NOT NULL,
      first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, cost_usd REAL NOT NULL, handoff_cost_usd REAL NOT NULL,
      PRIMARY KEY (project, trace_id, agent_id)) WITHOUT ROWID;
    CREATE INDEX chain_agents_agent ON chain_agents (project, agent_id, last_ts);
    CREATE TABLE chain_step_pages (project TEXT NOT NULL, trace_id TEXT NOT NULL, first_seq INTEGER NOT NULL,
      steps TEXT NOT NULL, PRIMARY KEY (project, trace_id, first_seq)) WITHOUT ROWID;
    CREATE TABLE chain_hourly (project TEXT NOT NULL, hour INTEGER NOT NULL, agent_id TEXT NOT NULL,
      chains INTEGER NOT NULL, completed INTEGER NOT NULL, failed INTEGER NOT NULL, steps INTEGER NOT NULL,
      conf_sum REAL NOT NULL, conf_n INTEGER NOT NULL, handoffs_out INTEGER NOT NULL, handoffs_in INTEGER NOT NULL,
      errors INTEGER NOT NULL, PRIMARY KEY (project, hour, agent_id)) WITHOUT ROWID;

    CREATE TABLE learning_hourly (project TEXT NOT NULL, hour INTEGER NOT NULL, agent_id TEXT NOT NULL, kind TEXT NOT NULL,
      subtype TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (project, hour, agent_id, kind, subtype)) WITHOUT ROWID;
    CREATE TABLE learning_totals (project TEXT NOT NULL, agent_id TEXT NOT NULL, kind TEXT NOT NULL, subtype TEXT NOT NULL,
      n INTEGER NOT NULL, PRIMARY KEY (project, agent_id, kind, subtype)) WITHOUT ROWID;
    CREATE TABLE hypotheses (project TEXT NOT NULL, hypothesis_id TEXT NOT NULL, agent_id TEXT NOT NULL, session_id TEXT,
      status TEXT NOT NULL, created_ts INTEGER NOT NULL, updated_ts INTEGER NOT NULL, status_ts INTEGER NOT NULL,
      updates INTEGER NOT NULL, progress REAL, confidence REAL, text TEXT, keep_until INTEGER NOT NULL,
      PRIMARY KEY (project, hypothesis_id));
    CREATE INDEX hypotheses_updated ON hypotheses (project, updated_ts);
    CREATE INDEX hypotheses_keep ON hypotheses (keep_until);

    CREATE TABLE agents (project TEXT NOT NULL, agent_id TEXT NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
      events INTEGER NOT NULL, keep_until INTEGER NOT NULL, PRIMARY KEY (project, agent_id)) WITHOUT ROWID;
    CREATE INDEX agents_keep ON agents (keep_until);
    CREATE TABLE biometrics (project TEXT NOT NULL, subject TEXT NOT NULL, subject_id TEXT NOT NULL, metric TEXT NOT NULL,
      value REAL NOT NULL, unit TEXT, ts INTEGER NOT NULL, readings INTEGER NOT NULL, keep_until INTEGER NOT NULL,
      PRIMARY KEY (project, subject, subject_id, metric)) WITHOUT ROWID;
    CREATE INDEX biometrics_keep ON biometrics (keep_until);
  `,
});

// Databases made by the first build of version 10 had one row per step (chain_steps).
registerMigration({
  version: 11,
  sql: `
    CREATE TABLE IF NOT EXISTS chain_step_pages (project TEXT NOT NULL, trace_id TEXT NOT NULL, first_seq INTEGER NOT NULL,
      steps TEXT NOT NULL, PRIMARY KEY (project, trace_id, first_seq)) WITHOUT ROWID;
    DROP TABLE IF EXISTS chain_steps;
  `,
});

// Version 12: time-local keys and no secondary index on columns that change each batch, so one
// applied batch dirties few pages (rowid tables for chains, their agents and step pages; session
// rollups keyed hour first). State is derived data: the tables are rebuilt from the log.
registerMigration({
  version: 12,
  sql: `
    DROP TABLE IF EXISTS cost_sessions;
    DROP TABLE IF EXISTS cost_session_hourly;
    DROP TABLE IF EXISTS handoff_hourly;
    DROP TABLE IF EXISTS chains;
    DROP TABLE IF EXISTS chain_agents;
    DROP TABLE IF EXISTS chain_step_pages;
    DELETE FROM cost_hourly; DELETE FROM chain_hourly; DELETE FROM learning_hourly; DELETE FROM learning_totals;
    DELETE FROM hypotheses; DELETE FROM agents; DELETE FROM biometrics; DELETE FROM state_projects;
    UPDATE state_watermark SET seq = 0;

    CREATE TABLE cost_session_hourly (project TEXT NOT NULL, hour INTEGER NOT NULL, session_id TEXT NOT NULL,
      agent_id TEXT NOT NULL, model TEXT NOT NULL, ${USAGE},
      PRIMARY KEY (project, hour, session_id, agent_id, model)) WITHOUT ROWID;
    CREATE INDEX cost_session_hourly_session ON cost_session_hourly (project, session_id, hour);
    CREATE TABLE handoff_hourly (project TEXT NOT NULL, hour INTEGER NOT NULL, from_agent TEXT NOT NULL,
      to_agent TEXT NOT NULL, handoffs INTEGER NOT NULL, calls INTEGER NOT NULL, cost_usd REAL NOT NULL,
      PRIMARY KEY (project, hour, from_agent, to_agent)) WITHOUT ROWID;

    CREATE TABLE chains (project TEXT NOT NULL, trace_id TEXT NOT NULL, session_id TEXT, first_ts INTEGER NOT NULL,
      last_ts INTEGER NOT NULL, events INTEGER NOT NULL, conf_sum REAL NOT NULL, conf_n INTEGER NOT NULL,
      handoffs INTEGER NOT NULL, errors INTEGER NOT NULL, cost_usd REAL NOT NULL, status TEXT NOT NULL, ended_ts INTEGER,
      last_type TEXT NOT NULL, last_agent TEXT, text_seq INTEGER, keep_until INTEGER NOT NULL,
      PRIMARY KEY (project, trace_id));
    CREATE INDEX chains_last ON chains (project, last_ts);
    CREATE INDEX chains_ended ON chains (project, ended_ts) WHERE ended_ts IS NOT NULL;
    CREATE INDEX chains_session ON chains (project, session_id) WHERE session_id IS NOT NULL;
    CREATE INDEX chains_keep ON chains (keep_until);
    CREATE TABLE chain_agents (project TEXT NOT NULL, trace_id TEXT NOT NULL, agent_id TEXT NOT NULL, handed_from TEXT,
      handoffs_in INTEGER NOT NULL, steps INTEGER NOT NULL, conf_sum REAL NOT NULL, conf_n INTEGER NOT NULL,
      first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, cost_usd REAL NOT NULL, handoff_cost_usd REAL NOT NULL,
      PRIMARY KEY (project, trace_id, agent_id));
    CREATE TABLE chain_step_pages (project TEXT NOT NULL, trace_id TEXT NOT NULL, first_seq INTEGER NOT NULL,
      steps TEXT NOT NULL, PRIMARY KEY (project, trace_id, first_seq));
  `,
});

// Version 13: narrower rollups for unfiltered views (per model, per agent, learning without the
// agent), filled from the finer ones so nothing is rebuilt from the log.
const SUM_COLS = 'calls, unpriced_calls, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_usd';
const SUM_TOTALS = SUM_COLS.split(', ').map((c) => `SUM(${c})`).join(', ');
registerMigration({
  version: 13,
  sql: `
    CREATE TABLE cost_model_hourly (project TEXT NOT NULL, hour INTEGER NOT NULL, model TEXT NOT NULL, ${USAGE},
      PRIMARY KEY (project, hour, model)) WITHOUT ROWID;
    CREATE TABLE cost_agent_hourly (project TEXT NOT NULL, hour INTEGER NOT NULL, agent_id TEXT NOT NULL, ${USAGE},
      PRIMARY KEY (project, hour, agent_id)) WITHOUT ROWID;
    CREATE TABLE learning_all_hourly (project TEXT NOT NULL, hour INTEGER NOT NULL, kind TEXT NOT NULL,
      subtype TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (project, hour, kind, subtype)) WITHOUT ROWID;
    INSERT INTO cost_model_hourly SELECT project, hour, model, ${SUM_TOTALS} FROM cost_hourly GROUP BY project, hour, model;
    INSERT INTO cost_agent_hourly SELECT project, hour, agent_id, ${SUM_TOTALS} FROM cost_hourly GROUP BY project, hour, agent_id;
    INSERT INTO learning_all_hourly SELECT project, hour, kind, subtype, SUM(n) FROM learning_hourly GROUP BY project, hour, kind, subtype;
  `,
});

// Version 14: each part of the state (cost, reasoning, learning, context) commits in its own short
// transaction with its own mark, so no single write holds the event loop for all of them. The old
// single watermark stays (as the lowest mark) for tools that read it; parts start from it.
registerMigration({
  version: 14,
  sql: `
    CREATE TABLE state_marks (part TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO state_marks (part, seq) SELECT p.part, w.seq FROM state_watermark w,
      (SELECT 'cost' AS part UNION ALL SELECT 'reasoning' UNION ALL SELECT 'learning' UNION ALL SELECT 'context') p;
  `,
});
