/**
 * A frame is encoded once and the same bytes go to every client of a filter group, for WebSocket
 * and (lazily) for SSE, which needs an `id:` line for Last-Event-ID.
 */
import { eventToJson, type StoredEvent, type Tier } from '../core/event.js';

const encoder = new TextEncoder();

/** The wire JSON of an event, built once per event however many frames carry it. */
export function wireJson(e: StoredEvent): string {
  return (e.wire ??= eventToJson(e));
}

export class Frame {
  private wsBytes?: Uint8Array;
  private sseBytes?: Uint8Array;

  constructor(
    readonly text: string,
    /** Number of events carried (0 for control frames). */
    readonly count: number,
    readonly tier: Tier | undefined,
    readonly minSeq: number,
    readonly maxSeq: number,
    /** Seq to put in an SSE `id:` line: a safe resume point (see Hub.safeResumeSeq). */
    readonly resumeSeq: number | undefined,
    readonly events?: readonly StoredEvent[],
  ) {}

  static events(tier: Tier, events: readonly StoredEvent[], resumeSeq?: number): Frame {
    // `resume` is the safe point to reconnect from with since= (see Hub.safeResumeSeq).
    let text = `{"type":"events","tier":"${tier}",${resumeSeq !== undefined ? `"resume":${resumeSeq},` : ''}"events":[`;
    for (let i = 0; i < events.length; i++) {
      if (i) text += ',';
      text += wireJson(events[i]);
    }
    text += ']}';
    return new Frame(text, events.length, tier, events[0].seq, events[events.length - 1].seq, resumeSeq, events);
  }

  static control(obj: Record<string, unknown>): Frame {
    return new Frame(JSON.stringify(obj), 0, undefined, 0, 0, undefined);
  }

  ws(): Uint8Array {
    return (this.wsBytes ??= encoder.encode(this.text));
  }

  sse(): Uint8Array {
    return (this.sseBytes ??= encoder.encode(`${this.resumeSeq !== undefined ? `id: ${this.resumeSeq}\n` : ''}data: ${this.text}\n\n`));
  }
}
