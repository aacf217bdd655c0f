/** The summary entry a storm window ends with: its last held event plus how many events it stands for. */
import { eventToJson, type StoredEvent } from '../core/event.js';

export interface HeldRun {
  /** Events held back in this window (the summary stands for all of them). */
  count: number;
  firstSeq: number;
  firstTs: number;
  last: StoredEvent;
}

/**
 * The last held event, unchanged (same seq, id and fields), with `repeat_count`, `first_seq`, `first_ts`
 * and `last_ts` appended to its wire JSON. A new object: the stored event itself is never touched.
 *
 * @example summaryOf({ count: 3, firstSeq: 8, firstTs, last }).wire // '{"seq":12,…,"repeat_count":3,"first_seq":8,…}'
 */
export function summaryOf(run: HeldRun): StoredEvent {
  const { last } = run;
  const json = eventToJson(last);
  const wire = `${json.slice(0, -1)},"repeat_count":${run.count},"first_seq":${run.firstSeq},"first_ts":"${new Date(run.firstTs).toISOString()}","last_ts":"${new Date(last.ts).toISOString()}"}`;
  return { ...last, wire };
}
