/** The world the simulated crew lives in: models and their token habits, tools, goals, users, metrics. */

export interface ModelProfile {
  model: string;
  /** Range of total input tokens per call (cache tokens included, as OpenTelemetry counts them). */
  input: [number, number];
  output: [number, number];
  /** Chance that a call reuses a cached prompt prefix, and the share of input then read from cache. */
  cacheHit: number;
  cacheShare: [number, number];
  reasoning?: [number, number];
}

export const MODELS: Record<string, ModelProfile> = {
  'gpt-4o': { model: 'gpt-4o', input: [1200, 4200], output: [150, 700], cacheHit: 0.45, cacheShare: [0.3, 0.7] },
  'gpt-4o-mini': { model: 'gpt-4o-mini', input: [600, 2500], output: [60, 400], cacheHit: 0.55, cacheShare: [0.4, 0.8] },
  'claude-3-5-sonnet': { model: 'claude-3-5-sonnet-20241022', input: [3000, 12000], output: [200, 1200], cacheHit: 0.7, cacheShare: [0.5, 0.9] },
  'claude-3-5-haiku': { model: 'claude-3-5-haiku-20241022', input: [800, 3000], output: [80, 500], cacheHit: 0.5, cacheShare: [0.4, 0.85] },
  'o3-mini': { model: 'o3-mini', input: [1500, 5000], output: [200, 900], cacheHit: 0.3, cacheShare: [0.3, 0.6], reasoning: [400, 3000] },
  /** A private fine-tune with no public price: shows up as unpriced, never guessed. */
  'acme-coach-7b': { model: 'acme-coach-7b', input: [500, 1800], output: [80, 300], cacheHit: 0, cacheShare: [0, 0] },
};

/** Which model each role tends to use, by weight. */
export const ROLE_MODELS: Record<string, readonly (readonly [string, number])[]> = {
  planner: [['gpt-4o', 3], ['o3-mini', 1]],
  analyst: [['claude-3-5-sonnet', 4], ['gpt-4o-mini', 2]],
  researcher: [['gpt-4o-mini', 3], ['claude-3-5-haiku', 2]],
  critic: [['o3-mini', 2], ['gpt-4o', 1]],
  coach: [['claude-3-5-haiku', 3], ['gpt-4o', 2], ['acme-coach-7b', 1]],
  executor: [['gpt-4o-mini', 1]],
};

export const ROLES = ['planner', 'analyst', 'coach', 'researcher', 'critic', 'executor'] as const;
export type Role = (typeof ROLES)[number];

export const GOALS = [
  'plan a recovery week after a half marathon',
  'shift the sleep schedule for a week of night shifts',
  'build a strength routine around a sore left knee',
  'cut evening screen time without losing focus hours',
  'prepare for a 10k in six weeks',
  'lower resting heart rate over the next month',
  'fit three workouts into a travel week',
  'ease back into running after a cold',
] as const;

export const USERS = ['ada', 'grace', 'linus', 'margaret', 'alan', 'barbara', 'ken', 'radia'] as const;

export const TOOLS: readonly { tool: string; query: string; error: string }[] = [
  { tool: 'wearable.fetch', query: 'last 7 days of HRV and sleep', error: 'wearable API timed out after 10 s' },
  { tool: 'calendar.search', query: 'free slots this week', error: 'calendar token expired (401)' },
  { tool: 'web.search', query: 'evidence on deload weeks after endurance races', error: 'search quota exceeded (429)' },
  { tool: 'db.query', query: 'past plans and adherence for this user', error: 'database is locked' },
  { tool: 'nutrition.lookup', query: 'protein targets for recovery', error: 'upstream returned malformed JSON' },
];

export const MEMORY_TYPES = ['episodic', 'semantic', 'procedural', 'preference'] as const;

export const HYPOTHESES = [
  'late caffeine lowers next-day HRV',
  'two rest days restore resting heart rate after long runs',
  'morning workouts improve adherence on workdays',
  'short walks after meals reduce evening stress scores',
  'sleep before 23:00 raises the sleep score by 5+',
  'strength work on Mondays predicts a better week',
] as const;

export const ENTITIES = ['user', 'goal', 'workout', 'habit', 'metric', 'constraint', 'preference'] as const;
export const RELATIONS = ['affects', 'supports', 'conflicts_with', 'measured_by', 'prefers'] as const;

export interface MetricSpec {
  metric: string;
  unit: string;
  base: [number, number];
  /** Readings beyond this raise a biometric.alert. */
  alert?: { above?: number; below?: number };
}

export const METRICS: readonly MetricSpec[] = [
  { metric: 'heart_rate', unit: 'bpm', base: [56, 98], alert: { above: 110 } },
  { metric: 'hrv', unit: 'ms', base: [28, 85], alert: { below: 22 } },
  { metric: 'stress', unit: 'score', base: [15, 75], alert: { above: 90 } },
  { metric: 'sleep_score', unit: 'score', base: [55, 92] },
  { metric: 'spo2', unit: '%', base: [94, 99], alert: { below: 91 } },
];
