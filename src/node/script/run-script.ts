import { executionProtocol } from '../../../actors/execution/protocol.ts';
import { portfolioProtocol } from '../../../actors/portfolio/protocol.ts';
import { riskProtocol } from '../../../actors/risk/protocol.ts';
import type { InstrumentSpec } from '../../domain/instrument.ts';
import { type ActorStart, ActorSystem, siblingModule } from '../../index.ts';
import { parseLine } from './lines.ts';
import { setTapOutput } from './tap.ts';

/** 2026-01-01T00:00:00Z: where a script's simulated clock starts unless a `time` line says otherwise. */
export const SCRIPT_EPOCH = 1_767_225_600_000;

export interface ScriptSummary {
  lines: number;
  events: number;
  errors: number;
}

const inline = (module: URL, exportName: string, input?: unknown): ActorStart => ({
  actor: { module, export: exportName },
  placement: 'inline',
  persist: false,
  ...(input === undefined ? {} : { input }),
});

/** What a report says, flattened to one JSON line's fields. */
function describe(type: string, payload: unknown): Record<string, unknown> {
  if (type === 'orderEvent') {
    const { order, event } = payload as {
      order: { clientOrderId: string; status: string; filledQuantity: string; averageFillPrice?: string };
      event: { type: string; reason?: string; refused?: string };
    };
    return {
      clientOrderId: order.clientOrderId,
      event: event.type,
      status: order.status,
      filledQuantity: order.filledQuantity,
      ...(order.averageFillPrice ? { averageFillPrice: order.averageFillPrice } : {}),
      ...(event.reason ? { reason: event.reason } : {}),
      ...(event.refused ? { refused: event.refused } : {}),
    };
  }
  if (type === 'submit' || type === 'modify' || type === 'cancel' || type === 'queryOrder') {
    const request = payload as { order?: { clientOrderId: string; type: string }; clientOrderId?: string };
    return {
      clientOrderId: request.order?.clientOrderId ?? request.clientOrderId,
      ...(request.order === undefined ? {} : { orderType: request.order.type }),
    };
  }
  return payload as Record<string, unknown>;
}

/**
 * Feeds a JSONL script through risk, execution and portfolio, placed inline on a simulated clock, and writes every
 * resulting event as one JSON line. A malformed line is reported with its number and changes nothing.
 */
export async function runScript(text: string, write: (line: string) => void): Promise<ScriptSummary> {
  let now = SCRIPT_EPOCH;
  let lineNumber = 0;
  const summary: ScriptSummary = { lines: 0, events: 0, errors: 0 };
  setTapOutput((from, type, payload, at) => {
    summary.events += 1;
    write(
      JSON.stringify({
        line: lineNumber,
        t: at - SCRIPT_EPOCH,
        source: from,
        type,
        ...describe(type, payload),
      }),
    );
  });
  const actors = (name: string) => siblingModule(`../../../actors/${name}/worker`, import.meta.url);
  const system = await ActorSystem.start(
    {
      id: 'script',
      flags: { strategy: 'one_for_one', intensity: 0, periodMs: 1000 },
      children: [
        { id: 'tap', start: inline(siblingModule('./tap', import.meta.url), 'tapActor') },
        { id: 'portfolio', start: inline(actors('portfolio'), 'portfolioActor', { eventSinks: ['tap'] }) },
        {
          id: 'execution',
          start: inline(actors('execution'), 'executionActor', {
            orderEventSinks: ['tap'],
            portfolioId: 'portfolio',
            venueFallback: 'tap',
            notifyStrategies: false,
            // The script's clock moves only on time and advance lines: those run the in-flight check.
            inFlightCheckMs: 0,
          }),
        },
        { id: 'risk', start: inline(actors('risk'), 'riskActor', { eventSinks: ['tap'] }) },
      ],
    },
    { now: () => now },
  );
  const risk = system.ref('risk', riskProtocol);
  const execution = system.ref('execution', executionProtocol);
  const portfolio = system.ref('portfolio', portfolioProtocol);
  const writeDecision = (decision: object) =>
    write(
      JSON.stringify({
        line: lineNumber,
        t: now - SCRIPT_EPOCH,
        source: 'risk',
        type: 'decision',
        ...decision,
      }),
    );
  const settle = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  };
  try {
    for (const raw of text.split('\n')) {
      lineNumber += 1;
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      summary.lines += 1;
      const parsed = parseLine(trimmed);
      if ('error' in parsed) {
        summary.errors += 1;
        write(JSON.stringify({ line: lineNumber, error: parsed.error }));
        continue;
      }
      const value = parsed.value as never;
      switch (parsed.kind) {
        case 'time':
          now = parsed.value as number;
          execution.tell('checkInFlight', {});
          break;
        case 'advance':
          now += parsed.value as number;
          execution.tell('checkInFlight', {});
          break;
        case 'instrument': {
          const spec = { spec: value as InstrumentSpec };
          risk.tell('instrument', spec);
          execution.tell('instrument', spec);
          portfolio.tell('instrument', spec);
          break;
        }
        case 'deposit':
          portfolio.tell('deposit', value);
          break;
        case 'limits':
          risk.tell('setLimits', { limits: value });
          break;
        case 'tradingState':
          risk.tell('setTradingState', value);
          break;
        case 'price': {
          const { instrumentId, price } = parsed.value as { instrumentId: string; price: string };
          risk.tell('price', { instrumentId, price });
          portfolio.tell('mark', { instrumentId, price });
          execution.tell('marketPrice', value);
          break;
        }
        case 'dailyPnl':
          risk.tell('dailyPnl', value);
          break;
        case 'submit':
          writeDecision(await risk.ask('submit', { order: value }));
          break;
        case 'modify':
          writeDecision(await risk.ask('modify', value));
          break;
        case 'cancel':
          risk.tell('cancel', value);
          break;
        case 'venue':
          execution.tell('venueEvent', value);
          break;
      }
      await settle();
    }
  } finally {
    await system.stop();
  }
  return summary;
}
