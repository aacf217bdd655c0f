/** Command-line flags of `npm run bench` (see bench/README.md). */

export const SYSTEMS = ['auren-bun', 'ceiling', 'handwritten', 'auren-node'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export const ROWS = ['ingest', 'latency', 'fanout', 'slow', 'dashboards', 'archive', 'footprint', 'sustain'] as const;
export type RowName = (typeof ROWS)[number];

export interface BenchOptions {
  quick: boolean;
  only: RowName[];
  /** Systems to compare, in table order; Auren on Bun always runs (targets and ratios refer to it). */
  systems: SystemName[];
  /** Seconds each measured phase runs. */
  seconds: number;
  /** Seconds of unmeasured warm-up before each measured phase. */
  warmup: number;
  /**
   * Rounds of the ingest row: each round measures every system once, in turn, and the row reports
   * each system's median round by its ratio to the same round's baseline. Within ten minutes one
   * configuration measured 48k and 67k ev/s on the same machine; rounds taken in turn let a slow
   * minute fall on every system alike.
   */
  rounds: number;
  fanoutClients: number[];
  /** Offered fan-out load: input events/s × clients. */
  fanoutOffered: number;
  slowClients: number;
  backgroundRate: number;
  dashboardEvents: number;
  /** Rates (events/s) the sustained-ingest row holds, each for sustainSeconds. */
  sustainRates: number[];
  sustainSeconds: number;
  loader: 'wrk' | 'bun' | 'auto';
  out: string;
  /** Run Auren from source under `bun --cpu-prof` instead of the binary; profiles go to this dir. */
  cpuProf: string | undefined;
  keep: boolean;
  /** Write the table into bench/README.md (between its bench-table markers). */
  readme: boolean;
}

const HELP = `npm run bench -- [flags]

  --quick                 CI smoke sizes: short phases, few clients, 20k stored events
  --only ROWS             comma list of ${ROWS.join(', ')}
  --systems LIST          comma list of ${SYSTEMS.join(', ')} (default all; auren-bun always runs)
  --seconds N             length of each measured phase (default 10; quick 1.5)
  --warmup N              unmeasured warm-up before each phase (default 2; quick 0.5)
  --rounds N              ingest row: rounds of every system in turn, median round reported (default 3; quick 1)
  --clients A,B,C         fan-out client counts (default 100,1000,5000; quick 20)
  --offered N             offered fan-out load in deliveries/s (default 2000000)
  --slow-clients N        clients in the slow-consumer row, 10% of them never read (default 1000)
  --rate N                background load of the latency row in events/s (default 20000)
  --dashboard-events N    stored events for the dashboard row (default 10000000; quick 20000)
  --sustain-rates A,B     paced rates of the sustained-ingest row, events/s (default 40000,50000; quick 2000)
  --sustain-seconds N     how long each of them is held (default 60; quick 4)
  --loader wrk|bun|auto   HTTP load generator for the ingest row (default auto: wrk when installed)
  --out FILE              results file (default bench/results.json)
  --cpu-prof DIR          run Auren from source under bun --cpu-prof, write profiles to DIR
  --keep                  keep bench/.work/run-* data dirs
  --readme                write the table into bench/README.md
`;

function list(v: string): number[] {
  const xs = v.split(',').map(Number);
  if (xs.some((x) => !Number.isFinite(x) || x <= 0)) throw new Error(`"${v}" must be a comma list of positive numbers`);
  return xs;
}

function num(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const quick = argv.includes('--quick');
  const o: BenchOptions = {
    quick,
    only: [...ROWS],
    systems: [...SYSTEMS],
    seconds: quick ? 1.5 : 10,
    warmup: quick ? 0.5 : 2,
    rounds: quick ? 1 : 3,
    fanoutClients: quick ? [20] : [100, 1000, 5000],
    fanoutOffered: quick ? 200_000 : 2_000_000,
    slowClients: quick ? 20 : 1000,
    backgroundRate: quick ? 2000 : 20_000,
    dashboardEvents: quick ? 20_000 : 10_000_000,
    sustainRates: quick ? [2000] : [40_000, 50_000],
    sustainSeconds: quick ? 4 : 60,
    loader: 'auto',
    out: 'bench/results.json',
    cpuProf: undefined,
    keep: false,
    readme: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    switch (a) {
      case '--help': case '-h': return 'help';
      case '--quick': break;
      case '--keep': o.keep = true; break;
      case '--readme': o.readme = true; break;
      case '--only': {
        const names = (v ?? '').split(',').filter(Boolean);
        const bad = names.filter((n) => !ROWS.includes(n as RowName));
        if (!names.length || bad.length) throw new Error(`--only takes a comma list of ${ROWS.join(', ')}${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}`);
        o.only = names as RowName[];
        i++;
        break;
      }
      case '--systems': {
        const names = (v ?? '').split(',').filter(Boolean);
        const bad = names.filter((n) => !SYSTEMS.includes(n as SystemName));
        if (!names.length || bad.length) throw new Error(`--systems takes a comma list of ${SYSTEMS.join(', ')}${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}`);
        o.systems = SYSTEMS.filter((x) => x === 'auren-bun' || names.includes(x));
        i++;
        break;
      }
      case '--seconds': o.seconds = num(a, v); i++; break;
      case '--warmup': o.warmup = Number(v); i++; break;
      case '--rounds': o.rounds = Math.round(num(a, v)); i++; break;
      case '--clients': o.fanoutClients = list(v ?? ''); i++; break;
      case '--offered': o.fanoutOffered = num(a, v); i++; break;
      case '--slow-clients': o.slowClients = num(a, v); i++; break;
      case '--rate': o.backgroundRate = num(a, v); i++; break;
      case '--dashboard-events': o.dashboardEvents = Math.round(num(a, v)); i++; break;
      case '--sustain-rates': o.sustainRates = list(v ?? ''); i++; break;
      case '--sustain-seconds': o.sustainSeconds = num(a, v); i++; break;
      case '--loader':
        if (v !== 'wrk' && v !== 'bun' && v !== 'auto') throw new Error('--loader is wrk, bun or auto');
        o.loader = v; i++; break;
      case '--out': o.out = v ?? o.out; i++; break;
      case '--cpu-prof': o.cpuProf = v; i++; break;
      default: throw new Error(`unknown flag ${a}\n\n${HELP}`);
    }
  }
  return o;
}

export { HELP };
